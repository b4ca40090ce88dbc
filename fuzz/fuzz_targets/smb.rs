//! The SMB dissectors: session packets laid end to end (SMB1 blocks and dialects,
//! SMB2 compounds), NTLMSSP found anywhere, and a NetBIOS datagram; then the
//! session packets behind the TCP stream driver. Every view is formatted with `Debug`.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::{ntlmssp, smb};

mod segments;
use segments::Pdu;

fn look(n: &smb::Nbss<'_>) {
    black_box(format!("{n:?}"));
    if let Some(smb::Message::Smb1(m)) = n.message() {
        for b in m.blocks() {
            black_box((
                b.dialects().count(),
                b.dialect_index(),
                m.string(b.bytes_at),
            ));
        }
    }
    for h in smb::smb2_chain(n.body()) {
        black_box((
            format!("{h:?}"),
            smb::dialect_name(h.dialect().unwrap_or(0)),
        ));
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    while let Ok(n) = smb::nbss(b) {
        assert!(n.len() <= b.len());
        look(&n);
        b = &b[n.len()..];
    }
    if let Some(m) = ntlmssp::find(data) {
        black_box(format!("{m:?}"));
    }
    if let Some(d) = smb::nbdgm(data) {
        black_box(format!("{d:?}"));
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match smb::nbss(b) {
        Ok(n) => {
            look(&n);
            Pdu::Len(n.len())
        }
        Err(smb::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
});
