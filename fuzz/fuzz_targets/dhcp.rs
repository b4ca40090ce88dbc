//! The DHCP (BOOTP and options) and DHCPv6 parsers.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::dhcp;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = dhcp::parse(data) {
        black_box((
            m.options().count(),
            m.message_type().map(|t| t.name()),
            m.chaddr(),
        ));
        black_box((m.op(), m.xid(), m.yiaddr(), m.ciaddr(), m.giaddr()));
    }
    black_box(dhcp::addrs(data).count());
    if let Ok(m) = dhcp::parse_v6(data) {
        black_box((m.kind.name(), m.outer.from_server(), m.options().count()));
    }
    black_box(dhcp::v6_options(data).count());
});
