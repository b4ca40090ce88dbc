//! The TLS dissector: records, handshake messages (ClientHello with its JA3 and JA4,
//! ServerHello with JA3S, a Certificate's first certificate) on the raw bytes and on
//! every record's fragment; then behind the TCP stream driver, and through the flow
//! layer (records split across segments, handshake joined across records, both
//! directions) on 443 and on RDP's 3389 after a Connection Confirm. Every view is
//! formatted with `Debug`.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::tls;
use ottr::flow::app::{AppProto, AppState};
use ottr::flow::it::ItProto;

mod segments;
use segments::Pdu;

fn handshake(mut b: &[u8]) {
    while let Ok(m) = tls::handshake(b) {
        if let Some(c) = tls::client_hello(m.body) {
            let mut s = String::new();
            tls::ja3(&c, &mut s);
            tls::ja4(&c, false, &mut s);
            tls::ja4(&c, true, &mut s);
            black_box(format!("{c:?} {s} {}", tls::md5_hex(&s)));
        }
        if let Some(h) = tls::server_hello(m.body) {
            let mut s = String::new();
            tls::ja3s(&h, &mut s);
            black_box(format!("{h:?} {s}"));
        }
        if let Some(c) = tls::first_certificate(m.body).and_then(tls::certificate) {
            black_box(format!("{c:?} {} {}", c.subject, c.not_after));
        }
        assert!(m.len() <= b.len());
        b = &b[m.len()..];
    }
}

fn flow(proto: ItProto, port: u16, split: u8, rest: &[u8]) {
    let mut app = AppState::new(AppProto::It(proto), true, port);
    let mut seq = [1000u32, 5000];
    let step = (split as usize % 64) + 1;
    for (i, seg) in rest.chunks(step).enumerate() {
        let from_server = split >> (i % 8) & 1 == 1;
        let d = from_server as usize;
        app.segment(from_server, seq[d], seg, i as i64, (0, i as u64), 60);
        seq[d] = seq[d].wrapping_add(seg.len() as u32);
    }
    black_box(format!("{:?}", app.notes));
    assert!(app.frames <= rest.len() as u64);
}

fuzz_target!(|data: &[u8]| {
    handshake(data);
    black_box(tls::probe(data));
    let mut b = data;
    while let Ok(r) = tls::parse(b) {
        black_box(format!("{r:?}"));
        handshake(r.fragment());
        b = &b[r.len()..];
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match tls::parse(b) {
        Ok(r) => Pdu::Len(r.len()),
        Err(tls::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
    flow(ItProto::Tls, 443, split, rest);
    flow(ItProto::AnyDesk, 7070, split, rest);
    flow(ItProto::Winrm, 5986, split, rest);
});
