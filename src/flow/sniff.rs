//! Content detection: the protocol of a flow that no registered port claims, from the
//! first bytes of its payload. Only openings that other bytes cannot pass for are
//! taken (a TLS handshake record, an SSH or RFB banner, an HTTP request or status
//! line, a DNS message its counts fill exactly, a DCE/RPC call to a PROFINET IO
//! interface), so a sniffed flow is as sure as a port-claimed one once it parses.

use super::app::AppProto;
use super::it::ItProto;
use crate::dissect::{dns, http, pnio_cm, ssh, vnc};

/// Payload packets of an unclaimed flow looked at before it is left undecoded.
pub const MAX_SNIFFS: u8 = 4;

/// Longest HTTP start line looked for.
const MAX_LINE: usize = 8192;

/// Which end sent the bytes that gave the protocol away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sender {
    Client,
    Server,
    /// Either end may send them first (banners): the TCP handshake decides.
    Either,
    /// Either end, in the middle of the conversation: the handshake, else the lower
    /// port, decides.
    Unknown,
}

/// The protocol the payload `b` of a flow over IP protocol `transport` opens, and who
/// sent it.
pub fn sniff(transport: u8, b: &[u8]) -> Option<(AppProto, Sender)> {
    match transport {
        6 => tcp(b),
        17 => udp(b),
        _ => None,
    }
}

fn tcp(b: &[u8]) -> Option<(AppProto, Sender)> {
    let it = |p, s| Some((AppProto::It(p), s));
    if let Some(s) = tls_handshake(b) {
        return it(ItProto::Tls, s);
    }
    if tls_records(b) {
        return it(ItProto::Tls, Sender::Unknown);
    }
    if b.starts_with(b"SSH-") && ssh::line(b).is_ok_and(|l| l.is_ident()) {
        return it(ItProto::Ssh, Sender::Either);
    }
    if b.len() == 12 && vnc::version(b).is_ok() {
        return it(ItProto::Vnc, Sender::Either);
    }
    let line = b.iter().take(MAX_LINE).position(|&c| c == b'\n')?;
    let line = b[..line].strip_suffix(b"\r").unwrap_or(&b[..line]);
    match http::start_line(line)? {
        http::Start::Request { method, .. } if known_method(method) => {
            it(ItProto::Http, Sender::Client)
        }
        http::Start::Response { .. } if line.starts_with(b"HTTP/1.") => {
            it(ItProto::Http, Sender::Server)
        }
        _ => None,
    }
}

/// A ClientHello or ServerHello in a handshake record of SSL 3.0 to TLS 1.3.
fn tls_handshake(b: &[u8]) -> Option<Sender> {
    let &[22, 3, minor, hi, lo, msg, ..] = b else {
        return None;
    };
    let len = u16::from_be_bytes([hi, lo]);
    if minor > 4 || !(4..=16384 + 2048).contains(&len) {
        return None;
    }
    match msg {
        1 => Some(Sender::Client),
        2 => Some(Sender::Server),
        _ => None,
    }
}

/// TLS records of SSL 3.0 to TLS 1.3 that fill the payload, the last one possibly
/// continuing in the next segment: a connection whose handshake was not captured.
fn tls_records(mut b: &[u8]) -> bool {
    let mut records = 0;
    while let &[ty, 3, minor, hi, lo, ..] = b {
        let len = u16::from_be_bytes([hi, lo]) as usize;
        if !(20..=23).contains(&ty) || minor > 4 || len == 0 || len > 16384 + 2048 {
            return false;
        }
        records += 1;
        match b.get(5 + len..) {
            Some(rest) => b = rest,
            None => return true,
        }
    }
    records > 0 && b.is_empty()
}

/// Methods of RFC 9110 and WebDAV: an unknown upper-case word is not enough.
fn known_method(m: &[u8]) -> bool {
    const METHODS: &[&[u8]] = &[
        b"GET",
        b"POST",
        b"HEAD",
        b"PUT",
        b"DELETE",
        b"OPTIONS",
        b"CONNECT",
        b"TRACE",
        b"PATCH",
        b"PROPFIND",
        b"PROPPATCH",
        b"MKCOL",
        b"COPY",
        b"MOVE",
        b"LOCK",
        b"UNLOCK",
        b"REPORT",
        b"SEARCH",
        b"SUBSCRIBE",
        b"NOTIFY",
        b"M-SEARCH",
    ];
    METHODS.contains(&m)
}

