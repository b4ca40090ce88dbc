//! LDAPv3 messages (RFC 4511 §4): one BER `LDAPMessage` per PDU, on TCP or UDP
//! (CLDAP). Reads bind requests (simple or SASL), the result codes of responses and
//! the base object of searches. SASL-wrapped (signed or sealed) traffic after a bind
//! is not an `LDAPMessage` and is not read.

use std::fmt;

use super::ber::{self, Class, Tag, Tlv};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// Not an `LDAPMessage` (a SEQUENCE of messageID and an APPLICATION operation).
    NotLdap,
}

impl From<ber::Error> for Error {
    fn from(e: ber::Error) -> Self {
        match e {
            ber::Error::Short { need, have } => Error::Short { need, have },
            _ => Error::NotLdap,
        }
    }
}

/// The protocol operation: its APPLICATION tag number (RFC 4511 §4.2 to §4.14).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Op(pub u32);

impl Op {
    pub const BIND_REQUEST: Self = Self(0);
    pub const BIND_RESPONSE: Self = Self(1);
    pub const UNBIND_REQUEST: Self = Self(2);
    pub const SEARCH_REQUEST: Self = Self(3);
    pub const EXTENDED_REQUEST: Self = Self(23);

    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "bindRequest",
            1 => "bindResponse",
            2 => "unbindRequest",
            3 => "searchRequest",
            4 => "searchResEntry",
            5 => "searchResDone",
            6 => "modifyRequest",
            7 => "modifyResponse",
            8 => "addRequest",
            9 => "addResponse",
            10 => "delRequest",
            11 => "delResponse",
            12 => "modDNRequest",
            13 => "modDNResponse",
            14 => "compareRequest",
            15 => "compareResponse",
            16 => "abandonRequest",
            19 => "searchResRef",
            23 => "extendedRequest",
            24 => "extendedResponse",
            25 => "intermediateResponse",
            _ => "unknown",
        }
    }

    fn known(self) -> bool {
        matches!(self.0, 0..=16 | 19 | 23..=25)
    }

    /// Operations whose body is an LDAPResult (§4.1.9).
    pub fn is_result(self) -> bool {
        matches!(self.0, 1 | 5 | 7 | 9 | 11 | 13 | 15 | 24)
    }
}

/// A result code's name (RFC 4511 §4.1.9 and Appendix A).
pub fn result_name(code: i64) -> &'static str {
    match code {
        0 => "success",
        1 => "operationsError",
        2 => "protocolError",
        3 => "timeLimitExceeded",
        4 => "sizeLimitExceeded",
        7 => "authMethodNotSupported",
        8 => "strongerAuthRequired",
        10 => "referral",
        13 => "confidentialityRequired",
        14 => "saslBindInProgress",
        16 => "noSuchAttribute",
        32 => "noSuchObject",
        34 => "invalidDNSyntax",
        48 => "inappropriateAuthentication",
        49 => "invalidCredentials",
        50 => "insufficientAccessRights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwillingToPerform",
        80 => "other",
        _ => "unknown",
    }
}

/// One LDAPMessage, borrowed.
#[derive(Clone, Copy)]
pub struct Message<'a> {
    id: Option<u64>,
    op: Op,
    body: Tlv<'a>,
    len: usize,
}

/// How a bind authenticates (§4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth<'a> {
    /// The password (empty: an anonymous or unauthenticated bind, RFC 4513 §5.1).
    Simple(&'a [u8]),
    Sasl {
        mechanism: &'a [u8],
        credentials: Option<&'a [u8]>,
    },
    Other(u32),
}

/// Parses the message at the start of `data`.
pub fn parse(data: &[u8]) -> Result<Message<'_>, Error> {
    // Refuse other bytes before waiting for a length they seem to give.
    if data.first().is_some_and(|&b| b != 0x30) {
        return Err(Error::NotLdap);
    }
    let (seq, _) = ber::read(data)?;
    if !seq.tag.is_universal(Tag::SEQUENCE) || !seq.tag.constructed {
        return Err(Error::NotLdap);
    }
    let mut kids = seq.children();
    let id = kids.next().ok_or(Error::NotLdap)?;
    if !id.tag.is_universal(Tag::INTEGER) {
        return Err(Error::NotLdap);
    }
    let body = kids.next().ok_or(Error::NotLdap)?;
    let op = Op(body.tag.number);
    if body.tag.class != Class::Application || !op.known() {
        return Err(Error::NotLdap);
    }
    Ok(Message {
        id: id.uint(),
        op,
        body,
        len: seq.len(),
    })
}

impl<'a> Message<'a> {
    pub fn id(&self) -> Option<u64> {
        self.id
    }
    pub fn op(&self) -> Op {
        self.op
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        false
    }

    /// A bind request's version, name (DN) and authentication.
    pub fn bind(&self) -> Option<(Option<u64>, &'a [u8], Auth<'a>)> {
        if self.op != Op::BIND_REQUEST {
            return None;
        }
        let mut kids = self.body.children();
        let version = kids.next()?.uint();
        let name = kids.next()?;
        if !name.tag.is_universal(Tag::OCTET_STRING) {
            return None;
        }
        let auth = kids.next()?;
        let auth = match auth.tag.number {
            0 if auth.tag.class == Class::Context => Auth::Simple(auth.value),
            3 if auth.tag.class == Class::Context => {
                let mut s = auth.children();
                Auth::Sasl {
                    mechanism: s.next()?.value,
                    credentials: s.next().map(|c| c.value),
                }
            }
            n => Auth::Other(n),
        };
        Some((version, name.value, auth))
    }

