//! The RDP X.224 parser on consecutive PDUs.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::rdp;

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    while let Ok(p) = rdp::parse(b) {
        if let rdp::Kind::Request { cookie: Some(c), requested } = p.kind {
            black_box((rdp::cookie_user(c), requested.map(|r| rdp::protocols(r).to_string())));
        }
        black_box(format!("{p:?}"));
        assert!(p.len() <= b.len() && !p.is_empty());
        b = &b[p.len()..];
    }
});
