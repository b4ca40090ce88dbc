//! NTLMSSP messages (MS-NLMP §2.2.1): found by their signature inside SMB session
//! setups, SPNEGO tokens, LDAP SASL binds or HTTP `Authorization` headers. Reads the
//! names a CHALLENGE discloses about the server (its target info) and the user,
//! domain and workstation of an AUTHENTICATE; the challenge responses are password
//! hashes and are only measured, never returned.

use std::fmt;

pub const SIGNATURE: &[u8; 8] = b"NTLMSSP\0";
/// Signature and message type.
pub const HEADER_LEN: usize = 12;
/// CHALLENGE up to the target info fields (the version field is optional).
pub const CHALLENGE_LEN: usize = 48;
/// AUTHENTICATE up to the negotiate flags.
pub const AUTHENTICATE_LEN: usize = 64;

/// NTLMSSP_NEGOTIATE_UNICODE: strings are UTF-16LE, else OEM (read as 8-bit text).
pub const NEGOTIATE_UNICODE: u32 = 0x0000_0001;

/// Why bytes are not an NTLMSSP message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// No `NTLMSSP\0` signature.
    Signature,
}

/// The message type (MS-NLMP §2.2.1); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageType(pub u32);

impl MessageType {
    pub const NEGOTIATE: Self = Self(1);
    pub const CHALLENGE: Self = Self(2);
    pub const AUTHENTICATE: Self = Self(3);

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "NEGOTIATE",
            2 => "CHALLENGE",
            3 => "AUTHENTICATE",
            _ => "unknown",
        }
    }
}

/// One NTLMSSP message, borrowed from its signature to the end of the buffer that
/// holds it (payload offsets count from the signature).
#[derive(Clone, Copy)]
pub struct Message<'a> {
    data: &'a [u8],
}

/// Finds the first NTLMSSP signature in `data` (a security blob of any wrapping).
pub fn find(data: &[u8]) -> Option<Message<'_>> {
    let at = data.windows(SIGNATURE.len()).position(|w| w == SIGNATURE)?;
    parse(&data[at..]).ok()
}

/// Parses a message that starts at `data`.
pub fn parse(data: &[u8]) -> Result<Message<'_>, Error> {
    if data.len() < HEADER_LEN {
        return Err(Error::Short {
            need: HEADER_LEN,
            have: data.len(),
        });
    }
    if !data.starts_with(SIGNATURE) {
        return Err(Error::Signature);
    }
    Ok(Message { data })
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// A string in the text form the flags choose.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Text<'a> {
    pub raw: &'a [u8],
    pub unicode: bool,
}

impl Text<'_> {
    /// Appends the text to `out` (UTF-16LE decoded, or bytes as Latin-1), at most
    /// `max` characters; bad code units become U+FFFD.
    pub fn push_to(&self, out: &mut String, max: usize) {
        push_text(self.raw, self.unicode, out, max);
    }
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

/// Appends UTF-16LE (`unicode`) or 8-bit text to `out`, at most `max` characters.
pub fn push_text(raw: &[u8], unicode: bool, out: &mut String, max: usize) {
    if unicode {
        let units = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        out.extend(
            char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{fffd}'))
                .take(max),
        );
    } else {
        out.extend(raw.iter().take(max).map(|&b| b as char));
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.push_to(&mut s, 64);
        write!(f, "{s:?}")
    }
}

/// The NTLM version an AUTHENTICATE used, from the NT response's length (MS-NLMP
/// §3.3): 24 bytes for NTLMv1, longer for NTLMv2; none for an anonymous logon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    Anonymous,
    V1,
    V2,
}

impl Version {
    pub fn name(self) -> &'static str {
        match self {
            Version::Anonymous => "anonymous",
            Version::V1 => "v1",
            Version::V2 => "v2",
        }
    }
}

/// An attribute of a CHALLENGE's target info (MS-NLMP §2.2.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AvPair<'a> {
    pub id: u16,
    pub value: &'a [u8],
}

impl AvPair<'_> {
    pub const NB_COMPUTER_NAME: u16 = 1;
    pub const NB_DOMAIN_NAME: u16 = 2;
    pub const DNS_COMPUTER_NAME: u16 = 3;
    pub const DNS_DOMAIN_NAME: u16 = 4;
    pub const DNS_TREE_NAME: u16 = 5;
}

