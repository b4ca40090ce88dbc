//! SNMP messages (RFC 1157 v1, RFC 3416 v2c PDUs, RFC 3412/3414 v3 with the USM):
//! version, community (v1/v2c) or user name and security level (v3), and the PDU:
//! its type, request id, error status and variable bindings. An encrypted v3 PDU
//! (authPriv) is not readable and has no PDU.

use super::ber::{self, Class, Tag};
use super::OpClass;

/// PDU type: the context tag number of the PDU (RFC 3416 §3, RFC 1157 §4.1.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PduType(pub u8);

impl PduType {
    pub const GET: PduType = PduType(0);
    pub const GET_NEXT: PduType = PduType(1);
    pub const RESPONSE: PduType = PduType(2);
    pub const SET: PduType = PduType(3);
    pub const TRAP_V1: PduType = PduType(4);
    pub const GET_BULK: PduType = PduType(5);
    pub const INFORM: PduType = PduType(6);
    pub const TRAP_V2: PduType = PduType(7);
    pub const REPORT: PduType = PduType(8);

    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "get",
            1 => "getnext",
            2 => "response",
            3 => "set",
            4 => "trap",
            5 => "getbulk",
            6 => "inform",
            7 => "trapv2",
            8 => "report",
            _ => "unknown",
        }
    }
    pub fn class(self) -> OpClass {
        match self.0 {
            0 | 1 | 5 => OpClass::Read,
            3 => OpClass::Write,
            _ => OpClass::Other,
        }
    }
    /// Whether the PDU answers another (response, report).
    pub fn is_response(self) -> bool {
        self == Self::RESPONSE || self == Self::REPORT
    }
}

/// v3 security level from msgFlags (RFC 3412 §6.4: bit 0 auth, bit 1 priv).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    NoAuthNoPriv,
    AuthNoPriv,
    AuthPriv,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::NoAuthNoPriv => "noAuthNoPriv",
            Level::AuthNoPriv => "authNoPriv",
            Level::AuthPriv => "authPriv",
        }
    }
}

/// Why bytes are not an SNMP message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Ber(ber::Error),
    /// Not a SEQUENCE starting with an INTEGER version 0, 1 or 3.
    NotSnmp,
}

/// One PDU, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Pdu<'a> {
    pub kind: PduType,
    /// Request id (0 for a v1 trap, which has none).
    pub request_id: i64,
    pub error_status: i64,
    /// The VarBindList's contents.
    varbinds: &'a [u8],
}

/// One message, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    /// 0 = v1, 1 = v2c, 3 = v3.
    pub version: i64,
    pub community: Option<&'a [u8]>,
    pub user: Option<&'a [u8]>,
    pub level: Option<Level>,
    pub pdu: Option<Pdu<'a>>,
    len: usize,
}

/// Reads the message at the start of `b`.
pub fn parse(b: &[u8]) -> Result<Message<'_>, Error> {
    let (msg, _) = ber::read(b).map_err(Error::Ber)?;
    if !msg.tag.is(Class::Universal, Tag::SEQUENCE) {
        return Err(Error::NotSnmp);
    }
    let mut it = msg.children();
    let version = it
        .next()
        .filter(|v| v.tag.is(Class::Universal, Tag::INTEGER))
        .and_then(|v| v.int())
        .filter(|v| matches!(v, 0 | 1 | 3))
        .ok_or(Error::NotSnmp)?;
    let mut m = Message {
        version,
        community: None,
        user: None,
        level: None,
        pdu: None,
        len: msg.len(),
    };
    if version == 3 {
        let global = it.next().ok_or(Error::NotSnmp)?;
        let flags = global
            .children()
            .nth(2)
            .and_then(|f| f.value.first().copied());
        m.level = flags.map(|f| match f & 3 {
            0 => Level::NoAuthNoPriv,
            1 => Level::AuthNoPriv,
            _ => Level::AuthPriv,
        });
        // msgSecurityParameters: an OCTET STRING holding the USM SEQUENCE.
        let usm = it.next().and_then(|p| ber::first(p.value));
        m.user = usm.and_then(|u| u.children().nth(3)).map(|u| u.value);
        // msgData: a plaintext ScopedPDU (SEQUENCE), or an encrypted OCTET STRING.
        let data = it.next();
        m.pdu = data
            .filter(|d| d.tag.is(Class::Universal, Tag::SEQUENCE))
            .and_then(|d| d.children().nth(2))
            .and_then(pdu);
    } else {
        m.community = it
            .next()
            .filter(|c| c.tag.is(Class::Universal, Tag::OCTET_STRING))
            .map(|c| c.value);
        m.pdu = it.next().and_then(pdu);
    }
    Ok(m)
}

