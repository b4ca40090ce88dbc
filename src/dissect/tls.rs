//! TLS (RFC 8446, RFC 5246): the record layer, handshake message headers, the
//! ClientHello and ServerHello fields that identify the two sides (versions, SNI, ALPN,
//! and the JA3, JA3S and JA4 fingerprints built from them) and the names and validity
//! of a Certificate message's first certificate (X.509, RFC 5280), read with a minimal
//! DER walk over `ber`.
//!
//! Zero-copy: views borrow the bytes; lists (cipher suites, extensions, ALPN names,
//! certificates' name attributes) are iterators. Fingerprint strings are written into
//! a caller's buffer.

use std::fmt::{self, Write as _};

use super::ber;

pub const RECORD_HEADER_LEN: usize = 5;
/// Largest record fragment: TLSCiphertext may exceed 2^14 by 2048 (RFC 5246 §6.2.3).
pub const MAX_RECORD_LEN: usize = 16384 + 2048;
pub const HANDSHAKE_HEADER_LEN: usize = 4;

/// A record's content type (RFC 8446 §5.1); unknown values survive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ContentType(pub u8);

impl ContentType {
    pub const CHANGE_CIPHER_SPEC: Self = Self(20);
    pub const ALERT: Self = Self(21);
    pub const HANDSHAKE: Self = Self(22);
    pub const APPLICATION_DATA: Self = Self(23);
    pub const HEARTBEAT: Self = Self(24);

    pub fn name(self) -> &'static str {
        match self.0 {
            20 => "change_cipher_spec",
            21 => "alert",
            22 => "handshake",
            23 => "application_data",
            24 => "heartbeat",
            _ => "unknown",
        }
    }
}

/// A handshake message type (RFC 8446 §4); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandshakeType(pub u8);

impl HandshakeType {
    pub const CLIENT_HELLO: Self = Self(1);
    pub const SERVER_HELLO: Self = Self(2);
    pub const CERTIFICATE: Self = Self(11);
}

/// Extension types used here (IANA TLS ExtensionType registry).
pub mod ext {
    pub const SERVER_NAME: u16 = 0;
    pub const SUPPORTED_GROUPS: u16 = 10;
    pub const EC_POINT_FORMATS: u16 = 11;
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    pub const ALPN: u16 = 16;
    pub const SUPPORTED_VERSIONS: u16 = 43;
}

/// Why bytes are not a TLS record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the header or the length field asks for.
    Short { need: usize, have: usize },
    /// Not a content type of TLS 1.0 to 1.3.
    ContentType(u8),
    /// Record version whose major is not 3.
    Version(u16),
    /// Length field above `MAX_RECORD_LEN`.
    Length(usize),
}

/// One record, borrowed. Checked once in `parse`; accessors are infallible.
#[derive(Clone, Copy)]
pub struct Record<'a> {
    hdr: &'a [u8; RECORD_HEADER_LEN],
    fragment: &'a [u8],
}

/// Parses the record at the start of `data`; `Record::len` says how many bytes it used.
pub fn parse(data: &[u8]) -> Result<Record<'_>, Error> {
    let (hdr, rest) = data
        .split_first_chunk::<RECORD_HEADER_LEN>()
        .ok_or(Error::Short {
            need: RECORD_HEADER_LEN,
            have: data.len(),
        })?;
    if !(20..=24).contains(&hdr[0]) {
        return Err(Error::ContentType(hdr[0]));
    }
    let version = u16::from_be_bytes([hdr[1], hdr[2]]);
    // SSL 3.0 to TLS 1.3 (whose records say 0x0301 or 0x0303).
    if hdr[1] != 3 || hdr[2] > 4 {
        return Err(Error::Version(version));
    }
    let len = u16::from_be_bytes([hdr[3], hdr[4]]) as usize;
    if len > MAX_RECORD_LEN {
        return Err(Error::Length(len));
    }
    let fragment = rest.get(..len).ok_or(Error::Short {
        need: RECORD_HEADER_LEN + len,
        have: data.len(),
    })?;
    Ok(Record { hdr, fragment })
}

/// Whether `data` could start a TLS record (the header checks of `parse`, without
/// waiting for the whole record): for protocols that switch to TLS.
pub fn probe(data: &[u8]) -> bool {
    match parse(data) {
        Ok(_) => true,
        Err(Error::Short { .. }) => {
            data.len() >= 3 || data.first().is_some_and(|b| (20..=24).contains(b))
        }
        Err(_) => false,
    }
}

