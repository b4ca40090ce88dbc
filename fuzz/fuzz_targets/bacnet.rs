//! The BACnet/IP dissector on one UDP datagram: the strict and the lax parse, then the
//! NPDU, the APDU, its tags and service decoders, the operation with its name, class
//! and unit text; every view is formatted with `Debug`, touching every field. The same
//! bytes also go to `parse_npdu` and `parse_apdu` alone (BACnet without a BVLC).
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::bacnet::{self, Apdu, Bvlc, PduType, Tags};

/// Everything a consumer can ask of one APDU; checks the invariants that hold for any.
fn touch_apdu(a: &Apdu<'_>) {
    assert!(a.header_len() >= 1 && a.header_len() <= a.len() && !a.is_empty());
    assert_eq!(a.header_len() + a.data().len(), a.len());
    let op = bacnet::apdu_op(a);
    let t = a.pdu_type();
    match t.0 {
        0 | 2 | 3 | 5 => assert_eq!(Some(op.function), a.confirmed_service().map(|s| s.0 as u16)),
        1 => assert_eq!(
            op.function,
            0x100 | a.unconfirmed_service().unwrap().0 as u16
        ),
        _ => assert_eq!(op.function, 0x400 | t.0 as u16),
    }
    assert_eq!(op.exception, matches!(t.0, 5..=7));
    assert_eq!(a.invoke_id().is_none(), t.0 == 1 || t.0 > 7);
    if a.is_segmented() && a.sequence_number() != Some(0) {
        assert!(a.params().is_none() && a.object().is_none() && a.property_ref().is_none());
    }
    if let Some(i) = a.i_am() {
        assert!(i.device_instance <= bacnet::ObjectId::MAX_INSTANCE);
        assert_eq!(op.unit >> 32, 1);
    }
    if op.unit != 0 {
        assert_eq!(op.unit >> 32, 1);
        assert!(!bacnet::unit_text(op.unit).is_empty());
    }
    if let Some(p) = a.property_ref() {
        assert!(t == PduType::CONFIRMED_REQUEST || t == PduType::COMPLEX_ACK);
        black_box((p.object.to_string(), p.property.name()));
    }
    // Walk every tag, then skip from every opening tag: neither may loop or panic.
    let mut tags = Tags::new(a.data());
    let mut n = 0usize;
    while let Some(tag) = tags.next() {
        n += 1;
        if tag.class == bacnet::TagClass::Opening {
            black_box(tags.clone().skip_constructed());
        }
    }
    assert!(n <= a.data().len());
    assert!(tags.remaining().len() <= a.data().len());
    black_box(format!(
        "{a:?} {op:?} {} {} {}",
        bacnet::function_name(op.function),
        bacnet::function_class(op.function).name(),
        bacnet::unit_text(op.unit)
    ));
}

fn touch(m: &Bvlc<'_>, data: &[u8]) {
    assert!(m.len() >= bacnet::BVLC_HEADER_LEN && m.len() <= data.len() && !m.is_empty());
    let f = m.function();
    assert_eq!(m.npdu().is_some(), f.npdu_offset().is_some());
    let op = bacnet::op(m);
    match m.npdu() {
        None => {
            let op = op.expect("every BVLC message without an NPDU has an operation");
            assert_eq!(op.function, 0x200 | f.0 as u16);
            assert!(m.table().count() <= m.body().len() / bacnet::TABLE_ENTRY_LEN);
        }
        Some(n) => {
            assert!(n.header_len() >= bacnet::NPDU_MIN_LEN);
            assert_eq!(n.hop_count().is_some(), n.destination().is_some());
            if let Some(t) = n.message_type() {
                assert!(n.apdu().is_none());
                assert_eq!(op.map(|o| o.function), Some(0x300 | t.0 as u16));
                assert_eq!(n.vendor_id().is_some(), t.is_proprietary());
            } else if let Some(a) = n.apdu() {
                assert_eq!(op, Some(bacnet::apdu_op(&a)));
                touch_apdu(&a);
            } else {
                assert!(op.is_none());
            }
        }
    }
    if let Some(op) = op {
        black_box((
            bacnet::function_name(op.function),
            bacnet::function_class(op.function).name(),
            bacnet::unit_text(op.unit),
        ));
    }
    black_box(format!("{m:?}"));
}

fuzz_target!(|data: &[u8]| {
    let strict = bacnet::parse(data);
    if let Ok(m) = &strict {
        assert!(!m.is_cut());
        touch(m, data);
    }
    match bacnet::parse_lax(data) {
        Ok(m) => {
            // Lax accepts all that strict does, the same message.
            if let Ok(s) = &strict {
                assert_eq!((m.len(), m.is_cut()), (s.len(), false));
            }
            touch(&m, data);
        }
        // What lax rejects, strict rejects too (perhaps for another reason: strict
        // waits for the whole length, lax for the fixed fields).
        Err(_) => assert!(strict.is_err()),
    }
    if let Ok(n) = bacnet::parse_npdu(data) {
        black_box(format!("{n:?}"));
        if let Some(a) = n.apdu() {
            touch_apdu(&a);
        }
    }
    if let Some(a) = bacnet::parse_apdu(data) {
        touch_apdu(&a);
    }
});
