//! Link layers: Ethernet II and 802.3/LLC/SNAP, 802.1Q/QinQ tags, Linux cooked (SLL,
//! SLL2), BSD null/loopback, PPP and Cisco HDLC framings.

use super::{encap, ethertype as et, l2::L2Proto, Next, Outcome, Packet};
use crate::capture::linktype as lt;

/// Picks the first layer for a record's link type.
pub(crate) fn start<'a>(linktype: u16, b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    match linktype {
        lt::ETHERNET => Next::Ether(b),
        lt::RAW | lt::RAW_BSD | lt::RAW_BSD14 | lt::IPV4 | lt::IPV6 => Next::Ip(b),
        lt::NULL | lt::LOOP => null(linktype, b),
        lt::LINUX_SLL => sll(b, p),
        lt::LINUX_SLL2 => sll2(b, p),
        lt::PPP | lt::PPP_HDLC => ppp(b, p),
        lt::C_HDLC => match b.get(4..) {
            Some(rest) => Next::Type(u16::from_be_bytes([b[2], b[3]]), rest),
            None => Next::Done(Outcome::Truncated),
        },
        lt::PPI => ppi(b, p),
        _ => Next::Done(Outcome::UnsupportedLinktype),
    }
}

/// Per-Packet Information header: little-endian length and the inner link type.
fn ppi<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    let Some(h) = b.get(..8) else {
        return Next::Done(Outcome::Truncated);
    };
    let len = u16::from_le_bytes([h[2], h[3]]) as usize;
    let dlt = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
    match (b.get(len..), u16::try_from(dlt)) {
        (_, Ok(lt::PPI)) | (_, Err(_)) => Next::Done(Outcome::UnsupportedLinktype),
        (None, _) => Next::Done(Outcome::Truncated),
        (Some(rest), Ok(inner)) if len >= 8 => start(inner, rest, p),
        _ => Next::Done(Outcome::Malformed),
    }
}

pub(crate) fn ethernet<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    let Some((hdr, rest)) = b.split_first_chunk::<14>() else {
        return Next::Done(Outcome::Truncated);
    };
    p.dst_mac = Some(hdr[0..6].try_into().unwrap_or_default());
    p.src_mac = Some(hdr[6..12].try_into().unwrap_or_default());
    let t = u16::from_be_bytes([hdr[12], hdr[13]]);
    if t >= 0x0600 {
        Next::Type(t, rest)
    } else {
        // 802.3 length field: the payload is LLC; trim padding by the length.
        llc(&rest[..(t as usize).min(rest.len())], p)
    }
}

/// 802.2 LLC, with SNAP carrying an ethertype (which may be IP).
pub(crate) fn llc<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    if b.len() < 3 {
        return Next::Done(Outcome::Truncated);
    }
    if b[0] == 0xaa && b[1] == 0xaa {
        let Some(snap) = b.get(3..8) else {
            return Next::Done(Outcome::Truncated);
        };
        let pid = u16::from_be_bytes([snap[3], snap[4]]);
        if snap[..3] == [0, 0, 0] {
            return Next::Type(pid, &b[8..]);
        }
        p.l2 = Some(L2Proto::from_snap([snap[0], snap[1], snap[2]], pid));
        p.l2_payload = &b[8..];
    } else {
        p.l2 = Some(L2Proto::from_llc(b[0]));
        p.l2_payload = &b[3..];
    }
    Next::Done(Outcome::NonIp)
}

pub(crate) fn vlan<'a>(t: u16, b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    let Some((tag, rest)) = b.split_first_chunk::<4>() else {
        return Next::Done(Outcome::Truncated);
    };
    p.encap |= if t == et::VLAN && p.encap & encap::VLAN == 0 {
        encap::VLAN
    } else {
        encap::QINQ | encap::VLAN
    };
    p.vlan = u16::from_be_bytes([tag[0], tag[1]]) & 0x0fff;
    let inner = u16::from_be_bytes([tag[2], tag[3]]);
    if inner >= 0x0600 {
        Next::Type(inner, rest)
    } else {
        llc(&rest[..(inner as usize).min(rest.len())], p)
    }
}

fn null(linktype: u16, b: &[u8]) -> Next<'_> {
    let Some((hdr, rest)) = b.split_first_chunk::<4>() else {
        return Next::Done(Outcome::Truncated);
    };
    // NULL stores the address family in the capturing host's byte order; LOOP in
    // network order.
    let be = u32::from_be_bytes(*hdr);
    let af = if linktype == lt::LOOP || be <= 0xffff {
        be
    } else {
        u32::from_le_bytes(*hdr)
    };
    match af {
        2 | 10 | 24 | 28 | 30 => Next::Ip(rest),
        _ => Next::Done(Outcome::NonIp),
    }
}

fn cooked<'a>(
    proto: u16,
    arphrd: u16,
    addr: &[u8],
    rest: &'a [u8],
    p: &mut Packet<'a>,
) -> Next<'a> {
    if arphrd == 1 && addr.len() >= 6 {
        p.src_mac = Some(addr[..6].try_into().unwrap_or_default());
    }
    match proto {
        // 802.3 frames without and with LLC.
        0x0001 | 0x0004 => llc(rest, p),
        t if arphrd == 1 || t >= 0x0600 => Next::Type(t, rest),
        _ => Next::Done(Outcome::NonIp),
    }
}

fn sll<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    let Some((h, rest)) = b.split_first_chunk::<16>() else {
        return Next::Done(Outcome::Truncated);
    };
    let alen = (u16::from_be_bytes([h[4], h[5]]) as usize).min(8);
    cooked(
        u16::from_be_bytes([h[14], h[15]]),
        u16::from_be_bytes([h[2], h[3]]),
        &h[6..6 + alen],
        rest,
        p,
    )
}

fn sll2<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    let Some((h, rest)) = b.split_first_chunk::<20>() else {
        return Next::Done(Outcome::Truncated);
    };
    let alen = (h[11] as usize).min(8);
    cooked(
        u16::from_be_bytes([h[0], h[1]]),
        u16::from_be_bytes([h[8], h[9]]),
        &h[12..12 + alen],
        rest,
        p,
    )
}

/// PPP in HDLC-like framing (RFC 1662): optional address/control, then protocol.
pub(crate) fn ppp<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    let b = if b.starts_with(&[0xff, 0x03]) {
        &b[2..]
    } else {
        b
    };
    let (proto, rest) = match b {
        [x, rest @ ..] if x & 1 == 1 => (*x as u16, rest),
        [x, y, rest @ ..] => (u16::from_be_bytes([*x, *y]), rest),
        _ => return Next::Done(Outcome::Truncated),
    };
    match proto {
        0x0021 | 0x0057 => Next::Ip(rest),
        _ => {
            p.l2 = Some(L2Proto::Ppp);
            p.l2_payload = rest;
            Next::Done(Outcome::NonIp)
        }
    }
}
