//! IKE/ISAKMP (IKEv1: RFC 2408/2409; IKEv2: RFC 7296 §3.1): the fixed header (SPIs,
//! version, exchange type, flags, length) and the chain of generic payload headers,
//! to find vendor IDs before any encrypted payload. On UDP 4500 IKE follows a
//! four-byte zero non-ESP marker (RFC 3948 §2.2); see [`strip_marker`].

use std::fmt;

pub const HEADER_LEN: usize = 28;
/// Most payloads walked in one message.
pub const MAX_PAYLOADS: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// Major version other than 1 or 2.
    Version(u8),
    /// Length field below the header or above the datagram.
    Length(u32),
}

/// What a UDP 4500 datagram holds (RFC 3948).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NatT<'a> {
    /// IKE after the non-ESP marker.
    Ike(&'a [u8]),
    /// A one-byte 0xFF NAT-keepalive.
    Keepalive,
    /// ESP (the first four bytes are its non-zero SPI).
    Esp,
}

/// Splits a UDP 4500 datagram.
pub fn strip_marker(data: &[u8]) -> Option<NatT<'_>> {
    match data {
        [0xFF] => Some(NatT::Keepalive),
        [0, 0, 0, 0, rest @ ..] => Some(NatT::Ike(rest)),
        [_, _, _, _, _, _, _, _, ..] => Some(NatT::Esp),
        _ => None,
    }
}

/// One IKE message, borrowed.
#[derive(Clone, Copy)]
pub struct Message<'a> {
    hdr: &'a [u8; HEADER_LEN],
    /// The payloads, up to the header's length.
    payloads: &'a [u8],
}

pub fn parse(data: &[u8]) -> Result<Message<'_>, Error> {
    let Some((hdr, rest)) = data.split_first_chunk::<HEADER_LEN>() else {
        return Err(Error::Short {
            need: HEADER_LEN,
            have: data.len(),
        });
    };
    let major = hdr[17] >> 4;
    if !(1..=2).contains(&major) {
        return Err(Error::Version(hdr[17]));
    }
    let len = u32::from_be_bytes([hdr[24], hdr[25], hdr[26], hdr[27]]);
    if (len as usize) < HEADER_LEN || len as usize > data.len() {
        return Err(Error::Length(len));
    }
    Ok(Message {
        hdr,
        payloads: &rest[..len as usize - HEADER_LEN],
    })
}

/// An exchange type's name (RFC 2408 §3.1 and RFC 2409 for version 1, RFC 7296
/// §3.1 for version 2).
pub fn exchange_name(version: u8, x: u8) -> &'static str {
    match (version, x) {
        (1, 1) => "Base",
        (1, 2) => "Identity Protection (Main Mode)",
        (1, 3) => "Authentication Only",
        (1, 4) => "Aggressive",
        (1, 5) => "Informational",
        (1, 32) => "Quick Mode",
        (1, 33) => "New Group Mode",
        (2, 34) => "IKE_SA_INIT",
        (2, 35) => "IKE_AUTH",
        (2, 36) => "CREATE_CHILD_SA",
        (2, 37) => "INFORMATIONAL",
        (2, 38) => "IKE_SESSION_RESUME",
        (2, 43) => "IKE_INTERMEDIATE",
        _ => "unknown",
    }
}

