//! The SSDP (HTTP over UDP) message parser.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::ssdp;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = ssdp::parse(data) {
        black_box((m.header("server"), m.headers().count(), format!("{m:?}")));
    }
});
