//! IEC 61850 GOOSE (ethertype 0x88b8): the 8-octet header (APPID, length, reserved1
//! with the edition 2 simulation bit, reserved2) and the goosePdu's fields (IEC
//! 61850-8-1:2011 Annex A, A.3 for the header, ASN.1 module IEC61850 for
//! `IECGoosePdu`). The data set values (`allData`) are counted, not decoded.
//!
//! Truncation is a normal state: a frame whose header parsed and whose APDU starts with
//! the goosePdu tag is GOOSE; fields are read as far as the bytes go and the view says
//! whether they ran out (`cut`) or broke (`malformed`). The private `ber` module is a
//! small BER reader shared with `sv` (ASN.1 basic encoding rules, ITU-T X.690 8.1).

use std::fmt;

use super::{ber, Op, OpClass};

/// APPID, length, reserved1, reserved2.
pub const HEADER_LEN: usize = 8;
/// `IECGoosePdu ::= [APPLICATION 1] IMPLICIT SEQUENCE`.
pub const PDU_TAG: u8 = 0x61;
/// Reserved1 bit 15: the frame is simulated (IEC 61850-8-1:2011 A.3, edition 2).
pub const RESERVED1_SIMULATION: u16 = 0x8000;
/// Function code that `ot_operations.csv` prints for a goosePdu: its tag.
pub const FUNCTION_PUBLISH: u16 = PDU_TAG as u16;
/// Most elements of `allData` counted (bounds the work on hostile input).
const MAX_DATA_COUNT: u32 = 4096;

/// Why bytes are not GOOSE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the header and the goosePdu tag.
    Short { need: usize, have: usize },
    /// Length field below the header's 8 octets.
    Length(u16),
    /// The APDU does not start with the goosePdu tag.
    Tag(u8),
}

/// A GOOSE frame, borrowed. Checked once in `parse`; accessors are infallible.
#[derive(Clone, Copy)]
pub struct Frame<'a> {
    pub header: Header<'a>,
    pub pdu: Pdu<'a>,
}

/// The header GOOSE and Sampled Values share (IEC 61850-8-1 A.3, 61850-9-2 8.5.2).
#[derive(Clone, Copy)]
pub struct Header<'a>(&'a [u8; HEADER_LEN]);

impl Header<'_> {
    /// Application identifier (0x0000..0x3fff GOOSE, 0x4000..0x7fff SV).
    pub fn appid(&self) -> u16 {
        u16::from_be_bytes([self.0[0], self.0[1]])
    }
    /// Octets from the APPID to the end of the APDU, as the frame states it.
    pub fn length(&self) -> u16 {
        u16::from_be_bytes([self.0[2], self.0[3]])
    }
    pub fn reserved1(&self) -> u16 {
        u16::from_be_bytes([self.0[4], self.0[5]])
    }
    pub fn reserved2(&self) -> u16 {
        u16::from_be_bytes([self.0[6], self.0[7]])
    }
    /// The edition 2 simulation bit of reserved1.
    pub fn simulated(&self) -> bool {
        self.reserved1() & RESERVED1_SIMULATION != 0
    }
}

impl fmt::Debug for Header<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Header")
            .field("appid", &self.appid())
            .field("length", &self.length())
            .field("reserved1", &self.reserved1())
            .field("reserved2", &self.reserved2())
            .finish()
    }
}

/// Splits a GOOSE or SV frame into its header and its APDU, which must start with
/// `pdu_tag`; the APDU ends where the length says (Ethernet padding may follow), and
/// `true` says the frame is shorter than that.
pub fn split(data: &[u8], pdu_tag: u8) -> Result<(Header<'_>, &[u8], bool), Error> {
    let (hdr, rest) = data.split_first_chunk::<HEADER_LEN>().ok_or(Error::Short {
        need: HEADER_LEN + 1,
        have: data.len(),
    })?;
    let len = u16::from_be_bytes([hdr[2], hdr[3]]);
    if (len as usize) < HEADER_LEN {
        return Err(Error::Length(len));
    }
    let apdu_len = len as usize - HEADER_LEN;
    let apdu = &rest[..apdu_len.min(rest.len())];
    let &tag = apdu.first().ok_or(Error::Short {
        need: HEADER_LEN + 1,
        have: data.len(),
    })?;
    if tag != pdu_tag {
        return Err(Error::Tag(tag));
    }
    Ok((Header(hdr), apdu, apdu_len > rest.len()))
}

