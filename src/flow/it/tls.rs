//! Flow glue for TLS: each record is a PDU; the handshake, joined across records
//! (bounded), gives the ClientHello (versions, SNI, ALPN, JA3, JA4), the ServerHello
//! (version, cipher, JA3S) and the first certificate of a cleartext Certificate
//! message (TLS 1.2 and earlier). Also used under RDP, WinRM and AnyDesk once their
//! bytes turn to TLS.

use super::{ItProto, ItState};
use crate::dissect::tls;
use crate::flow::app::{AppState, Pdu};

/// Most handshake bytes joined across records per direction (a certificate chain).
const MAX_HANDSHAKE: usize = 64 * 1024;

/// What a TLS connection keeps between records.
#[derive(Clone, Debug, Default)]
pub struct Flow {
    /// Per direction: the start of a handshake message split across records.
    hs: [Vec<u8>; 2],
    /// Per direction: the handshake is encrypted from here on (ChangeCipherSpec, or
    /// TLS 1.3 records), or was given up (too long, malformed).
    done: [bool; 2],
    /// Per direction: bytes of the current record still to come, and its type.
    left: [u16; 2],
    ty: [tls::ContentType; 2],
    /// The server selected TLS 1.3.
    tls13: bool,
    /// A certificate or server name named AnyDesk.
    pub(super) anydesk: bool,
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    // The stream asks again after the last whole PDU.
    if b.is_empty() {
        return Pdu::Short;
    }
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Tls(f) => f,
        _ => Flow::default(),
    };
    let r = record(&mut st, s, b, dir, true);
    s.it = ItState::Tls(st);
    r
}

/// The TLS record at the start of `b`, or the next part of a record whose header came
/// earlier; `counts`: whether it counts the frame. A record split across segments is
/// taken as it comes (its header, then its parts: nothing is carried), so the frames
/// that count are those where a record starts or ends, as in Wireshark.
pub(super) fn record(st: &mut Flow, s: &mut AppState, b: &[u8], dir: usize, counts: bool) -> Pdu {
    if st.left[dir] > 0 {
        let n = (st.left[dir] as usize).min(b.len());
        st.left[dir] -= n as u16;
        if !st.done[dir] {
            st.content(s, st.ty[dir], &b[..n], dir);
        }
        return Pdu::plain(n, counts && st.left[dir] == 0);
    }
    match tls::parse(b) {
        Ok(r) => {
            if !st.done[dir] {
                st.content(s, r.content_type(), r.fragment(), dir);
            }
            Pdu::plain(r.len(), counts)
        }
        // A whole, valid header: the record's body follows in later segments.
        Err(tls::Error::Short { need, .. }) if b.len() >= tls::RECORD_HEADER_LEN => {
            let r = &b[..tls::RECORD_HEADER_LEN];
            st.ty[dir] = tls::ContentType(r[0]);
            st.left[dir] = (need - tls::RECORD_HEADER_LEN) as u16;
            let available = (b.len() - tls::RECORD_HEADER_LEN).min(st.left[dir] as usize);
            st.left[dir] -= available as u16;
            if !st.done[dir] {
                st.content(
                    s,
                    st.ty[dir],
                    &b[tls::RECORD_HEADER_LEN..][..available],
                    dir,
                );
            }
            Pdu::plain(tls::RECORD_HEADER_LEN + available, counts)
        }
        Err(tls::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    }
}

impl Flow {
    /// Bytes of a record's content of type `ty` (a whole fragment or a part of one).
    fn content(&mut self, s: &mut AppState, ty: tls::ContentType, frag: &[u8], dir: usize) {
        match ty {
            tls::ContentType::HANDSHAKE => {
                let mut buf = std::mem::take(&mut self.hs[dir]);
                if buf.is_empty() {
                    let used = self.messages(s, frag, dir);
                    buf.extend_from_slice(frag.get(used..).unwrap_or(&[]));
                } else {
                    buf.extend_from_slice(frag);
                    let used = self.messages(s, &buf, dir);
                    buf.drain(..used.min(buf.len()));
                }
                if buf.len() > MAX_HANDSHAKE {
                    self.done[dir] = true;
                } else if !self.done[dir] {
                    self.hs[dir] = buf;
                }
            }
            // From here on this side's handshake is encrypted, except for TLS 1.3's
            // compatibility ChangeCipherSpec (a ClientHello may follow a retry).
            tls::ContentType::CHANGE_CIPHER_SPEC if self.tls13 => {}
            tls::ContentType::CHANGE_CIPHER_SPEC | tls::ContentType::APPLICATION_DATA => {
                self.done[dir] = true;
                self.hs[dir] = Vec::new();
            }
            _ => {}
        }
    }

    /// Handles the whole handshake messages at the start of `b`; returns the bytes used.
    fn messages(&mut self, s: &mut AppState, b: &[u8], dir: usize) -> usize {
        let mut used = 0;
        while let Some(rest) = b.get(used..) {
            match tls::handshake(rest) {
                Ok(m) => {
                    used += m.len();
                    self.message(s, &m, dir);
                }
                Err(_) => break,
            }
        }
        used
    }

    fn message(&mut self, s: &mut AppState, m: &tls::Handshake<'_>, dir: usize) {
        let by_server = dir == 1;
        match m.msg_type {
            tls::HandshakeType::CLIENT_HELLO if !by_server => match tls::client_hello(m.body) {
                Some(ch) => client_hello(s, &ch, &mut self.anydesk),
                None => self.done[dir] = true,
            },
            tls::HandshakeType::SERVER_HELLO if by_server => match tls::server_hello(m.body) {
                Some(sh) => {
                    self.tls13 = sh.version() == 0x0304;
                    server_hello(s, &sh);
                }
                None => self.done[dir] = true,
            },
            tls::HandshakeType::CERTIFICATE => {
                if let Some(c) = tls::first_certificate(m.body).and_then(tls::certificate) {
                    certificate(s, &c, by_server, &mut self.anydesk);
                }
            }
            _ => {}
        }
    }
}

fn client_hello(s: &mut AppState, ch: &tls::ClientHello<'_>, anydesk: &mut bool) {
    if let Some(sni) = ch.sni() {
        s.note("tls_sni", false, sni, b"");
        // Some clients send an address there, which names nothing.
        let is_addr = std::str::from_utf8(sni).is_ok_and(|t| t.parse::<std::net::IpAddr>().is_ok());
        if !is_addr {
            s.note("host_name", true, sni, b"");
        }
        *anydesk |= contains_anydesk(sni);
    }
    let mut text = String::new();
    for (i, p) in ch.alpn().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&String::from_utf8_lossy(p));
    }
    s.note("tls_alpn", false, text.as_bytes(), b"");
    let offered: Vec<String> = ch
        .supported_versions()
        .filter(|v| !tls::is_grease(*v))
        .map(|v| tls::version_name(v).to_string())
        .collect();
    let version = tls::version_name(ch.max_version()).to_string();
    s.note(
        "tls_version",
        false,
        version.as_bytes(),
        offered.join(", ").as_bytes(),
    );
    text.clear();
    tls::ja3(ch, &mut text);
    s.note(
        "ja3",
        false,
        tls::md5_hex(&text).as_bytes(),
        text.as_bytes(),
    );
    text.clear();
    tls::ja4(ch, false, &mut text);
    s.note("ja4", false, text.as_bytes(), b"");
}

