//! The flow glue of the small discovery and time protocols (SSDP, NTP, DHCP and
//! DHCPv6, PTP over UDP) on the input as one datagram and on datagrams split from it
//! (the first byte sets the size). Each dissector alone has its own target.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::flow::app::AppProto;
use ottr::flow::it::{self, ItProto};
use ottr::flow::FlowKey;

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let step = (split as usize % 128) + 1;
    for (p, port) in [
        (ItProto::Ssdp, 1900),
        (ItProto::Ntp, 123),
        (ItProto::Dhcp, 67),
        (ItProto::Dhcpv6, 547),
        (ItProto::Ptp, 319),
    ] {
        let key = FlowKey {
            lo: [0; 16],
            hi: [1; 16],
            lo_port: port,
            hi_port: 50000,
            proto: 17,
            v6: true,
            vlan: 0,
        };
        let mut app = it::app_state(AppProto::It(p), &key, true, port);
        app.datagram(split & 1 == 1, rest, 0, (0, 0), 60);
        for (i, d) in rest.chunks(step).enumerate() {
            app.datagram(split >> (i % 8) & 1 == 1, d, i as i64, (0, i as u64), 60);
        }
        black_box(format!("{:?}", app.notes.list));
    }
});
