//! The S7comm (TPKT/COTP/S7comm/S7comm-plus) dissector, alone and behind the TCP stream
//! that feeds it: the first byte splits the input into segments (some retransmitted,
//! some with gaps), the rest is the stream's bytes. Every frame is formatted with
//! `Debug`, touching every field, and its operation code is named and classed.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::s7comm;

fn touch(t: &s7comm::Tpkt<'_>) {
    let op = s7comm::ops(t);
    let named = op.map(|o| {
        (
            s7comm::function_name(o.function),
            s7comm::function_class(o.function).name(),
        )
    });
    black_box(format!("{t:?} {op:?} {named:?}"));
    if let Some(s) = t.s7() {
        if let Some(z) = s.szl() {
            black_box((z.order_number(), z.component(s7comm::COMPONENT_SERIAL)));
        }
        if let Some(pi) = s.pi_service() {
            black_box(pi.blocks().count());
        }
    }
}

mod segments;
use segments::Pdu;

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    while let Ok(t) = s7comm::parse(b) {
        touch(&t);
        assert!(t.len() <= b.len() && t.len() >= 7 && !t.is_empty());
        b = &b[t.len()..];
    }
    // Every 16-bit code names and classes without panicking.
    if let [hi, lo, ..] = *data {
        let code = u16::from_be_bytes([hi, lo]);
        black_box((s7comm::function_name(code), s7comm::function_class(code)));
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match s7comm::parse(b) {
        Ok(t) => {
            touch(&t);
            Pdu::Len(t.len())
        }
        Err(s7comm::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
});
