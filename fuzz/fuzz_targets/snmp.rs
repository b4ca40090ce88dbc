//! The SNMP message parser on one datagram: every message is formatted with `Debug`
//! and its variable bindings walked.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::snmp;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = snmp::parse(data) {
        assert!(m.len() <= data.len());
        black_box(format!("{m:?} {:?}", m.level.map(|l| l.name())));
        if let Some(p) = m.pdu {
            black_box((p.kind.name(), p.kind.class().name(), p.kind.is_response()));
            for (oid, v) in p.varbinds() {
                black_box(format!("{oid} {v:?}"));
            }
        }
    }
});
