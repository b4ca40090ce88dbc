//! The Modbus/TCP dissector, alone and behind the TCP stream that feeds it: the first
//! byte splits the input into segments (some retransmitted, some with gaps), the rest
//! is the stream's bytes. Every ADU is formatted with `Debug`, touching every field.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::modbus;

mod segments;
use segments::Pdu;

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    while let Ok(adu) = modbus::parse(b) {
        black_box(format!(
            "{adu:?} {} {}",
            adu.function().name(),
            adu.function().class().name()
        ));
        assert!(adu.len() <= b.len() && !adu.is_empty());
        b = &b[adu.len()..];
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match modbus::parse(b) {
        Ok(adu) => {
            black_box(format!("{adu:?}"));
            Pdu::Len(adu.len())
        }
        Err(modbus::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
});
