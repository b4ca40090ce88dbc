//! LLDP (IEEE 802.1AB-2016, ethertype 0x88cc): the LLDPDU's TLVs (7-bit type, 9-bit
//! length, clause 8.4) and the basic ones a device describes itself with: chassis id,
//! port id, TTL, port description, system name and description, system capabilities
//! and management addresses (clause 8.5). Organisation-specific TLVs (type 127:
//! PROFINET, 802.1, 802.3 extensions) are listed, not decoded.
//!
//! An LLDPDU starts with the chassis id TLV; that is what `parse` checks. TLVs are read
//! as far as the bytes go: a TLV cut by the capture is returned short and ends the walk.

use std::fmt;

/// The first TLV's header.
pub const HEADER_LEN: usize = 2;
/// Most TLVs walked (an LLDPDU fits a frame: 1500 bytes hold at most 750 headers).
const MAX_TLVS: usize = 256;

/// TLV types (802.1AB-2016 Table 8-1).
pub mod tlv {
    pub const END: u8 = 0;
    pub const CHASSIS_ID: u8 = 1;
    pub const PORT_ID: u8 = 2;
    pub const TTL: u8 = 3;
    pub const PORT_DESCRIPTION: u8 = 4;
    pub const SYSTEM_NAME: u8 = 5;
    pub const SYSTEM_DESCRIPTION: u8 = 6;
    pub const SYSTEM_CAPABILITIES: u8 = 7;
    pub const MANAGEMENT_ADDRESS: u8 = 8;
    pub const ORG_SPECIFIC: u8 = 127;
}

/// Chassis id subtype "MAC address" (Table 8-2) and port id subtype "MAC address"
/// (Table 8-3) differ; both have a "network address" subtype.
const CHASSIS_MAC: u8 = 4;
const CHASSIS_NETWORK: u8 = 5;
const PORT_MAC: u8 = 3;
const PORT_NETWORK: u8 = 4;

/// Why bytes are not LLDP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// The first TLV is not the chassis id.
    First(u8),
}

/// One TLV; `value` is shorter than its length said when the capture cut it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub kind: u8,
    pub value: &'a [u8],
    pub cut: bool,
}

/// Checked once in `parse`; the TLVs are read by [`View::tlvs`].
#[derive(Clone, Copy)]
pub struct View<'a> {
    data: &'a [u8],
}

pub fn parse(data: &[u8]) -> Result<View<'_>, Error> {
    let hdr = data.first_chunk::<HEADER_LEN>().ok_or(Error::Short {
        need: HEADER_LEN,
        have: data.len(),
    })?;
    match hdr[0] >> 1 {
        tlv::CHASSIS_ID => Ok(View { data }),
        t => Err(Error::First(t)),
    }
}

/// An address as LLDP and CDP carry it: IANA address family 1 IPv4, 2 IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Address<'a> {
    V4([u8; 4]),
    V6([u8; 16]),
    Other(u8, &'a [u8]),
}

impl Address<'_> {
    fn of_family(family: u8, a: &[u8]) -> Address<'_> {
        match (family, a.len()) {
            (1, 4) => Address::V4(a.try_into().unwrap_or_default()),
            (2, 16) => Address::V6(a.try_into().unwrap_or_default()),
            _ => Address::Other(family, a),
        }
    }

    /// The IP address as text; None for other families.
    pub fn ip_text(&self) -> Option<String> {
        match *self {
            Address::V4(a) => Some(std::net::Ipv4Addr::from(a).to_string()),
            Address::V6(a) => Some(std::net::Ipv6Addr::from(a).to_string()),
            Address::Other(..) => None,
        }
    }
}

/// A chassis or port id: its subtype and value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Id<'a> {
    pub subtype: u8,
    pub value: &'a [u8],
}

impl Id<'_> {
    /// The id as text: a MAC or network address formatted, anything else as sent.
    fn text(&self, mac: u8, network: u8) -> String {
        match self.subtype {
            s if s == mac && self.value.len() == 6 => {
                let m = self.value;
                format!(
                    "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                    m[0], m[1], m[2], m[3], m[4], m[5]
                )
            }
            s if s == network => match self.value.split_first() {
                Some((&f, a)) => Address::of_family(f, a).ip_text().unwrap_or_default(),
                None => String::new(),
            },
            _ => String::from_utf8_lossy(self.value).into_owned(),
        }
    }
}