fn pdu(t: ber::Tlv<'_>) -> Option<Pdu<'_>> {
    if t.tag.class != Class::Context || t.tag.number > 8 {
        return None;
    }
    let kind = PduType(t.tag.number as u8);
    let mut it = t.children();
    if kind == PduType::TRAP_V1 {
        // enterprise, agent-addr, generic-trap, specific-trap, time-stamp, varbinds.
        let vb = it.nth(5)?;
        return Some(Pdu {
            kind,
            request_id: 0,
            error_status: 0,
            varbinds: vb.value,
        });
    }
    let request_id = it.next()?.int()?;
    let error_status = it.next()?.int().unwrap_or(0);
    let vb = it.nth(1)?;
    Some(Pdu {
        kind,
        request_id,
        error_status,
        varbinds: vb.value,
    })
}

impl<'a> Message<'a> {
    /// Bytes of the message.
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl<'a> Pdu<'a> {
    /// The variable bindings: (name OID contents, value TLV).
    pub fn varbinds(&self) -> impl Iterator<Item = (ber::Oid<'a>, ber::Tlv<'a>)> + 'a {
        ber::iter(self.varbinds).filter_map(|vb| {
            let mut it = vb.children();
            let name = it.next().filter(|n| n.tag.is(Class::Universal, Tag::OID))?;
            Some((ber::Oid(name.value), it.next()?))
        })
    }
}

/// OID contents of sysDescr.0 (1.3.6.1.2.1.1.1.0) and sysName.0 (1.3.6.1.2.1.1.5.0),
/// RFC 3418.
pub const SYS_DESCR: &[u8] = &[0x2b, 6, 1, 2, 1, 1, 1, 0];
pub const SYS_NAME: &[u8] = &[0x2b, 6, 1, 2, 1, 1, 5, 0];

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// v2c get-request, community "public", sysDescr.0.
    pub const GET: &[u8] = &[
        0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa0, 0x19,
        0x02, 0x01, 0x2a, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08,
        0x2b, 6, 1, 2, 1, 1, 1, 0, 0x05, 0x00,
    ];
    /// v1 response with sysName.0 = "plc1".
    const RESP: &[u8] = &[
        0x30, 0x2a, 0x02, 0x01, 0x00, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa2, 0x1d,
        0x02, 0x01, 0x2a, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x12, 0x30, 0x10, 0x06, 0x08,
        0x2b, 6, 1, 2, 1, 1, 5, 0, 0x04, 0x04, b'p', b'l', b'c', b'1',
    ];
    /// v3 get with user "admin", authNoPriv, plaintext scoped PDU.
    const V3: &[u8] = &[
        0x30, 0x3f, 0x02, 0x01, 0x03, 0x30, 0x0d, 0x02, 0x01, 0x01, 0x02, 0x02, 0x05, 0xdc, 0x04,
        0x01, 0x01, 0x02, 0x01, 0x03, 0x04, 0x15, 0x30, 0x13, 0x04, 0x00, 0x02, 0x01, 0x00, 0x02,
        0x01, 0x00, 0x04, 0x05, b'a', b'd', b'm', b'i', b'n', 0x04, 0x00, 0x04, 0x00, 0x30, 0x14,
        0x04, 0x00, 0x04, 0x00, 0xa3, 0x0e, 0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
        0x30, 0x03, 0x30, 0x01, 0x00,
    ];

    #[test]
    fn v2c_get() {
        let m = parse(GET).unwrap();
        assert_eq!((m.version, m.community), (1, Some(&b"public"[..])));
        let p = m.pdu.unwrap();
        assert_eq!((p.kind, p.request_id), (PduType::GET, 42));
        assert_eq!(p.kind.class(), OpClass::Read);
        let (oid, _) = p.varbinds().next().unwrap();
        assert_eq!(oid.0, SYS_DESCR);
        assert_eq!(oid.to_string(), "1.3.6.1.2.1.1.1.0");
    }

    #[test]
    fn v1_response() {
        let m = parse(RESP).unwrap();
        let p = m.pdu.unwrap();
        assert!(p.kind.is_response());
        let (oid, v) = p.varbinds().next().unwrap();
        assert_eq!((oid.0, v.value), (SYS_NAME, &b"plc1"[..]));
    }

    #[test]
    fn v3_user_and_level() {
        let m = parse(V3).unwrap();
        assert_eq!(m.version, 3);
        assert_eq!(m.user, Some(&b"admin"[..]));
        assert_eq!(m.level, Some(Level::AuthNoPriv));
        assert_eq!(m.pdu.unwrap().kind, PduType::SET);
        assert_eq!(PduType::SET.class(), OpClass::Write);
    }

    #[test]
    fn not_snmp() {
        assert!(parse(b"\x30\x03\x02\x01\x05").is_err());
        assert!(parse(b"<13>Jan").is_err());
    }

    #[test]
    fn truncation_never_panics() {
        for m in [GET, RESP, V3] {
            for i in 0..=m.len() {
                if let Ok(m) = parse(&m[..i]) {
                    let _ = format!("{m:?}");
                    if let Some(p) = m.pdu {
                        let _ = p.varbinds().map(|(o, v)| format!("{o} {v:?}")).count();
                    }
                }
            }
        }
    }
}
