//! The link/network/tunnel decoder: the first byte picks a link type (all supported
//! ones and an unsupported one), the rest is the frame. The same bytes are also fed to
//! `decode_datagram` as a reassembled IP payload.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::capture::linktype;
use ottr::dissect::net::{self, Frag, IpInfo, Outcome};
use ottr::flow::FlowKey;

/// Supported link types, then one ottr does not decode (IEEE 802.11).
const LINKTYPES: [u16; 15] = [
    0, 1, 9, 12, 14, 50, 101, 104, 108, 113, 192, 228, 229, 276, 105,
];

fn check(p: &net::Packet<'_>) {
    black_box(format!("{p:?} {}", p.outcome.name()));
    black_box(p.outcome.index());
    if let Some(l2) = p.l2 {
        black_box(l2.id());
    }
    for (bit, name) in net::encap::NAMES {
        if p.encap & bit != 0 {
            black_box(name);
        }
    }
    if p.outcome == Outcome::Decoded {
        // The pipeline relies on these.
        let ip = p.ip.as_ref().expect("decoded packet has an IP header");
        let l4 =
            p.l4.as_ref()
                .expect("decoded packet has a transport header");
        let (key, from_lo) = FlowKey::new(ip, l4, p.vlan);
        black_box((key.hash(), from_lo, key.has_ports()));
    }
    if p.outcome == Outcome::IpFragment {
        let ip = p.ip.as_ref().expect("fragment has an IP header");
        ip.frag.expect("fragment has fragment info");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, frame)) = data.split_first() else {
        return;
    };
    let lt = LINKTYPES[sel as usize % LINKTYPES.len()];
    black_box(linktype::name(lt));
    let p = net::decode(lt, frame);
    check(&p);
    if lt == linktype::ETHERNET {
        assert_ne!(p.outcome, Outcome::UnsupportedLinktype);
    }

    // A reassembled datagram: flags, protocol, then the payload.
    if let Some((&[flags, proto], payload)) = frame.split_first_chunk::<2>() {
        let v6 = flags & 1 != 0;
        let mut src = [0u8; 16];
        let mut dst = [0u8; 16];
        if v6 {
            src[0] = 0xfe;
            src[15] = flags;
            dst[0] = 0xfe;
            dst[15] = proto;
        } else {
            src = net::ip::mapped([10, 0, 0, flags]);
            dst = net::ip::mapped([10, 0, 1, proto]);
        }
        let info = IpInfo {
            v6,
            src,
            dst,
            proto,
            ttl: sel,
            frag: (flags & 2 != 0).then_some(Frag {
                id: u32::from(sel),
                offset: u32::from(flags & 4) * 2,
                more: flags & 8 != 0,
            }),
            payload,
            cut: flags & 16 != 0,
        };
        check(&net::decode_datagram(info));
    }
});
