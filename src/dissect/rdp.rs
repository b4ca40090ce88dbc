//! RDP (MS-RDPBCGR) up to its security upgrade: TPKT (RFC 1006) framing, the X.224
//! Connection Request (routing cookie `Cookie: mstshash=USER`, the security
//! protocols requested, §2.2.1.1) and Connection Confirm (protocol selected or the
//! negotiation failure, §2.2.1.2), the MCS PDU type of X.224 data (T.125), and the
//! length of fast-path PDUs (§2.2.8.1.2, §2.2.9.1.2). What MCS carries is not read.

use std::fmt;

pub const TPKT_HEADER_LEN: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// Neither a TPKT (version 3) nor a fast-path header, or a bad length.
    NotRdp,
}

/// X.224 TPDU codes (ISO 8073 §13), high nibble.
pub const X224_CR: u8 = 0xe0;
pub const X224_CC: u8 = 0xd0;
pub const X224_DT: u8 = 0xf0;

/// Security protocol flags (§2.2.1.1.1).
pub const PROTOCOL_SSL: u32 = 1;
pub const PROTOCOL_HYBRID: u32 = 2;
pub const PROTOCOL_RDSTLS: u32 = 4;
pub const PROTOCOL_HYBRID_EX: u32 = 8;
pub const PROTOCOL_RDSAAD: u32 = 0x10;

/// What a PDU is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind<'a> {
    /// X.224 Connection Request: the cookie line's value (after `Cookie: `) and the
    /// protocols requested, where present.
    Request {
        cookie: Option<&'a [u8]>,
        requested: Option<u32>,
    },
    /// X.224 Connection Confirm: the protocol selected, or the failure code.
    Confirm {
        selected: Option<u32>,
        failure: Option<u32>,
    },
    /// X.224 data carrying an MCS PDU: connect (T.125 Connect-Initial/-Response) or
    /// domain PDU type (`mcs_type`, the top six bits: 25 send data request, 26 send
    /// data indication).
    Data { connect: bool, mcs_type: u8 },
    /// Another X.224 TPDU.
    OtherX224(u8),
    /// A fast-path input or output PDU.
    FastPath,
}

/// One PDU, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Pdu<'a> {
    pub kind: Kind<'a>,
    len: usize,
}

impl Pdu<'_> {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Reads the TPKT or fast-path PDU at the start of `data`.
pub fn parse(data: &[u8]) -> Result<Pdu<'_>, Error> {
    let short = |need| Error::Short {
        need,
        have: data.len(),
    };
    let &first = data.first().ok_or(short(1))?;
    if first == 3 {
        let hdr = data.get(..TPKT_HEADER_LEN).ok_or(short(TPKT_HEADER_LEN))?;
        let len = u16::from_be_bytes([hdr[2], hdr[3]]) as usize;
        if hdr[1] != 0 || len < TPKT_HEADER_LEN + 2 {
            return Err(Error::NotRdp);
        }
        let pdu = data.get(..len).ok_or(short(len))?;
        return Ok(Pdu {
            kind: x224(&pdu[TPKT_HEADER_LEN..]),
            len,
        });
    }
    // Fast-path: action 0 in the two low bits, then a one- or two-byte length.
    if first & 3 != 0 {
        return Err(Error::NotRdp);
    }
    let &l1 = data.get(1).ok_or(short(2))?;
    let len = if l1 & 0x80 != 0 {
        let &l2 = data.get(2).ok_or(short(3))?;
        ((l1 & 0x7f) as usize) << 8 | l2 as usize
    } else {
        l1 as usize
    };
    if len < 2 {
        return Err(Error::NotRdp);
    }
    data.get(..len).ok_or(short(len))?;
    Ok(Pdu {
        kind: Kind::FastPath,
        len,
    })
}

/// An X.224 TPDU (length indicator, code, ...).
fn x224(t: &[u8]) -> Kind<'_> {
    let (Some(&li), Some(&code)) = (t.first(), t.get(1)) else {
        return Kind::OtherX224(0);
    };
    let code = code & 0xf0;
    match code {
        X224_CR | X224_CC => {
            // Fixed part: LI, code, DST-REF, SRC-REF, class (7 bytes); the cookie and
            // negotiation structure follow, to the end of the TPKT.
            let user = t.get(7..).unwrap_or(&[]);
            if code == X224_CR {
                let (cookie, rest) = match user.strip_prefix(b"Cookie: ") {
                    Some(c) => match c.windows(2).position(|w| w == b"\r\n") {
                        Some(e) => (Some(&c[..e]), &c[e + 2..]),
                        None => (Some(c), &[][..]),
                    },
                    None => (None, user),
                };
                let requested = negotiation(rest, 1);
                Kind::Request { cookie, requested }
            } else {
                Kind::Confirm {
                    selected: negotiation(user, 2),
                    failure: negotiation(user, 3),
                }
            }
        }
        X224_DT => {
            let mcs = t.get(li as usize + 1..).unwrap_or(&[]);
            Kind::Data {
                connect: mcs.starts_with(&[0x7f, 0x65]) || mcs.starts_with(&[0x7f, 0x66]),
                mcs_type: mcs.first().map_or(0, |b| b >> 2),
            }
        }
        c => Kind::OtherX224(c),
    }
}

