//! The NTP packet parser.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::ntp;

fuzz_target!(|data: &[u8]| {
    if let Ok(n) = ntp::parse(data) {
        black_box((n.leap(), n.version(), n.mode().name(), n.reference()));
    }
});