impl<'a> Record<'a> {
    pub fn content_type(&self) -> ContentType {
        ContentType(self.hdr[0])
    }
    pub fn version(&self) -> u16 {
        u16::from_be_bytes([self.hdr[1], self.hdr[2]])
    }
    pub fn fragment(&self) -> &'a [u8] {
        self.fragment
    }
    /// Bytes of the whole record.
    pub fn len(&self) -> usize {
        RECORD_HEADER_LEN + self.fragment.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl fmt::Debug for Record<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("type", &self.content_type().name())
            .field("version", &version_name(self.version()))
            .field("len", &self.fragment.len())
            .finish()
    }
}

/// One handshake message, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Handshake<'a> {
    pub msg_type: HandshakeType,
    pub body: &'a [u8],
}

impl Handshake<'_> {
    /// Bytes of the whole message.
    pub fn len(&self) -> usize {
        HANDSHAKE_HEADER_LEN + self.body.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Parses the handshake message at the start of `data` (handshake records' bytes,
/// joined across records): `Short` until the whole message is there.
pub fn handshake(data: &[u8]) -> Result<Handshake<'_>, Error> {
    let (hdr, rest) = data
        .split_first_chunk::<HANDSHAKE_HEADER_LEN>()
        .ok_or(Error::Short {
            need: HANDSHAKE_HEADER_LEN,
            have: data.len(),
        })?;
    let len = u32::from_be_bytes([0, hdr[1], hdr[2], hdr[3]]) as usize;
    let body = rest.get(..len).ok_or(Error::Short {
        need: HANDSHAKE_HEADER_LEN + len,
        have: data.len(),
    })?;
    Ok(Handshake {
        msg_type: HandshakeType(hdr[0]),
        body,
    })
}

/// A cursor over TLS presentation-language fields; every read is checked.
#[derive(Clone, Copy)]
struct Rd<'a>(&'a [u8]);

impl<'a> Rd<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
    fn u24(&mut self) -> Option<usize> {
        self.take(3)
            .map(|b| u32::from_be_bytes([0, b[0], b[1], b[2]]) as usize)
    }
    fn vec8(&mut self) -> Option<&'a [u8]> {
        let n = self.u8()? as usize;
        self.take(n)
    }
    fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()? as usize;
        self.take(n)
    }
    fn vec24(&mut self) -> Option<&'a [u8]> {
        let n = self.u24()?;
        self.take(n)
    }
}

/// Big-endian 16-bit values of a list (a trailing odd byte is ignored).
pub fn u16s(b: &[u8]) -> impl Iterator<Item = u16> + '_ {
    b.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]))
}

/// GREASE values (RFC 8701): 0x0a0a, 0x1a1a, ... 0xfafa; fingerprints leave them out.
pub fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}

/// Extensions of a hello: (type, data) pairs, stopping at the first malformed one.
#[derive(Clone, Copy)]
pub struct Extensions<'a>(Rd<'a>);

impl<'a> Iterator for Extensions<'a> {
    type Item = (u16, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        let mut r = self.0;
        let item = r.u16().and_then(|t| r.vec16().map(|d| (t, d)));
        self.0 = if item.is_some() { r } else { Rd(&[]) };
        item
    }
}

/// A ClientHello (RFC 8446 §4.1.2), borrowed.
#[derive(Clone, Copy)]
pub struct ClientHello<'a> {
    pub legacy_version: u16,
    pub session_id: &'a [u8],
    ciphers: &'a [u8],
    pub compression: &'a [u8],
    extensions: &'a [u8],
}

/// Parses a ClientHello message body; extensions are optional (before TLS 1.2).
pub fn client_hello(body: &[u8]) -> Option<ClientHello<'_>> {
    let mut r = Rd(body);
    let legacy_version = r.u16()?;
    r.take(32)?;
    let session_id = r.vec8()?;
    let ciphers = r.vec16()?;
    let compression = r.vec8()?;
    let extensions = if r.0.is_empty() { &[][..] } else { r.vec16()? };
    Some(ClientHello {
        legacy_version,
        session_id,
        ciphers,
        compression,
        extensions,
    })
}

/// The value of extension `ty` among `exts`.
fn find(exts: Extensions<'_>, ty: u16) -> Option<&[u8]> {
    exts.into_iter().find(|e| e.0 == ty).map(|e| e.1)
}

