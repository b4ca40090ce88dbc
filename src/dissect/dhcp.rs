//! DHCP for IPv4 (RFC 2131 over the BOOTP format of RFC 951, options of RFC 2132) and,
//! minimally, DHCPv6 (RFC 8415): the fixed fields, the message type and the options as
//! (code, data) pairs.

use std::net::Ipv4Addr;

/// BOOTP's fixed part, before the magic cookie.
pub const FIXED_LEN: usize = 236;
pub const MAGIC: [u8; 4] = [99, 130, 83, 99];
/// Most options an iterator yields.
const MAX_OPTIONS: usize = 255;

/// Why bytes are not a DHCP message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short { need: usize, have: usize },
}

/// A DHCPv4 message type (option 53); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MessageType(pub u8);

impl MessageType {
    pub const OFFER: Self = Self(2);
    pub const ACK: Self = Self(5);

    /// The name RFC 2132, RFC 3203, RFC 4388 and RFC 6926 give it.
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "Discover",
            2 => "Offer",
            3 => "Request",
            4 => "Decline",
            5 => "ACK",
            6 => "NAK",
            7 => "Release",
            8 => "Inform",
            9 => "Force Renew",
            10 => "Lease Query",
            11 => "Lease Unassigned",
            12 => "Lease Unknown",
            13 => "Lease Active",
            14 => "Bulk Lease Query",
            15 => "Lease Query Done",
            16 => "Active Lease Query",
            17 => "Lease Query Status",
            18 => "TLS",
            _ => "Unknown",
        }
    }
}

/// A DHCPv4 (or BOOTP) message, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    fixed: &'a [u8; FIXED_LEN],
    /// After the magic cookie; empty for plain BOOTP.
    options: &'a [u8],
}

/// Parses the message at the start of `data` (one datagram).
pub fn parse(data: &[u8]) -> Result<Message<'_>, Error> {
    let (fixed, rest) = data.split_first_chunk::<FIXED_LEN>().ok_or(Error::Short {
        need: FIXED_LEN,
        have: data.len(),
    })?;
    let options = match rest.split_first_chunk::<4>() {
        Some((m, o)) if *m == MAGIC => o,
        _ => &[],
    };
    Ok(Message { fixed, options })
}

fn addr(b: &[u8]) -> Ipv4Addr {
    let mut a = [0; 4];
    a.copy_from_slice(&b[..4]);
    a.into()
}

impl<'a> Message<'a> {
    /// 1 BOOTREQUEST, 2 BOOTREPLY.
    pub fn op(&self) -> u8 {
        self.fixed[0]
    }

    pub fn xid(&self) -> u32 {
        u32::from_be_bytes([self.fixed[4], self.fixed[5], self.fixed[6], self.fixed[7]])
    }

    pub fn ciaddr(&self) -> Ipv4Addr {
        addr(&self.fixed[12..16])
    }

    /// The address the server gives the client.
    pub fn yiaddr(&self) -> Ipv4Addr {
        addr(&self.fixed[16..20])
    }

    pub fn giaddr(&self) -> Ipv4Addr {
        addr(&self.fixed[24..28])
    }

    /// The client hardware address (`hlen` bytes, at most 16).
    pub fn chaddr(&self) -> &'a [u8] {
        let fixed: &'a [u8; FIXED_LEN] = self.fixed;
        &fixed[28..28 + (fixed[2] as usize).min(16)]
    }

    /// The options in order, pads skipped, up to the end option or the bytes.
    pub fn options(&self) -> Options<'a> {
        Options {
            b: self.options,
            seen: 0,
        }
    }

    /// The data of the first option `code`.
    pub fn option(&self, code: u8) -> Option<&'a [u8]> {
        self.options().find(|o| o.0 == code).map(|o| o.1)
    }

    /// Option 53.
    pub fn message_type(&self) -> Option<MessageType> {
        self.option(53)?.first().map(|&t| MessageType(t))
    }
}

/// DHCPv4 options as (code, data).
pub struct Options<'a> {
    b: &'a [u8],
    seen: usize,
}

impl<'a> Iterator for Options<'a> {
    type Item = (u8, &'a [u8]);

    fn next(&mut self) -> Option<(u8, &'a [u8])> {
        while self.seen < MAX_OPTIONS {
            self.seen += 1;
            match *self.b {
                [0, ref rest @ ..] => self.b = rest,
                [code, len, ref rest @ ..] if code != 255 && rest.len() >= len as usize => {
                    let (data, rest) = rest.split_at(len as usize);
                    self.b = rest;
                    return Some((code, data));
                }
                _ => break,
            }
        }
        self.b = &[];
        None
    }
}

/// IPv4 addresses in an option's data (routers, DNS servers).
pub fn addrs(data: &[u8]) -> impl Iterator<Item = Ipv4Addr> + '_ {
    data.chunks_exact(4).map(addr)
}

/// A DHCPv6 message type; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct V6Type(pub u8);

impl V6Type {
    pub const RELAY_FORW: Self = Self(12);
    pub const RELAY_REPL: Self = Self(13);