/// The basic TLVs of one LLDPDU (the first of each kind).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Info<'a> {
    pub chassis_id: Option<Id<'a>>,
    pub port_id: Option<Id<'a>>,
    pub ttl: Option<u16>,
    pub port_description: Option<&'a [u8]>,
    pub system_name: Option<&'a [u8]>,
    pub system_description: Option<&'a [u8]>,
    /// (supported, enabled) bits of Table 8-4.
    pub capabilities: Option<(u16, u16)>,
    pub management_address: Option<Address<'a>>,
    /// Organisation-specific TLVs seen (not decoded).
    pub org_specific: u16,
    /// The walk stopped at a TLV the capture cut.
    pub cut: bool,
}

impl Info<'_> {
    pub fn chassis_text(&self) -> Option<String> {
        self.chassis_id
            .map(|i| i.text(CHASSIS_MAC, CHASSIS_NETWORK))
    }
    pub fn port_text(&self) -> Option<String> {
        self.port_id.map(|i| i.text(PORT_MAC, PORT_NETWORK))
    }
}

/// System capability names by bit (802.1AB-2016 Table 8-4).
const CAPABILITIES: [&str; 11] = [
    "other",
    "repeater",
    "bridge",
    "wlan_access_point",
    "router",
    "telephone",
    "docsis",
    "station",
    "c_vlan",
    "s_vlan",
    "two_port_mac_relay",
];

/// Capability bits as names joined by `,` (unknown bits as `bitN`).
pub fn capability_names(bits: u16) -> String {
    super::bit_names(u32::from(bits), &CAPABILITIES)
}

impl<'a> View<'a> {
    /// The TLVs up to the End TLV, the end of the bytes, or a cut TLV (returned short).
    pub fn tlvs(&self) -> impl Iterator<Item = Tlv<'a>> + 'a {
        let mut b = self.data;
        std::iter::from_fn(move || {
            let Some((hdr, rest)) = b.split_first_chunk::<2>() else {
                // A header the capture cut in half.
                let (&h, _) = b.split_first()?;
                b = &[];
                return Some(Tlv {
                    kind: h >> 1,
                    value: &[],
                    cut: true,
                });
            };
            let kind = hdr[0] >> 1;
            let len = (((hdr[0] & 1) as usize) << 8) | hdr[1] as usize;
            if kind == tlv::END {
                return None;
            }
            let cut = len > rest.len();
            let (value, after) = rest.split_at(len.min(rest.len()));
            b = after;
            Some(Tlv { kind, value, cut })
        })
        .take(MAX_TLVS)
    }

    /// The basic TLVs, read in one walk.
    pub fn info(&self) -> Info<'a> {
        let mut i = Info::default();
        for t in self.tlvs() {
            let v = t.value;
            i.cut |= t.cut;
            let id = || {
                v.split_first()
                    .map(|(&subtype, value)| Id { subtype, value })
            };
            match t.kind {
                tlv::CHASSIS_ID if i.chassis_id.is_none() => i.chassis_id = id(),
                tlv::PORT_ID if i.port_id.is_none() => i.port_id = id(),
                tlv::TTL if i.ttl.is_none() => {
                    i.ttl = v.first_chunk::<2>().map(|x| u16::from_be_bytes(*x))
                }
                tlv::PORT_DESCRIPTION if i.port_description.is_none() => {
                    i.port_description = Some(v)
                }
                tlv::SYSTEM_NAME if i.system_name.is_none() => i.system_name = Some(v),
                tlv::SYSTEM_DESCRIPTION if i.system_description.is_none() => {
                    i.system_description = Some(v)
                }
                tlv::SYSTEM_CAPABILITIES if i.capabilities.is_none() => {
                    i.capabilities = v.first_chunk::<4>().map(|x| {
                        (
                            u16::from_be_bytes([x[0], x[1]]),
                            u16::from_be_bytes([x[2], x[3]]),
                        )
                    })
                }
                tlv::MANAGEMENT_ADDRESS if i.management_address.is_none() => {
                    // Address string length (subtype and address), subtype, address.
                    i.management_address = v.split_first().and_then(|(&n, rest)| {
                        let s = rest.get(..n as usize)?;
                        let (&family, a) = s.split_first()?;
                        Some(Address::of_family(family, a))
                    })
                }
                tlv::ORG_SPECIFIC => i.org_specific = i.org_specific.saturating_add(1),
                _ => {}
            }
        }
        i
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = self.info();
        f.debug_struct("Lldp")
            .field("info", &i)
            .field("chassis", &i.chassis_text())
            .field("port", &i.port_text())
            .field("caps", &i.capabilities.map(|c| capability_names(c.1)))
            .field("mgmt", &i.management_address.and_then(|a| a.ip_text()))
            .field("tlvs", &self.tlvs().count())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn tlv(kind: u8, v: &[u8]) -> Vec<u8> {
        let mut b = vec![(kind << 1) | (v.len() >> 8) as u8, v.len() as u8];
        b.extend(v);
        b
    }