impl<'a> ClientHello<'a> {
    pub fn ciphers(&self) -> impl Iterator<Item = u16> + 'a {
        u16s(self.ciphers)
    }
    pub fn extensions(&self) -> Extensions<'a> {
        Extensions(Rd(self.extensions))
    }
    /// The first host name of the server_name extension (RFC 6066 §3), as sent.
    pub fn sni(&self) -> Option<&'a [u8]> {
        let mut r = Rd(find(self.extensions(), ext::SERVER_NAME)?);
        let mut list = Rd(r.vec16()?);
        while let Some(ty) = list.u8() {
            let name = list.vec16()?;
            if ty == 0 {
                return Some(name);
            }
        }
        None
    }
    /// The protocols offered in the ALPN extension (RFC 7301), in order.
    pub fn alpn(&self) -> impl Iterator<Item = &'a [u8]> {
        let mut list = find(self.extensions(), ext::ALPN)
            .and_then(|d| Rd(d).vec16())
            .map_or(Rd(&[]), Rd);
        std::iter::from_fn(move || list.vec8().filter(|p| !p.is_empty()))
    }
    /// The versions of the supported_versions extension (RFC 8446 §4.2.1), in order.
    pub fn supported_versions(&self) -> impl Iterator<Item = u16> + 'a {
        u16s(
            find(self.extensions(), ext::SUPPORTED_VERSIONS)
                .and_then(|d| Rd(d).vec8())
                .unwrap_or(&[]),
        )
    }
    /// The highest version offered (GREASE aside): supported_versions, else legacy.
    pub fn max_version(&self) -> u16 {
        self.supported_versions()
            .filter(|v| !is_grease(*v))
            .max()
            .unwrap_or(self.legacy_version)
    }
    fn list16(&self, ty: u16) -> impl Iterator<Item = u16> + 'a {
        u16s(
            find(self.extensions(), ty)
                .and_then(|d| Rd(d).vec16())
                .unwrap_or(&[]),
        )
    }
    pub fn groups(&self) -> impl Iterator<Item = u16> + 'a {
        self.list16(ext::SUPPORTED_GROUPS)
    }
    pub fn signature_algorithms(&self) -> impl Iterator<Item = u16> + 'a {
        self.list16(ext::SIGNATURE_ALGORITHMS)
    }
    pub fn point_formats(&self) -> &'a [u8] {
        find(self.extensions(), ext::EC_POINT_FORMATS)
            .and_then(|d| Rd(d).vec8())
            .unwrap_or(&[])
    }
}

impl fmt::Debug for ClientHello<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientHello")
            .field("version", &version_name(self.legacy_version))
            .field("max_version", &version_name(self.max_version()))
            .field("ciphers", &self.ciphers().collect::<Vec<_>>())
            .field(
                "extensions",
                &self.extensions().map(|e| e.0).collect::<Vec<_>>(),
            )
            .field("sni", &self.sni().map(String::from_utf8_lossy))
            .field(
                "alpn",
                &self.alpn().map(String::from_utf8_lossy).collect::<Vec<_>>(),
            )
            .field("groups", &self.groups().collect::<Vec<_>>())
            .field("sigalgs", &self.signature_algorithms().collect::<Vec<_>>())
            .field("point_formats", &self.point_formats())
            .finish()
    }
}

/// A ServerHello (RFC 8446 §4.1.3; a HelloRetryRequest has the same form), borrowed.
#[derive(Clone, Copy)]
pub struct ServerHello<'a> {
    pub legacy_version: u16,
    pub cipher: u16,
    pub compression: u8,
    extensions: &'a [u8],
}

/// Parses a ServerHello message body.
pub fn server_hello(body: &[u8]) -> Option<ServerHello<'_>> {
    let mut r = Rd(body);
    let legacy_version = r.u16()?;
    r.take(32)?;
    r.vec8()?;
    let cipher = r.u16()?;
    let compression = r.u8()?;
    let extensions = if r.0.is_empty() { &[][..] } else { r.vec16()? };
    Some(ServerHello {
        legacy_version,
        cipher,
        compression,
        extensions,
    })
}

impl<'a> ServerHello<'a> {
    pub fn extensions(&self) -> Extensions<'a> {
        Extensions(Rd(self.extensions))
    }
    /// The version the server selected: supported_versions (TLS 1.3), else legacy.
    pub fn version(&self) -> u16 {
        find(self.extensions(), ext::SUPPORTED_VERSIONS)
            .and_then(|d| Rd(d).u16())
            .unwrap_or(self.legacy_version)
    }
    /// The protocol the server selected with ALPN.
    pub fn alpn(&self) -> Option<&'a [u8]> {
        find(self.extensions(), ext::ALPN)
            .and_then(|d| Rd(d).vec16())
            .and_then(|l| Rd(l).vec8())
    }
}

impl fmt::Debug for ServerHello<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerHello")
            .field("version", &version_name(self.version()))
            .field("cipher", &cipher_name(self.cipher).to_string())
            .field(
                "extensions",
                &self.extensions().map(|e| e.0).collect::<Vec<_>>(),
            )
            .field("alpn", &self.alpn().map(String::from_utf8_lossy))
            .finish()
    }
}

