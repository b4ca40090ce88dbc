//! The Sampled Values dissector on one ethertype payload (every ASDU read and
//! formatted with `Debug`), then the link-layer flow over frames split from the input.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::sv;

mod l2;

fuzz_target!(|data: &[u8]| {
    if let Ok(f) = sv::parse(data) {
        black_box(format!("{f:?} {}", sv::function_name(sv::op(&f).function)));
        assert!(f.asdus().count() <= sv::MAX_ASDUS);
    }
    l2::flow(ottr::flow::l2::L2App::Sv, data);
});
