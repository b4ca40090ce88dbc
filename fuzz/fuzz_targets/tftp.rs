//! The TFTP packet parser.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::tftp;

fuzz_target!(|data: &[u8]| {
    black_box(format!("{:?}", tftp::parse(data)));
});
