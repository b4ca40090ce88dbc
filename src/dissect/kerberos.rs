//! Kerberos V5 messages (RFC 4120 §5): the APPLICATION-tagged message over UDP, or
//! behind the 4-byte record length on TCP (§7.2.2). Reads what names principals and
//! services in the clear: the client and server principals and realm of AS/TGS
//! requests, the encryption types a client offers, the ticket's encryption type in
//! replies, and KRB-ERROR codes. Encrypted parts are never looked into.

use std::fmt;

use super::ber::{self, Class, Tag, Tlv};

/// The TCP record mark (RFC 4120 §7.2.2).
pub const TCP_HEADER_LEN: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// Not an APPLICATION-tagged Kerberos message, or malformed BER.
    NotKerberos,
    /// The TCP record mark's reserved bit is set (or an absurd length).
    Record(u32),
}

impl From<ber::Error> for Error {
    fn from(e: ber::Error) -> Self {
        match e {
            ber::Error::Short { need, have } => Error::Short { need, have },
            _ => Error::NotKerberos,
        }
    }
}

/// The message type, which is the APPLICATION tag number (RFC 4120 §5.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsgType(pub u32);

impl MsgType {
    pub const AS_REQ: Self = Self(10);
    pub const AS_REP: Self = Self(11);
    pub const TGS_REQ: Self = Self(12);
    pub const TGS_REP: Self = Self(13);
    pub const AP_REQ: Self = Self(14);
    pub const AP_REP: Self = Self(15);
    pub const KRB_ERROR: Self = Self(30);

    pub fn name(self) -> &'static str {
        match self.0 {
            10 => "AS-REQ",
            11 => "AS-REP",
            12 => "TGS-REQ",
            13 => "TGS-REP",
            14 => "AP-REQ",
            15 => "AP-REP",
            20 => "KRB-SAFE",
            21 => "KRB-PRIV",
            22 => "KRB-CRED",
            30 => "KRB-ERROR",
            _ => "unknown",
        }
    }

    fn known(self) -> bool {
        matches!(self.0, 10..=15 | 20..=22 | 30)
    }
}

/// An encryption type's name (RFC 3961 §8, RFC 3962, RFC 4757, RFC 8009).
pub fn etype_name(e: i64) -> &'static str {
    match e {
        1 => "des-cbc-crc",
        2 => "des-cbc-md4",
        3 => "des-cbc-md5",
        16 => "des3-cbc-sha1-kd",
        17 => "aes128-cts-hmac-sha1-96",
        18 => "aes256-cts-hmac-sha1-96",
        19 => "aes128-cts-hmac-sha256-128",
        20 => "aes256-cts-hmac-sha384-192",
        23 => "rc4-hmac",
        24 => "rc4-hmac-exp",
        25 => "camellia128-cts-cmac",
        26 => "camellia256-cts-cmac",
        -128 => "rc4-hmac-old",
        -135 => "rc4-hmac-old-exp",
        _ => "unknown",
    }
}

/// A KRB-ERROR code's name (RFC 4120 §7.5.9).
pub fn error_name(code: i64) -> &'static str {
    match code {
        0 => "KDC_ERR_NONE",
        1 => "KDC_ERR_NAME_EXP",
        2 => "KDC_ERR_SERVICE_EXP",
        3 => "KDC_ERR_BAD_PVNO",
        6 => "KDC_ERR_C_PRINCIPAL_UNKNOWN",
        7 => "KDC_ERR_S_PRINCIPAL_UNKNOWN",
        8 => "KDC_ERR_PRINCIPAL_NOT_UNIQUE",
        9 => "KDC_ERR_NULL_KEY",
        12 => "KDC_ERR_POLICY",
        13 => "KDC_ERR_BADOPTION",
        14 => "KDC_ERR_ETYPE_NOSUPP",
        16 => "KDC_ERR_PADATA_TYPE_NOSUPP",
        18 => "KDC_ERR_CLIENT_REVOKED",
        23 => "KDC_ERR_KEY_EXPIRED",
        24 => "KDC_ERR_PREAUTH_FAILED",
        25 => "KDC_ERR_PREAUTH_REQUIRED",
        31 => "KRB_AP_ERR_BAD_INTEGRITY",
        32 => "KRB_AP_ERR_TKT_EXPIRED",
        33 => "KRB_AP_ERR_TKT_NYV",
        34 => "KRB_AP_ERR_REPEAT",
        37 => "KRB_AP_ERR_SKEW",
        41 => "KRB_AP_ERR_MODIFIED",
        52 => "KRB_ERR_RESPONSE_TOO_BIG",
        60 => "KRB_ERR_GENERIC",
        68 => "KDC_ERR_WRONG_REALM",
        _ => "unknown",
    }
}

