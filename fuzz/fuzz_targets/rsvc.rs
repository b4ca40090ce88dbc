//! The rexec/rlogin/rsh connection setup parser.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::rsvc;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = rsvc::parse(data) {
        assert!(s.len() <= data.len());
        black_box(format!("{s:?}"));
    }
});
