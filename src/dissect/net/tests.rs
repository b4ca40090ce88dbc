use super::*;
use crate::capture::linktype;

fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![
        0x00, 0x1b, 0x1b, 0x01, 0x02, 0x03, 0x00, 0x0e, 0x8c, 0x04, 0x05, 0x06,
    ];
    f.extend(ethertype.to_be_bytes());
    f.extend(payload);
    f
}

fn ipv4(proto: u8, src: [u8; 4], dst: [u8; 4], payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut h = vec![0x45, 0, 0, 0, 0x12, 0x34, 0, 0, 64, proto, 0, 0];
    h[2..4].copy_from_slice(&total.to_be_bytes());
    h.extend(src);
    h.extend(dst);
    h.extend(payload);
    h
}

fn tcp(sport: u16, dport: u16, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend(sport.to_be_bytes());
    t.extend(dport.to_be_bytes());
    t.extend(1000u32.to_be_bytes());
    t.extend(0u32.to_be_bytes());
    t.extend([0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    t.extend(payload);
    t
}

fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = Vec::new();
    u.extend(sport.to_be_bytes());
    u.extend(dport.to_be_bytes());
    u.extend(((8 + payload.len()) as u16).to_be_bytes());
    u.extend([0, 0]);
    u.extend(payload);
    u
}

const A: [u8; 4] = [10, 0, 0, 1];
const B: [u8; 4] = [10, 0, 0, 2];

#[test]
fn ethernet_ipv4_tcp() {
    let f = eth(
        0x0800,
        &ipv4(
            6,
            A,
            B,
            &tcp(40000, 502, 0x18, &[0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1]),
        ),
    );
    let p = decode(linktype::ETHERNET, &f);
    assert_eq!(p.outcome, Outcome::Decoded);
    let ip = p.ip.unwrap();
    assert_eq!(ip.src, ip::mapped(A));
    let l4 = p.l4.unwrap();
    assert_eq!((l4.sport, l4.dport, l4.payload.len()), (40000, 502, 12));
    assert_eq!(p.src_mac, Some([0x00, 0x0e, 0x8c, 0x04, 0x05, 0x06]));
}

#[test]
fn padding_is_trimmed_by_ip_length() {
    let mut f = eth(0x0800, &ipv4(17, A, B, &udp(1, 2, &[9])));
    f.extend([0u8; 20]);
    let p = decode(linktype::ETHERNET, &f);
    assert_eq!(p.l4.unwrap().payload, &[9]);
}

#[test]
fn qinq_vlan_ids_and_innermost() {
    let inner = ipv4(17, A, B, &udp(1, 2, b"x"));
    let mut tags = vec![0x00, 0x64, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00];
    tags.extend(&inner);
    let f = eth(0x88a8, &tags);
    let p = decode(linktype::ETHERNET, &f);
    assert_eq!(p.outcome, Outcome::Decoded);
    assert_eq!(p.vlan, 10);
    assert!(p.encap & encap::QINQ != 0);
}

#[test]
fn vxlan_unwraps_to_inner_addresses() {
    let inner_frame = eth(
        0x0800,
        &ipv4(
            6,
            [192, 168, 1, 5],
            [192, 168, 1, 6],
            &tcp(1234, 102, 0x02, &[]),
        ),
    );
    let mut vx = vec![0x08, 0, 0, 0, 0, 0, 1, 0];
    vx.extend(&inner_frame);
    let f = eth(0x0800, &ipv4(17, A, B, &udp(5555, 4789, &vx)));
    let p = decode(linktype::ETHERNET, &f);
    assert_eq!(p.outcome, Outcome::Decoded);
    assert_eq!(p.ip.unwrap().src, ip::mapped([192, 168, 1, 5]));
    assert_eq!(p.l4.unwrap().dport, 102);
    assert!(p.encap & encap::VXLAN != 0);
}

#[test]
fn gre_erspan2_and_mpls() {
    let inner = eth(
        0x0800,
        &ipv4(17, [172, 16, 0, 1], [172, 16, 0, 2], &udp(53, 53, b"q")),
    );
    let mut g = vec![0x10, 0x00, 0x88, 0xbe, 0, 0, 0, 1];
    g.extend([0x10, 0x01, 0, 0, 0, 0, 0, 0]);
    g.extend(&inner);
    let f = eth(0x0800, &ipv4(47, A, B, &g));
    let p = decode(linktype::ETHERNET, &f);
    assert_eq!(p.outcome, Outcome::Decoded);
    assert_eq!(p.ip.unwrap().dst, ip::mapped([172, 16, 0, 2]));
    assert!(p.encap & encap::ERSPAN != 0);

    let mut m = vec![0x00, 0x01, 0x01, 0x40];
    m.extend(ipv4(17, A, B, &udp(1, 2, b"")));
    let f = eth(0x8847, &m);
    let p = decode(linktype::ETHERNET, &f);
    assert_eq!(p.outcome, Outcome::Decoded);
    assert!(p.encap & encap::MPLS != 0);
}

#[test]
fn fragments_are_held() {
    let mut f = ipv4(17, A, B, &udp(1, 2, &[0; 16]));
    f[6] = 0x20; // more fragments
    let p = decode(linktype::RAW, &f);
    assert_eq!(p.outcome, Outcome::IpFragment);
    assert_eq!(
        p.ip.unwrap().frag,
        Some(Frag {
            id: 0x1234,
            offset: 0,
            more: true
        })
    );
}

#[test]
fn ipv6_with_extension_headers() {
    let payload = udp(546, 547, b"dhcp");
    let mut h = vec![0x60, 0, 0, 0];
    h.extend(((8 + payload.len()) as u16).to_be_bytes());
    h.extend([0, 64]); // next header: hop-by-hop
    h.extend([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    h.extend([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2]);
    h.extend([17, 0, 0, 0, 0, 0, 0, 0]);
    h.extend(&payload);
    let f = eth(0x86dd, &h);
    let p = decode(linktype::ETHERNET, &f);
    assert_eq!(p.outcome, Outcome::Decoded);
    assert_eq!(p.l4.unwrap().dport, 547);
}

#[test]
fn non_ip_frames_are_named() {
    let f = eth(0x88cc, &[0x02, 0x07, 0x04]);
    let p = decode(linktype::ETHERNET, &f);
    assert_eq!(p.outcome, Outcome::NonIp);
    assert_eq!(p.l2.unwrap().id(), "lldp");
    let f = eth(0x8892, &[0xfe, 0xfe, 5, 0]);
    let p = decode(linktype::ETHERNET, &f);
    assert_eq!(p.l2.unwrap().id(), "profinet_dcp");
}

#[test]
fn unsupported_linktype() {
    assert_eq!(
        decode(147, &[1, 2, 3]).outcome,
        Outcome::UnsupportedLinktype
    );
}

#[test]
fn every_prefix_is_handled() {
    let mut vx = vec![0x08, 0, 0, 0, 0, 0, 1, 0];
    vx.extend(eth(
        0x8100,
        &[0, 5, 0x08, 0x00]
            .iter()
            .copied()
            .chain(ipv4(6, A, B, &tcp(1, 2, 2, b"abc")))
            .collect::<Vec<_>>(),
    ));
    let f = eth(0x0800, &ipv4(17, A, B, &udp(5555, 4789, &vx)));
    for cut in 0..f.len() {
        let p = decode(linktype::ETHERNET, &f[..cut]);
        if cut < 14 {
            assert_eq!(p.outcome, Outcome::Truncated, "cut {cut}");
        }
    }
    assert_eq!(decode(linktype::ETHERNET, &f).outcome, Outcome::Decoded);
}
