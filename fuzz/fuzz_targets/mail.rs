//! The IMAP command and string readers on every line of the input.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::{mail, textline};

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    while let Some((l, n)) = textline::line(b) {
        if let Some((_, _, args)) = mail::imap_command(l) {
            black_box(mail::astring(args).map(|(_, r)| mail::astring(r)));
        }
        b = &b[n..];
    }
});