/// The target info pairs up to `MsvAvEOL` or the first malformed one.
#[derive(Clone, Copy, Debug)]
pub struct AvPairs<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for AvPairs<'a> {
    type Item = AvPair<'a>;
    fn next(&mut self) -> Option<AvPair<'a>> {
        let id = u16_at(self.rest, 0)?;
        let len = u16_at(self.rest, 2)? as usize;
        let value = self.rest.get(4..4 + len)?;
        if id == 0 {
            self.rest = &[];
            return None;
        }
        self.rest = &self.rest[4 + len..];
        Some(AvPair { id, value })
    }
}

impl<'a> Message<'a> {
    pub fn message_type(&self) -> MessageType {
        MessageType(u32_at(self.data, 8).unwrap_or(0))
    }

    /// The payload a (len, maxlen, offset) field at `at` points to; `None` when it
    /// points outside the message.
    fn field(&self, at: usize) -> Option<&'a [u8]> {
        let len = u16_at(self.data, at)? as usize;
        let off = u32_at(self.data, at + 4)? as usize;
        if len == 0 {
            return Some(&[]);
        }
        self.data.get(off..off.checked_add(len)?)
    }

    /// The negotiate flags of a CHALLENGE or AUTHENTICATE.
    pub fn flags(&self) -> Option<u32> {
        match self.message_type() {
            MessageType::CHALLENGE => u32_at(self.data, 20),
            MessageType::AUTHENTICATE => u32_at(self.data, 60),
            MessageType::NEGOTIATE => u32_at(self.data, 12),
            _ => None,
        }
    }

    fn text(&self, at: usize) -> Option<Text<'a>> {
        let unicode = self.flags()? & NEGOTIATE_UNICODE != 0;
        Some(Text {
            raw: self.field(at)?,
            unicode,
        })
    }

    /// CHALLENGE: the target name (the server's domain or computer name).
    pub fn target_name(&self) -> Option<Text<'a>> {
        (self.message_type() == MessageType::CHALLENGE && self.data.len() >= CHALLENGE_LEN)
            .then(|| self.text(12))
            .flatten()
    }

    /// CHALLENGE: the target info pairs (always UTF-16LE).
    pub fn target_info(&self) -> AvPairs<'a> {
        let rest = (self.message_type() == MessageType::CHALLENGE
            && self.data.len() >= CHALLENGE_LEN)
            .then(|| self.field(40))
            .flatten()
            .unwrap_or(&[]);
        AvPairs { rest }
    }

    fn authenticate(&self) -> bool {
        self.message_type() == MessageType::AUTHENTICATE && self.data.len() >= AUTHENTICATE_LEN
    }

    /// AUTHENTICATE: the user's domain.
    pub fn domain(&self) -> Option<Text<'a>> {
        self.authenticate().then(|| self.text(28)).flatten()
    }

    /// AUTHENTICATE: the user name.
    pub fn user(&self) -> Option<Text<'a>> {
        self.authenticate().then(|| self.text(36)).flatten()
    }

    /// AUTHENTICATE: the client's workstation name.
    pub fn workstation(&self) -> Option<Text<'a>> {
        self.authenticate().then(|| self.text(44)).flatten()
    }

    /// AUTHENTICATE: which NTLM version the responses are (the responses themselves
    /// are hashes and are not exposed).
    pub fn version(&self) -> Option<Version> {
        if !self.authenticate() {
            return None;
        }
        let nt = u16_at(self.data, 20)? as usize;
        let lm = u16_at(self.data, 12)? as usize;
        Some(match nt {
            0 if lm <= 1 => Version::Anonymous,
            0..=24 => Version::V1,
            _ => Version::V2,
        })
    }
}

