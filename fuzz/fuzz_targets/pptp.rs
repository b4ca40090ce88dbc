//! The PPTP control message parser, on consecutive messages and behind the TCP stream
//! driver (segments, retransmissions, gaps).
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::pptp;

mod segments;
use segments::Pdu;

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    while let Ok(m) = pptp::parse(b) {
        black_box((
            format!("{m:?}"),
            m.control_type().name(),
            m.host_name(),
            m.vendor(),
        ));
        b = &b[m.len()..];
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match pptp::parse(b) {
        Ok(m) => Pdu::Len(m.len()),
        Err(pptp::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
});
