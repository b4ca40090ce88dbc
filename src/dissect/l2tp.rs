//! L2TP over UDP (L2TPv2: RFC 2661 §3; L2TPv3 control messages: RFC 3931 §3.2.1,
//! which on UDP follow a zero session id, §4.1.2.2): the flags and version word,
//! the control message type from the first AVP, and the Host Name and Vendor Name
//! AVPs a tunnel's endpoints introduce themselves with.

pub const HEADER_LEN: usize = 2;
/// Most AVPs walked in one control message.
pub const MAX_AVPS: usize = 64;

const T: u16 = 0x8000;
const L: u16 = 0x4000;
const S: u16 = 0x0800;
const O: u16 = 0x0200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// Version other than 2 or 3, or flags a control message may not have.
    NotL2tp,
}

/// One message, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    pub version: u8,
    pub control: bool,
    /// A control message's AVPs (empty for data and ZLB acknowledgements).
    avps: &'a [u8],
}

/// An AVP (RFC 2661 §4.1): vendor id, attribute type, value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Avp<'a> {
    pub vendor: u16,
    pub attribute: u16,
    pub value: &'a [u8],
}

impl Avp<'_> {
    pub const MESSAGE_TYPE: u16 = 0;
    pub const HOST_NAME: u16 = 7;
    pub const VENDOR_NAME: u16 = 8;
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(at)?, *d.get(at + 1)?]))
}

/// Parses a whole datagram.
pub fn parse(data: &[u8]) -> Result<Message<'_>, Error> {
    let short = |need| Error::Short {
        need,
        have: data.len(),
    };
    let mut d = data;
    let mut flags = u16_at(d, 0).ok_or(short(HEADER_LEN))?;
    // L2TPv3 on UDP: a zero session id, then the control header.
    if flags == 0 {
        if u16_at(d, 2) != Some(0) {
            return Err(Error::NotL2tp);
        }
        d = &d[4..];
        flags = u16_at(d, 0).ok_or(short(HEADER_LEN + 4))?;
        if flags & 0x0F != 3 {
            return Err(Error::NotL2tp);
        }
    }
    // Reserved bits (RFC 2661 §3.1, RFC 3931 §3.2.1) are zero.
    if flags & 0x34F0 != 0 {
        return Err(Error::NotL2tp);
    }
    let version = (flags & 0x0F) as u8;
    let control = flags & T != 0;
    if !(2..=3).contains(&version) || (control && (flags & (L | S) != L | S || flags & O != 0)) {
        return Err(Error::NotL2tp);
    }
    if !control {
        return Ok(Message {
            version,
            control,
            avps: &[],
        });
    }
    // Control header: flags, length, then v2 tunnel+session ids or the v3 connection
    // id, then Ns and Nr.
    let len = u16_at(d, 2).ok_or(short(4))? as usize;
    let hdr = 12;
    if len < hdr {
        return Err(Error::NotL2tp);
    }
    let msg = d.get(..len).ok_or(short(len + (data.len() - d.len())))?;
    Ok(Message {
        version,
        control,
        avps: &msg[hdr..],
    })
}

impl<'a> Message<'a> {
    /// The AVPs in order; stops at a malformed one.
    pub fn avps(&self) -> impl Iterator<Item = Avp<'a>> + 'a {
        let mut rest = self.avps;
        let mut n = 0;
        std::iter::from_fn(move || {
            let len = (u16_at(rest, 0)? & 0x03FF) as usize;
            if len < 6 || n >= MAX_AVPS {
                return None;
            }
            n += 1;
            let avp = rest.get(..len)?;
            rest = &rest[len..];
            Some(Avp {
                vendor: u16_at(avp, 2)?,
                attribute: u16_at(avp, 4)?,
                value: &avp[6..],
            })
        })
    }

    /// The control message type (the first AVP); `None` for data and ZLB messages.
    pub fn message_type(&self) -> Option<u16> {
        let a = self.avps().next()?;
        (a.vendor == 0 && a.attribute == Avp::MESSAGE_TYPE)
            .then(|| u16_at(a.value, 0))
            .flatten()
    }

    /// A standard AVP's value (vendor 0).
    pub fn avp(&self, attribute: u16) -> Option<&'a [u8]> {
        self.avps()
            .find(|a| a.vendor == 0 && a.attribute == attribute)
            .map(|a| a.value)
    }
}

/// A control message type's name (RFC 2661 §3.2; v3 adds 20 ACK, RFC 3931 §3.1).
pub fn message_name(t: u16) -> &'static str {
    match t {
        1 => "SCCRQ",
        2 => "SCCRP",
        3 => "SCCCN",
        4 => "StopCCN",
        6 => "HELLO",
        7 => "OCRQ",
        8 => "OCRP",
        9 => "OCCN",
        10 => "ICRQ",
        11 => "ICRP",
        12 => "ICCN",
        14 => "CDN",
        15 => "WEN",
        16 => "SLI",
        20 => "ACK",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn avp(attr: u16, v: &[u8]) -> Vec<u8> {
        let mut a = (0x8000u16 | (6 + v.len()) as u16).to_be_bytes().to_vec();
        a.extend(0u16.to_be_bytes());
        a.extend(attr.to_be_bytes());
        a.extend(v);
        a
    }

    pub(crate) fn sccrq() -> Vec<u8> {
        let mut avps = avp(0, &[0, 1]);
        avps.extend(avp(7, b"lac1"));
        avps.extend(avp(8, b"Acme"));
        let mut m = vec![0xC8, 0x02];
        m.extend(((12 + avps.len()) as u16).to_be_bytes());
        m.extend([0, 0, 0, 0, 0, 0, 0, 0]);
        m.extend(avps);
        m
    }

    #[test]
    fn control_message() {
        let d = sccrq();
        let m = parse(&d).unwrap();
        assert_eq!((m.version, m.control, m.message_type()), (2, true, Some(1)));
        assert_eq!(message_name(1), "SCCRQ");
        assert_eq!(m.avp(Avp::HOST_NAME), Some(&b"lac1"[..]));
        assert_eq!(m.avp(Avp::VENDOR_NAME), Some(&b"Acme"[..]));
        let data = parse(&[0x40, 0x02, 0, 6, 0, 1]).unwrap();
        assert!(!data.control && data.message_type().is_none());
        assert_eq!(parse(&[0xC8, 0x01, 0, 12]).err(), Some(Error::NotL2tp));
        for cut in 0..d.len() {
            if let Ok(m) = parse(&d[..cut]) {
                let _ = m.avps().count();
            }
        }
    }
}
