//! Precision Time Protocol version 2 (IEEE 1588-2008 clause 13, and 1588-2019's
//! minor version): the 34-octet common header (message type, version, length, domain,
//! flags, source port identity, sequence id) and the Announce body's grandmaster
//! (13.5). The same message rides on Ethernet (ethertype 0x88f7, Annex F) and UDP
//! ports 319/320 (Annex D); this file knows neither transport.

use std::fmt;

use super::{Op, OpClass};

/// The common header (13.3).
pub const HEADER_LEN: usize = 34;
/// Announce: origin timestamp (10), currentUtcOffset (2), reserved (1), priority1 (1),
/// clock quality (4), priority2 (1), grandmasterIdentity (8), stepsRemoved (2),
/// timeSource (1) (13.5.1).
const ANNOUNCE_PRIORITY1: usize = HEADER_LEN + 13;
const ANNOUNCE_CLASS: usize = HEADER_LEN + 14;
const ANNOUNCE_GM: usize = HEADER_LEN + 19;
pub const ANNOUNCE_LEN: usize = HEADER_LEN + 30;

/// Why bytes are not PTPv2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// versionPTP is not 2 (version 1 has another header).
    Version(u8),
}

/// messageType (Table 36); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageType(pub u8);

impl MessageType {
    pub const SYNC: MessageType = MessageType(0x0);
    pub const DELAY_REQ: MessageType = MessageType(0x1);
    pub const PDELAY_REQ: MessageType = MessageType(0x2);
    pub const PDELAY_RESP: MessageType = MessageType(0x3);
    pub const FOLLOW_UP: MessageType = MessageType(0x8);
    pub const DELAY_RESP: MessageType = MessageType(0x9);
    pub const PDELAY_RESP_FOLLOW_UP: MessageType = MessageType(0xa);
    pub const ANNOUNCE: MessageType = MessageType(0xb);
    pub const SIGNALING: MessageType = MessageType(0xc);
    pub const MANAGEMENT: MessageType = MessageType(0xd);
}

/// The message type's name (Table 36).
pub fn function_name(code: u16) -> &'static str {
    match MessageType(code as u8) {
        _ if code > 0xf => "unknown",
        MessageType::SYNC => "Sync",
        MessageType::DELAY_REQ => "Delay_Req",
        MessageType::PDELAY_REQ => "Pdelay_Req",
        MessageType::PDELAY_RESP => "Pdelay_Resp",
        MessageType::FOLLOW_UP => "Follow_Up",
        MessageType::DELAY_RESP => "Delay_Resp",
        MessageType::PDELAY_RESP_FOLLOW_UP => "Pdelay_Resp_Follow_Up",
        MessageType::ANNOUNCE => "Announce",
        MessageType::SIGNALING => "Signaling",
        MessageType::MANAGEMENT => "Management",
        _ => "Reserved",
    }
}

/// Management messages can set a clock's data sets (15.2); the rest is time transfer.
pub fn function_class(code: u16) -> OpClass {
    match MessageType(code as u8) {
        MessageType::MANAGEMENT if code <= 0xf => OpClass::Diagnostic,
        _ => OpClass::Other,
    }
}

/// What the Announce message says about the grandmaster (13.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Announce {
    pub priority1: u8,
    pub clock_class: u8,
    pub grandmaster: [u8; 8],
}

/// Checked once in `parse`; every accessor below is infallible.
#[derive(Clone, Copy)]
pub struct View<'a> {
    hdr: &'a [u8; HEADER_LEN],
    data: &'a [u8],
}

pub fn parse(data: &[u8]) -> Result<View<'_>, Error> {
    let hdr = data.first_chunk::<HEADER_LEN>().ok_or(Error::Short {
        need: HEADER_LEN,
        have: data.len(),
    })?;
    match hdr[1] & 0x0f {
        2 => Ok(View { hdr, data }),
        v => Err(Error::Version(v)),
    }
}

