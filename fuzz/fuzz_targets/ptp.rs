//! The PTPv2 message parser (Ethernet and UDP carry the same bytes).
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::ptp;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = ptp::parse(data) {
        let op = ptp::op(&m);
        black_box((
            format!("{m:?}"),
            ptp::function_name(op.function),
            ptp::function_class(op.function),
            m.domain(),
            m.announce(),
            m.sequence_id(),
            ptp::clock_text(&m.clock_identity()),
        ));
    }
});
