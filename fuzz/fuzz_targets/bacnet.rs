//! Placeholder fuzz target for the bacnet dissector (being written).
#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| {
    std::hint::black_box(data);
});