/// The first certificate (DER) of a TLS 1.0-1.2 Certificate message body (RFC 5246
/// §7.4.2); TLS 1.3 sends its Certificate encrypted.
pub fn first_certificate(body: &[u8]) -> Option<&[u8]> {
    let mut list = Rd(Rd(body).vec24()?);
    list.vec24().filter(|c| !c.is_empty())
}

/// The parts of an X.509 certificate (RFC 5280 §4.1) reported: subject, issuer and
/// validity.
#[derive(Clone, Copy)]
pub struct Certificate<'a> {
    pub issuer: Name<'a>,
    pub subject: Name<'a>,
    pub not_before: Time<'a>,
    pub not_after: Time<'a>,
}

/// Reads a certificate's TBSCertificate far enough for its names and validity.
pub fn certificate(der: &[u8]) -> Option<Certificate<'_>> {
    let cert = ber::first(der).filter(|t| t.tag.is_universal(ber::Tag::SEQUENCE))?;
    let tbs = cert.inner()?;
    let mut it = tbs.children().peekable();
    // version [0] EXPLICIT is optional (absent for v1).
    if it.peek()?.tag.is_context(0) {
        it.next();
    }
    let _serial = it.next()?;
    let _signature = it.next()?;
    let issuer = it.next()?;
    let validity = it.next()?;
    let subject = it.next()?;
    let mut v = validity.children();
    let (not_before, not_after) = (Time::of(v.next()?)?, Time::of(v.next()?)?);
    Some(Certificate {
        issuer: Name(issuer.value),
        subject: Name(subject.value),
        not_before,
        not_after,
    })
}

impl fmt::Debug for Certificate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject.to_string())
            .field("issuer", &self.issuer.to_string())
            .field("not_before", &self.not_before.to_string())
            .field("not_after", &self.not_after.to_string())
            .finish()
    }
}

/// An X.501 Name: the contents of its RDNSequence.
#[derive(Clone, Copy, Debug)]
pub struct Name<'a>(&'a [u8]);

/// OID contents of the attributes reported (X.520): commonName, organizationName.
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_O: &[u8] = &[0x55, 0x04, 0x0a];

impl<'a> Name<'a> {
    /// The first value of the attribute with OID contents `oid`.
    pub fn attr(&self, oid: &[u8]) -> Option<&'a [u8]> {
        let seq = ber::Tlv {
            tag: ber::Tag {
                class: ber::Class::Universal,
                constructed: true,
                number: ber::Tag::SEQUENCE,
            },
            header_len: 0,
            value: self.0,
        };
        seq.children()
            .flat_map(|set| set.children())
            .find_map(|atv| {
                let mut c = atv.children();
                let id = c.next()?;
                (id.tag.is_universal(ber::Tag::OID) && id.value == oid)
                    .then(|| c.next().map(|v| v.value))
                    .flatten()
            })
    }
    pub fn common_name(&self) -> Option<&'a [u8]> {
        self.attr(OID_CN)
    }
    pub fn organization(&self) -> Option<&'a [u8]> {
        self.attr(OID_O)
    }
}

/// `CN=..., O=...` (the attributes present, in that order).
impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        for (label, v) in [("CN", self.common_name()), ("O", self.organization())] {
            if let Some(v) = v {
                write!(f, "{sep}{label}={}", String::from_utf8_lossy(v))?;
                sep = ", ";
            }
        }
        Ok(())
    }
}

/// A UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5), as its digits.
#[derive(Clone, Copy, Debug)]
pub struct Time<'a> {
    digits: &'a [u8],
    /// UTCTime: two-digit year.
    utc: bool,
}

impl<'a> Time<'a> {
    fn of(t: ber::Tlv<'a>) -> Option<Time<'a>> {
        let utc = match t.tag.number {
            23 => true,
            24 => false,
            _ => return None,
        };
        let n = if utc { 12 } else { 14 };
        let digits = t.value.get(..n)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then_some(Time { digits, utc })
    }
}

/// ISO 8601 in UTC: `2025-01-31T23:59:59Z` (UTCTime years 50-99 are 19xx, §4.1.2.5.1).
impl fmt::Display for Time<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = |i: usize| self.digits.get(i).map_or('0', |&b| b as char);
        let rest = if self.utc {
            f.write_str(if d(0) >= '5' { "19" } else { "20" })?;
            0
        } else {
            f.write_char(d(0))?;
            f.write_char(d(1))?;
            2
        };
        let at = |k: usize| rest + k;
        write!(
            f,
            "{}{}-{}{}-{}{}T{}{}:{}{}:{}{}Z",
            d(at(0)),
            d(at(1)),
            d(at(2)),
            d(at(3)),
            d(at(4)),
            d(at(5)),
            d(at(6)),
            d(at(7)),
            d(at(8)),
            d(at(9)),
            d(at(10)),
            d(at(11))
        )
    }
}