/// The goosePdu's fields as far as they were read; absent fields are `None`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pdu<'a> {
    pub gocb_ref: Option<&'a [u8]>,
    pub time_allowed_to_live: Option<u64>,
    pub dat_set: Option<&'a [u8]>,
    pub go_id: Option<&'a [u8]>,
    /// UtcTime: seconds (4 octets), fraction (3), quality (1).
    pub t: Option<&'a [u8]>,
    pub st_num: Option<u64>,
    pub sq_num: Option<u64>,
    /// The `simulation` (edition 2) or `test` (edition 1) field.
    pub simulation: Option<bool>,
    pub conf_rev: Option<u64>,
    pub nds_com: Option<bool>,
    pub num_dat_set_entries: Option<u64>,
    /// Elements of `allData` (top level), counted up to a bound.
    pub all_data_count: Option<u32>,
    /// Fields with a tag the PDU does not define.
    pub unknown_fields: u32,
    /// The frame or a field ended before its length said.
    pub cut: bool,
    /// A field could not be read (bad tag or length, wrong size).
    pub malformed: bool,
}

/// Parses a GOOSE frame: the ethertype's payload (VLAN tags already removed).
pub fn parse(data: &[u8]) -> Result<Frame<'_>, Error> {
    let (header, apdu, frame_cut) = split(data, PDU_TAG)?;
    let mut pdu = Pdu {
        cut: frame_cut,
        ..Pdu::default()
    };
    match ber::read_lax(apdu) {
        Ok((t, cut, _)) => {
            pdu.cut |= cut;
            read_fields(t.value, &mut pdu);
        }
        Err(ber::Error::Short { .. }) => pdu.cut = true,
        Err(_) => pdu.malformed = true,
    }
    Ok(Frame { header, pdu })
}

/// A BOOLEAN's contents: one octet, non-zero is true.
pub(crate) fn boolean(v: &[u8]) -> Option<bool> {
    match v {
        [b] => Some(*b != 0),
        _ => None,
    }
}

fn read_fields<'a>(b: &'a [u8], p: &mut Pdu<'a>) {
    for t in ber::iter_lax(b) {
        let (t, cut) = match t {
            Ok(t) => t,
            Err(ber::Error::Short { .. }) => {
                p.cut = true;
                break;
            }
            Err(_) => {
                p.malformed = true;
                break;
            }
        };
        p.cut |= cut;
        let v = t.value;
        // A field that is cut keeps nothing but its presence.
        let ok = !cut;
        let mut bad = false;
        let mut num = |f: &mut Option<u64>| {
            *f = ber::uint(v).filter(|_| ok);
            bad |= ok && f.is_none();
        };
        match t.tag.id() {
            0x80 => p.gocb_ref = Some(v),
            0x81 => num(&mut p.time_allowed_to_live),
            0x82 => p.dat_set = Some(v),
            0x83 => p.go_id = Some(v),
            0x84 => {
                p.t = (v.len() == 8).then_some(v);
                bad = ok && p.t.is_none();
            }
            0x85 => num(&mut p.st_num),
            0x86 => num(&mut p.sq_num),
            0x87 => p.simulation = boolean(v),
            0x88 => num(&mut p.conf_rev),
            0x89 => p.nds_com = boolean(v),
            0x8a => num(&mut p.num_dat_set_entries),
            0xab => {
                let mut n = 0u32;
                for d in ber::iter_lax(v).take(MAX_DATA_COUNT as usize) {
                    match d {
                        Ok(_) => n += 1,
                        Err(ber::Error::Short { .. }) => p.cut = true,
                        Err(_) => p.malformed = true,
                    }
                }
                p.all_data_count = Some(n);
            }
            _ => p.unknown_fields += 1,
        }
        p.malformed |= bad;
    }
}

impl<'a> Frame<'a> {
    /// Test or simulation frame: the reserved1 bit or the PDU's simulation/test field.
    pub fn is_test(&self) -> bool {
        self.header.simulated() || self.pdu.simulation == Some(true)
    }
}

/// The operation a GOOSE frame performs: a publication under its APPID.
pub fn op(f: &Frame<'_>) -> Op {
    Op {
        unit: f.header.appid() as u64,
        function: FUNCTION_PUBLISH,
        exception: false,
        request: Some(true),
    }
}

/// Name of a function code as outputs print it.
pub fn function_name(code: u16) -> &'static str {
    match code {
        FUNCTION_PUBLISH => "GOOSE publish",
        _ => "Unknown",
    }
}

/// Class of a function code: a publication is neither a read nor a write of a
/// server's data (subscribers decide what to do with it).
pub fn function_class(_code: u16) -> OpClass {
    OpClass::Other
}

