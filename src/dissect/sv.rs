//! IEC 61850 Sampled Values (ethertype 0x88ba): the 8-octet header (as GOOSE's) and
//! the savPdu: noASDU and each ASDU's svID, smpCnt, confRev and smpSynch (IEC
//! 61850-9-2:2011 clause 8.5 and Table 14). Sample values are not decoded.
//!
//! Lax like `goose`: a frame whose header parsed and whose APDU starts with the savPdu
//! tag is SV; ASDUs are read as far as the bytes go.

use std::fmt;

use super::ber;
use super::{Op, OpClass};

/// APPID, length, reserved1, reserved2: GOOSE's header.
pub use super::goose::HEADER_LEN;

/// `SavPdu ::= [APPLICATION 0] IMPLICIT SEQUENCE`.
pub const PDU_TAG: u8 = 0x60;
/// Function code that `ot_operations.csv` prints for a savPdu: its tag.
pub const FUNCTION_PUBLISH: u16 = PDU_TAG as u16;
/// Most ASDUs read from one frame (noASDU is at most a few in practice).
pub const MAX_ASDUS: usize = 64;

/// Why bytes are not SV: as for GOOSE, whose header SV shares.
pub use super::goose::Error;
use super::goose::Header;

/// An SV frame, borrowed. Checked once in `parse`; accessors are infallible.
#[derive(Clone, Copy)]
pub struct Frame<'a> {
    pub header: Header<'a>,
    /// noASDU, when present and readable.
    pub no_asdu: Option<u64>,
    /// The seqASDU's contents (ASDUs one after another).
    seq: &'a [u8],
    /// The frame or a field ended before its length said.
    pub cut: bool,
    pub malformed: bool,
}

/// One ASDU's fields as far as they were read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Asdu<'a> {
    pub sv_id: Option<&'a [u8]>,
    pub dat_set: Option<&'a [u8]>,
    pub smp_cnt: Option<u16>,
    pub conf_rev: Option<u32>,
    /// 0 none, 1 local, 2 global (edition 2 adds the clock id in 5..254).
    pub smp_synch: Option<u8>,
    pub smp_rate: Option<u16>,
    /// Octets of the sample field.
    pub sample_len: Option<usize>,
    pub cut: bool,
}

/// Parses an SV frame: the ethertype's payload (VLAN tags already removed).
pub fn parse(data: &[u8]) -> Result<Frame<'_>, Error> {
    let (header, apdu, cut) = super::goose::split(data, PDU_TAG)?;
    let mut f = Frame {
        header,
        no_asdu: None,
        seq: &[],
        cut,
        malformed: false,
    };
    let body = match ber::read_lax(apdu) {
        Ok((t, cut, _)) => {
            f.cut |= cut;
            t.value
        }
        Err(ber::Error::Short { .. }) => {
            f.cut = true;
            &[]
        }
        Err(_) => {
            f.malformed = true;
            &[]
        }
    };
    for t in ber::iter_lax(body) {
        match t {
            Ok((t, cut)) => {
                f.cut |= cut;
                match t.tag.id() {
                    0x80 => f.no_asdu = ber::uint(t.value),
                    0xa2 => f.seq = t.value,
                    _ => {}
                }
            }
            Err(ber::Error::Short { .. }) => f.cut = true,
            Err(_) => f.malformed = true,
        }
    }
    Ok(f)
}

