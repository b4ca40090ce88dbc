//! HTTP/1.x message heads (RFC 9112): the start line (request or status line) and the
//! header fields up to the empty line, and how the body that follows is delimited
//! (§6.3: chunked, Content-Length, or none). Bodies themselves are not read here.

use super::textline::{self, starts_ci, trim_end, trim_start};

/// Longest head read; a longer one is not looked at.
pub const MAX_HEAD: usize = 32 * 1024;
/// Longest method token accepted.
const MAX_METHOD: usize = 24;

/// Why bytes are not a message head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The empty line that ends the head has not arrived.
    Short { have: usize },
    /// The first line is neither a request line nor a status line.
    NotHttp,
    /// No empty line within `MAX_HEAD` bytes.
    TooLong,
}

/// The start line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start<'a> {
    Request { method: &'a [u8], target: &'a [u8] },
    Response { status: u16, reason: &'a [u8] },
}

/// One message head, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Head<'a> {
    pub start: Start<'a>,
    /// The header field lines (after the start line, before the empty line).
    fields: &'a [u8],
    len: usize,
}

/// How the body after a head is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    Length(u64),
    Chunked,
    /// A response without length: the body runs to the end of the connection.
    UntilClose,
}

/// Whether `b` starts like a request or status line (enough to tell HTTP from other
/// bytes before the whole line has arrived).
pub fn start_line(line: &[u8]) -> Option<Start<'_>> {
    if let Some(rest) = line.strip_prefix(b"HTTP/") {
        let (_version, rest) = textline::word(rest);
        let (code, reason) = textline::word(rest);
        let status = match code {
            [a @ b'1'..=b'9', b @ b'0'..=b'9', c @ b'0'..=b'9'] => {
                (*a - b'0') as u16 * 100 + (*b - b'0') as u16 * 10 + (*c - b'0') as u16
            }
            _ => return None,
        };
        return Some(Start::Response { status, reason });
    }
    let sp = line.iter().take(MAX_METHOD + 1).position(|&c| c == b' ')?;
    let method = &line[..sp];
    if method.is_empty() || !method.iter().all(|c| c.is_ascii_uppercase() || *c == b'-') {
        return None;
    }
    let rest = &line[sp + 1..];
    let end = rest.iter().rposition(|&c| c == b' ')?;
    if !starts_ci(&rest[end + 1..], b"HTTP/") {
        return None;
    }
    Some(Start::Request {
        method,
        target: &rest[..end],
    })
}

/// Reads the head at the start of `b`.
pub fn parse(b: &[u8]) -> Result<Head<'_>, Error> {
    let first = b.iter().take(MAX_HEAD).position(|&c| c == b'\n');
    let line = match first {
        Some(i) => &b[..i],
        // Decide from what has arrived: a partial first line must look like HTTP.
        None => &b[..b.len().min(MAX_HEAD)],
    };
    let start_ok = start_line(trim_end(line)).is_some() || (first.is_none() && could_start(line));
    if !start_ok {
        return Err(Error::NotHttp);
    }
    let Some(first) = first else {
        return Err(too_long(b));
    };
    let start = start_line(trim_end(&b[..first])).ok_or(Error::NotHttp)?;
    // The head ends at the first empty line (LF LF or LF CR LF).
    let mut at = first + 1;
    loop {
        let rest = &b[at.min(b.len())..];
        match rest.iter().take(MAX_HEAD).position(|&c| c == b'\n') {
            Some(i) => {
                let l = &rest[..i];
                if l.is_empty() || l == b"\r" {
                    return Ok(Head {
                        start,
                        fields: &b[first + 1..at],
                        len: at + i + 1,
                    });
                }
                at += i + 1;
                if at > MAX_HEAD {
                    return Err(Error::TooLong);
                }
            }
            None => return Err(too_long(b)),
        }
    }
}

fn too_long(b: &[u8]) -> Error {
    if b.len() >= MAX_HEAD {
        Error::TooLong
    } else {
        Error::Short { have: b.len() }
    }
}

/// Whether a partial first line can still become a request or status line.
fn could_start(b: &[u8]) -> bool {
    let n = b.len().min(5);
    if b"HTTP/".starts_with(&b[..n]) {
        return true;
    }
    let m = b.iter().take(MAX_METHOD + 1).position(|&c| c == b' ');
    let method = &b[..m.unwrap_or(b.len()).min(b.len())];
    method.len() <= MAX_METHOD && method.iter().all(|c| c.is_ascii_uppercase() || *c == b'-')
}

