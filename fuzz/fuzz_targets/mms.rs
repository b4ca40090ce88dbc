//! The MMS dissector (session, presentation, ACSE, MMS over TPKT/COTP): alone on the
//! raw bytes, on the user data of every COTP DT of the input's TPKT frames, behind the
//! TCP stream driver the stream targets share, and through the flow layer's per-flow
//! state (an S7-port flow that switches to MMS, joins COTP DT segments and pairs
//! confirmed requests with their answers). Every TSDU is formatted with `Debug`,
//! touching every field, and its operation code is named and classed.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::{mms, s7comm};
use ottr::flow::app::{AppProto, AppState};

fn touch(t: &mms::Tsdu<'_>) {
    let op = mms::op(t);
    let named = op.map(|o| {
        (
            mms::function_name(o.function),
            mms::function_class(o.function).name(),
        )
    });
    black_box(format!("{t:?} {op:?} {named:?}"));
    if let Some(m) = t.mms() {
        black_box((m.variable().map(|v| v.text()), m.len()));
    }
    if let Some(p) = t.presentation() {
        black_box(p.pdvs().map(|p| format!("{p:?}")).count());
    }
}

/// Reads the DT user data of a TPKT frame as a TSDU.
fn tpkt(t: &s7comm::Tpkt<'_>) {
    if t.cotp().pdu_type() == s7comm::PduType::DT {
        if let Ok(s) = mms::parse(t.cotp().data()) {
            touch(&s);
        }
    }
}

mod segments;
use segments::Pdu;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = mms::parse(data) {
        touch(&s);
    }
    black_box(mms::probe(data));
    let mut b = data;
    while let Ok(t) = s7comm::parse(b) {
        tpkt(&t);
        b = &b[t.len()..];
    }
    if let [hi, lo, ..] = *data {
        let code = u16::from_be_bytes([hi, lo]);
        black_box((mms::function_name(code), mms::function_class(code)));
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match s7comm::parse(b) {
        Ok(t) => {
            tpkt(&t);
            Pdu::Len(t.len())
        }
        Err(s7comm::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
    // The flow layer: segments of the split size, the direction from the split
    // byte's bits, so both directions join TSDUs and answer requests.
    let mut app = AppState::new(AppProto::S7comm, true, 102);
    let mut seq = [1000u32, 5000];
    let step = (split as usize % 64) + 1;
    for (i, seg) in rest.chunks(step).enumerate() {
        let from_server = split >> (i % 8) & 1 == 1;
        let d = from_server as usize;
        app.segment(from_server, seq[d], seg, i as i64, (0, i as u64), 60);
        seq[d] = seq[d].wrapping_add(seg.len() as u32);
    }
    black_box(format!("{:?} {:?}", app.ops, app.facts));
    assert!(app.frames <= rest.len() as u64);
});
