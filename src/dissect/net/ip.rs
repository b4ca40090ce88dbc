//! IPv4 and IPv6 (with extension headers), using etherparse's header slices. Lax about
//! lengths: a packet cut by the snaplen keeps what was captured, and Ethernet padding
//! beyond the IP length is dropped.

use etherparse::{err, Ipv4HeaderSlice, Ipv6HeaderSlice};

use super::{transport, Next, Outcome, Packet};

/// A fragment's place in its datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frag {
    pub id: u32,
    /// Offset of this fragment's data in the datagram, in bytes.
    pub offset: u32,
    pub more: bool,
}

/// The innermost IP header.
#[derive(Clone, Copy, Debug)]
pub struct IpInfo<'a> {
    pub v6: bool,
    /// IPv4 addresses are stored IPv4-mapped (`::ffff:a.b.c.d`).
    pub src: [u8; 16],
    pub dst: [u8; 16],
    /// Upper-layer protocol (after IPv6 extension headers).
    pub proto: u8,
    pub ttl: u8,
    pub frag: Option<Frag>,
    /// The IP payload as captured.
    pub payload: &'a [u8],
    /// The capture holds less than the IP length says.
    pub cut: bool,
}

pub fn mapped(v4: [u8; 4]) -> [u8; 16] {
    let mut a = [0u8; 16];
    a[10] = 0xff;
    a[11] = 0xff;
    a[12..].copy_from_slice(&v4);
    a
}

pub(crate) fn ipv4<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    let h = match Ipv4HeaderSlice::from_slice(b) {
        Ok(h) => h,
        Err(err::ipv4::HeaderSliceError::Len(_)) => return Next::Done(Outcome::Truncated),
        Err(_) => return Next::Done(Outcome::Malformed),
    };
    let hl = h.slice().len();
    if !options_valid(h.options()) {
        return Next::Done(Outcome::Malformed);
    }
    let total = h.total_len() as usize;
    // A total length below the header (TSO offload captures) falls back to the slice.
    let end = if total < hl {
        b.len()
    } else {
        total.min(b.len())
    };
    let frag_off = u16::from(h.fragments_offset()) as u32 * 8;
    let frag = (h.more_fragments() || frag_off != 0).then_some(Frag {
        id: h.identification() as u32,
        offset: frag_off,
        more: h.more_fragments(),
    });
    let info = IpInfo {
        v6: false,
        src: mapped(h.source()),
        dst: mapped(h.destination()),
        proto: h.protocol().0,
        ttl: h.ttl(),
        frag,
        payload: &b[hl..end],
        cut: total > b.len(),
    };
    enter(info, p)
}

/// IPv4 options (RFC 791 section 3.1): single-byte EOL/NOP, else type, length >= 2,
/// within the header. Wireshark stops at a bogus option, so ottr does too.
fn options_valid(mut o: &[u8]) -> bool {
    while let Some(&t) = o.first() {
        match t {
            0 => return true,
            1 => o = &o[1..],
            _ => match o.get(1) {
                Some(&l) if l >= min_option_len(t) && (l as usize) <= o.len() => {
                    o = &o[l as usize..]
                }
                _ => return false,
            },
        }
    }
    true
}

/// Smallest valid length of an IPv4 option (RFC 791, RFC 1108, RFC 2113, RFC 4782).
fn min_option_len(t: u8) -> u8 {
    match t {
        7 | 130 | 131 | 133 | 137 => 3, // record route, security, source routes
        68 | 136 | 148 => 4,            // timestamp, stream id, router alert
        25 => 8,                        // quick-start
        82 => 12,                       // traceroute
        _ => 2,
    }
}

pub(crate) fn ipv6<'a>(b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    let h = match Ipv6HeaderSlice::from_slice(b) {
        Ok(h) => h,
        Err(err::ipv6::HeaderSliceError::Len(_)) => return Next::Done(Outcome::Truncated),
        Err(_) => return Next::Done(Outcome::Malformed),
    };
    let plen = h.payload_length() as usize;
    // Payload length 0 means a jumbogram or offload capture: use what was captured.
    let end = if plen == 0 {
        b.len()
    } else {
        (40 + plen).min(b.len())
    };
    let mut rest = &b[40..end];
    let mut next = h.next_header().0;
    let mut frag = None;
    // Extension headers (RFC 8200 section 4), bounded by the slice.
    for _ in 0..16 {
        let len = match next {
            0 | 43 | 60 | 135 | 139 | 140 => match rest.get(1) {
                Some(&l) => (l as usize + 1) * 8,
                None => return Next::Done(Outcome::Truncated),
            },
            51 => match rest.get(1) {
                Some(&l) => (l as usize + 2) * 4,
                None => return Next::Done(Outcome::Truncated),
            },
            44 => {
                let Some(f) = rest.get(..8) else {
                    return Next::Done(Outcome::Truncated);
                };
                let off = u16::from_be_bytes([f[2], f[3]]);
                let (offset, more) = ((off & 0xfff8) as u32, off & 1 == 1);
                if offset != 0 || more {
                    frag = Some(Frag {
                        id: u32::from_be_bytes([f[4], f[5], f[6], f[7]]),
                        offset,
                        more,
                    });
                }
                8
            }
            _ => break,
        };
        let Some(r) = rest.get(len..) else {
            return Next::Done(Outcome::Truncated);
        };
        next = rest[0];
        rest = r;
    }
    let info = IpInfo {
        v6: true,
        src: h.source(),
        dst: h.destination(),
        proto: next,
        ttl: h.hop_limit(),
        frag,
        payload: rest,
        cut: plen != 0 && 40 + plen > b.len(),
    };
    enter(info, p)
}

pub(crate) fn enter<'a>(info: IpInfo<'a>, p: &mut Packet<'a>) -> Next<'a> {
    p.ip = Some(info);
    p.l4 = None;
    if let Some(f) = info.frag {
        // A fragment the capture cut cannot be reassembled; like Wireshark, read the
        // transport header of a cut first fragment directly.
        if !(info.cut && f.offset == 0) {
            return Next::Done(Outcome::IpFragment);
        }
    }
    transport::dispatch(info.proto, info.payload, p)
}
