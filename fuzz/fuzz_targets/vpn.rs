//! The VPN-like dissectors on one datagram: IKE (bare and after the NAT-T marker),
//! OpenVPN (bare and length-prefixed), WireGuard, L2TP with its AVPs, and PPTP control
//! messages laid end to end and behind the TCP stream driver.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::{ike, l2tp, openvpn, pptp, wireguard};

mod segments;
use segments::Pdu;

fn ike_msg(b: &[u8]) {
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
    ike_msg(data);
    if let Some(ike::NatT::Ike(m)) = ike::strip_marker(data) {
        ike_msg(m);
    }
    black_box(format!("{:?}", openvpn::parse(data)));
    if let Ok((p, len)) = openvpn::tcp_packet(data) {
        assert!(len <= data.len());
        black_box(format!("{:?}", openvpn::parse(p)));
    }
    black_box(wireguard::parse(data).map(|t| t.name()).ok());
    if let Ok(m) = l2tp::parse(data) {
        black_box((
            format!("{m:?}"),
            m.avps().count(),
            m.message_type().map(l2tp::message_name),
            m.avp(l2tp::Avp::HOST_NAME),
        ));
    }
    let mut b = data;
    while let Ok(m) = pptp::parse(b) {
        black_box((
            format!("{m:?}"),
            m.control_type().name(),
            m.host_name(),
            m.vendor(),
        ));
        b = &b[m.len()..];
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    segments::feed(split, rest, |b| match pptp::parse(b) {
        Ok(m) => Pdu::Len(m.len()),
        Err(pptp::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
});
