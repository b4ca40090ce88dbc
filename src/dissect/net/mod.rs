//! The link, network and tunnel decoder: from a record's bytes and link type to the
//! innermost IP header and its transport header, unwrapping VLAN tags, MPLS, PPPoE,
//! GRE, ERSPAN, VXLAN, Geneve and IP-in-IP on the way.
//!
//! Pure and zero-copy: [`decode`] borrows the record and never allocates. Every packet
//! ends with one [`Outcome`], which is what the accounting counts.

pub mod ip;
pub mod l2;
pub mod link;
pub mod transport;
pub mod tunnel;

pub use ip::{Frag, IpInfo};
pub use transport::L4;

/// What became of a packet; each packet is counted under exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Decoded through the innermost transport header.
    Decoded,
    /// A link-layer frame that carries no IP (ARP, LLDP, PROFINET, GOOSE, ...).
    NonIp,
    /// An IP fragment held for reassembly (the completing fragment counts as decoded).
    IpFragment,
    /// The capture cut the packet before a header ottr needed.
    Truncated,
    /// A header is invalid.
    Malformed,
    /// A link type ottr does not decode.
    UnsupportedLinktype,
    /// A packet record the capture file itself damaged.
    UnreadableRecord,
    /// A pcapng custom block, which Wireshark lists as a frame of its own.
    CustomBlock,
}

impl Outcome {
    pub const ALL: [Outcome; 8] = [
        Outcome::Decoded,
        Outcome::NonIp,
        Outcome::IpFragment,
        Outcome::Truncated,
        Outcome::Malformed,
        Outcome::UnsupportedLinktype,
        Outcome::UnreadableRecord,
        Outcome::CustomBlock,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Decoded => "decoded",
            Outcome::NonIp => "non_ip",
            Outcome::IpFragment => "ip_fragment",
            Outcome::Truncated => "truncated",
            Outcome::Malformed => "malformed",
            Outcome::UnsupportedLinktype => "unsupported_linktype",
            Outcome::UnreadableRecord => "unreadable_record",
            Outcome::CustomBlock => "pcapng_custom_block",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Encapsulations seen on the way in, as bits of [`Packet::encap`].
pub mod encap {
    pub const VLAN: u16 = 1 << 0;
    pub const QINQ: u16 = 1 << 1;
    pub const MPLS: u16 = 1 << 2;
    pub const PPPOE: u16 = 1 << 3;
    pub const GRE: u16 = 1 << 4;
    pub const ERSPAN: u16 = 1 << 5;
    pub const VXLAN: u16 = 1 << 6;
    pub const GENEVE: u16 = 1 << 7;
    pub const IP_IN_IP: u16 = 1 << 8;
    pub const NAMES: [(u16, &str); 9] = [
        (VLAN, "vlan"),
        (QINQ, "qinq"),
        (MPLS, "mpls"),
        (PPPOE, "pppoe"),
        (GRE, "gre"),
        (ERSPAN, "erspan"),
        (VXLAN, "vxlan"),
        (GENEVE, "geneve"),
        (IP_IN_IP, "ip_in_ip"),
    ];
}

/// Ethertypes used while unwrapping.
pub mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    pub const TEB: u16 = 0x6558;
    pub const VLAN: u16 = 0x8100;
    pub const QINQ: u16 = 0x88a8;
    pub const QINQ_OLD1: u16 = 0x9100;
    pub const QINQ_OLD2: u16 = 0x9200;
    pub const IPV6: u16 = 0x86dd;
    pub const MPLS: u16 = 0x8847;
    pub const MPLS_MC: u16 = 0x8848;
    pub const PPPOE_SESSION: u16 = 0x8864;
    pub const ERSPAN_2: u16 = 0x88be;
    pub const ERSPAN_3: u16 = 0x22eb;
}

/// The layers of one packet that later stages need.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    pub outcome: Outcome,
    /// Source and destination MAC of the innermost Ethernet header, if any.
    pub src_mac: Option<[u8; 6]>,
    pub dst_mac: Option<[u8; 6]>,
    /// Innermost 802.1Q VLAN id (0 when untagged).
    pub vlan: u16,
    /// Link-layer protocol of a frame that carries no IP.
    pub l2: Option<l2::L2Proto>,
    /// Link-layer payload of a non-IP frame (after the ethertype or LLC header).
    pub l2_payload: &'a [u8],
    pub encap: u16,
    pub ip: Option<IpInfo<'a>>,
    pub l4: Option<L4<'a>>,
}

impl<'a> Packet<'a> {
    fn new() -> Self {
        Packet {
            outcome: Outcome::Malformed,
            src_mac: None,
            dst_mac: None,
            vlan: 0,
            l2: None,
            l2_payload: &[],
            encap: 0,
            ip: None,
            l4: None,
        }
    }
}

/// Nesting deeper than this is taken as malformed (protects against loops of tunnels).
const MAX_DEPTH: usize = 12;

/// Where the walk goes next.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Next<'a> {
    Ether(&'a [u8]),
    /// Payload after an ethertype field.
    Type(u16, &'a [u8]),
    /// A bare IP packet, version from its first nibble.
    Ip(&'a [u8]),
    Done(Outcome),
}

/// Decodes a record's bytes for a link type.
pub fn decode(linktype: u16, data: &[u8]) -> Packet<'_> {
    let mut p = Packet::new();
    let next = link::start(linktype, data, &mut p);
    walk(next, &mut p);
    p
}

/// Decodes a reassembled IP datagram from its transport header on.
pub fn decode_datagram(info: IpInfo<'_>) -> Packet<'_> {
    let mut p = Packet::new();
    let next = ip::enter(info, &mut p);
    walk(next, &mut p);
    p
}

fn walk<'a>(mut next: Next<'a>, p: &mut Packet<'a>) {
    for _ in 0..MAX_DEPTH {
        next = match next {
            Next::Ether(b) => link::ethernet(b, p),
            Next::Type(t, b) => by_ethertype(t, b, p),
            Next::Ip(b) => match b.first().map(|v| v >> 4) {
                Some(4) => ip::ipv4(b, p),
                Some(6) => ip::ipv6(b, p),
                Some(_) => Next::Done(Outcome::Malformed),
                None => Next::Done(Outcome::Truncated),
            },
            Next::Done(o) => {
                p.outcome = o;
                return;
            }
        };
    }
    p.outcome = match next {
        Next::Done(o) => o,
        _ => Outcome::Malformed,
    };
}

fn by_ethertype<'a>(t: u16, b: &'a [u8], p: &mut Packet<'a>) -> Next<'a> {
    use ethertype as et;
    match t {
        et::IPV4 | et::IPV6 => Next::Ip(b),
        et::VLAN | et::QINQ | et::QINQ_OLD1 | et::QINQ_OLD2 => link::vlan(t, b, p),
        et::MPLS | et::MPLS_MC => tunnel::mpls(b, p),
        et::PPPOE_SESSION => tunnel::pppoe(b, p),
        et::TEB => {
            p.encap |= encap::GRE;
            Next::Ether(b)
        }
        et::ERSPAN_2 => tunnel::erspan2(b, p),
        et::ERSPAN_3 => tunnel::erspan3(b, p),
        _ => {
            p.l2 = Some(l2::L2Proto::from_ethertype(t, b));
            p.l2_payload = b;
            Next::Done(Outcome::NonIp)
        }
    }
}

#[cfg(test)]
mod tests;
