//! Flow glue for WinRM (WS-Management over HTTP on 5985, over TLS on 5986): a flow
//! is WinRM once a request to `/wsman` or a TLS record is seen. HTTP messages are
//! framed by a minimal header scan (Content-Length; a chunked body takes the rest of
//! that direction whole); the request line and authentication scheme are noted, and
//! Basic credentials are kept as a secret. TLS records go to the TLS glue.

use super::{tls, ItProto, ItState};
use crate::flow::app::{AppState, Pdu};

/// Longest HTTP header block read.
const MAX_HEADER: usize = 16 * 1024;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Mode {
    #[default]
    Unknown,
    Http,
    Tls,
}

#[derive(Clone, Debug, Default)]
pub struct Flow {
    mode: Mode,
    /// Per direction: body bytes of the current message still to come.
    body_left: [u64; 2],
    /// Per direction: a chunked body made the rest unframed.
    opaque: [bool; 2],
    tls: tls::Flow,
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    if b.is_empty() {
        return Pdu::Short;
    }
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Winrm(f) => f,
        _ => Flow::default(),
    };
    let r = step(&mut st, s, b, dir);
    s.it = ItState::Winrm(st);
    r
}

fn step(st: &mut Flow, s: &mut AppState, b: &[u8], dir: usize) -> Pdu {
    if st.mode == Mode::Tls || (st.mode == Mode::Unknown && crate::dissect::tls::probe(b)) {
        let r = tls::record(&mut st.tls, s, b, dir, true);
        if matches!(r, Pdu::Done { .. }) {
            st.mode = Mode::Tls;
        }
        return r;
    }
    if st.opaque[dir] {
        return Pdu::plain(b.len(), true);
    }
    if st.body_left[dir] > 0 {
        let n = st.body_left[dir].min(b.len() as u64);
        st.body_left[dir] -= n;
        return Pdu::plain(n as usize, true);
    }
    let window = &b[..b.len().min(MAX_HEADER)];
    let Some(end) = window.windows(4).position(|w| w == b"\r\n\r\n") else {
        return if b.len() >= MAX_HEADER || (st.mode == Mode::Unknown && !looks_http(b)) {
            Pdu::NotMine
        } else {
            Pdu::Short
        };
    };
    let head = &b[..end];
    let mut lines = head
        .split(|&c| c == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let first = lines.next().unwrap_or(&[]);
    let is_response = first.starts_with(b"HTTP/");
    if !is_response {
        let mut words = first.split(|&c| c == b' ');
        let (method, target) = (words.next().unwrap_or(&[]), words.next().unwrap_or(&[]));
        let path = target.split(|&c| c == b'?').next().unwrap_or(&[]);
        if st.mode == Mode::Unknown && !contains_ci(path, b"wsman") {
            return Pdu::NotMine;
        }
        st.mode = Mode::Http;
        let mut scheme: &[u8] = &[];
        for l in lines.clone() {
            if let Some(v) = header(l, b"authorization") {
                let mut parts = v.splitn(2, |&c| c == b' ');
                scheme = parts.next().unwrap_or(&[]);
                if scheme.eq_ignore_ascii_case(b"basic") {
                    basic(s, parts.next().unwrap_or(&[]));
                }
            }
        }
        let mut value = method.to_vec();
        value.push(b' ');
        value.extend_from_slice(path);
        s.note("winrm_request", false, &value, scheme);
    } else if st.mode == Mode::Unknown {
        return Pdu::NotMine;
    }
    for l in lines {
        if let Some(v) = header(l, b"content-length") {
            st.body_left[dir] = std::str::from_utf8(v)
                .ok()
                .and_then(|t| t.trim().parse().ok())
                .unwrap_or(0);
        } else if header(l, b"transfer-encoding").is_some_and(|v| contains_ci(v, b"chunked")) {
            st.opaque[dir] = true;
        }
    }
    Pdu::plain(end + 4, true)
}

/// Whether `b` may start an HTTP message (a method or `HTTP/`).
fn looks_http(b: &[u8]) -> bool {
    let n = b.len().min(5);
    [&b"POST "[..], b"GET /", b"HTTP/"]
        .iter()
        .any(|m| b[..n] == m[..n])
}

/// The value of header `name` if line `l` is that header.
fn header<'a>(l: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let colon = l.iter().position(|&c| c == b':')?;
    l[..colon]
        .eq_ignore_ascii_case(name)
        .then(|| l[colon + 1..].trim_ascii())
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Basic credentials (RFC 7617): the user as a note, the password as a secret.
fn basic(s: &mut AppState, b64: &[u8]) {
    let Some(plain) = base64(b64.trim_ascii()) else {
        return;
    };
    let (user, pass) = match plain.iter().position(|&c| c == b':') {
        Some(i) => (&plain[..i], &plain[i + 1..]),
        None => (&plain[..], &[][..]),
    };
    s.note("user", false, user, b"");
    s.secret("http_basic", true, user, pass);
}

/// Standard base64 (RFC 4648 §4), padding optional; `None` on other bytes.
fn base64(b: &[u8]) -> Option<Vec<u8>> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let b = b
        .strip_suffix(b"==")
        .or_else(|| b.strip_suffix(b"="))
        .unwrap_or(b);
    let mut out = Vec::with_capacity(b.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for &c in b.iter().take(1024) {
        acc = acc << 6 | val(c)? as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_decodes() {
        assert_eq!(super::base64(b"YWxpY2U6czNjcmV0").unwrap(), b"alice:s3cret");
        assert_eq!(super::base64(b"YQ==").unwrap(), b"a");
        assert!(super::base64(b"a b").is_none());
    }
}
