//! Tunnels that SPAN and remote-span setups carry: MPLS (with pseudowire), PPPoE, GRE
//! (RFC 2784/2890, and PPTP's enhanced GRE), ERSPAN types I, II and III, VXLAN
//! (RFC 7348) and Geneve (RFC 8926).

use super::{encap, ethertype as et, link, Next, Outcome, Packet, L4};

pub const VXLAN_PORT: u16 = 4789;
pub const GENEVE_PORT: u16 = 6081;

pub(crate) fn mpls<'a>(mut b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    p.encap |= encap::MPLS;
    loop {
        let Some((lse, rest)) = b.split_first_chunk::<4>() else {
            return Next::Done(Outcome::Truncated);
        };
        b = rest;
        if lse[2] & 1 == 1 {
            break;
        }
    }
    // No type field after the stack: guess from the first nibble as Wireshark does.
    match b.first().map(|v| v >> 4) {
        Some(4) | Some(6) => Next::Ip(b),
        // Pseudowire control word, then Ethernet.
        Some(0) => match b.get(4..) {
            Some(r) => Next::Ether(r),
            None => Next::Done(Outcome::Truncated),
        },
        Some(_) => Next::Ether(b),
        None => Next::Done(Outcome::Truncated),
    }
}

pub(crate) fn pppoe<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    p.encap |= encap::PPPOE;
    match b.get(6..) {
        Some(r) => link::ppp(r, p),
        None => Next::Done(Outcome::Truncated),
    }
}

pub(crate) fn gre<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    p.encap |= encap::GRE;
    let Some(h) = b.get(..4) else {
        return Next::Done(Outcome::Truncated);
    };
    let flags = u16::from_be_bytes([h[0], h[1]]);
    let proto = u16::from_be_bytes([h[2], h[3]]);
    let version = flags & 7;
    let seq = flags & 0x1000 != 0;
    let mut len = 4;
    if flags & 0xc000 != 0 {
        len += 4; // checksum (and offset with routing)
    }
    if flags & 0x2000 != 0 {
        len += 4; // key (PPTP: payload length + call id)
    }
    if seq {
        len += 4;
    }
    if version == 1 && flags & 0x0080 != 0 {
        len += 4; // PPTP acknowledgment number
    }
    if flags & 0x4000 != 0 {
        // Source routing (RFC 1701) is obsolete; its entries are not walked.
        return Next::Done(Outcome::Malformed);
    }
    let Some(rest) = b.get(len..) else {
        return Next::Done(Outcome::Truncated);
    };
    match proto {
        0x880b => link::ppp(rest, p),
        // ERSPAN type I has no sequence number and no ERSPAN header.
        et::ERSPAN_2 if !seq => {
            p.encap |= encap::ERSPAN;
            Next::Ether(rest)
        }
        t => Next::Type(t, rest),
    }
}

pub(crate) fn erspan2<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    p.encap |= encap::ERSPAN;
    match b.get(8..) {
        Some(r) => Next::Ether(r),
        None => Next::Done(Outcome::Truncated),
    }
}

pub(crate) fn erspan3<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    p.encap |= encap::ERSPAN;
    let Some(h) = b.get(..12) else {
        return Next::Done(Outcome::Truncated);
    };
    // The O bit announces an 8-byte platform-specific subheader.
    let len = if h[11] & 1 == 1 { 20 } else { 12 };
    match b.get(len..) {
        Some(r) => Next::Ether(r),
        None => Next::Done(Outcome::Truncated),
    }
}

/// VXLAN and Geneve by their registered ports, checked against their header bits.
pub(crate) fn over_udp<'a>(l4: &L4<'a>, p: &mut Packet<'a>) -> Option<Next<'a>> {
    let b = l4.payload;
    if l4.dport == VXLAN_PORT && b.len() >= 8 + 14 && b[0] & 0x08 != 0 {
        p.encap |= encap::VXLAN;
        return Some(Next::Ether(&b[8..]));
    }
    if l4.dport == GENEVE_PORT && b.len() >= 8 && b[0] >> 6 == 0 {
        let len = 8 + (b[0] & 0x3f) as usize * 4;
        let proto = u16::from_be_bytes([b[2], b[3]]);
        let rest = b.get(len..)?;
        p.encap |= encap::GENEVE;
        return Some(Next::Type(proto, rest));
    }
    None
}