impl fmt::Debug for Frame<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Goose")
            .field("header", &self.header)
            .field("is_test", &self.is_test())
            .field("pdu", &self.pdu)
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn tlv(tag: u8, v: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        if v.len() < 0x80 {
            out.push(v.len() as u8);
        } else {
            out.push(0x82);
            out.extend((v.len() as u16).to_be_bytes());
        }
        out.extend(v);
        out
    }

    /// A GOOSE frame (ethertype payload) with the given stNum, sqNum and test flag.
    pub(crate) fn frame(appid: u16, st: u8, sq: u8, test: bool, reserved1: u16) -> Vec<u8> {
        let mut pdu = Vec::new();
        pdu.extend(tlv(0x80, b"IED1/LLN0$GO$gcb01"));
        pdu.extend(tlv(0x81, &[0x00, 0x9c, 0x40]));
        pdu.extend(tlv(0x82, b"IED1/LLN0$DS1"));
        pdu.extend(tlv(0x83, b"IED1_GO1"));
        pdu.extend(tlv(0x84, &[0x38, 0x6e, 0xbb, 0xf3, 0x42, 0x17, 0x28, 0x0a]));
        pdu.extend(tlv(0x85, &[st]));
        pdu.extend(tlv(0x86, &[sq]));
        pdu.extend(tlv(0x87, &[test as u8]));
        pdu.extend(tlv(0x88, &[1]));
        pdu.extend(tlv(0x89, &[0]));
        pdu.extend(tlv(0x8a, &[2]));
        let mut data = tlv(0x83, &[0]);
        data.extend(tlv(0x84, &[0x03, 0x00]));
        pdu.extend(tlv(0xab, &data));
        let apdu = tlv(PDU_TAG, &pdu);
        let mut v = appid.to_be_bytes().to_vec();
        v.extend(((apdu.len() + HEADER_LEN) as u16).to_be_bytes());
        v.extend(reserved1.to_be_bytes());
        v.extend([0, 0]);
        v.extend(apdu);
        v
    }

    #[test]
    fn publication_fields() {
        let mut b = frame(0x0001, 3, 7, false, 0);
        b.extend([0u8; 6]); // Ethernet padding
        let f = parse(&b).unwrap();
        assert_eq!(f.header.appid(), 1);
        let p = f.pdu;
        assert_eq!(p.gocb_ref, Some(&b"IED1/LLN0$GO$gcb01"[..]));
        assert_eq!(p.dat_set, Some(&b"IED1/LLN0$DS1"[..]));
        assert_eq!(p.go_id, Some(&b"IED1_GO1"[..]));
        assert_eq!(
            (p.time_allowed_to_live, p.st_num, p.sq_num, p.conf_rev),
            (Some(40000), Some(3), Some(7), Some(1))
        );
        assert_eq!(
            (p.num_dat_set_entries, p.all_data_count),
            (Some(2), Some(2))
        );
        assert_eq!((p.simulation, p.nds_com), (Some(false), Some(false)));
        assert!(!p.cut && !p.malformed && !f.is_test());
        assert_eq!(op(&f).function, FUNCTION_PUBLISH);
        assert_eq!(function_name(op(&f).function), "GOOSE publish");
    }

    #[test]
    fn test_and_simulation() {
        assert!(parse(&frame(1, 1, 1, true, 0)).unwrap().is_test());
        let f = frame(1, 1, 1, false, RESERVED1_SIMULATION);
        let f = parse(&f).unwrap();
        assert!(f.header.simulated() && f.is_test());
    }

    #[test]
    fn not_goose() {
        let mut b = frame(1, 1, 1, false, 0);
        b[8] = 0x60;
        assert_eq!(parse(&b).err(), Some(Error::Tag(0x60)));
        b[3] = 4;
        b[2] = 0;
        assert_eq!(parse(&b).err(), Some(Error::Length(4)));
    }

    #[test]
    fn broken_fields_are_flagged() {
        // A universal tag where gocbRef belongs, with an indefinite length.
        let mut b = frame(1, 1, 1, false, 0);
        b[10] = 0x1a;
        b[11] = 0x80;
        let f = parse(&b).unwrap();
        assert!(f.pdu.malformed && f.pdu.gocb_ref.is_none());
        // A 9-octet stNum does not fit.
        let mut pdu = tlv(0x85, &[1; 9]);
        pdu.extend(tlv(0x8c, &[0]));
        let apdu = tlv(PDU_TAG, &pdu);
        let mut v = vec![0, 1];
        v.extend(((apdu.len() + 8) as u16).to_be_bytes());
        v.extend([0, 0, 0, 0]);
        v.extend(apdu);
        let f = parse(&v).unwrap();
        assert!(f.pdu.malformed && f.pdu.st_num.is_none());
        assert_eq!(f.pdu.unknown_fields, 1);
    }

    #[test]
    fn every_prefix_is_handled() {
        let b = frame(0x3fff, 200, 9, true, 0);
        for cut in 0..b.len() {
            let r = parse(&b[..cut]);
            if cut <= HEADER_LEN {
                assert!(matches!(r, Err(Error::Short { .. })), "cut {cut}: {r:?}");
            } else {
                let f = r.unwrap();
                assert!(f.pdu.cut, "cut {cut}");
                let _ = format!("{f:?}");
            }
        }
        assert!(!parse(&b).unwrap().pdu.cut);
    }
}