impl<'a> Frame<'a> {
    /// The ASDUs (at most `MAX_ASDUS`); one that cannot be read ends the list.
    pub fn asdus(&self) -> impl Iterator<Item = Asdu<'a>> + 'a {
        ber::iter_lax(self.seq)
            .take(MAX_ASDUS)
            .map_while(Result::ok)
            .filter(|(t, _)| t.tag.id() == 0x30)
            .map(|(t, cut)| {
                let mut a = Asdu {
                    cut,
                    ..Asdu::default()
                };
                for f in ber::iter_lax(t.value) {
                    let Ok((f, cut)) = f else {
                        a.cut = true;
                        break;
                    };
                    a.cut |= cut;
                    let v = f.value;
                    let n = || ber::uint(v).filter(|_| !cut);
                    match f.tag.id() {
                        0x80 => a.sv_id = Some(v),
                        0x81 => a.dat_set = Some(v),
                        0x82 => a.smp_cnt = n().and_then(|x| u16::try_from(x).ok()),
                        0x83 => a.conf_rev = n().and_then(|x| u32::try_from(x).ok()),
                        0x85 => a.smp_synch = n().and_then(|x| u8::try_from(x).ok()),
                        0x86 => a.smp_rate = n().and_then(|x| u16::try_from(x).ok()),
                        0x87 => a.sample_len = Some(v.len()),
                        _ => {}
                    }
                }
                a
            })
    }
}

/// The operation an SV frame performs: a publication under its APPID.
pub fn op(f: &Frame<'_>) -> Op {
    Op {
        unit: f.header.appid() as u64,
        function: FUNCTION_PUBLISH,
        exception: false,
        request: Some(true),
    }
}

pub fn function_name(code: u16) -> &'static str {
    match code {
        FUNCTION_PUBLISH => "SV publish",
        _ => "Unknown",
    }
}

/// A stream of measurements: neither a read nor a write of a server's data.
pub fn function_class(_code: u16) -> OpClass {
    OpClass::Other
}

impl fmt::Debug for Frame<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let asdus: Vec<Asdu<'_>> = self.asdus().collect();
        f.debug_struct("Sv")
            .field("header", &self.header)
            .field("no_asdu", &self.no_asdu)
            .field("asdus", &asdus)
            .field("cut", &self.cut)
            .field("malformed", &self.malformed)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::goose::tests::tlv;

    fn asdu(id: &[u8], cnt: u16) -> Vec<u8> {
        let mut a = tlv(0x80, id);
        a.extend(tlv(0x82, &cnt.to_be_bytes()));
        a.extend(tlv(0x83, &[0, 0, 0, 1]));
        a.extend(tlv(0x85, &[2]));
        a.extend(tlv(0x87, &[0; 64]));
        tlv(0x30, &a)
    }

    pub(crate) fn frame(appid: u16, ids: &[&[u8]]) -> Vec<u8> {
        let mut seq = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            seq.extend(asdu(id, 280 + i as u16));
        }
        let mut body = tlv(0x80, &[ids.len() as u8]);
        body.extend(tlv(0xa2, &seq));
        let apdu = tlv(PDU_TAG, &body);
        let mut v = appid.to_be_bytes().to_vec();
        v.extend(((apdu.len() + HEADER_LEN) as u16).to_be_bytes());
        v.extend([0, 0, 0, 0]);
        v.extend(apdu);
        v
    }

    #[test]
    fn asdus_are_read() {
        let b = frame(0x4001, &[b"MU01", b"MU02"]);
        let f = parse(&b).unwrap();
        assert_eq!((f.header.appid(), f.no_asdu), (0x4001, Some(2)));
        let a: Vec<_> = f.asdus().collect();
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].sv_id, Some(&b"MU01"[..]));
        assert_eq!(
            (a[1].smp_cnt, a[1].conf_rev, a[1].smp_synch, a[1].sample_len),
            (Some(281), Some(1), Some(2), Some(64))
        );
        assert_eq!(function_name(op(&f).function), "SV publish");
    }

    #[test]
    fn not_sv() {
        let mut b = frame(0x4001, &[b"MU01"]);
        b[8] = 0x61;
        assert_eq!(parse(&b).err(), Some(Error::Tag(0x61)));
    }

    #[test]
    fn every_prefix_is_handled() {
        let b = frame(0x4001, &[b"MU01", b"MU02"]);
        for cut in 0..b.len() {
            match parse(&b[..cut]) {
                Ok(f) => {
                    assert!(cut > HEADER_LEN && f.cut, "cut {cut}");
                    let _ = format!("{f:?}");
                }
                Err(e) => assert!(
                    cut <= HEADER_LEN && matches!(e, Error::Short { .. }),
                    "cut {cut}"
                ),
            }
        }
    }
}
