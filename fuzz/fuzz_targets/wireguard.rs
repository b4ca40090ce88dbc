//! The WireGuard message type check.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::wireguard;

fuzz_target!(|data: &[u8]| {
    black_box(wireguard::parse(data).map(|t| t.name()).ok());
});
