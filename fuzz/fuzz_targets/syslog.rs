//! The syslog parser (RFC 3164 and 5424 headers).
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::syslog;

fuzz_target!(|data: &[u8]| {
    black_box(format!("{:?}", syslog::parse(data)));
});
