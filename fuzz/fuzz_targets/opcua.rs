//! The OPC UA binary dissector, alone and behind the TCP stream that feeds it: the
//! first byte splits the input into segments (some retransmitted, some with gaps), the
//! rest is the stream's bytes. Every chunk is read as each kind of channel (plain,
//! unknown, encrypted; first chunk or continuation) and formatted with `Debug`,
//! touching every field of the chunk and of its body.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::opcua::{self, Chunk, Protection};

mod segments;
use segments::Pdu;

fn touch(c: &Chunk<'_>, b: &[u8]) {
    assert!(c.len() <= b.len() && c.len() >= opcua::HEADER_LEN && !c.is_empty());
    for p in [Protection::Plain, Protection::Unknown, Protection::Encrypted] {
        for continuation in [false, true] {
            let s = opcua::summarize(c, p, continuation);
            if let Some(op) = s.op {
                black_box((
                    opcua::function_name(op.function),
                    opcua::function_class(op.function).name(),
                ));
            }
            // A body is only read where the channel allows it.
            if p == Protection::Encrypted && c.message_type() != opcua::MessageType::OPEN {
                assert!(s.secured.is_none());
            }
            black_box(format!("{s:?}"));
        }
    }
    black_box(format!("{c:?}"));
}

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    while let Ok(c) = opcua::parse(b) {
        touch(&c, b);
        b = &b[c.len()..];
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match opcua::parse(b) {
        Ok(c) => {
            touch(&c, b);
            Pdu::Len(c.len())
        }
        Err(opcua::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
});
