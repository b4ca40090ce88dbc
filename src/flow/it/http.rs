//! Flow glue for HTTP/1.x: message heads give the request (`http_request`: method,
//! host and path without the query), `http_host`, `http_user_agent`, the server's
//! `http_server` and `http_status`, and credentials: `Authorization: Basic` is decoded
//! (`user`, and the password as `http_basic`), any other scheme is kept whole
//! (`http_authorization`). Bodies are skipped by their length or chunks, unread.
//!
//! Counting follows tshark, which reassembles a message with its body: the frame that
//! completes a message counts, the frames of its body before that do not, and bytes
//! that start no message count as continuation data.

use super::{ItProto, ItState};
use crate::dissect::http::{self, Body, Error, Start};
use crate::dissect::textline::{self, MAX_LINE};
use crate::flow::app::{AppState, Pdu};

/// Where a direction is in a message body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InBody {
    Length(u64),
    /// The size line of the next chunk.
    ChunkSize,
    /// Bytes left of a chunk, its CR LF included.
    ChunkData(u64),
    /// The trailer fields after the last chunk.
    Trailer,
    /// To the end of the connection (a response without a length, or an upgrade).
    UntilClose,
}

/// What an HTTP flow remembers between segments.
#[derive(Clone, Debug, Default)]
pub struct State {
    body: [Option<InBody>; 2],
    /// The last request was HEAD: its response has no body.
    head_request: bool,
    /// A message head was seen in this flow.
    seen: bool,
}

/// Ports tshark's HTTP dissector takes by default: there, bytes that start no message
/// are continuation data even before a head is seen (a stream first seen mid-way).
/// On the other HTTP ports of the catalog only a flow that showed a head is HTTP.
const TSHARK_PORTS: [u16; 6] = [80, 3128, 3132, 8080, 8088, 11371];

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Http(st) => st,
        _ => State::default(),
    };
    let r = step(s, &mut st, b, dir);
    s.it = ItState::Http(st);
    r
}

fn step(s: &mut AppState, st: &mut State, b: &[u8], dir: usize) -> Pdu {
    let body = &mut st.body[dir];
    match *body {
        Some(InBody::Length(n) | InBody::ChunkData(n)) => {
            let take = n.min(b.len() as u64);
            let left = n - take;
            let chunked = matches!(body, Some(InBody::ChunkData(_)));
            *body = match (left, chunked) {
                (0, false) => None,
                (0, true) => Some(InBody::ChunkSize),
                (n, false) => Some(InBody::Length(n)),
                (n, true) => Some(InBody::ChunkData(n)),
            };
            Pdu::plain(take as usize, body.is_none())
        }
        Some(InBody::UntilClose) => Pdu::plain(b.len(), false),
        Some(InBody::ChunkSize | InBody::Trailer) => match textline::line(b) {
            Some((l, used)) => {
                *body = match *body {
                    Some(InBody::Trailer) if l.is_empty() => None,
                    Some(InBody::Trailer) => Some(InBody::Trailer),
                    _ => match http::chunk_size(l) {
                        Some(0) => Some(InBody::Trailer),
                        Some(n) => Some(InBody::ChunkData(n.saturating_add(2))),
                        None => None,
                    },
                };
                Pdu::plain(used, body.is_none())
            }
            None if b.len() >= MAX_LINE => {
                *body = None;
                Pdu::plain(b.len(), true)
            }
            None => Pdu::Short,
        },
        None => match http::parse(b) {
            Ok(h) => {
                st.seen = true;
                head(s, st, &h, dir);
                let next = match h.start {
                    Start::Response { status: 101, .. } => {
                        // The connection now carries another protocol (WebSocket).
                        st.body = [Some(InBody::UntilClose); 2];
                        None
                    }
                    _ => h.body(dir == 1 && st.head_request).map(|b| match b {
                        Body::Length(n) => InBody::Length(n),
                        Body::Chunked => InBody::ChunkSize,
                        Body::UntilClose => InBody::UntilClose,
                    }),
                };
                if next.is_some() {
                    st.body[dir] = next;
                }
                Pdu::plain(h.len(), next.is_none())
            }
            Err(Error::Short { .. }) => Pdu::Short,
            // A lone byte is a keep-alive probe (its sequence number is one before the
            // next, which a stream first seen mid-way cannot tell): not continuation.
            Err(Error::NotHttp | Error::TooLong)
                if st.seen || TSHARK_PORTS.contains(&s.server_port) =>
            {
                Pdu::plain(b.len(), b.len() > 1)
            }
            // Another protocol on an alternate HTTP port (SSH on 8000, say).
            Err(Error::NotHttp | Error::TooLong) => Pdu::NotMine,
        },
    }
}