fn server_hello(s: &mut AppState, sh: &tls::ServerHello<'_>) {
    let version = tls::version_name(sh.version()).to_string();
    s.note("tls_version", true, version.as_bytes(), b"");
    let cipher = tls::cipher_name(sh.cipher).to_string();
    s.note("tls_cipher", true, cipher.as_bytes(), b"");
    if let Some(p) = sh.alpn() {
        s.note("tls_alpn", true, p, b"");
    }
    let mut text = String::new();
    tls::ja3s(sh, &mut text);
    s.note(
        "ja3s",
        true,
        tls::md5_hex(&text).as_bytes(),
        text.as_bytes(),
    );
}

fn certificate(s: &mut AppState, c: &tls::Certificate<'_>, by_server: bool, anydesk: &mut bool) {
    let (subject, issuer) = (c.subject.to_string(), c.issuer.to_string());
    let self_signed: &[u8] = if subject == issuer {
        b"self-signed"
    } else {
        b""
    };
    s.note("tls_cert_subject", by_server, subject.as_bytes(), b"");
    s.note("tls_cert_issuer", by_server, issuer.as_bytes(), self_signed);
    s.note(
        "tls_cert_not_before",
        by_server,
        c.not_before.to_string().as_bytes(),
        b"",
    );
    s.note(
        "tls_cert_not_after",
        by_server,
        c.not_after.to_string().as_bytes(),
        b"",
    );
    let cns = [c.subject.common_name(), c.issuer.common_name()];
    *anydesk |= cns.iter().flatten().any(|cn| contains_anydesk(cn));
    // A certificate's own host name (RDP servers present their computer name).
    if let Some(cn) = c
        .subject
        .common_name()
        .filter(|cn| is_host_name(cn) && !cn.iter().all(|c| c.is_ascii_digit() || *c == b'.'))
    {
        s.note("host_name", by_server, cn, b"");
    }
}

fn contains_anydesk(b: &[u8]) -> bool {
    b.windows(7).any(|w| w.eq_ignore_ascii_case(b"anydesk"))
}

/// A DNS-style name (letters, digits, `-`, `_`, `.`): not a wildcard or a description.
fn is_host_name(b: &[u8]) -> bool {
    !b.is_empty()
        && b.len() <= 253
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || b"-_.".contains(&c))
}

