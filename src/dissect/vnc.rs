//! VNC: the Remote Framebuffer protocol's handshake (RFC 6143 §7.1-7.3): the
//! ProtocolVersion each side sends, the security types a server offers (3.7 and later)
//! or decides (3.3), the SecurityResult, and the ServerInit's desktop name. The
//! messages after the handshake are framebuffer traffic and are not read.

use std::fmt;

pub const VERSION_LEN: usize = 12;
/// Longest failure reason or desktop name read.
pub const MAX_TEXT: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// Not the form this message has.
    Malformed,
}

fn short(need: usize, data: &[u8]) -> Error {
    Error::Short {
        need,
        have: data.len(),
    }
}

/// A ProtocolVersion message: `RFB xxx.yyy\n` (§7.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
}

fn three_digits(b: &[u8]) -> Option<u16> {
    (b.len() == 3 && b.iter().all(u8::is_ascii_digit))
        .then(|| b.iter().fold(0u16, |a, &d| a * 10 + (d - b'0') as u16))
}

pub fn version(data: &[u8]) -> Result<Version, Error> {
    let n = data.len().min(4);
    if data[..n] != b"RFB "[..n] {
        return Err(Error::Malformed);
    }
    let v = data.get(..VERSION_LEN).ok_or(short(VERSION_LEN, data))?;
    if v[7] != b'.' || v[11] != b'\n' {
        return Err(Error::Malformed);
    }
    match (three_digits(&v[4..7]), three_digits(&v[8..11])) {
        (Some(major), Some(minor)) => Ok(Version { major, minor }),
        _ => Err(Error::Malformed),
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The server's security message (§7.1.2): the types offered (3.7+), the one it
/// decided (3.3, sent as a u32), or a failure with its reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security<'a> {
    Offered(&'a [u8]),
    Decided(u32),
    Failed(&'a [u8]),
}

/// Reads the server's security message; `v33`: the version agreed is 3.3.
/// Returns it and its length.
pub fn security(data: &[u8], v33: bool) -> Result<(Security<'_>, usize), Error> {
    if v33 {
        let t = u32_at(data, 0)?;
        if t == 0 {
            let (reason, n) = text_at(data, 4)?;
            return Ok((Security::Failed(reason), n));
        }
        return Ok((Security::Decided(t), 4));
    }
    let &n = data.first().ok_or(short(1, data))?;
    if n == 0 {
        let (reason, len) = text_at(data, 1)?;
        return Ok((Security::Failed(reason), len));
    }
    let types = data
        .get(1..1 + n as usize)
        .ok_or(short(1 + n as usize, data))?;
    Ok((Security::Offered(types), 1 + n as usize))
}

fn u32_at(data: &[u8], at: usize) -> Result<u32, Error> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or(short(at + 4, data))
}

/// A u32-length-prefixed string at `at`: the string and the end offset.
fn text_at(data: &[u8], at: usize) -> Result<(&[u8], usize), Error> {
    let n = u32_at(data, at)? as usize;
    if n > MAX_TEXT {
        return Err(Error::Malformed);
    }
    let t = data
        .get(at + 4..at + 4 + n)
        .ok_or(short(at + 4 + n, data))?;
    Ok((t, at + 4 + n))
}

/// The SecurityResult (§7.1.3): OK, or failed (with a reason from 3.8 on); its length.
pub fn security_result(data: &[u8], with_reason: bool) -> Result<(bool, &[u8], usize), Error> {
    match u32_at(data, 0)? {
        0 => Ok((true, &[], 4)),
        1 | 2 if with_reason => {
            let (r, n) = text_at(data, 4)?;
            Ok((false, r, n))
        }
        1 | 2 => Ok((false, &[], 4)),
        _ => Err(Error::Malformed),
    }
}

/// The ServerInit (§7.3.2): framebuffer size and desktop name; its length.
#[derive(Clone, Copy, Debug)]
pub struct ServerInit<'a> {
    pub width: u16,
    pub height: u16,
    pub name: &'a [u8],
}

pub fn server_init(data: &[u8]) -> Result<(ServerInit<'_>, usize), Error> {
    let hdr = data.get(..4).ok_or(short(4, data))?;
    let (name, n) = text_at(data, 20)?;
    Ok((
        ServerInit {
            width: u16::from_be_bytes([hdr[0], hdr[1]]),
            height: u16::from_be_bytes([hdr[2], hdr[3]]),
            name,
        },
        n,
    ))
}

/// A security type's name (§7.2 and the IANA RFB registry).
pub fn security_name(t: u32) -> &'static str {
    match t {
        0 => "invalid",
        1 => "none",
        2 => "vnc_auth",
        5 => "ra2",
        6 => "ra2ne",
        16 => "tight",
        17 => "ultra",
        18 => "tls",
        19 => "vencrypt",
        20 => "sasl",
        21 => "md5",
        22 => "xvp",
        30..=35 => "apple",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_messages() {
        assert_eq!(
            version(b"RFB 003.008\n").unwrap(),
            Version { major: 3, minor: 8 }
        );
        assert!(matches!(version(b"RFB 00"), Err(Error::Short { .. })));
        assert_eq!(version(b"SSH-2.0-x\r\n\0"), Err(Error::Malformed));
        assert_eq!(
            security(&[2, 1, 2], false).unwrap(),
            (Security::Offered(&[1, 2]), 3)
        );
        assert_eq!(
            security(&[0, 0, 0, 1], true).unwrap(),
            (Security::Decided(1), 4)
        );
        let fail = [0, 0, 0, 0, 0, 0, 0, 3, b'b', b'a', b'd'];
        assert_eq!(
            security(&fail[3..], false).unwrap(),
            (Security::Failed(b"bad"), 8)
        );
        assert_eq!(
            security(&fail, true).unwrap(),
            (Security::Failed(b"bad"), 11)
        );
        assert_eq!(
            security_result(&[0, 0, 0, 0], true).unwrap(),
            (true, &[][..], 4)
        );
        let mut init = vec![4, 0, 3, 0];
        init.extend_from_slice(&[0; 16]);
        init.extend_from_slice(&[0, 0, 0, 4]);
        init.extend_from_slice(b"hmi1");
        let (si, n) = server_init(&init).unwrap();
        assert_eq!(
            (si.width, si.height, si.name, n),
            (1024, 768, &b"hmi1"[..], init.len())
        );
        assert_eq!(security_name(1), "none");
    }

    #[test]
    fn truncation_never_panics() {
        let mut init = vec![4, 0, 3, 0];
        init.extend_from_slice(&[0; 16]);
        init.extend_from_slice(&[0, 0, 0, 4]);
        init.extend_from_slice(b"hmi1");
        let pdus: [&[u8]; 4] = [
            b"RFB 003.008\n",
            &[3, 1, 2, 16],
            &[0, 0, 0, 1, 0, 0, 0, 2, b'n', b'o'],
            &init,
        ];
        for p in pdus {
            for n in 0..=p.len() {
                let b = &p[..n];
                let _ = format!("{:?}", version(b));
                let _ = format!("{:?} {:?}", security(b, true), security(b, false));
                let _ = format!("{:?}", security_result(b, true));
                let _ = format!("{:?}", server_init(b));
            }
        }
    }
}