/// One Kerberos message, borrowed.
#[derive(Clone, Copy)]
pub struct Message<'a> {
    kind: MsgType,
    /// The SEQUENCE inside the APPLICATION tag.
    seq: Tlv<'a>,
    len: usize,
}

/// Splits a TCP record: the message bytes and the record's whole length.
pub fn tcp_record(data: &[u8]) -> Result<(&[u8], usize), Error> {
    let Some((hdr, rest)) = data.split_first_chunk::<TCP_HEADER_LEN>() else {
        return Err(Error::Short {
            need: TCP_HEADER_LEN,
            have: data.len(),
        });
    };
    let len = u32::from_be_bytes(*hdr);
    // The high bit is reserved (§7.2.2); a KDC message above 16 MiB is not one.
    if len >= 1 << 24 {
        return Err(Error::Record(len));
    }
    let msg = rest.get(..len as usize).ok_or(Error::Short {
        need: TCP_HEADER_LEN + len as usize,
        have: data.len(),
    })?;
    Ok((msg, TCP_HEADER_LEN + len as usize))
}

/// Whether `data` starts like a bare message (UDP) rather than a TCP record mark.
pub fn is_bare(data: &[u8]) -> bool {
    data.first().is_some_and(|b| b & 0xE0 == 0x60)
}

/// Parses the message at the start of `data`.
pub fn parse(data: &[u8]) -> Result<Message<'_>, Error> {
    // Refuse other bytes before waiting for a length they seem to give.
    if data
        .first()
        .is_some_and(|&b| b & 0xE0 != 0x60 || !MsgType((b & 0x1F) as u32).known())
    {
        return Err(Error::NotKerberos);
    }
    let (app, _) = ber::read(data)?;
    let kind = MsgType(app.tag.number);
    if app.tag.class != Class::Application || !app.tag.constructed || !kind.known() {
        return Err(Error::NotKerberos);
    }
    let seq = app.inner().ok_or(Error::NotKerberos)?;
    if !seq.tag.is_universal(Tag::SEQUENCE) {
        return Err(Error::NotKerberos);
    }
    Ok(Message {
        kind,
        seq,
        len: app.len(),
    })
}

/// A PrincipalName (§5.2.2): its name-string components.
#[derive(Clone, Copy)]
pub struct Principal<'a>(Tlv<'a>);

impl<'a> Principal<'a> {
    pub fn components(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.0
            .context(1)
            .and_then(|s| s.inner())
            .map(|s| s.children())
            .unwrap_or(ber::iter(&[]))
            .map(|c| c.value)
    }

    /// The components joined with `/`, at most `max` bytes.
    pub fn push_to(&self, out: &mut Vec<u8>, max: usize) {
        for (i, c) in self.components().enumerate() {
            if out.len() >= max {
                return;
            }
            if i > 0 {
                out.push(b'/');
            }
            out.extend_from_slice(&c[..c.len().min(max - out.len().min(max))]);
        }
    }
}

impl fmt::Debug for Principal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut v = Vec::new();
        self.push_to(&mut v, 256);
        write!(f, "{:?}", String::from_utf8_lossy(&v))
    }
}

/// The string inside an explicit tag (a Realm or KerberosString).
fn string(t: Option<Tlv<'_>>) -> Option<&[u8]> {
    t?.inner().map(|s| s.value)
}

fn int(t: Option<Tlv<'_>>) -> Option<i64> {
    t?.inner().and_then(|i| i.int())
}

impl<'a> Message<'a> {
    pub fn kind(&self) -> MsgType {
        self.kind
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    fn is_req(&self) -> bool {
        matches!(self.kind, MsgType::AS_REQ | MsgType::TGS_REQ)
    }
    fn is_rep(&self) -> bool {
        matches!(self.kind, MsgType::AS_REP | MsgType::TGS_REP)
    }

    /// KDC-REQ-BODY (§5.4.1).
    fn req_body(&self) -> Option<Tlv<'a>> {
        self.is_req()
            .then(|| self.seq.context(4)?.inner())
            .flatten()
    }

