//! Transport headers: TCP and UDP (etherparse header slices), ICMP/ICMPv6, SCTP,
//! UDP-Lite and DCCP ports; and the hand-off to tunnels carried over IP or UDP.

use etherparse::{err, TcpHeaderSlice};

use super::{tunnel, Next, Outcome, Packet};

pub const TCP: u8 = 6;
pub const UDP: u8 = 17;
pub const ICMP: u8 = 1;
pub const ICMPV6: u8 = 58;
pub const GRE: u8 = 47;
const IPIP: u8 = 4;
const IPV6_IN_IP: u8 = 41;
const SCTP: u8 = 132;
const UDPLITE: u8 = 136;
const DCCP: u8 = 33;

/// TCP flag bits as in the header's flags byte.
pub mod tcp_flags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
}

/// The innermost transport header.
#[derive(Clone, Copy, Debug, Default)]
pub struct L4<'a> {
    pub proto: u8,
    pub sport: u16,
    pub dport: u16,
    /// TCP flags byte; ICMP type for ICMP.
    pub flags: u8,
    /// ICMP code.
    pub code: u8,
    pub seq: u32,
    pub ack: u32,
    pub payload: &'a [u8],
}

/// Decodes the transport header of an IP payload.
pub(crate) fn dispatch<'a>(proto: u8, b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    let l4 = match proto {
        TCP => match TcpHeaderSlice::from_slice(b) {
            Ok(t) => L4 {
                proto,
                sport: t.source_port(),
                dport: t.destination_port(),
                flags: t.slice()[13],
                code: 0,
                seq: t.sequence_number(),
                ack: t.acknowledgment_number(),
                payload: &b[t.slice().len()..],
            },
            Err(err::tcp::HeaderSliceError::Len(_)) => return Next::Done(Outcome::Truncated),
            Err(_) => return Next::Done(Outcome::Malformed),
        },
        UDP | UDPLITE => {
            let Some((h, rest)) = b.split_first_chunk::<8>() else {
                return Next::Done(Outcome::Truncated);
            };
            let len = u16::from_be_bytes([h[4], h[5]]) as usize;
            // Lax: a length that lies falls back to what was captured.
            let payload = if proto == UDP && (8..=b.len()).contains(&len) {
                &rest[..len - 8]
            } else {
                rest
            };
            L4 {
                proto,
                sport: be16(h, 0),
                dport: be16(h, 2),
                payload,
                ..L4::default()
            }
        }
        ICMP | ICMPV6 => {
            let Some(h) = b.get(..4) else {
                return Next::Done(Outcome::Truncated);
            };
            L4 {
                proto,
                flags: h[0],
                code: h[1],
                payload: &b[4..],
                ..L4::default()
            }
        }
        SCTP | DCCP => {
            let Some(h) = b.get(..4) else {
                return Next::Done(Outcome::Truncated);
            };
            L4 {
                proto,
                sport: be16(h, 0),
                dport: be16(h, 2),
                payload: &b[4..],
                ..L4::default()
            }
        }
        GRE => return tunnel::gre(b, p),
        IPIP | IPV6_IN_IP => {
            p.encap |= super::encap::IP_IN_IP;
            return Next::Ip(b);
        }
        _ => L4 {
            proto,
            payload: b,
            ..L4::default()
        },
    };
    p.l4 = Some(l4);
    if proto == UDP {
        if let Some(n) = tunnel::over_udp(&l4, p) {
            return n;
        }
    }
    Next::Done(Outcome::Decoded)
}

#[inline]
fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}