/// A protocol version's name.
pub fn version_name(v: u16) -> VersionName {
    VersionName(v)
}

#[derive(Clone, Copy)]
pub struct VersionName(u16);

impl fmt::Display for VersionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0x0002 => f.write_str("SSL 2.0"),
            0x0300 => f.write_str("SSL 3.0"),
            0x0301 => f.write_str("TLS 1.0"),
            0x0302 => f.write_str("TLS 1.1"),
            0x0303 => f.write_str("TLS 1.2"),
            0x0304 => f.write_str("TLS 1.3"),
            v if v >> 8 == 0x7f => write!(f, "TLS 1.3 draft {}", v & 0xff),
            v => write!(f, "0x{v:04x}"),
        }
    }
}

impl fmt::Debug for VersionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A cipher suite's IANA name for the common suites, else its number in hex.
pub fn cipher_name(c: u16) -> CipherName {
    CipherName(c)
}

#[derive(Clone, Copy)]
pub struct CipherName(u16);

impl fmt::Display for CipherName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            0x0004 => "TLS_RSA_WITH_RC4_128_MD5",
            0x0005 => "TLS_RSA_WITH_RC4_128_SHA",
            0x000a => "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
            0x002f => "TLS_RSA_WITH_AES_128_CBC_SHA",
            0x0033 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
            0x0035 => "TLS_RSA_WITH_AES_256_CBC_SHA",
            0x0039 => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
            0x003c => "TLS_RSA_WITH_AES_128_CBC_SHA256",
            0x003d => "TLS_RSA_WITH_AES_256_CBC_SHA256",
            0x0067 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
            0x006b => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
            0x009c => "TLS_RSA_WITH_AES_128_GCM_SHA256",
            0x009d => "TLS_RSA_WITH_AES_256_GCM_SHA384",
            0x009e => "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
            0x009f => "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            0x1301 => "TLS_AES_128_GCM_SHA256",
            0x1302 => "TLS_AES_256_GCM_SHA384",
            0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
            0x1304 => "TLS_AES_128_CCM_SHA256",
            0xc009 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            0xc00a => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            0xc011 => "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
            0xc012 => "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
            0xc013 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            0xc014 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            0xc023 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            0xc024 => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
            0xc027 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            0xc028 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            0xc02b => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            0xc02c => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            0xc02f => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            0xc030 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            0xcca8 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            0xcca9 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            0xccaa => "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            c => return write!(f, "0x{c:04x}"),
        };
        f.write_str(name)
    }
}

/// Writes `items` as decimal numbers joined by `-`.
fn dashed(out: &mut String, items: impl Iterator<Item = u16>) {
    for (i, v) in items.enumerate() {
        if i > 0 {
            out.push('-');
        }
        let _ = write!(out, "{v}");
    }
}

/// The JA3 string of a ClientHello (Salesforce JA3): version, ciphers, extensions,
/// groups and point formats, GREASE values left out. Its MD5 is the fingerprint.
pub fn ja3(ch: &ClientHello<'_>, out: &mut String) {
    let _ = write!(out, "{},", ch.legacy_version);
    dashed(out, ch.ciphers().filter(|c| !is_grease(*c)));
    out.push(',');
    dashed(out, ch.extensions().map(|e| e.0).filter(|e| !is_grease(*e)));
    out.push(',');
    dashed(out, ch.groups().filter(|g| !is_grease(*g)));
    out.push(',');
    dashed(out, ch.point_formats().iter().map(|&p| p as u16));
}

/// The JA3S string of a ServerHello: version, cipher, extensions.
pub fn ja3s(sh: &ServerHello<'_>, out: &mut String) {
    let _ = write!(out, "{},{},", sh.legacy_version, sh.cipher);
    dashed(out, sh.extensions().map(|e| e.0).filter(|e| !is_grease(*e)));
}

/// Most list entries a JA4 hashes (a ClientHello's lists are far shorter).
const JA4_MAX: usize = 256;

