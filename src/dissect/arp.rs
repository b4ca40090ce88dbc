//! ARP (RFC 826, ethertype 0x0806): the fixed header (hardware and protocol types and
//! lengths, operation) and, for Ethernet/IPv4 (RFC 826 with RFC 5227 probes and
//! announcements), the sender and target addresses. Other hardware or protocol types
//! parse as ARP with no addresses.

use std::fmt;

/// Hardware type, protocol type, hardware length, protocol length, operation.
pub const HEADER_LEN: usize = 8;
/// Header plus two MAC and two IPv4 addresses.
pub const ETHER_IPV4_LEN: usize = HEADER_LEN + 2 * (6 + 4);
/// Hardware type Ethernet (IANA ARP parameters).
pub const HTYPE_ETHERNET: u16 = 1;
pub const PTYPE_IPV4: u16 = 0x0800;

/// Why bytes are not ARP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short { need: usize, have: usize },
}

/// The ARP operation (IANA "ARP operation codes"); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Operation(pub u16);

impl Operation {
    pub const REQUEST: Operation = Operation(1);
    pub const REPLY: Operation = Operation(2);
    pub const RARP_REQUEST: Operation = Operation(3);
    pub const RARP_REPLY: Operation = Operation(4);
    pub const INARP_REQUEST: Operation = Operation(8);
    pub const INARP_REPLY: Operation = Operation(9);

    pub fn name(self) -> &'static str {
        match self {
            Operation::REQUEST => "request",
            Operation::REPLY => "reply",
            Operation::RARP_REQUEST => "RARP request",
            Operation::RARP_REPLY => "RARP reply",
            Operation::INARP_REQUEST => "InARP request",
            Operation::INARP_REPLY => "InARP reply",
            _ => "unknown",
        }
    }
}

/// The addresses of an Ethernet/IPv4 ARP packet.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EtherIpv4 {
    pub sender_mac: [u8; 6],
    pub sender_ip: [u8; 4],
    pub target_mac: [u8; 6],
    pub target_ip: [u8; 4],
}

impl fmt::Debug for EtherIpv4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ip = |a: [u8; 4]| std::net::Ipv4Addr::from(a);
        write!(
            f,
            "{:02x?} {} -> {:02x?} {}",
            self.sender_mac,
            ip(self.sender_ip),
            self.target_mac,
            ip(self.target_ip)
        )
    }
}

/// Checked once in `parse`; every accessor below is infallible.
#[derive(Clone, Copy)]
pub struct View<'a> {
    hdr: &'a [u8; HEADER_LEN],
    body: &'a [u8],
}

pub fn parse(data: &[u8]) -> Result<View<'_>, Error> {
    let (hdr, body) = data.split_first_chunk::<HEADER_LEN>().ok_or(Error::Short {
        need: HEADER_LEN,
        have: data.len(),
    })?;
    Ok(View { hdr, body })
}

impl<'a> View<'a> {
    pub fn htype(&self) -> u16 {
        u16::from_be_bytes([self.hdr[0], self.hdr[1]])
    }
    pub fn ptype(&self) -> u16 {
        u16::from_be_bytes([self.hdr[2], self.hdr[3]])
    }
    pub fn hlen(&self) -> u8 {
        self.hdr[4]
    }
    pub fn plen(&self) -> u8 {
        self.hdr[5]
    }
    pub fn operation(&self) -> Operation {
        Operation(u16::from_be_bytes([self.hdr[6], self.hdr[7]]))
    }

    /// The addresses when the packet is Ethernet/IPv4 and holds all four.
    pub fn ether_ipv4(&self) -> Option<EtherIpv4> {
        if self.htype() != HTYPE_ETHERNET
            || self.ptype() != PTYPE_IPV4
            || self.hlen() != 6
            || self.plen() != 4
        {
            return None;
        }
        let b: &[u8; ETHER_IPV4_LEN - HEADER_LEN] = self.body.first_chunk()?;
        let mut a = EtherIpv4 {
            sender_mac: [0; 6],
            sender_ip: [0; 4],
            target_mac: [0; 6],
            target_ip: [0; 4],
        };
        a.sender_mac.copy_from_slice(&b[0..6]);
        a.sender_ip.copy_from_slice(&b[6..10]);
        a.target_mac.copy_from_slice(&b[10..16]);
        a.target_ip.copy_from_slice(&b[16..20]);
        Some(a)
    }
}

