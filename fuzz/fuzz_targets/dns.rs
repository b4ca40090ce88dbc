//! The DNS dissector (shared by mDNS, LLMNR and NBNS): alone on the input as a datagram
//! and as TCP length-prefixed messages, behind the TCP stream driver the stream targets
//! share, and through the flow glue of DNS over UDP and TCP, mDNS, LLMNR and NBNS
//! (notes, host names). Every message is formatted with `Debug`, which reads every
//! question and record and writes every name, following compression pointers.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::dns;
use ottr::flow::app::AppProto;
use ottr::flow::it::{self, ItProto};
use ottr::flow::FlowKey;

mod segments;
use segments::Pdu;

fn touch(m: &dns::Message<'_>) {
    black_box(format!("{m:?}"));
    let mut qs = m.questions();
    for q in qs.by_ref() {
        black_box((q.qtype.name(), q.class()));
    }
    if let Some(n) = qs.broken() {
        let mut v = Vec::new();
        black_box(n.write(&mut v, true));
        assert!(v.len() <= 2 * dns::MAX_NAME_LEN);
    }
    for r in m.records() {
        black_box((r.rtype.name(), r.class(), r.rdata_offset()));
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = dns::parse(data) {
        touch(&m);
    }
    let mut b = data;
    while let Ok((m, used)) = dns::parse_tcp(b) {
        touch(&m);
        b = &b[used..];
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match dns::parse_tcp(b) {
        Ok((m, len)) => {
            touch(&m);
            Pdu::Len(len)
        }
        Err(dns::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
    // The flow glue: the server (lo) is 10.0.0.5, the address the seeds' mDNS answers
    // give, so host names are found too.
    let mut lo = [0u8; 16];
    lo[10..].copy_from_slice(&[0xff, 0xff, 10, 0, 0, 5]);
    let mut hi = lo;
    hi[15] = 9;
    let step = (split as usize % 64) + 1;
    for (p, port, tcp) in [
        (ItProto::Dns, 53, false),
        (ItProto::Dns, 53, true),
        (ItProto::Mdns, 5353, false),
        (ItProto::Llmnr, 5355, false),
        (ItProto::Nbns, 137, false),
    ] {
        let key = FlowKey {
            lo,
            hi,
            lo_port: port,
            hi_port: 50000,
            proto: if tcp { 6 } else { 17 },
            v6: false,
            vlan: 0,
        };
        let mut app = it::app_state(AppProto::It(p), &key, true, port);
        if tcp {
            let mut seq = [1000u32, 5000];
            for (i, seg) in rest.chunks(step).enumerate() {
                let from_server = split >> (i % 8) & 1 == 1;
                let d = from_server as usize;
                app.segment(from_server, seq[d], seg, i as i64, (0, i as u64), 60);
                seq[d] = seq[d].wrapping_add(seg.len() as u32);
            }
        } else {
            app.datagram(split & 1 == 1, rest, 0, (0, 1), 60);
            app.datagram(split & 2 == 2, data, 1, (0, 2), 60);
        }
        black_box(format!("{:?}", app.notes.list));
        assert!(app.frames <= rest.len() as u64 + 2);
    }
});