    /// The client principal: of a request's body, a reply or an error.
    pub fn cname(&self) -> Option<Principal<'a>> {
        let t = if self.is_req() {
            self.req_body()?.context(1)
        } else if self.is_rep() {
            self.seq.context(4)
        } else if self.kind == MsgType::KRB_ERROR {
            self.seq.context(8)
        } else {
            None
        };
        t?.inner().map(Principal)
    }

    /// The realm: a request's (the server's, §5.4.1), a reply's crealm, an error's
    /// server realm.
    pub fn realm(&self) -> Option<&'a [u8]> {
        if self.is_req() {
            string(self.req_body()?.context(2))
        } else if self.is_rep() {
            string(self.seq.context(3))
        } else if self.kind == MsgType::KRB_ERROR {
            string(self.seq.context(9))
        } else {
            None
        }
    }

    /// The service principal a request asks a ticket for, or an error's.
    pub fn sname(&self) -> Option<Principal<'a>> {
        let t = if self.is_req() {
            self.req_body()?.context(3)
        } else if self.kind == MsgType::KRB_ERROR {
            self.seq.context(10)
        } else {
            None
        };
        t?.inner().map(Principal)
    }

    /// The encryption types a request offers, in the client's order of preference.
    pub fn etypes(&self) -> impl Iterator<Item = i64> + 'a {
        self.req_body()
            .and_then(|b| b.context(8))
            .and_then(|e| e.inner())
            .map(|s| s.children())
            .unwrap_or(ber::iter(&[]))
            .filter_map(|i| i.int())
    }

    /// A reply's ticket: its encryption type and service principal (§5.3).
    pub fn ticket(&self) -> Option<(Option<i64>, Option<Principal<'a>>)> {
        if !self.is_rep() {
            return None;
        }
        let t = self.seq.context(5)?.inner()?.inner()?;
        let etype = t
            .context(3)
            .and_then(|e| e.inner())
            .and_then(|e| int(e.context(0)));
        let sname = t.context(2).and_then(|s| s.inner()).map(Principal);
        Some((etype, sname))
    }

    /// A KRB-ERROR's error code.
    pub fn error_code(&self) -> Option<i64> {
        (self.kind == MsgType::KRB_ERROR)
            .then(|| int(self.seq.context(6)))
            .flatten()
    }
}