impl fmt::Debug for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ntlmssp")
            .field("type", &self.message_type().name())
            .field("flags", &self.flags())
            .field("target_name", &self.target_name())
            .field("target_info", &self.target_info().collect::<Vec<_>>())
            .field("domain", &self.domain())
            .field("user", &self.user())
            .field("workstation", &self.workstation())
            .field("version", &self.version())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    /// An AUTHENTICATE for DOM\alice from WS1 with an NT response of `nt_len` bytes.
    pub(crate) fn authenticate(nt_len: usize) -> Vec<u8> {
        let mut m = SIGNATURE.to_vec();
        m.extend(3u32.to_le_bytes());
        let payload = [
            // An anonymous logon sends a one-byte LM response (MS-NLMP §3.2.5.1.2).
            vec![0u8; if nt_len == 0 { 1 } else { 24 }],
            vec![0x11; nt_len],
            utf16("DOM"),
            utf16("alice"),
            utf16("WS1"),
        ];
        let mut off = 72u32;
        let mut fields = Vec::new();
        for p in &payload {
            fields.extend((p.len() as u16).to_le_bytes());
            fields.extend((p.len() as u16).to_le_bytes());
            fields.extend(off.to_le_bytes());
            off += p.len() as u32;
        }
        m.extend(fields);
        m.extend([0u8; 8]); // session key field
        m.extend(0xE288_8215u32.to_le_bytes()); // flags, unicode set
        m.extend([0u8; 8]); // version
        assert_eq!(m.len(), 72);
        for p in payload {
            m.extend(p);
        }
        m
    }

    /// A CHALLENGE from server SRV1 of domain DOM (srv1.dom.local).
    pub(crate) fn challenge() -> Vec<u8> {
        let mut info = Vec::new();
        for (id, v) in [(2u16, "DOM"), (1, "SRV1"), (3, "srv1.dom.local"), (0, "")] {
            let v = utf16(v);
            info.extend(id.to_le_bytes());
            info.extend((v.len() as u16).to_le_bytes());
            info.extend(v);
        }
        let name = utf16("DOM");
        let mut m = SIGNATURE.to_vec();
        m.extend(2u32.to_le_bytes());
        m.extend((name.len() as u16).to_le_bytes());
        m.extend((name.len() as u16).to_le_bytes());
        m.extend(56u32.to_le_bytes());
        m.extend(0xE289_8215u32.to_le_bytes());
        m.extend([0x42; 8]); // server challenge
        m.extend([0; 8]);
        m.extend((info.len() as u16).to_le_bytes());
        m.extend((info.len() as u16).to_le_bytes());
        m.extend((56 + name.len() as u32).to_le_bytes());
        m.extend([0; 8]); // version
        m.extend(name);
        m.extend(info);
        m
    }

    fn s(t: Option<Text<'_>>) -> String {
        let mut o = String::new();
        t.unwrap().push_to(&mut o, 100);
        o
    }

    #[test]
    fn authenticate_names_and_version() {
        let mut blob = vec![0xA1, 0x30, 0x04]; // some SPNEGO bytes before it
        blob.extend(authenticate(0x40));
        let m = find(&blob).unwrap();
        assert_eq!(m.message_type(), MessageType::AUTHENTICATE);
        assert_eq!(
            (s(m.user()), s(m.domain()), s(m.workstation())),
            ("alice".into(), "DOM".into(), "WS1".into())
        );
        assert_eq!(m.version(), Some(Version::V2));
        assert_eq!(
            find(&authenticate(24)).unwrap().version(),
            Some(Version::V1)
        );
        assert_eq!(
            find(&authenticate(0)).unwrap().version(),
            Some(Version::Anonymous)
        );
        assert!(format!("{m:?}").contains("alice"));
    }

    #[test]
    fn challenge_target_info() {
        let c = challenge();
        let m = parse(&c).unwrap();
        assert_eq!(s(m.target_name()), "DOM");
        let pairs: Vec<_> = m.target_info().map(|p| p.id).collect();
        assert_eq!(pairs, [2, 1, 3]);
        assert_eq!(m.user(), None);
    }

    #[test]
    fn every_prefix_is_handled() {
        for msg in [authenticate(0x40), challenge()] {
            for cut in 0..msg.len() {
                let r = parse(&msg[..cut]);
                if cut < HEADER_LEN {
                    assert!(matches!(r, Err(Error::Short { .. })));
                } else if let Ok(m) = r {
                    let _ = format!("{m:?}");
                }
            }
        }
        assert_eq!(parse(b"NTLMSSQ\0\x01\0\0\0").err(), Some(Error::Signature));
    }
}