impl EtherIpv4 {
    /// An RFC 5227 probe: "who has T" from a host without an address yet.
    pub fn is_probe(&self) -> bool {
        self.sender_ip == [0; 4]
    }
    /// Sender and target address the same: an announcement (gratuitous ARP).
    pub fn is_announcement(&self) -> bool {
        self.sender_ip == self.target_ip && !self.is_probe()
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arp")
            .field("htype", &self.htype())
            .field("ptype", &self.ptype())
            .field("hlen", &self.hlen())
            .field("plen", &self.plen())
            .field("op", &self.operation().name())
            .field("addrs", &self.ether_ipv4())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An Ethernet/IPv4 ARP packet.
    pub(crate) fn arp(
        op: u16,
        smac: [u8; 6],
        sip: [u8; 4],
        tmac: [u8; 6],
        tip: [u8; 4],
    ) -> Vec<u8> {
        let mut b = vec![0, 1, 8, 0, 6, 4];
        b.extend(op.to_be_bytes());
        b.extend(smac);
        b.extend(sip);
        b.extend(tmac);
        b.extend(tip);
        b
    }

    const M1: [u8; 6] = [0, 0x0e, 0x8c, 1, 2, 3];

    #[test]
    fn request_reply_probe_announcement() {
        let req = arp(1, M1, [10, 0, 0, 1], [0; 6], [10, 0, 0, 2]);
        let v = parse(&req).unwrap();
        assert_eq!(v.operation(), Operation::REQUEST);
        let a = v.ether_ipv4().unwrap();
        assert_eq!(
            (a.sender_mac, a.sender_ip, a.target_ip),
            (M1, [10, 0, 0, 1], [10, 0, 0, 2])
        );
        assert!(!a.is_probe() && !a.is_announcement());
        let probe = arp(1, M1, [0; 4], [0; 6], [10, 0, 0, 9]);
        let a = parse(&probe).unwrap().ether_ipv4().unwrap();
        assert!(a.is_probe() && !a.is_announcement());
        let ann = arp(2, M1, [10, 0, 0, 1], [0xff; 6], [10, 0, 0, 1]);
        let v = parse(&ann).unwrap();
        assert_eq!(v.operation().name(), "reply");
        assert!(v.ether_ipv4().unwrap().is_announcement());
        // Padding after the addresses (a minimum-size Ethernet frame) is ignored.
        let mut padded = req.clone();
        padded.extend([0; 18]);
        assert_eq!(
            parse(&padded).unwrap().ether_ipv4(),
            parse(&req).unwrap().ether_ipv4()
        );
    }

    #[test]
    fn other_types_have_no_addresses() {
        let mut b = arp(8, M1, [1, 2, 3, 4], M1, [5, 6, 7, 8]);
        b[1] = 15; // Frame Relay
        let v = parse(&b).unwrap();
        assert_eq!((v.htype(), v.operation().name()), (15, "InARP request"));
        assert!(v.ether_ipv4().is_none());
        assert_eq!(Operation(77).name(), "unknown");
    }

    #[test]
    fn truncation() {
        let b = arp(2, M1, [10, 0, 0, 1], M1, [10, 0, 0, 2]);
        for n in 0..b.len() {
            let r = parse(&b[..n]);
            if n < HEADER_LEN {
                assert_eq!(r.unwrap_err(), Error::Short { need: 8, have: n });
            } else {
                let v = r.unwrap();
                assert_eq!(v.ether_ipv4().is_some(), n == ETHER_IPV4_LEN);
                let _ = format!("{v:?}");
            }
        }
    }
}