impl<'a> Message<'a> {
    pub fn initiator_spi(&self) -> u64 {
        u64::from_be_bytes(self.hdr[0..8].try_into().unwrap_or_default())
    }
    pub fn responder_spi(&self) -> u64 {
        u64::from_be_bytes(self.hdr[8..16].try_into().unwrap_or_default())
    }
    /// Major version: 1 or 2.
    pub fn version(&self) -> u8 {
        self.hdr[17] >> 4
    }
    pub fn exchange(&self) -> u8 {
        self.hdr[18]
    }
    pub fn flags(&self) -> u8 {
        self.hdr[19]
    }
    pub fn len(&self) -> usize {
        HEADER_LEN + self.payloads.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    /// IKEv1's encryption flag: every payload is ciphertext.
    fn encrypted(&self) -> bool {
        self.version() == 1 && self.flags() & 1 != 0
    }

    /// (payload type, body) of each cleartext payload, in order; stops at an
    /// encrypted one (IKEv2 SK, type 46) or a malformed length.
    pub fn payloads(&self) -> impl Iterator<Item = (u8, &'a [u8])> + 'a {
        let mut next = if self.encrypted() { 0 } else { self.hdr[16] };
        let mut rest = self.payloads;
        let mut n = 0;
        std::iter::from_fn(move || {
            if next == 0 || next == 46 || n >= MAX_PAYLOADS || rest.len() < 4 {
                return None;
            }
            n += 1;
            let len = u16::from_be_bytes([rest[2], rest[3]]) as usize;
            let body = rest.get(4..len)?;
            let kind = next;
            next = rest[0];
            rest = &rest[len..];
            Some((kind, body))
        })
    }

    /// The vendor ID payloads' contents (type 13 in IKEv1, 43 in IKEv2).
    pub fn vendor_ids(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let vid = if self.version() == 1 { 13 } else { 43 };
        self.payloads()
            .filter(move |&(t, _)| t == vid)
            .map(|(_, b)| b)
    }
}

impl fmt::Debug for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ike")
            .field("ispi", &self.initiator_spi())
            .field("rspi", &self.responder_spi())
            .field("version", &self.version())
            .field("exchange", &exchange_name(self.version(), self.exchange()))
            .field("flags", &self.flags())
            .field(
                "payloads",
                &self.payloads().map(|p| p.0).collect::<Vec<_>>(),
            )
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An IKEv2 IKE_SA_INIT request with an SA payload and a vendor ID.
    pub(crate) fn sa_init() -> Vec<u8> {
        let mut m = vec![1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0];
        m.extend([33, 0x20, 34, 0x08, 0, 0, 0, 0]);
        m.extend([0, 0, 0, 0]); // length, set below
        m.extend([43, 0, 0, 8, 1, 2, 3, 4]); // SA -> next VID
        m.extend([0, 0, 0, 8, 0xAA, 0xBB, 0xCC, 0xDD]);
        let n = m.len() as u32;
        m[24..28].copy_from_slice(&n.to_be_bytes());
        m
    }

    #[test]
    fn header_and_vendor_ids() {
        let d = sa_init();
        let m = parse(&d).unwrap();
        assert_eq!((m.version(), m.exchange(), m.len()), (2, 34, d.len()));
        assert_eq!(exchange_name(2, 34), "IKE_SA_INIT");
        assert_eq!(m.initiator_spi(), 0x0102030405060708);
        assert_eq!(
            m.vendor_ids().collect::<Vec<_>>(),
            [&[0xAA, 0xBB, 0xCC, 0xDD][..]]
        );
        let mut nat = vec![0, 0, 0, 0];
        nat.extend(&d);
        assert_eq!(strip_marker(&nat), Some(NatT::Ike(&d[..])));
        assert_eq!(strip_marker(&[0xFF]), Some(NatT::Keepalive));
        assert_eq!(strip_marker(&[1, 2, 3, 4, 0, 0, 0, 1]), Some(NatT::Esp));
        let mut bad = d.clone();
        bad[17] = 0x30;
        assert_eq!(parse(&bad).err(), Some(Error::Version(0x30)));
    }

    #[test]
    fn every_prefix_is_handled() {
        let d = sa_init();
        for cut in 0..d.len() {
            match parse(&d[..cut]) {
                Err(Error::Short { .. }) => assert!(cut < HEADER_LEN),
                Err(Error::Length(_)) => assert!(cut >= HEADER_LEN),
                r => panic!("cut {cut}: {r:?}"),
            }
            // A lying length inside the payloads.
            let mut v = d.clone();
            v[cut] = 0xFF;
            if let Ok(m) = parse(&v) {
                let _ = format!("{m:?}");
            }
        }
    }
}
