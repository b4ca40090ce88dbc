//! The NTLMSSP reader, at the start of the input and found inside it.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::ntlmssp;

fuzz_target!(|data: &[u8]| {
    black_box(format!("{:?}", ntlmssp::parse(data)));
    if let Some(m) = ntlmssp::find(data) {
        black_box(format!("{m:?}"));
    }
    let mut s = String::new();
    ntlmssp::push_text(data, data.first().is_some_and(|b| b & 1 == 1), &mut s, 64);
    black_box(s);
});
