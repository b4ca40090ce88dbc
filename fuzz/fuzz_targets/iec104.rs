//! The IEC 60870-5-104 dissector, alone and behind the TCP stream that feeds it: the
//! first byte splits the input into segments (some retransmitted, some with gaps), the
//! rest is the stream's bytes. Every APDU is formatted with `Debug` (which walks every
//! ASDU's objects), and its operation, name and class are looked up.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::iec104::{self, Apdu, Control};

/// Everything a consumer can ask of one APDU; checks the invariants that hold for any.
fn touch(a: &Apdu<'_>, b: &[u8]) {
    assert!(a.len() <= b.len() && a.len() >= iec104::APCI_LEN && !a.is_empty());
    let op = iec104::op(a).expect("every parsed APDU has an operation");
    black_box(format!(
        "{a:?} {op:?} {} {}",
        iec104::function_name(op.function),
        iec104::function_class(op.function).name()
    ));
    match a.control() {
        Control::I { .. } => {
            let asdu = a.asdu().expect("I frames carry an ASDU");
            let t = asdu.type_id();
            assert_eq!(op.function, t.0 as u16);
            assert!(asdu.objects().count() <= asdu.count() as usize);
            if !t.is_supported() {
                assert_eq!(asdu.objects().count(), 0);
            }
            for o in asdu.objects() {
                assert!(o.ioa() < 0x0100_0000 + 128);
                if let Some(n) = t.element_len() {
                    assert_eq!(o.element().len(), n);
                }
                black_box((o.command(), t.mnemonic(), asdu.cause().name()));
            }
        }
        Control::S { .. } | Control::U(_) => {
            assert!(a.asdu().is_none() && a.len() == iec104::APCI_LEN);
            assert!(op.function > 0xff);
        }
    }
}

mod segments;
use segments::Pdu;

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    while let Ok(a) = iec104::parse(b) {
        touch(&a, b);
        b = &b[a.len()..];
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match iec104::parse(b) {
        Ok(a) => {
            touch(&a, b);
            Pdu::Len(a.len())
        }
        Err(iec104::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
});
