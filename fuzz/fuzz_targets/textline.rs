//! Line splitting, words, case-insensitive matching, base64 and SASL PLAIN.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::textline;

fuzz_target!(|data: &[u8]| {
    let mut buf = [0u8; 64];
    let mut b = data;
    while let Some((l, n)) = textline::line(b) {
        assert!(n > 0 && n <= b.len());
        black_box((
            textline::word(l),
            textline::trim_start(l),
            textline::trim_end(l),
            textline::starts_ci(l, b"user"),
            textline::ends_ci(l, b"login:"),
        ));
        if let Some(k) = textline::base64(l, &mut buf) {
            assert!(k <= buf.len());
            black_box(textline::sasl_plain(&buf[..k]));
        }
        b = &b[n..];
    }
});