impl<'a> Head<'a> {
    /// Bytes of the head, empty line included.
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    /// The header fields as (name, value), values trimmed; continuation lines
    /// (obsolete folding) are skipped.
    pub fn fields(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        self.fields.split(|&c| c == b'\n').filter_map(|l| {
            let colon = l.iter().position(|&c| c == b':')?;
            let name = &l[..colon];
            if name.is_empty() || name.iter().any(|c| c.is_ascii_whitespace()) {
                return None;
            }
            Some((name, trim_end(trim_start(&l[colon + 1..]))))
        })
    }
    /// The first field named `name` (case-insensitive).
    pub fn field(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.fields()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|f| f.1)
    }
    /// How the body is delimited (§6.3); `None` when there is none. `head_request`:
    /// this is the response to a HEAD request.
    pub fn body(&self, head_request: bool) -> Option<Body> {
        if let Start::Response { status, .. } = self.start {
            if head_request || status < 200 || status == 204 || status == 304 {
                return None;
            }
        }
        let chunked = self
            .field(b"transfer-encoding")
            .is_some_and(|v| textline::ends_ci(v, b"chunked"));
        if chunked {
            return Some(Body::Chunked);
        }
        match self.field(b"content-length") {
            Some(v) => match parse_u64(v, 10) {
                Some(0) => None,
                Some(n) => Some(Body::Length(n)),
                None => None,
            },
            None => match self.start {
                Start::Response { .. } => Some(Body::UntilClose),
                Start::Request { .. } => None,
            },
        }
    }
}

/// A decimal or hex number of at most 16 digits.
pub fn parse_u64(v: &[u8], radix: u32) -> Option<u64> {
    if v.is_empty() || v.len() > 16 {
        return None;
    }
    v.iter().try_fold(0u64, |acc, &c| {
        Some(acc * radix as u64 + (c as char).to_digit(radix)? as u64)
    })
}

/// The size of a chunk from its size line (§7.1: hex digits, then extensions).
pub fn chunk_size(line: &[u8]) -> Option<u64> {
    let end = line
        .iter()
        .position(|c| !c.is_ascii_hexdigit())
        .unwrap_or(line.len());
    parse_u64(&line[..end], 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: &[u8] = b"GET /a/b?x=1 HTTP/1.1\r\nHost: plc.local\r\nAuthorization: Basic dXNlcjpwYXNz\r\nUser-Agent: curl/8\r\n\r\nrest";
    const RESP: &[u8] =
        b"HTTP/1.1 200 OK\r\nServer: GoAhead\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";

    #[test]
    fn request_head() {
        let h = parse(REQ).unwrap();
        assert_eq!(h.len(), REQ.len() - 4);
        assert_eq!(
            h.start,
            Start::Request {
                method: b"GET",
                target: b"/a/b?x=1"
            }
        );
        assert_eq!(h.field(b"HOST"), Some(&b"plc.local"[..]));
        assert_eq!(h.field(b"user-agent"), Some(&b"curl/8"[..]));
        assert_eq!(h.body(false), None);
    }

    #[test]
    fn response_heads_and_bodies() {
        let h = parse(RESP).unwrap();
        assert_eq!(
            h.start,
            Start::Response {
                status: 200,
                reason: b"OK"
            }
        );
        assert_eq!(h.body(false), Some(Body::Chunked));
        assert_eq!(h.body(true), None);
        let h = parse(b"HTTP/1.0 200 OK\nContent-Length: 12\n\n").unwrap();
        assert_eq!(h.body(false), Some(Body::Length(12)));
        let h = parse(b"HTTP/1.0 200 OK\r\n\r\n").unwrap();
        assert_eq!(h.body(false), Some(Body::UntilClose));
        let h = parse(b"HTTP/1.1 304 Not Modified\r\n\r\n").unwrap();
        assert_eq!(h.body(false), None);
        assert_eq!(chunk_size(b"1a;x=y"), Some(26));
        assert_eq!(chunk_size(b"zz"), None);
    }

    #[test]
    fn not_http_and_short() {
        assert_eq!(parse(b"\x16\x03\x01").unwrap_err(), Error::NotHttp);
        assert_eq!(parse(b"hello world\r\n").unwrap_err(), Error::NotHttp);
        assert_eq!(parse(b"GE").unwrap_err(), Error::Short { have: 2 });
        assert_eq!(
            parse(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap_err(),
            Error::Short { have: 25 }
        );
    }

    #[test]
    fn truncation_never_panics() {
        for m in [REQ, RESP] {
            for i in 0..=m.len() {
                if let Ok(h) = parse(&m[..i]) {
                    let _ = format!("{h:?} {:?}", h.body(false));
                    let _ = h.fields().count();
                }
            }
        }
    }
}
