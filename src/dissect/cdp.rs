//! Cisco Discovery Protocol (SNAP OUI 00000c, PID 0x2000): the 4-octet header
//! (version, TTL, checksum: not verified) and the TLVs a device describes itself with:
//! device id, addresses, port id, capabilities, software version, platform, native
//! VLAN, management addresses. TLV type and length are 16 bits each, the length
//! counting the 4-octet TLV header (Cisco's published CDP format, as in the CISCO-CDP
//! MIB's cdpCache objects).
//!
//! The SNAP id makes a frame CDP; `parse` only needs the header. TLVs are read as far as
//! the bytes go; a length below 4 or past the bytes ends the walk.

use std::fmt;

use super::lldp::Address;

/// Version, TTL, checksum.
pub const HEADER_LEN: usize = 4;
/// Most TLVs and addresses walked.
const MAX_TLVS: usize = 256;
const MAX_ADDRESSES: usize = 16;

/// TLV types.
pub mod tlv {
    pub const DEVICE_ID: u16 = 0x0001;
    pub const ADDRESSES: u16 = 0x0002;
    pub const PORT_ID: u16 = 0x0003;
    pub const CAPABILITIES: u16 = 0x0004;
    pub const SOFTWARE_VERSION: u16 = 0x0005;
    pub const PLATFORM: u16 = 0x0006;
    pub const NATIVE_VLAN: u16 = 0x000a;
    pub const MANAGEMENT_ADDRESSES: u16 = 0x0016;
}

/// Why bytes are not CDP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short { need: usize, have: usize },
}

/// One TLV; `cut` when the capture ended inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub kind: u16,
    pub value: &'a [u8],
    pub cut: bool,
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

/// Capability names by bit (CISCO-CDP-MIB cdpCacheCapabilities).
const CAPABILITIES: [&str; 11] = [
    "router",
    "transparent_bridge",
    "source_route_bridge",
    "switch",
    "host",
    "igmp",
    "repeater",
    "phone",
    "remotely_managed",
    "cvta",
    "two_port_mac_relay",
];

/// Capability bits as names joined by `,` (unknown bits as `bitN`).
pub fn capability_names(bits: u32) -> String {
    super::bit_names(bits, &CAPABILITIES)
}

/// The addresses of an Addresses or Management Addresses TLV: a 32-bit count, then
/// per address protocol type (1 NLPID, 2 802.2), protocol length, protocol, a 16-bit
/// address length and the address. IPv4 is NLPID 0xcc; IPv6 is 802.2 SNAP 0x86dd.
pub fn addresses(v: &[u8]) -> impl Iterator<Item = Address<'_>> {
    let mut b = v.get(4..).unwrap_or(&[]);
    std::iter::from_fn(move || {
        let (&[ptype, plen], rest) = b.split_first_chunk::<2>()?;
        let proto = rest.get(..plen as usize)?;
        let rest = &rest[plen as usize..];
        let (alen, rest) = rest.split_first_chunk::<2>()?;
        let alen = u16::from_be_bytes(*alen) as usize;
        let addr = rest.get(..alen)?;
        b = &rest[alen..];
        let family = match (ptype, proto) {
            (1, [0xcc]) => 1,
            (2, [0xaa, 0xaa, 0x03, 0, 0, 0, 0x86, 0xdd]) => 2,
            _ => 0,
        };
        Some(match (family, addr.len()) {
            (1, 4) => Address::V4(addr.try_into().unwrap_or_default()),
            (2, 16) => Address::V6(addr.try_into().unwrap_or_default()),
            _ => Address::Other(ptype, addr),
        })
    })
    .take(MAX_ADDRESSES)
}

/// The TLVs of one packet (the first of each kind).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Info<'a> {
    pub device_id: Option<&'a [u8]>,
    /// The first IP address of the Addresses TLV.
    pub address: Option<Address<'a>>,
    pub port_id: Option<&'a [u8]>,
    pub capabilities: Option<u32>,
    pub software_version: Option<&'a [u8]>,
    pub platform: Option<&'a [u8]>,
    pub native_vlan: Option<u16>,
    /// The first IP address of the Management Addresses TLV.
    pub management_address: Option<Address<'a>>,
    /// The walk stopped at a TLV the capture cut or a broken length.
    pub cut: bool,
}

impl<'a> View<'a> {
    pub fn version(&self) -> u8 {
        self.hdr[0]
    }
    pub fn ttl(&self) -> u8 {
        self.hdr[1]
    }
    pub fn checksum(&self) -> u16 {
        u16::from_be_bytes([self.hdr[2], self.hdr[3]])
    }

    /// The TLVs up to the end of the bytes, a cut TLV (returned `cut`) or a length
    /// below the TLV header (ends the walk).
    pub fn tlvs(&self) -> impl Iterator<Item = Tlv<'a>> + 'a {
        let mut b = self.body;
        std::iter::from_fn(move || {
            if b.is_empty() {
                return None;
            }
            let Some((hdr, rest)) = b.split_first_chunk::<4>() else {
                b = &[];
                return Some(Tlv {
                    kind: 0,
                    value: &[],
                    cut: true,
                });
            };
            let kind = u16::from_be_bytes([hdr[0], hdr[1]]);
            let len = u16::from_be_bytes([hdr[2], hdr[3]]) as usize;
            let Some(vlen) = len.checked_sub(4) else {
                b = &[];
                return Some(Tlv {
                    kind,
                    value: &[],
                    cut: true,
                });
            };
            let cut = vlen > rest.len();
            let (value, after) = rest.split_at(vlen.min(rest.len()));
            b = after;
            Some(Tlv { kind, value, cut })
        })
        .take(MAX_TLVS)
    }

