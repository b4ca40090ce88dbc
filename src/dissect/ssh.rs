//! SSH (RFC 4253): the identification string each side sends first (and the other
//! lines a server may send before it, §4.2), the binary packet framing of the
//! cleartext key exchange (§6), and the KEXINIT algorithm lists (§7.1) with the HASSH
//! fingerprint built from them. After NEWKEYS the packets are encrypted: their
//! lengths cannot be read, so the flow glue takes the bytes whole.

use std::fmt;

/// Longest identification line, CR LF included (§4.2); other lines get the same bound.
pub const MAX_LINE: usize = 255;
/// Largest cleartext packet read (§6.1 requires 35000; implementations allow more).
pub const MAX_PACKET: usize = 256 * 1024;
pub const MSG_KEXINIT: u8 = 20;
pub const MSG_NEWKEYS: u8 = 21;

/// Why bytes are not SSH.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// A line longer than `MAX_LINE` or with bytes that are not text.
    Line,
    /// A packet length outside 12..=`MAX_PACKET`, or a bad padding length.
    Length(u32),
}

/// One line up to its LF, borrowed.
#[derive(Clone, Copy)]
pub struct Line<'a> {
    /// The line without CR LF.
    pub text: &'a [u8],
    len: usize,
}

/// Reads the line at the start of `data`.
pub fn line(data: &[u8]) -> Result<Line<'_>, Error> {
    let window = &data[..data.len().min(MAX_LINE)];
    let Some(lf) = window.iter().position(|&b| b == b'\n') else {
        return if data.len() >= MAX_LINE {
            Err(Error::Line)
        } else {
            Err(Error::Short {
                need: data.len() + 1,
                have: data.len(),
            })
        };
    };
    let text = &window[..lf];
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    if text.iter().any(|&b| b < 0x20 && b != b'\t') {
        return Err(Error::Line);
    }
    Ok(Line { text, len: lf + 1 })
}

impl<'a> Line<'a> {
    /// Bytes of the line with its end.
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    /// `SSH-protoversion-softwareversion [comments]`.
    pub fn is_ident(&self) -> bool {
        self.text.starts_with(b"SSH-")
    }
    /// The software version (and comments) after `SSH-x.y-`.
    pub fn software(&self) -> &'a [u8] {
        let rest = self.text.get(4..).unwrap_or(&[]);
        rest.iter()
            .position(|&b| b == b'-')
            .and_then(|i| rest.get(i + 1..))
            .unwrap_or(&[])
    }
}

impl fmt::Debug for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Line")
            .field("text", &String::from_utf8_lossy(self.text))
            .field("ident", &self.is_ident())
            .field("software", &String::from_utf8_lossy(self.software()))
            .finish()
    }
}

/// Whether `data` could start an identification string (`SSH-` or a prefix of it).
pub fn starts_ident(data: &[u8]) -> bool {
    let n = data.len().min(4);
    data[..n] == b"SSH-"[..n]
}

/// One cleartext binary packet, borrowed.
#[derive(Clone, Copy)]
pub struct Packet<'a> {
    pub payload: &'a [u8],
    len: usize,
}

/// Reads the cleartext packet at the start of `data` (no MAC: before NEWKEYS).
pub fn packet(data: &[u8]) -> Result<Packet<'_>, Error> {
    let (hdr, rest) = data.split_first_chunk::<5>().ok_or(Error::Short {
        need: 5,
        have: data.len(),
    })?;
    let plen = u32::from_be_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]);
    let pad = hdr[4] as u32;
    // §6: at least 4 bytes of padding, and the whole at least 16 bytes.
    if !(12..=MAX_PACKET as u32).contains(&plen) || pad < 4 || pad >= plen {
        return Err(Error::Length(plen));
    }
    let body = rest.get(..plen as usize - 1).ok_or(Error::Short {
        need: 4 + plen as usize,
        have: data.len(),
    })?;
    Ok(Packet {
        payload: &body[..(plen - 1 - pad) as usize],
        len: 4 + plen as usize,
    })
}

impl Packet<'_> {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    pub fn msg(&self) -> Option<u8> {
        self.payload.first().copied()
    }
}

impl fmt::Debug for Packet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Packet")
            .field("msg", &self.msg())
            .field("payload_len", &self.payload.len())
            .finish()
    }
}

/// The name-lists of a KEXINIT (§7.1), in order.
#[derive(Clone, Copy)]
pub struct KexInit<'a> {
    lists: [&'a [u8]; 10],
}

impl KexInit<'_> {
    pub const KEX: usize = 0;
    pub const HOST_KEY: usize = 1;
    pub const ENC_C2S: usize = 2;
    pub const ENC_S2C: usize = 3;
    pub const MAC_C2S: usize = 4;
    pub const MAC_S2C: usize = 5;
    pub const COMP_C2S: usize = 6;
    pub const COMP_S2C: usize = 7;
}

