//! The Telnet option stripper, on the whole input and on the input split in two (a command cut between segments).
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::telnet;

fuzz_target!(|data: &[u8]| {
    let mut d = telnet::Decoder::default();
    black_box(d.data(data).count());
    let mut d = telnet::Decoder::default();
    let (a, b) = data.split_at(data.len() / 2);
    black_box((d.data(a).count(), d.data(b).count()));
});
