//! The SSH dissector: identification lines, cleartext binary packets and KEXINIT
//! (HASSH) on the raw bytes, behind the TCP stream driver, and through the flow layer
//! (banners, key exchange, then the encrypted rest, both directions).
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::ssh;
use ottr::flow::app::{AppProto, AppState};
use ottr::flow::it::ItProto;

mod segments;
use segments::Pdu;

fuzz_target!(|data: &[u8]| {
    if let Ok(l) = ssh::line(data) {
        assert!(l.len() <= data.len());
        black_box(format!("{l:?}"));
    }
    black_box(ssh::starts_ident(data));
    if let Some(k) = ssh::kexinit(data) {
        black_box(format!("{k:?} {} {}", k.hassh(true), k.hassh(false)));
    }
    let mut b = data;
    while let Ok(p) = ssh::packet(b) {
        black_box(format!("{p:?}"));
        if let Some(k) = ssh::kexinit(p.payload) {
            black_box(k.hassh(true));
        }
        b = &b[p.len()..];
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match ssh::packet(b) {
        Ok(p) => Pdu::Len(p.len()),
        Err(ssh::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
    let mut app = AppState::new(AppProto::It(ItProto::Ssh), true, 22);
    let mut seq = [1000u32, 5000];
    let step = (split as usize % 64) + 1;
    for (i, seg) in rest.chunks(step).enumerate() {
        let from_server = split >> (i % 8) & 1 == 1;
        let d = from_server as usize;
        app.segment(from_server, seq[d], seg, i as i64, (0, i as u64), 60);
        seq[d] = seq[d].wrapping_add(seg.len() as u32);
    }
    black_box(format!("{:?} {:?}", app.notes, app.facts));
    assert!(app.frames <= rest.len() as u64);
});