/// Reads a KEXINIT payload (message number included).
pub fn kexinit(payload: &[u8]) -> Option<KexInit<'_>> {
    let mut rest = payload.strip_prefix(&[MSG_KEXINIT])?.get(16..)?;
    let mut lists = [&[][..]; 10];
    for l in &mut lists {
        let (n, r) = rest.split_first_chunk::<4>()?;
        let n = u32::from_be_bytes(*n) as usize;
        *l = r.get(..n)?;
        rest = &r[n..];
    }
    Some(KexInit { lists })
}

impl<'a> KexInit<'a> {
    /// Name-list `i` (0..10) as sent, comma-separated.
    pub fn list(&self, i: usize) -> &'a [u8] {
        self.lists.get(i).copied().unwrap_or(&[])
    }
    /// The HASSH string (Salesforce HASSH): kex, then the client's (or, for the
    /// server's HASSHServer, the server's) encryption, MAC and compression lists.
    pub fn hassh(&self, client: bool) -> String {
        let pick = |c2s: usize, s2c: usize| if client { c2s } else { s2c };
        let parts = [
            Self::KEX,
            pick(Self::ENC_C2S, Self::ENC_S2C),
            pick(Self::MAC_C2S, Self::MAC_S2C),
            pick(Self::COMP_C2S, Self::COMP_S2C),
        ];
        let mut out = String::new();
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(&String::from_utf8_lossy(self.list(p)));
        }
        out
    }
}

impl fmt::Debug for KexInit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.lists.iter().map(|l| String::from_utf8_lossy(l)))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkt(payload: &[u8]) -> Vec<u8> {
        // Padding to a multiple of 8, at least 4 bytes.
        let mut pad = 8 - (payload.len() + 5) % 8;
        if pad < 4 {
            pad += 8;
        }
        let plen = (payload.len() + pad + 1) as u32;
        let mut v = plen.to_be_bytes().to_vec();
        v.push(pad as u8);
        v.extend_from_slice(payload);
        v.extend(std::iter::repeat_n(0, pad));
        v
    }

    fn kex_payload() -> Vec<u8> {
        let mut p = vec![MSG_KEXINIT];
        p.extend_from_slice(&[0x11; 16]);
        let lists: [&[u8]; 10] = [
            b"curve25519-sha256,diffie-hellman-group14-sha256",
            b"ssh-ed25519",
            b"aes128-ctr",
            b"aes256-ctr",
            b"hmac-sha2-256",
            b"hmac-sha1",
            b"none",
            b"zlib",
            b"",
            b"",
        ];
        for l in lists {
            p.extend_from_slice(&(l.len() as u32).to_be_bytes());
            p.extend_from_slice(l);
        }
        p.extend_from_slice(&[0, 0, 0, 0, 0]);
        p
    }

    #[test]
    fn banner_and_kexinit() {
        let l = line(b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3\r\nrest").unwrap();
        assert!(l.is_ident());
        assert_eq!(l.len(), 32);
        assert_eq!(l.software(), b"OpenSSH_8.9p1 Ubuntu-3");
        assert!(!line(b"Welcome\n").unwrap().is_ident());
        assert!(matches!(line(b"SSH-2.0-x"), Err(Error::Short { .. })));
        assert_eq!(line(&[b'a'; 300]).unwrap_err(), Error::Line);
        assert!(starts_ident(b"SS") && !starts_ident(b"\0\0\0\x14"));
        let p = pkt(&kex_payload());
        let pk = packet(&p).unwrap();
        assert_eq!(pk.len(), p.len());
        assert_eq!(pk.msg(), Some(MSG_KEXINIT));
        let k = kexinit(pk.payload).unwrap();
        assert_eq!(
            k.hassh(true),
            "curve25519-sha256,diffie-hellman-group14-sha256;aes128-ctr;hmac-sha2-256;none"
        );
        assert_eq!(
            k.hassh(false),
            "curve25519-sha256,diffie-hellman-group14-sha256;aes256-ctr;hmac-sha1;zlib"
        );
        assert_eq!(
            packet(&pkt(&[MSG_NEWKEYS])).unwrap().msg(),
            Some(MSG_NEWKEYS)
        );
        assert!(matches!(packet(&[0xff, 0, 0, 0, 4]), Err(Error::Length(_))));
    }

    #[test]
    fn truncation_never_panics() {
        let pdus = [
            b"SSH-2.0-OpenSSH_8.9p1\r\n".to_vec(),
            pkt(&kex_payload()),
            pkt(&[MSG_NEWKEYS]),
        ];
        for p in &pdus {
            for n in 0..=p.len() {
                let b = &p[..n];
                if n < 5 {
                    assert!(packet(b).is_err());
                }
                let _ = line(b).map(|l| format!("{l:?}"));
                let _ = packet(b).map(|p| format!("{p:?}"));
                let _ = kexinit(b).map(|k| format!("{k:?} {}", k.hassh(true)));
                let _ = kexinit(b.get(5..).unwrap_or(&[])).map(|k| k.hassh(false));
            }
        }
    }
}
