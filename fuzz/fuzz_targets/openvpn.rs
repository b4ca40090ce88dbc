//! The OpenVPN packet parser, over UDP and with the TCP length prefix.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::openvpn;

fuzz_target!(|data: &[u8]| {
    black_box(format!("{:?}", openvpn::parse(data)));
    if let Ok((p, len)) = openvpn::tcp_packet(data) {
        assert!(len <= data.len());
        black_box(format!("{:?}", openvpn::parse(p)));
    }
});