fn udp(b: &[u8]) -> Option<(AppProto, Sender)> {
    if let Ok(p) = pnio_cm::parse(b) {
        if p.interface().pnio_interface().is_some() {
            let s = match p.packet_type().from_caller() {
                Some(true) => Sender::Client,
                Some(false) => Sender::Server,
                None => Sender::Either,
            };
            return Some((AppProto::PnioCm, s));
        }
    }
    let m = dns::parse(b).ok()?;
    // One question, a standard query, and not a byte short or over.
    if m.opcode() != 0 || m.qdcount() != 1 || !m.exact() {
        return None;
    }
    let s = if m.is_response() {
        Sender::Server
    } else {
        Sender::Client
    };
    Some((AppProto::It(ItProto::Dns), s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn it(p: ItProto, s: Sender) -> Option<(AppProto, Sender)> {
        Some((AppProto::It(p), s))
    }

    #[test]
    fn openings_are_told() {
        let hello = [22, 3, 1, 0, 200, 1, 0, 0, 196, 3, 3];
        assert_eq!(sniff(6, &hello), it(ItProto::Tls, Sender::Client));
        let server = [22, 3, 3, 0, 80, 2, 0, 0, 76];
        assert_eq!(sniff(6, &server), it(ItProto::Tls, Sender::Server));
        assert_eq!(
            sniff(6, b"SSH-2.0-OpenSSH_9.6\r\n"),
            it(ItProto::Ssh, Sender::Either)
        );
        assert_eq!(sniff(6, b"RFB 003.008\n"), it(ItProto::Vnc, Sender::Either));
        // Application data records mid-connection, whole or continuing.
        let data = [23, 3, 3, 0, 2, 0xaa, 0xbb, 23, 3, 3, 0, 40, 1, 2];
        assert_eq!(sniff(6, &data), it(ItProto::Tls, Sender::Unknown));
        assert_eq!(sniff(6, &data[..7]), it(ItProto::Tls, Sender::Unknown));
        assert_eq!(
            sniff(6, b"GET /ws HTTP/1.1\r\nHost: x\r\n\r\n"),
            it(ItProto::Http, Sender::Client)
        );
        assert_eq!(
            sniff(6, b"HTTP/1.1 101 Switching Protocols\r\n"),
            it(ItProto::Http, Sender::Server)
        );
    }

    #[test]
    fn other_bytes_are_not() {
        // Application data, an alert, a handshake record of an unknown version.
        assert_eq!(sniff(6, &[23, 3, 3, 0, 2, 1, 2, 0]), None);
        assert_eq!(sniff(6, &[23, 3, 3, 0, 0]), None);
        assert_eq!(sniff(6, &[24, 3, 3, 0, 1, 0]), None);
        assert_eq!(sniff(6, &[22, 3, 9, 0, 20, 1]), None);
        assert_eq!(sniff(6, &[22, 3, 3, 0, 2, 1, 0, 0, 0]), None);
        // An upper-case word that is no method, a line without its end.
        assert_eq!(sniff(6, b"HELLO / HTTP/1.1\r\n"), None);
        assert_eq!(sniff(6, b"GET / HTTP/1.1"), None);
        assert_eq!(sniff(6, b"SSH-"), None);
        assert_eq!(sniff(6, b"RFB 003.008"), None);
        // SOME/IP-SD, which a lenient DNS heuristic takes for a response.
        let someip = [
            0xff, 0xff, 0x81, 0x00, 0, 0, 0, 0x30, 0, 0, 0, 1, 1, 1, 2, 0, 0xc0, 0, 0, 0, 0, 0, 0,
            0x10,
        ];
        assert_eq!(sniff(17, &someip), None);
        assert_eq!(sniff(1, b"GET / HTTP/1.1\r\n"), None);
    }

    #[test]
    fn dns_must_fill_the_datagram() {
        let mut q = vec![0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        q.extend_from_slice(b"\x07example\x03com\x00\x00\x01\x00\x01");
        assert_eq!(sniff(17, &q), it(ItProto::Dns, Sender::Client));
        let mut over = q.clone();
        over.push(0);
        assert_eq!(sniff(17, &over), None);
        assert_eq!(sniff(17, &q[..q.len() - 1]), None);
        for cut in 0..q.len() {
            let _ = sniff(17, &q[..cut]);
            let _ = sniff(6, &q[..cut]);
        }
    }
}