#[cfg(test)]
pub(super) mod tests {
    use crate::flow::app::{AppProto, AppState};
    use crate::flow::it::ItProto;

    fn len_prefixed(n: usize, b: &[u8]) -> Vec<u8> {
        let mut v = (b.len() as u32).to_be_bytes()[4 - n..].to_vec();
        v.extend_from_slice(b);
        v
    }

    /// A record of `ty` holding `body`.
    pub(in crate::flow::it) fn record(ty: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ty, 3, 3];
        r.extend_from_slice(&len_prefixed(2, body));
        r
    }

    fn message(ty: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![ty];
        m.extend_from_slice(&len_prefixed(3, body));
        m
    }

    /// A ClientHello naming `sni`.
    pub(in crate::flow::it) fn client_hello(sni: &[u8]) -> Vec<u8> {
        let mut b = vec![3, 3];
        b.extend_from_slice(&[5; 32]);
        b.extend_from_slice(&[0, 0, 2, 0xc0, 0x2f, 1, 0]);
        let list = [vec![0], len_prefixed(2, sni)].concat();
        let ext = [vec![0, 0], len_prefixed(2, &len_prefixed(2, &list))].concat();
        b.extend_from_slice(&len_prefixed(2, &ext));
        message(1, &b)
    }

    fn tlv(tag: u8, v: &[u8]) -> Vec<u8> {
        assert!(v.len() < 0x80);
        [vec![tag, v.len() as u8], v.to_vec()].concat()
    }

    fn certificate(cn: &str) -> Vec<u8> {
        let name = tlv(
            0x30,
            &tlv(
                0x31,
                &tlv(
                    0x30,
                    &[tlv(6, &[0x55, 4, 3]), tlv(0x0c, cn.as_bytes())].concat(),
                ),
            ),
        );
        let validity = tlv(
            0x30,
            &[tlv(23, b"240101000000Z"), tlv(23, b"250101000000Z")].concat(),
        );
        let tbs = tlv(
            0x30,
            &[tlv(2, &[1]), tlv(0x30, &[]), name.clone(), validity, name].concat(),
        );
        let der = tlv(0x30, &tbs);
        message(11, &len_prefixed(3, &len_prefixed(3, &der)))
    }

    fn note<'a>(a: &'a AppState, kind: &str) -> Option<&'a str> {
        a.notes
            .list
            .iter()
            .find(|n| n.kind == kind)
            .map(|n| n.value.as_str())
    }

    /// A ClientHello cut inside its record header and body; a ServerHello and a
    /// Certificate whose message spans two records. Frames count where a record
    /// starts or ends; the handshake is read whole.
    #[test]
    fn split_records_and_handshake_across_records() {
        let mut a = AppState::new(AppProto::It(ItProto::Tls), true, 443);
        let ch = record(22, &client_hello(b"plc.Example.com"));
        let mut seq = 100u32;
        for (i, part) in [&ch[..3], &ch[3..20], &ch[20..30], &ch[30..]]
            .into_iter()
            .enumerate()
        {
            a.segment(false, seq, part, 0, (0, i as u64 + 1), 60);
            seq += part.len() as u32;
        }
        // The header completes in the second segment; the last one ends the record.
        assert_eq!(a.frames, 2);
        assert_eq!(note(&a, "tls_sni"), Some("plc.Example.com"));
        assert!(note(&a, "ja3").is_some_and(|v| v.len() == 32));
        assert!(note(&a, "ja4").is_some_and(|v| v.starts_with("t12d0101")));
        let cert = certificate("plc01");
        let (c1, c2) = cert.split_at(20);
        let server = [
            record(22, c1),
            record(22, c2),
            record(20, &[1]),
            record(22, &[0xde; 40]),
        ]
        .concat();
        a.segment(true, 9000, &server, 0, (0, 10), 60);
        assert_eq!(note(&a, "tls_cert_subject"), Some("CN=plc01"));
        assert_eq!(note(&a, "tls_cert_not_after"), Some("2025-01-01T00:00:00Z"));
        assert!(a
            .notes
            .list
            .iter()
            .any(|n| n.kind == "host_name" && n.value == "plc01"));
        // After ChangeCipherSpec the handshake is encrypted: nothing more is read.
        assert_eq!(
            a.notes
                .list
                .iter()
                .filter(|n| n.kind == "tls_cert_subject")
                .count(),
            1
        );
        assert_eq!(a.frames, 3);
        assert_eq!(a.errors, 0);
    }

    #[test]
    fn other_bytes_are_not_tls() {
        let mut a = AppState::new(AppProto::It(ItProto::Tls), true, 443);
        a.segment(false, 1, b"GET / HTTP/1.1\r\n\r\n", 0, (0, 1), 60);
        assert_eq!((a.frames, a.errors), (0, 1));
    }
}