/// The notes and secrets of one message head.
fn head(s: &mut AppState, st: &mut State, h: &http::Head<'_>, dir: usize) {
    match h.start {
        Start::Request { method, target } => {
            st.head_request = method == b"HEAD";
            let path = target.split(|&c| c == b'?').next().unwrap_or(target);
            let host = h.field(b"host").unwrap_or(b"");
            let mut detail = Vec::with_capacity(host.len() + path.len());
            if path.starts_with(b"/") {
                detail.extend_from_slice(host);
            }
            detail.extend_from_slice(path);
            s.note("http_request", false, method, &detail);
            s.note("http_host", false, host, b"");
            if let Some(ua) = h.field(b"user-agent") {
                s.note("http_user_agent", false, ua, b"");
            }
            for name in [&b"authorization"[..], b"proxy-authorization"] {
                if let Some(v) = h.field(name) {
                    authorization(s, v, dir == 0);
                }
            }
        }
        Start::Response { status, reason } => {
            let code = [
                b'0' + (status / 100 % 10) as u8,
                b'0' + (status / 10 % 10) as u8,
                b'0' + (status % 10) as u8,
            ];
            s.note("http_status", true, &code, reason);
            if let Some(server) = h.field(b"server") {
                s.note("http_server", true, server, b"");
            }
        }
    }
}

/// An Authorization value: Basic is decoded into account and password.
fn authorization(s: &mut AppState, v: &[u8], from_client: bool) {
    let (scheme, cred) = textline::word(v);
    if scheme.eq_ignore_ascii_case(b"basic") {
        let mut buf = [0u8; 512];
        if let Some(n) = textline::base64(cred, &mut buf) {
            let plain = &buf[..n];
            let colon = plain.iter().position(|&c| c == b':').unwrap_or(n);
            let (user, pass) = (&plain[..colon], plain.get(colon + 1..).unwrap_or(b""));
            s.note("user", false, user, b"");
            s.secret("http_basic", from_client, user, pass);
            return;
        }
    }
    s.secret("http_authorization", from_client, b"", v);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::app::AppProto;

    /// Frames decoded when a client sends `first`, then the server answers `second`.
    fn frames(port: u16, first: &[u8], second: &[u8]) -> u64 {
        let mut a = AppState::new(AppProto::It(ItProto::Http), true, port);
        // The server is `lo`: the client sends from `hi`.
        a.segment(false, 1, first, 0, (0, 1), 100);
        a.segment(true, 1, second, 1, (0, 2), 100);
        a.frames
    }

    #[test]
    fn other_protocols_on_alternate_ports_are_not_http() {
        let ssh = b"SSH-2.0-OpenSSH_8.2p1\r\n";
        assert_eq!(frames(8000, ssh, ssh), 0);
        // On tshark's own HTTP ports, bytes without a head are continuation data.
        assert_eq!(frames(80, ssh, ssh), 2);
        // Once a head was seen, later bytes of the flow are HTTP on any port.
        let req = b"GET / HTTP/1.1\r\nHost: plc\r\n\r\n";
        assert_eq!(frames(8000, req, ssh), 2);
    }
}