    /// RFC 8415's name.
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "SOLICIT",
            2 => "ADVERTISE",
            3 => "REQUEST",
            4 => "CONFIRM",
            5 => "RENEW",
            6 => "REBIND",
            7 => "REPLY",
            8 => "RELEASE",
            9 => "DECLINE",
            10 => "RECONFIGURE",
            11 => "INFORMATION-REQUEST",
            12 => "RELAY-FORW",
            13 => "RELAY-REPL",
            _ => "Unknown",
        }
    }

    /// Sent by a server (or a relay towards the client).
    pub fn from_server(self) -> bool {
        matches!(self.0, 2 | 7 | 10 | 13)
    }
}

/// Relay messages nested in relay messages, at most.
const MAX_RELAY_DEPTH: usize = 8;
/// DHCPv6 option: the relayed message.
pub const V6_RELAY_MSG: u16 = 9;

/// A DHCPv6 message, borrowed: relay messages are unwrapped to the message they carry.
#[derive(Clone, Copy, Debug)]
pub struct V6Message<'a> {
    /// Type of the outermost message (a relay's, if relayed).
    pub outer: V6Type,
    /// The innermost message's type.
    pub kind: V6Type,
    options: &'a [u8],
}

/// Parses a DHCPv6 message (one datagram).
pub fn parse_v6(data: &[u8]) -> Result<V6Message<'_>, Error> {
    let short = |need| Error::Short {
        need,
        have: data.len(),
    };
    let outer = V6Type(*data.first().ok_or(short(4))?);
    let mut b = data;
    for _ in 0..MAX_RELAY_DEPTH {
        let kind = V6Type(*b.first().ok_or(short(4))?);
        if kind == V6Type::RELAY_FORW || kind == V6Type::RELAY_REPL {
            // Hop count, link address, peer address.
            let opts = b.get(34..).ok_or(short(34))?;
            match v6_options(opts).find(|o| o.0 == V6_RELAY_MSG) {
                Some((_, inner)) if !inner.is_empty() => b = inner,
                _ => {
                    return Ok(V6Message {
                        outer,
                        kind,
                        options: opts,
                    })
                }
            }
        } else {
            let options = b.get(4..).ok_or(short(4))?;
            return Ok(V6Message {
                outer,
                kind,
                options,
            });
        }
    }
    Ok(V6Message {
        outer,
        kind: outer,
        options: &[],
    })
}

impl<'a> V6Message<'a> {
    pub fn options(&self) -> impl Iterator<Item = (u16, &'a [u8])> {
        v6_options(self.options)
    }
}

/// DHCPv6 options as (code, data).
pub fn v6_options(mut b: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let (h, rest) = b.split_first_chunk::<4>()?;
        let len = u16::from_be_bytes([h[2], h[3]]) as usize;
        let data = rest.get(..len)?;
        b = &rest[len..];
        Some((u16::from_be_bytes([h[0], h[1]]), data))
    })
    .take(MAX_OPTIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn discover() -> Vec<u8> {
        let mut v = vec![1, 1, 6, 0, 0xde, 0xad, 0xbe, 0xef];
        v.resize(28, 0);
        v.extend_from_slice(&[0, 0x0e, 0x8c, 1, 2, 3]);
        v.resize(FIXED_LEN, 0);
        v.extend_from_slice(&MAGIC);
        v.extend_from_slice(&[53, 1, 1, 0, 12, 4, b'p', b'l', b'c', b'1']);
        v.extend_from_slice(&[55, 4, 1, 3, 6, 15, 60, 3, b'a', b'b', b'c', 255, 7, 7]);
        v
    }

    #[test]
    fn v4_options() {
        let d = discover();
        let m = parse(&d).unwrap();
        assert_eq!((m.op(), m.xid()), (1, 0xdeadbeef));
        assert_eq!(m.chaddr(), &[0, 0x0e, 0x8c, 1, 2, 3]);
        assert_eq!(m.message_type().map(|t| t.name()), Some("Discover"));
        assert_eq!(m.option(12), Some(&b"plc1"[..]));
        assert_eq!(m.option(55), Some(&[1, 3, 6, 15][..]));
        assert_eq!(m.option(60), Some(&b"abc"[..]));
        // Nothing after the end option.
        assert_eq!(m.options().count(), 4);
        assert_eq!(
            addrs(&[10, 0, 0, 1, 10, 0]).collect::<Vec<_>>(),
            vec![Ipv4Addr::new(10, 0, 0, 1)]
        );
    }

    #[test]
    fn v6_relay() {
        let inner = [1, 0, 0, 7, 0, 16, 0, 6, 0, 0, 0, 9, 0, 0];
        let mut r = vec![12, 0];
        r.resize(34, 0);
        r.extend_from_slice(&[0, 9, 0, inner.len() as u8]);
        r.extend_from_slice(&inner);
        let m = parse_v6(&r).unwrap();
        assert_eq!((m.outer.name(), m.kind.name()), ("RELAY-FORW", "SOLICIT"));
        assert_eq!(m.options().next(), Some((16, &[0, 0, 0, 9, 0, 0][..])));
    }

    #[test]
    fn truncation_never_panics() {
        let d = discover();
        for n in 0..=d.len() {
            if let Ok(m) = parse(&d[..n]) {
                let _ = (
                    m.options().count(),
                    m.message_type(),
                    m.yiaddr(),
                    m.ciaddr(),
                    m.giaddr(),
                );
            }
            if let Ok(m) = parse_v6(&d[..n]) {
                let _ = m.options().count();
            }
        }
    }
}
