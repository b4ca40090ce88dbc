//! The X11 connection setup request and reply readers, both byte orders.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::x11;

fuzz_target!(|data: &[u8]| {
    black_box(format!(
        "{:?} {:?} {:?}",
        x11::setup_request(data),
        x11::setup_reply(data, false),
        x11::setup_reply(data, true)
    ));
});