impl fmt::Debug for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kerberos")
            .field("kind", &self.kind.name())
            .field("cname", &self.cname())
            .field("realm", &self.realm().map(String::from_utf8_lossy))
            .field("sname", &self.sname())
            .field("etypes", &self.etypes().collect::<Vec<_>>())
            .field("ticket", &self.ticket())
            .field("error", &self.error_code())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A BER TLV with a short or two-byte length.
    pub(crate) fn tlv(tag: u8, v: &[u8]) -> Vec<u8> {
        let mut o = vec![tag];
        if v.len() < 128 {
            o.push(v.len() as u8);
        } else {
            o.extend([0x82, (v.len() >> 8) as u8, v.len() as u8]);
        }
        o.extend(v);
        o
    }

    fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
        parts.concat()
    }

    fn principal(kind: u8, names: &[&str]) -> Vec<u8> {
        let strings: Vec<u8> = names.iter().flat_map(|n| tlv(0x1B, n.as_bytes())).collect();
        tlv(
            0x30,
            &cat(&[
                tlv(0xA0, &tlv(0x02, &[kind])),
                tlv(0xA1, &tlv(0x30, &strings)),
            ]),
        )
    }

    /// An AS-REQ from alice@EXAMPLE.COM for krbtgt, offering AES256 and RC4.
    pub(crate) fn as_req() -> Vec<u8> {
        let body = tlv(
            0x30,
            &cat(&[
                tlv(0xA0, &tlv(0x03, &[0, 0x40, 0x81, 0, 0x10])),
                tlv(0xA1, &principal(1, &["alice"])),
                tlv(0xA2, &tlv(0x1B, b"EXAMPLE.COM")),
                tlv(0xA3, &principal(2, &["krbtgt", "EXAMPLE.COM"])),
                tlv(0xA7, &tlv(0x02, &[1, 2, 3, 4])),
                tlv(
                    0xA8,
                    &tlv(0x30, &cat(&[tlv(0x02, &[18]), tlv(0x02, &[23])])),
                ),
            ]),
        );
        tlv(
            0x6A,
            &tlv(
                0x30,
                &cat(&[
                    tlv(0xA1, &tlv(0x02, &[5])),
                    tlv(0xA2, &tlv(0x02, &[10])),
                    tlv(0xA4, &body),
                ]),
            ),
        )
    }

    /// A KRB-ERROR: preauthentication required.
    pub(crate) fn krb_error() -> Vec<u8> {
        tlv(
            0x7E,
            &tlv(
                0x30,
                &cat(&[
                    tlv(0xA0, &tlv(0x02, &[5])),
                    tlv(0xA1, &tlv(0x02, &[30])),
                    tlv(0xA6, &tlv(0x02, &[25])),
                    tlv(0xA9, &tlv(0x1B, b"EXAMPLE.COM")),
                    tlv(0xAA, &principal(2, &["krbtgt", "EXAMPLE.COM"])),
                ]),
            ),
        )
    }

    /// A TGS-REP whose ticket for cifs/srv is RC4-encrypted.
    pub(crate) fn tgs_rep() -> Vec<u8> {
        let ticket = tlv(
            0x61,
            &tlv(
                0x30,
                &cat(&[
                    tlv(0xA0, &tlv(0x02, &[5])),
                    tlv(0xA1, &tlv(0x1B, b"EXAMPLE.COM")),
                    tlv(0xA2, &principal(2, &["cifs", "srv"])),
                    tlv(
                        0xA3,
                        &tlv(
                            0x30,
                            &cat(&[tlv(0xA0, &tlv(0x02, &[23])), tlv(0xA2, &tlv(0x04, &[9; 8]))]),
                        ),
                    ),
                ]),
            ),
        );
        tlv(
            0x6D,
            &tlv(
                0x30,
                &cat(&[
                    tlv(0xA0, &tlv(0x02, &[5])),
                    tlv(0xA1, &tlv(0x02, &[13])),
                    tlv(0xA3, &tlv(0x1B, b"EXAMPLE.COM")),
                    tlv(0xA4, &principal(1, &["alice"])),
                    tlv(0xA5, &ticket),
                ]),
            ),
        )
    }

    fn name(p: Option<Principal<'_>>) -> String {
        let mut v = Vec::new();
        p.unwrap().push_to(&mut v, 256);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn as_req_names_and_etypes() {
        let m = as_req();
        let k = parse(&m).unwrap();
        assert_eq!((k.kind(), k.len()), (MsgType::AS_REQ, m.len()));
        assert_eq!(name(k.cname()), "alice");
        assert_eq!(name(k.sname()), "krbtgt/EXAMPLE.COM");
        assert_eq!(k.realm(), Some(&b"EXAMPLE.COM"[..]));
        assert_eq!(k.etypes().collect::<Vec<_>>(), [18, 23]);
        assert_eq!(etype_name(23), "rc4-hmac");
        let mut rec = (m.len() as u32).to_be_bytes().to_vec();
        rec.extend(&m);
        assert!(!is_bare(&rec) && is_bare(&m));
        assert_eq!(tcp_record(&rec).unwrap(), (&m[..], rec.len()));
    }

    #[test]
    fn error_and_reply() {
        let e = krb_error();
        let k = parse(&e).unwrap();
        assert_eq!(k.error_code(), Some(25));
        assert_eq!(error_name(25), "KDC_ERR_PREAUTH_REQUIRED");
        assert_eq!(name(k.sname()), "krbtgt/EXAMPLE.COM");
        let r = tgs_rep();
        let k = parse(&r).unwrap();
        let (etype, sname) = k.ticket().unwrap();
        assert_eq!(etype, Some(23));
        assert_eq!(name(sname), "cifs/srv");
        assert_eq!(name(k.cname()), "alice");
        assert_eq!(parse(&[0x30, 0]).err(), Some(Error::NotKerberos));
        assert_eq!(
            tcp_record(&[0x80, 0, 0, 1, 0]).err(),
            Some(Error::Record(0x8000_0001))
        );
    }

    #[test]
    fn every_prefix_is_handled() {
        for m in [as_req(), krb_error(), tgs_rep()] {
            for cut in 0..m.len() {
                assert!(
                    matches!(parse(&m[..cut]), Err(Error::Short { .. })),
                    "cut {cut}"
                );
            }
            // Inner values cut short while the outer lengths still claim them.
            for cut in 2..m.len() {
                let mut v = m.clone();
                v.truncate(cut);
                v.resize(m.len(), 0);
                if let Ok(k) = parse(&v) {
                    let _ = format!("{k:?}");
                }
            }
        }
    }
}