/// The JA4 fingerprint of a ClientHello (FoxIO JA4, TLS client): `quic` for QUIC's
/// `q`, else `t` (TCP). `a_b_c`: version, SNI, counts and ALPN; the truncated SHA-256
/// of the sorted cipher suites; of the sorted extensions (SNI and ALPN aside) and the
/// signature algorithms in order.
pub fn ja4(ch: &ClientHello<'_>, quic: bool, out: &mut String) {
    let version = match ch.max_version() {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    };
    let mut ciphers = [0u16; JA4_MAX];
    let mut nc = 0;
    for c in ch.ciphers().filter(|c| !is_grease(*c)).take(JA4_MAX) {
        ciphers[nc] = c;
        nc += 1;
    }
    let mut exts = [0u16; JA4_MAX];
    let (mut ne, mut all_exts, mut sni) = (0, 0usize, false);
    for (e, _) in ch.extensions().filter(|e| !is_grease(e.0)) {
        all_exts += 1;
        sni |= e == ext::SERVER_NAME;
        if e != ext::SERVER_NAME && e != ext::ALPN && ne < JA4_MAX {
            exts[ne] = e;
            ne += 1;
        }
    }
    let alpn = ch.alpn().next();
    let _ = write!(
        out,
        "{}{version}{}{:02}{:02}",
        if quic { 'q' } else { 't' },
        if sni { 'd' } else { 'i' },
        nc.min(99),
        all_exts.min(99)
    );
    match alpn {
        Some(p) => {
            let (first, last) = (p[0], p[p.len() - 1]);
            if first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric() {
                out.push(first as char);
                out.push(last as char);
            } else {
                // Non-alphanumeric ends: the first and last hex digits of the value.
                let hex = b"0123456789abcdef";
                out.push(hex[(first >> 4) as usize] as char);
                out.push(hex[(last & 0xf) as usize] as char);
            }
        }
        None => out.push_str("00"),
    }
    out.push('_');
    let ciphers = &mut ciphers[..nc];
    ciphers.sort_unstable();
    hash12(out, ciphers, None);
    out.push('_');
    let exts = &mut exts[..ne];
    exts.sort_unstable();
    let mut sigs = [0u16; JA4_MAX];
    let mut ns = 0;
    for s in ch.signature_algorithms().take(JA4_MAX) {
        sigs[ns] = s;
        ns += 1;
    }
    hash12(out, exts, Some(&sigs[..ns]));
}

/// The first 12 hex digits of the SHA-256 of `list` as 4-digit hex joined by `,`
/// (then `_` and `more` likewise when `more` is not empty); `000000000000` for an
/// empty list.
fn hash12(out: &mut String, list: &[u16], more: Option<&[u16]>) {
    use sha2::{Digest, Sha256};
    if list.is_empty() {
        out.push_str("000000000000");
        return;
    }
    let hex4 = |v: u16| {
        let d = b"0123456789abcdef";
        [12, 8, 4, 0].map(|s| d[(v >> s & 0xf) as usize])
    };
    let mut h = Sha256::new();
    for (i, &v) in list.iter().enumerate() {
        if i > 0 {
            h.update(b",");
        }
        h.update(hex4(v));
    }
    for (i, &v) in more.unwrap_or(&[]).iter().enumerate() {
        h.update(if i == 0 { b"_" } else { b"," });
        h.update(hex4(v));
    }
    for b in &h.finalize()[..6] {
        let _ = write!(out, "{b:02x}");
    }
}

