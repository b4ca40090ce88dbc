//! X11 (X Window System Protocol, X11R7 "Connection Setup"): the client's setup
//! request (byte order, protocol version, authorization protocol name and data) and
//! the server's reply (success with its vendor, failure or authenticate with a
//! reason). Requests, replies and events after the setup are not read.

use std::fmt;

pub const SETUP_HEADER_LEN: usize = 12;
pub const REPLY_HEADER_LEN: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// Not a setup request or reply (byte order, major version 11, status).
    Malformed,
}

fn pad4(n: usize) -> usize {
    n.div_ceil(4) * 4
}

fn u16_at(b: &[u8], at: usize, big: bool) -> Option<u16> {
    let v = b.get(at..at + 2)?;
    Some(if big {
        u16::from_be_bytes([v[0], v[1]])
    } else {
        u16::from_le_bytes([v[0], v[1]])
    })
}

/// The client's connection setup request, borrowed.
#[derive(Clone, Copy)]
pub struct SetupRequest<'a> {
    pub big_endian: bool,
    pub major: u16,
    pub minor: u16,
    /// Authorization protocol name, e.g. `MIT-MAGIC-COOKIE-1`.
    pub auth_name: &'a [u8],
    /// Authorization data: the cookie itself (a secret).
    pub auth_data: &'a [u8],
    len: usize,
}

pub fn setup_request(data: &[u8]) -> Result<SetupRequest<'_>, Error> {
    let big_endian = match data.first() {
        Some(b'B') => true,
        Some(b'l') => false,
        Some(_) => return Err(Error::Malformed),
        None => return Err(Error::Short { need: 1, have: 0 }),
    };
    let short = |need| Error::Short {
        need,
        have: data.len(),
    };
    let hdr = data
        .get(..SETUP_HEADER_LEN)
        .ok_or(short(SETUP_HEADER_LEN))?;
    let at = |i| u16_at(hdr, i, big_endian).unwrap_or(0);
    let (major, minor, n, d) = (at(2), at(4), at(6) as usize, at(8) as usize);
    if major != 11 {
        return Err(Error::Malformed);
    }
    let name_end = SETUP_HEADER_LEN + n;
    let data_at = SETUP_HEADER_LEN + pad4(n);
    let len = data_at + pad4(d);
    if data.len() < len {
        return Err(short(len));
    }
    Ok(SetupRequest {
        big_endian,
        major,
        minor,
        auth_name: &data[SETUP_HEADER_LEN..name_end],
        auth_data: &data[data_at..data_at + d],
        len,
    })
}

impl SetupRequest<'_> {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// The cookie is left out: it is a secret.
impl fmt::Debug for SetupRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetupRequest")
            .field("big_endian", &self.big_endian)
            .field("version", &(self.major, self.minor))
            .field("auth_name", &String::from_utf8_lossy(self.auth_name))
            .field("auth_data_len", &self.auth_data.len())
            .finish()
    }
}

/// The server's setup reply status (byte 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Failed,
    Success,
    Authenticate,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Failed => "failed",
            Status::Success => "success",
            Status::Authenticate => "authenticate",
        }
    }
}

/// The server's setup reply, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct SetupReply<'a> {
    pub status: Status,
    /// Failure or authenticate: the reason; success: the vendor.
    pub text: &'a [u8],
    len: usize,
}

/// Reads the server's reply; `big_endian`: the byte order the client chose.
pub fn setup_reply(data: &[u8], big_endian: bool) -> Result<SetupReply<'_>, Error> {
    let short = |need| Error::Short {
        need,
        have: data.len(),
    };
    let hdr = data
        .get(..REPLY_HEADER_LEN)
        .ok_or(short(REPLY_HEADER_LEN))?;
    let status = match hdr[0] {
        0 => Status::Failed,
        1 => Status::Success,
        2 => Status::Authenticate,
        _ => return Err(Error::Malformed),
    };
    let words = u16_at(hdr, 6, big_endian).unwrap_or(0) as usize;
    let len = REPLY_HEADER_LEN + 4 * words;
    let body = data.get(REPLY_HEADER_LEN..len).ok_or(short(len))?;
    let text = match status {
        Status::Failed => body.get(..hdr[1] as usize),
        Status::Authenticate => Some(body),
        // Vendor length at byte 24 of the reply, the vendor string from byte 40.
        Status::Success => u16_at(data, 24, big_endian).and_then(|v| body.get(32..32 + v as usize)),
    };
    Ok(SetupReply {
        status,
        text: text.unwrap_or(&[]),
        len,
    })
}

impl SetupReply<'_> {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Vec<u8> {
        let mut r = vec![b'l', 0, 11, 0, 0, 0, 18, 0, 16, 0, 0, 0];
        r.extend_from_slice(b"MIT-MAGIC-COOKIE-1\0\0");
        r.extend_from_slice(&[0xab; 16]);
        r
    }

    fn reply() -> Vec<u8> {
        let vendor = b"The X.Org Foundation";
        let mut body = vec![0u8; 32];
        body.extend_from_slice(vendor);
        body.resize(pad4(body.len()), 0);
        let mut r = vec![1, 0, 11, 0, 0, 0];
        r.extend_from_slice(&((body.len() / 4) as u16).to_le_bytes());
        r.extend_from_slice(&body);
        r[24..26].copy_from_slice(&(vendor.len() as u16).to_le_bytes());
        r
    }

    #[test]
    fn setup() {
        let req = request();
        let r = setup_request(&req).unwrap();
        assert_eq!((r.big_endian, r.major, r.len()), (false, 11, req.len()));
        assert_eq!(r.auth_name, b"MIT-MAGIC-COOKIE-1");
        assert_eq!(r.auth_data, &[0xab; 16]);
        assert!(!format!("{r:?}").contains("ab, ab"));
        let rep = reply();
        let p = setup_reply(&rep, false).unwrap();
        assert_eq!(
            (p.status, p.text, p.len()),
            (Status::Success, &b"The X.Org Foundation"[..], rep.len())
        );
        let fail = [
            0, 5, 11, 0, 0, 0, 2, 0, b'N', b'o', b' ', b'a', b'u', 0, 0, 0,
        ];
        assert_eq!(setup_reply(&fail, false).unwrap().text, b"No au");
        assert_eq!(
            setup_request(b"GET / HTTP/1.1").unwrap_err(),
            Error::Malformed
        );
    }

    #[test]
    fn truncation_never_panics() {
        for p in [request(), reply()] {
            for n in 0..=p.len() {
                let b = &p[..n];
                let _ = setup_request(b).map(|r| format!("{r:?}"));
                let _ = format!("{:?} {:?}", setup_reply(b, false), setup_reply(b, true));
            }
        }
    }
}
