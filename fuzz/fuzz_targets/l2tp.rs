//! The L2TP header and AVP parser.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::l2tp;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = l2tp::parse(data) {
        black_box((
            format!("{m:?}"),
            m.avps().count(),
            m.message_type().map(l2tp::message_name),
            m.avp(l2tp::Avp::HOST_NAME),
        ));
    }
});