/// MD5 of `s` in lowercase hex (JA3, JA3S, HASSH).
pub fn md5_hex(s: &str) -> String {
    use md5::{Digest, Md5};
    let mut out = String::with_capacity(32);
    for b in Md5::digest(s.as_bytes()) {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vec16(b: &[u8]) -> Vec<u8> {
        let mut v = (b.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(b);
        v
    }

    /// A handshake record holding one message.
    fn record(msg_type: u8, body: &[u8]) -> Vec<u8> {
        let mut hs = vec![msg_type];
        hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        hs.extend_from_slice(body);
        let mut r = vec![22, 3, 1];
        r.extend_from_slice(&vec16(&hs));
        r
    }

    fn ext(ty: u16, data: &[u8]) -> Vec<u8> {
        let mut v = ty.to_be_bytes().to_vec();
        v.extend_from_slice(&vec16(data));
        v
    }

    /// A ClientHello like a browser's: GREASE, SNI, ALPN, versions, groups, sigalgs.
    fn client_hello_body() -> Vec<u8> {
        let mut b = vec![3, 3];
        b.extend_from_slice(&[7; 32]);
        b.push(0);
        b.extend_from_slice(&vec16(&[0x2a, 0x2a, 0x13, 0x01, 0xc0, 0x2f, 0x00, 0x9c]));
        b.extend_from_slice(&[1, 0]);
        let mut sni = vec![0];
        sni.extend_from_slice(&vec16(b"Example.COM"));
        let alpn = [
            2, b'h', b'2', 8, b'h', b't', b't', b'p', b'/', b'1', b'.', b'1',
        ];
        let exts = [
            ext(0x3a3a, &[]),
            ext(ext::SERVER_NAME, &vec16(&sni)),
            ext(
                ext::SUPPORTED_GROUPS,
                &vec16(&[0x4a, 0x4a, 0, 0x1d, 0, 0x17]),
            ),
            ext(ext::EC_POINT_FORMATS, &[1, 0]),
            ext(ext::SIGNATURE_ALGORITHMS, &vec16(&[4, 3, 8, 4, 4, 1])),
            ext(ext::ALPN, &vec16(&alpn)),
            ext(ext::SUPPORTED_VERSIONS, &[4, 0x5a, 0x5a, 3, 4]),
        ]
        .concat();
        b.extend_from_slice(&vec16(&exts));
        b
    }

    fn server_hello_body() -> Vec<u8> {
        let mut b = vec![3, 3];
        b.extend_from_slice(&[9; 32]);
        b.push(0);
        b.extend_from_slice(&[0x13, 0x01, 0]);
        b.extend_from_slice(&vec16(&ext(ext::SUPPORTED_VERSIONS, &[3, 4])));
        b
    }

    #[test]
    fn client_hello_fields_and_fingerprints() {
        let rec = record(1, &client_hello_body());
        let r = parse(&rec).unwrap();
        assert_eq!(r.len(), rec.len());
        assert_eq!(r.content_type(), ContentType::HANDSHAKE);
        let hs = handshake(r.fragment()).unwrap();
        assert_eq!(hs.msg_type, HandshakeType::CLIENT_HELLO);
        let ch = client_hello(hs.body).unwrap();
        assert_eq!(ch.sni(), Some(&b"Example.COM"[..]));
        assert_eq!(ch.alpn().collect::<Vec<_>>(), vec![&b"h2"[..], b"http/1.1"]);
        assert_eq!(ch.max_version(), 0x0304);
        let mut s = String::new();
        ja3(&ch, &mut s);
        assert_eq!(s, "771,4865-49199-156,0-10-11-13-16-43,29-23,0");
        assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
        let mut j = String::new();
        ja4(&ch, false, &mut j);
        // Ciphers "002f"-style lists hashed as the JA4 spec says (checked with sha256sum):
        // sha256("009c,1301,c02f") and sha256("000a,000b,000d,002b_0403,0804,0401").
        assert_eq!(j, "t13d0306h2_159d175d8039_0d385148b956");
        assert!(format!("{ch:?}").contains("Example.COM"));
    }

    /// The JA4 specification's worked example (a Chrome ClientHello): its cipher and
    /// extension lists in another order, with GREASE, give the published fingerprint.
    #[test]
    fn ja4_matches_the_specification_example() {
        let ciphers: [u16; 16] = [
            0x5a5a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
            0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
        ];
        let mut b = vec![3, 3];
        b.extend_from_slice(&[1; 32]);
        b.push(0);
        b.extend_from_slice(&vec16(
            &ciphers
                .iter()
                .flat_map(|c| c.to_be_bytes())
                .collect::<Vec<_>>(),
        ));
        b.extend_from_slice(&[1, 0]);
        let sigs: Vec<u8> = [
            0x0403u16, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
        ]
        .iter()
        .flat_map(|c| c.to_be_bytes())
        .collect();
        let mut sni = vec![0];
        sni.extend_from_slice(&vec16(b"example.org"));
        let mut exts = vec![ext(0x2a2a, &[])];
        for t in [
            0x0033u16, 0x0012, 0x4469, 0x0023, 0x001b, 0x000b, 0xff01, 0x0005, 0x0017, 0x0015,
            0x000a, 0x002d,
        ] {
            exts.push(ext(t, &[]));
        }
        exts.push(ext(ext::SIGNATURE_ALGORITHMS, &vec16(&sigs)));
        exts.push(ext(ext::SERVER_NAME, &vec16(&sni)));
        exts.push(ext(ext::SUPPORTED_VERSIONS, &[4, 0x3a, 0x3a, 3, 4]));
        exts.push(ext(ext::ALPN, &vec16(&[2, b'h', b'2'])));
        b.extend_from_slice(&vec16(&exts.concat()));
        let ch = client_hello(&b).unwrap();
        let mut j = String::new();
        ja4(&ch, false, &mut j);
        assert_eq!(j, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    }

    #[test]
    fn server_hello_and_version() {
        let rec = record(2, &server_hello_body());
        let hs = handshake(parse(&rec).unwrap().fragment()).unwrap();
        let sh = server_hello(hs.body).unwrap();
        assert_eq!(sh.version(), 0x0304);
        assert_eq!(sh.cipher, 0x1301);
        assert_eq!(cipher_name(sh.cipher).to_string(), "TLS_AES_128_GCM_SHA256");
        assert_eq!(version_name(sh.version()).to_string(), "TLS 1.3");
        let mut s = String::new();
        ja3s(&sh, &mut s);
        assert_eq!(s, "771,4865,43");
    }

    /// A DER TLV.
    fn tlv(tag: u8, v: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        if v.len() < 0x80 {
            out.push(v.len() as u8);
        } else {
            out.push(0x82);
            out.extend_from_slice(&(v.len() as u16).to_be_bytes());
        }
        out.extend_from_slice(v);
        out
    }

    fn name(cn: &str, o: &str) -> Vec<u8> {
        let atv = |oid: &[u8], v: &str| {
            tlv(
                0x31,
                &tlv(0x30, &[tlv(6, oid), tlv(0x0c, v.as_bytes())].concat()),
            )
        };
        tlv(
            0x30,
            &[atv(&[0x55, 4, 6], "DE"), atv(OID_O, o), atv(OID_CN, cn)].concat(),
        )
    }

    fn cert() -> Vec<u8> {
        let tbs = [
            tlv(0xa0, &tlv(2, &[2])),
            tlv(2, &[1, 2, 3]),
            tlv(0x30, &tlv(6, &[0x2a, 0x86, 0x48])),
            name("Test CA", "ACME"),
            tlv(
                0x30,
                &[tlv(23, b"240101000000Z"), tlv(24, b"20341231235959Z")].concat(),
            ),
            name("plc-01.example", "Plant"),
        ]
        .concat();
        tlv(
            0x30,
            &[tlv(0x30, &tbs), tlv(0x30, &[]), tlv(3, &[0])].concat(),
        )
    }

    fn certificate_body() -> Vec<u8> {
        let c = cert();
        let mut entry = (c.len() as u32).to_be_bytes()[1..].to_vec();
        entry.extend_from_slice(&c);
        let mut b = (entry.len() as u32).to_be_bytes()[1..].to_vec();
        b.extend_from_slice(&entry);
        b
    }

    #[test]
    fn certificate_names_and_validity() {
        let body = certificate_body();
        let der = first_certificate(&body).unwrap();
        let c = certificate(der).unwrap();
        assert_eq!(c.subject.to_string(), "CN=plc-01.example, O=Plant");
        assert_eq!(c.issuer.to_string(), "CN=Test CA, O=ACME");
        assert_eq!(c.not_before.to_string(), "2024-01-01T00:00:00Z");
        assert_eq!(c.not_after.to_string(), "2034-12-31T23:59:59Z");
    }

    #[test]
    fn grease_and_rejects() {
        assert!(is_grease(0x0a0a) && is_grease(0xfafa) && !is_grease(0x0a1a));
        assert!(matches!(parse(&[22, 3, 1]), Err(Error::Short { .. })));
        assert_eq!(
            parse(&[0x47, 0x45, 0x54, 0x20, 0x2f]).unwrap_err(),
            Error::ContentType(0x47)
        );
        assert!(matches!(
            parse(&[22, 2, 0, 0, 1, 0]),
            Err(Error::Version(_))
        ));
        assert!(matches!(
            parse(&[23, 3, 3, 0xff, 0xff]),
            Err(Error::Length(_))
        ));
    }

    #[test]
    fn truncation_never_panics() {
        let pdus = [
            record(1, &client_hello_body()),
            record(2, &server_hello_body()),
            record(11, &certificate_body()),
        ];
        for p in &pdus {
            for n in 0..=p.len() {
                let b = &p[..n];
                if n < RECORD_HEADER_LEN {
                    assert!(parse(b).is_err());
                }
                let frag = b.get(RECORD_HEADER_LEN..).unwrap_or(&[]);
                let _ = parse(b).map(|r| format!("{r:?}"));
                for cut in [frag, b] {
                    if let Ok(h) = handshake(cut) {
                        let _ = client_hello(h.body).map(|c| {
                            let mut s = String::new();
                            ja3(&c, &mut s);
                            ja4(&c, false, &mut s);
                            format!("{c:?}")
                        });
                        let _ = server_hello(h.body).map(|s| format!("{s:?}"));
                        let _ = first_certificate(h.body)
                            .and_then(certificate)
                            .map(|c| format!("{c:?}"));
                    }
                    let _ = client_hello(cut.get(4..).unwrap_or(&[])).map(|c| {
                        let mut s = String::new();
                        ja4(&c, true, &mut s);
                        format!("{c:?}")
                    });
                    let _ = certificate(cut).map(|c| format!("{c:?}"));
                }
            }
        }
    }
}