/// The 32-bit field of an RDP negotiation structure of `ty` (1 request, 2 response,
/// 3 failure: type, flags, length 8, value; §2.2.1.1.1).
fn negotiation(b: &[u8], ty: u8) -> Option<u32> {
    match b.get(..8)? {
        [t, _, 8, 0, v @ ..] if *t == ty => Some(u32::from_le_bytes([v[0], v[1], v[2], v[3]])),
        _ => None,
    }
}

/// The user name of a `mstshash=` routing cookie.
pub fn cookie_user(cookie: &[u8]) -> Option<&[u8]> {
    cookie.strip_prefix(b"mstshash=")
}

/// Names of the security protocols in `flags`: `rdp` (standard RDP security) for 0.
pub fn protocols(flags: u32) -> Protocols {
    Protocols(flags)
}

#[derive(Clone, Copy, Debug)]
pub struct Protocols(u32);

impl fmt::Display for Protocols {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("rdp");
        }
        let names = [
            (PROTOCOL_SSL, "tls"),
            (PROTOCOL_HYBRID, "credssp"),
            (PROTOCOL_RDSTLS, "rdstls"),
            (PROTOCOL_HYBRID_EX, "credssp_early_auth"),
            (PROTOCOL_RDSAAD, "rdsaad"),
        ];
        let mut sep = "";
        for (bit, name) in names {
            if self.0 & bit != 0 {
                write!(f, "{sep}{name}")?;
                sep = ",";
            }
        }
        let rest = self.0 & !0x1f;
        if rest != 0 {
            write!(f, "{sep}0x{rest:x}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tpkt(x224: &[u8]) -> Vec<u8> {
        let mut v = vec![3, 0];
        v.extend_from_slice(&((x224.len() + 4) as u16).to_be_bytes());
        v.extend_from_slice(x224);
        v
    }

    fn request() -> Vec<u8> {
        let mut user = b"Cookie: mstshash=alice\r\n".to_vec();
        user.extend_from_slice(&[1, 0, 8, 0, 3, 0, 0, 0]);
        let mut x = vec![(6 + user.len()) as u8, 0xe0, 0, 0, 0, 0, 0];
        x.extend_from_slice(&user);
        tpkt(&x)
    }

    fn confirm() -> Vec<u8> {
        tpkt(&[14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 2, 0, 0, 0])
    }

    #[test]
    fn connection_request_and_confirm() {
        let r = request();
        let p = parse(&r).unwrap();
        assert_eq!(p.len(), r.len());
        let Kind::Request { cookie, requested } = p.kind else {
            panic!()
        };
        assert_eq!(cookie.and_then(cookie_user), Some(&b"alice"[..]));
        assert_eq!(requested, Some(3));
        assert_eq!(protocols(3).to_string(), "tls,credssp");
        assert_eq!(protocols(0).to_string(), "rdp");
        let c = confirm();
        assert_eq!(
            parse(&c).unwrap().kind,
            Kind::Confirm {
                selected: Some(2),
                failure: None
            }
        );
        // MCS send data indication in X.224 DT; a fast-path PDU with a 2-byte length.
        let dt = tpkt(&[2, 0xf0, 0x80, 0x68, 0, 1]);
        assert_eq!(
            parse(&dt).unwrap().kind,
            Kind::Data {
                connect: false,
                mcs_type: 26
            }
        );
        let mut fp = vec![0xc4, 0x80, 0x05];
        fp.extend_from_slice(&[0; 2]);
        assert_eq!(parse(&fp).unwrap().len(), 5);
        assert_eq!(parse(&[0x16, 3, 1]).unwrap_err(), Error::NotRdp);
    }

    #[test]
    fn truncation_never_panics() {
        let pdus = [
            request(),
            confirm(),
            tpkt(&[2, 0xf0, 0x80, 0x7f, 0x65, 0x82]),
            vec![0, 0x80, 9, 1, 2, 3, 4, 5, 6],
        ];
        for p in &pdus {
            for n in 0..=p.len() {
                let b = &p[..n];
                if n == 0 {
                    assert!(parse(b).is_err());
                }
                let _ = format!("{:?}", parse(b));
                let _ = format!("{:?}", x224(b));
            }
        }
    }
}
