//! The RFB handshake readers (version, security types, result, server init).
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::vnc;

fuzz_target!(|data: &[u8]| {
    black_box(format!(
        "{:?} {:?} {:?} {:?} {:?}",
        vnc::version(data),
        vnc::security(data, true),
        vnc::security(data, false),
        vnc::security_result(data, true),
        vnc::server_init(data)
    ));
});
