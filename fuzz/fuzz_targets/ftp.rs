//! The FTP (and POP3/SMTP) line parser on every line of the input, as the glue splits lines; each line formatted with `Debug`.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::{ftp, textline};

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    while let Some((l, n)) = textline::line(b) {
        assert!(n > 0 && n <= b.len());
        let f = ftp::parse(l);
        if let ftp::Line::Command { verb, .. } = f {
            let (v, k) = ftp::upper(verb);
            black_box(ftp::names_file(&v[..k]));
        }
        black_box(format!("{f:?}"));
        b = &b[n..];
    }
});
