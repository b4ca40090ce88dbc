//! The IKE/ISAKMP parser, bare and after the NAT-T non-ESP marker.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::ike;

fn message(b: &[u8]) {
    if let Ok(m) = ike::parse(b) {
        assert!(m.len() <= b.len());
        black_box((
            format!("{m:?}"),
            m.vendor_ids().count(),
            ike::exchange_name(m.version(), m.exchange()),
        ));
    }
}

fuzz_target!(|data: &[u8]| {
    message(data);
    if let Some(ike::NatT::Ike(m)) = ike::strip_marker(data) {
        message(m);
    }
});