    /// An LDAPResult's code and diagnostic message.
    pub fn result(&self) -> Option<(i64, &'a [u8])> {
        if !self.op.is_result() {
            return None;
        }
        let mut kids = self.body.children();
        let code = kids.next()?.int()?;
        let _matched = kids.next();
        let diag = kids.next().map_or(&[][..], |d| d.value);
        Some((code, diag))
    }

    /// A bind response's serverSaslCreds ([7], §4.2.2).
    pub fn server_sasl_creds(&self) -> Option<&'a [u8]> {
        (self.op == Op::BIND_RESPONSE)
            .then(|| self.body.context(7).map(|c| c.value))
            .flatten()
    }

    /// A search request's base object.
    pub fn search_base(&self) -> Option<&'a [u8]> {
        (self.op == Op::SEARCH_REQUEST)
            .then(|| self.body.inner().map(|b| b.value))
            .flatten()
    }
}

impl fmt::Debug for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The bind's password is a secret: only its length is printed.
        let bind = self.bind().map(|(v, n, a)| {
            let a = match a {
                Auth::Simple(p) => format!("simple({} bytes)", p.len()),
                Auth::Sasl { mechanism, .. } => {
                    format!("sasl({})", String::from_utf8_lossy(mechanism))
                }
                Auth::Other(n) => format!("other({n})"),
            };
            (v, String::from_utf8_lossy(n).into_owned(), a)
        });
        f.debug_struct("Ldap")
            .field("id", &self.id)
            .field("op", &self.op.name())
            .field("bind", &bind)
            .field("result", &self.result())
            .field("sasl_creds", &self.server_sasl_creds().map(|c| c.len()))
            .field("search_base", &self.search_base())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dissect::kerberos::tests::tlv;

    /// A simple bind of `dn` with `password`, message id 1.
    pub(crate) fn simple_bind(dn: &[u8], password: &[u8]) -> Vec<u8> {
        let op = tlv(
            0x60,
            &[tlv(0x02, &[3]), tlv(0x04, dn), tlv(0x80, password)].concat(),
        );
        tlv(0x30, &[tlv(0x02, &[1]), op].concat())
    }

    pub(crate) fn sasl_bind(mech: &[u8], creds: &[u8]) -> Vec<u8> {
        let sasl = tlv(0xA3, &[tlv(0x04, mech), tlv(0x04, creds)].concat());
        let op = tlv(0x60, &[tlv(0x02, &[3]), tlv(0x04, b""), sasl].concat());
        tlv(0x30, &[tlv(0x02, &[2]), op].concat())
    }

    pub(crate) fn bind_response(code: u8) -> Vec<u8> {
        let op = tlv(
            0x61,
            &[tlv(0x0A, &[code]), tlv(0x04, b""), tlv(0x04, b"bad")].concat(),
        );
        tlv(0x30, &[tlv(0x02, &[1]), op].concat())
    }

    pub(crate) fn search(base: &[u8]) -> Vec<u8> {
        let op = tlv(
            0x63,
            &[
                tlv(0x04, base),
                tlv(0x0A, &[2]),
                tlv(0x0A, &[0]),
                tlv(0x02, &[0]),
                tlv(0x02, &[0]),
                tlv(0x01, &[0]),
                tlv(0x87, b"objectClass"),
                tlv(0x30, &[]),
            ]
            .concat(),
        );
        tlv(0x30, &[tlv(0x02, &[3]), op].concat())
    }

    #[test]
    fn binds_results_and_searches() {
        let b = simple_bind(b"cn=admin,dc=example,dc=com", b"s3cret");
        let m = parse(&b).unwrap();
        assert_eq!(
            (m.op(), m.len(), m.id()),
            (Op::BIND_REQUEST, b.len(), Some(1))
        );
        assert_eq!(
            m.bind(),
            Some((
                Some(3),
                &b"cn=admin,dc=example,dc=com"[..],
                Auth::Simple(b"s3cret")
            ))
        );
        assert!(!format!("{m:?}").contains("s3cret"));
        let s = sasl_bind(b"GSS-SPNEGO", b"\x60\x00");
        assert!(matches!(
            parse(&s).unwrap().bind(),
            Some((
                _,
                _,
                Auth::Sasl {
                    mechanism: b"GSS-SPNEGO",
                    ..
                }
            ))
        ));
        let r = bind_response(49);
        assert_eq!(parse(&r).unwrap().result(), Some((49, &b"bad"[..])));
        assert_eq!(result_name(49), "invalidCredentials");
        let q = search(b"dc=example,dc=com");
        assert_eq!(
            parse(&q).unwrap().search_base(),
            Some(&b"dc=example,dc=com"[..])
        );
        assert_eq!(parse(&[0x30, 3, 0x02, 1, 1]).err(), Some(Error::NotLdap));
        assert_eq!(parse(&[0x04, 0]).err(), Some(Error::NotLdap));
    }

    #[test]
    fn every_prefix_is_handled() {
        for m in [
            simple_bind(b"cn=a", b"pw"),
            sasl_bind(b"NTLM", b"NTLMSSP\0"),
            bind_response(0),
            search(b"dc=x"),
        ] {
            for cut in 0..m.len() {
                assert!(
                    matches!(parse(&m[..cut]), Err(Error::Short { .. })),
                    "cut {cut}"
                );
            }
            for cut in 2..m.len() {
                let mut v = m.clone();
                v.truncate(cut);
                v.resize(m.len(), 0xA0);
                if let Ok(k) = parse(&v) {
                    let _ = format!("{k:?}");
                }
            }
        }
    }
}