    /// An LLDPDU of a switch port with every basic TLV and a PROFINET TLV.
    pub(crate) fn lldpdu() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(tlv(1, &[4, 0, 0x1b, 0x1b, 1, 2, 3]));
        b.extend(tlv(2, b"\x05port-003"));
        b.extend(tlv(3, &[0, 20]));
        b.extend(tlv(4, b"Siemens, SIMATIC NET, Ethernet Port, X1 P3"));
        b.extend(tlv(5, b"scalance-x204"));
        b.extend(tlv(
            6,
            b"SCALANCE X204-2, 6GK5 204-2BB10-2AA3, HW: 1, FW: V5.2.1",
        ));
        b.extend(tlv(7, &[0, 0x14, 0, 0x04]));
        b.extend(tlv(8, &[5, 1, 192, 168, 0, 10, 2, 0, 0, 0, 1, 0]));
        b.extend(tlv(127, &[0, 0x0e, 0xcf, 2, 0, 0]));
        b.extend(tlv(0, &[]));
        b
    }

    #[test]
    fn basic_tlvs() {
        let b = lldpdu();
        let v = parse(&b).unwrap();
        let i = v.info();
        assert_eq!(i.chassis_text().as_deref(), Some("00:1b:1b:01:02:03"));
        assert_eq!(i.port_text().as_deref(), Some("port-003"));
        assert_eq!(i.ttl, Some(20));
        assert_eq!(i.system_name, Some(&b"scalance-x204"[..]));
        assert_eq!(i.capabilities, Some((0x14, 0x04)));
        assert_eq!(capability_names(0x14), "bridge,router");
        assert_eq!(capability_names(0x8001), "other,bit15");
        assert_eq!(
            i.management_address.and_then(|a| a.ip_text()).as_deref(),
            Some("192.168.0.10")
        );
        assert_eq!((i.org_specific, i.cut), (1, false));
        assert_eq!(v.tlvs().count(), 9);
    }

    #[test]
    fn ids_and_addresses() {
        let mut b = tlv(
            1,
            &[
                5, 2, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
            ],
        );
        b.extend(tlv(2, &[3, 0, 1, 2, 3, 4, 5]));
        b.extend(tlv(
            8,
            &[17, 2, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        ));
        let i = parse(&b).unwrap().info();
        assert_eq!(i.chassis_text().as_deref(), Some("2001:db8::1"));
        assert_eq!(i.port_text().as_deref(), Some("00:01:02:03:04:05"));
        assert_eq!(
            i.management_address.and_then(|a| a.ip_text()).as_deref(),
            Some("fe80::1")
        );
        assert_eq!(parse(&tlv(2, b"x")).unwrap_err(), Error::First(2));
    }

    #[test]
    fn truncation() {
        let b = lldpdu();
        // TLV boundaries: a cut there leaves whole TLVs; anywhere else one is cut.
        let mut bounds = vec![0];
        while let Some(&at) = bounds.last().filter(|&&a| a < b.len()) {
            bounds.push(at + 2 + b[at + 1] as usize);
        }
        for n in 0..b.len() {
            match parse(&b[..n]) {
                Err(e) => assert!(n < HEADER_LEN && e == Error::Short { need: 2, have: n }),
                Ok(v) => {
                    let i = v.info();
                    let _ = format!("{v:?}");
                    assert_eq!(i.cut, !bounds.contains(&n), "{n}");
                }
            }
        }
    }
}
