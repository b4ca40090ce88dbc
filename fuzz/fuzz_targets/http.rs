//! The HTTP head parser, alone and behind the TCP stream that feeds it (the first byte
//! splits the input into segments): every head is formatted with `Debug`, its fields
//! and body delimitation touched.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::http;

mod segments;
use segments::Pdu;

fn touch(h: &http::Head<'_>) {
    black_box(format!(
        "{h:?} {:?} {:?} {:?}",
        h.body(false),
        h.body(true),
        h.field(b"host")
    ));
    black_box(h.fields().count());
}

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    while let Ok(h) = http::parse(b) {
        touch(&h);
        assert!(h.len() <= b.len() && h.len() > 0);
        b = &b[h.len()..];
    }
    for l in data.split(|&c| c == b'\n') {
        black_box(http::chunk_size(l));
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match http::parse(b) {
        Ok(h) => {
            touch(&h);
            Pdu::Len(h.len())
        }
        Err(http::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
});