    /// The TLVs, read in one walk.
    pub fn info(&self) -> Info<'a> {
        let mut i = Info::default();
        let ip = |v: &'a [u8]| addresses(v).find(|a| !matches!(a, Address::Other(..)));
        for t in self.tlvs() {
            let v = t.value;
            i.cut |= t.cut;
            match t.kind {
                tlv::DEVICE_ID if i.device_id.is_none() => i.device_id = Some(v),
                tlv::ADDRESSES if i.address.is_none() => i.address = ip(v),
                tlv::PORT_ID if i.port_id.is_none() => i.port_id = Some(v),
                tlv::CAPABILITIES if i.capabilities.is_none() => {
                    i.capabilities = v.first_chunk::<4>().map(|x| u32::from_be_bytes(*x))
                }
                tlv::SOFTWARE_VERSION if i.software_version.is_none() => {
                    i.software_version = Some(v)
                }
                tlv::PLATFORM if i.platform.is_none() => i.platform = Some(v),
                tlv::NATIVE_VLAN if i.native_vlan.is_none() => {
                    i.native_vlan = v.first_chunk::<2>().map(|x| u16::from_be_bytes(*x))
                }
                tlv::MANAGEMENT_ADDRESSES if i.management_address.is_none() => {
                    i.management_address = ip(v)
                }
                _ => {}
            }
        }
        i
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = self.info();
        f.debug_struct("Cdp")
            .field("version", &self.version())
            .field("ttl", &self.ttl())
            .field("checksum", &self.checksum())
            .field("info", &i)
            .field("caps", &i.capabilities.map(capability_names))
            .field("tlvs", &self.tlvs().count())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn tlv(kind: u16, v: &[u8]) -> Vec<u8> {
        let mut b = kind.to_be_bytes().to_vec();
        b.extend((v.len() as u16 + 4).to_be_bytes());
        b.extend(v);
        b
    }

    /// A CDPv2 packet of a switch (checksum left zero: it is not verified).
    pub(crate) fn packet() -> Vec<u8> {
        let mut b = vec![2, 180, 0, 0];
        b.extend(tlv(1, b"sw-core-1.plant.local"));
        // One IPv6 address (802.2) then one IPv4 address (NLPID).
        let mut addrs = vec![0, 0, 0, 2];
        addrs.extend([2, 8, 0xaa, 0xaa, 3, 0, 0, 0, 0x86, 0xdd, 0, 16]);
        addrs.extend([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
        addrs.extend([1, 1, 0xcc, 0, 4, 10, 1, 2, 3]);
        b.extend(tlv(2, &addrs));
        b.extend(tlv(3, b"GigabitEthernet0/1"));
        b.extend(tlv(4, &[0, 0, 0, 0x28]));
        b.extend(tlv(
            5,
            b"Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE5\nCopyright (c) 1986-2012",
        ));
        b.extend(tlv(6, b"cisco WS-C2960-24TT-L"));
        b.extend(tlv(0x0a, &[0, 10]));
        b.extend(tlv(0x16, &[0, 0, 0, 1, 1, 1, 0xcc, 0, 4, 10, 1, 2, 4]));
        b
    }

    #[test]
    fn tlvs() {
        let b = packet();
        let v = parse(&b).unwrap();
        assert_eq!((v.version(), v.ttl()), (2, 180));
        let i = v.info();
        assert_eq!(i.device_id, Some(&b"sw-core-1.plant.local"[..]));
        assert_eq!(i.port_id, Some(&b"GigabitEthernet0/1"[..]));
        assert_eq!(i.platform, Some(&b"cisco WS-C2960-24TT-L"[..]));
        assert_eq!(i.native_vlan, Some(10));
        assert_eq!(
            i.capabilities.map(capability_names).as_deref(),
            Some("switch,igmp")
        );
        // The first IP address, whichever family.
        assert_eq!(
            i.address.and_then(|a| a.ip_text()).as_deref(),
            Some("fe80::7")
        );
        assert_eq!(
            i.management_address.and_then(|a| a.ip_text()).as_deref(),
            Some("10.1.2.4")
        );
        assert!(!i.cut);
        assert_eq!(v.tlvs().count(), 8);
        assert_eq!(capability_names(1 << 20), "bit20");
    }

    #[test]
    fn broken_length_ends_the_walk() {
        let mut b = vec![1, 60, 0, 0];
        b.extend(tlv(6, b"x"));
        b.extend([0, 0x99, 0, 2, b'a', b'b']);
        b.extend(tlv(1, b"never"));
        let i = parse(&b).unwrap().info();
        assert_eq!(
            (i.platform, i.device_id, i.cut),
            (Some(&b"x"[..]), None, true)
        );
        // An address count larger than the addresses present.
        assert_eq!(addresses(&[0, 0, 0, 9, 1, 1, 0xcc, 0, 4, 1, 2]).count(), 0);
    }

    #[test]
    fn truncation() {
        let b = packet();
        let mut bounds = vec![HEADER_LEN];
        while let Some(&at) = bounds.last().filter(|&&a| a < b.len()) {
            bounds.push(at + u16::from_be_bytes([b[at + 2], b[at + 3]]) as usize);
        }
        for n in 0..b.len() {
            match parse(&b[..n]) {
                Err(e) => assert!(n < HEADER_LEN && e == Error::Short { need: 4, have: n }),
                Ok(v) => {
                    let i = v.info();
                    let _ = format!("{v:?}");
                    assert_eq!(i.cut, !bounds.contains(&n), "{n}");
                }
            }
        }
    }
}
