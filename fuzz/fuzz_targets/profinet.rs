//! The PROFINET RT/DCP dissector on one ethertype payload: frame class, APDU status,
//! DCP header, blocks and the identity accessors, formatted with `Debug`; then the
//! link-layer flow of the protocol the frame classifies as.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::profinet;
use ottr::flow::l2::{classify, L2App};

mod l2;

fuzz_target!(|data: &[u8]| {
    if let Ok(f) = profinet::parse(data) {
        black_box(format!("{f:?} {}", f.class().name()));
        if let Some(d) = f.dcp() {
            let op = profinet::dcp_op(&d);
            black_box((
                profinet::dcp_function_name(op.function),
                profinet::dcp_function_class(op.function),
                d.device_role().map(profinet::role_text),
            ));
            assert_eq!(op.request, Some(d.is_request()));
        } else {
            black_box(profinet::rt_function_name(profinet::rt_op(&f).function));
        }
        assert_eq!(
            f.apdu_status().is_some(),
            f.class().is_cyclic() && f.body().len() >= 4
        );
    }
    if let Some(app) = classify("profinet_rt", data) {
        assert!(app.is_profinet());
        l2::flow(app, data);
    }
    l2::flow(L2App::ProfinetDcp, data);
});
