//! The two BER protocols of Windows domains: a Kerberos message bare (UDP) and
//! behind its TCP record mark, LDAP messages laid end to end, and both behind the TCP
//! stream driver. Every view is formatted with `Debug`.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::{kerberos, ldap};

mod segments;
use segments::Pdu;

fn krb(b: &[u8]) -> Pdu {
    let (msg, len) = match kerberos::tcp_record(b) {
        Ok(r) => r,
        Err(kerberos::Error::Short { .. }) => return Pdu::Short,
        Err(_) => return Pdu::NotMine,
    };
    match kerberos::parse(msg) {
        Ok(k) => {
            black_box(format!("{k:?}"));
            Pdu::Len(len)
        }
        Err(_) => Pdu::NotMine,
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(k) = kerberos::parse(data) {
        assert!(k.len() <= data.len());
        black_box(format!(
            "{k:?} {}",
            kerberos::error_name(k.error_code().unwrap_or(0))
        ));
    }
    black_box(matches!(krb(data), Pdu::Len(_)));
    let mut b = data;
    while let Ok(m) = ldap::parse(b) {
        assert!(m.len() <= b.len() && m.len() > 0);
        black_box(format!("{m:?}"));
        b = &b[m.len()..];
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    if split & 0x80 != 0 {
        segments::feed(split, rest, krb);
    } else {
        segments::feed(split, rest, |b| match ldap::parse(b) {
            Ok(m) => {
                black_box(format!("{m:?}"));
                Pdu::Len(m.len())
            }
            Err(ldap::Error::Short { .. }) => Pdu::Short,
            Err(_) => Pdu::NotMine,
        });
    }
});