impl View<'_> {
    pub fn transport_specific(&self) -> u8 {
        self.hdr[0] >> 4
    }
    pub fn message_type(&self) -> MessageType {
        MessageType(self.hdr[0] & 0x0f)
    }
    /// minorVersionPTP (1588-2019; 0 in 1588-2008).
    pub fn minor_version(&self) -> u8 {
        self.hdr[1] >> 4
    }
    pub fn message_length(&self) -> u16 {
        u16::from_be_bytes([self.hdr[2], self.hdr[3]])
    }
    pub fn domain(&self) -> u8 {
        self.hdr[4]
    }
    pub fn flags(&self) -> u16 {
        u16::from_be_bytes([self.hdr[6], self.hdr[7]])
    }
    /// The sender's clockIdentity (an EUI-64).
    pub fn clock_identity(&self) -> [u8; 8] {
        let mut c = [0; 8];
        c.copy_from_slice(&self.hdr[20..28]);
        c
    }
    pub fn port_number(&self) -> u16 {
        u16::from_be_bytes([self.hdr[28], self.hdr[29]])
    }
    pub fn sequence_id(&self) -> u16 {
        u16::from_be_bytes([self.hdr[30], self.hdr[31]])
    }

    /// The grandmaster of an Announce message whose body is all there.
    pub fn announce(&self) -> Option<Announce> {
        if self.message_type() != MessageType::ANNOUNCE {
            return None;
        }
        let b = self.data.get(..ANNOUNCE_LEN)?;
        let mut grandmaster = [0; 8];
        grandmaster.copy_from_slice(&b[ANNOUNCE_GM..ANNOUNCE_GM + 8]);
        Some(Announce {
            priority1: b[ANNOUNCE_PRIORITY1],
            clock_class: b[ANNOUNCE_CLASS],
            grandmaster,
        })
    }
}

/// A clock identity as IEEE writes an EUI-64: eight hex octets joined by `:`.
pub fn clock_text(c: &[u8; 8]) -> String {
    c.iter()
        .map(|o| format!("{o:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The operation of a message: its type, in the sender's domain (the unit). Every
/// message is "sent" by its clock, so the direction is the sender's.
pub fn op(v: &View<'_>) -> Op {
    Op {
        unit: v.domain() as u64,
        function: v.message_type().0 as u16,
        exception: false,
        request: Some(true),
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ptp")
            .field("transport_specific", &self.transport_specific())
            .field("type", &function_name(self.message_type().0 as u16))
            .field("minor", &self.minor_version())
            .field("length", &self.message_length())
            .field("domain", &self.domain())
            .field("flags", &self.flags())
            .field("clock", &clock_text(&self.clock_identity()))
            .field("port", &self.port_number())
            .field("seq", &self.sequence_id())
            .field("announce", &self.announce())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const CLOCK: [u8; 8] = [0x00, 0x1b, 0x19, 0xff, 0xfe, 0x00, 0x00, 0x01];
    const GM: [u8; 8] = [0xec, 0x46, 0x70, 0xff, 0xfe, 0x0a, 0x0b, 0x0c];

    /// A PTPv2 message of `kind` from CLOCK in `domain`; Announce carries GM.
    pub(crate) fn message(kind: u8, domain: u8) -> Vec<u8> {
        let mut b = vec![kind, 2, 0, 0, domain, 0, 0x02, 0x00];
        b.extend([0; 12]);
        b.extend(CLOCK);
        b.extend([0, 1, 0, 7, 5, 1]);
        if kind == 0xb {
            b.extend([0; 10]);
            b.extend([0, 37, 0, 128, 6, 0x21, 0x4e, 0x5d, 128]);
            b.extend(GM);
            b.extend([0, 0, 0x20]);
        } else {
            b.extend([0; 10]);
        }
        let len = b.len() as u16;
        b[2..4].copy_from_slice(&len.to_be_bytes());
        b
    }

    #[test]
    fn header_and_announce() {
        let b = message(0xb, 24);
        assert_eq!(b.len(), ANNOUNCE_LEN);
        let v = parse(&b).unwrap();
        assert_eq!(v.message_type(), MessageType::ANNOUNCE);
        assert_eq!((v.domain(), v.sequence_id(), v.port_number()), (24, 7, 1));
        assert_eq!(clock_text(&v.clock_identity()), "00:1b:19:ff:fe:00:00:01");
        let a = v.announce().unwrap();
        assert_eq!((a.priority1, a.clock_class, a.grandmaster), (128, 6, GM));
        let o = op(&v);
        assert_eq!((o.unit, function_name(o.function)), (24, "Announce"));
        let s = message(0, 0);
        let v = parse(&s).unwrap();
        assert_eq!(
            (function_name(op(&v).function), v.announce()),
            ("Sync", None)
        );
        assert_eq!(function_class(0xd), OpClass::Diagnostic);
        assert_eq!(
            (function_name(0x5), function_class(0x5)),
            ("Reserved", OpClass::Other)
        );
        // Version 1 has another header.
        let mut v1 = s.clone();
        v1[1] = 1;
        assert_eq!(parse(&v1).unwrap_err(), Error::Version(1));
        // 1588-2019 minor version 1.
        let mut v21 = s;
        v21[1] = 0x12;
        assert_eq!(parse(&v21).unwrap().minor_version(), 1);
    }

    #[test]
    fn truncation() {
        let b = message(0xb, 0);
        for n in 0..b.len() {
            match parse(&b[..n]) {
                Err(e) => assert!(n < HEADER_LEN && e == Error::Short { need: 34, have: n }),
                Ok(v) => {
                    assert!(v.announce().is_none());
                    let _ = format!("{v:?}");
                }
            }
        }
    }
}
