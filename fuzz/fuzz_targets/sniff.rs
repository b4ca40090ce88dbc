//! Content detection over the first payload of a flow no port claims (TCP and UDP).
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::flow::sniff;

fuzz_target!(|data: &[u8]| {
    black_box((sniff::sniff(6, data), sniff::sniff(17, data)));
});
