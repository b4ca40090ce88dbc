//! Flow glue for SSH: each side's identification string (the server's software also
//! as its `product`), the cleartext key exchange packets (HASSH from the KEXINITs),
//! and after NEWKEYS every byte whole: encrypted packets whose lengths cannot be
//! read. Every segment of the stream is SSH, as Wireshark shows it.

use super::{ItProto, ItState};
use crate::dissect::{ssh, tls::md5_hex};
use crate::flow::app::{AppState, Pdu};

/// Where one direction of an SSH connection is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Phase {
    /// Before the identification string.
    #[default]
    Banner,
    /// Cleartext binary packets (key exchange).
    Clear,
    /// Encrypted, or not readable: bytes taken whole.
    Opaque,
}

#[derive(Clone, Debug, Default)]
pub struct Flow {
    phase: [Phase; 2],
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    // The stream asks again after the last whole PDU.
    if b.is_empty() {
        return Pdu::Short;
    }
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Ssh(f) => f,
        _ => Flow::default(),
    };
    let r = step(&mut st, s, b, dir);
    s.it = ItState::Ssh(st);
    r
}

fn step(st: &mut Flow, s: &mut AppState, b: &[u8], dir: usize) -> Pdu {
    let by_server = dir == 1;
    let phase = &mut st.phase[dir];
    match *phase {
        // A client starts with its identification string; a server may send other
        // lines of text first. Anything else: a connection seen after its start.
        Phase::Banner
            if ssh::starts_ident(b)
                || (by_server && b.first().is_some_and(|c| c.is_ascii_graphic())) =>
        {
            match ssh::line(b) {
                Ok(l) => {
                    if l.is_ident() {
                        let kind = if by_server {
                            "ssh_server_banner"
                        } else {
                            "ssh_client_banner"
                        };
                        s.note(kind, by_server, l.text, b"");
                        if by_server {
                            let frame = s.at().frame;
                            s.fact(true, "product", l.software(), frame);
                        }
                        *phase = Phase::Clear;
                    }
                    Pdu::plain(l.len(), true)
                }
                Err(ssh::Error::Short { .. }) => Pdu::Short,
                Err(_) => {
                    *phase = Phase::Opaque;
                    Pdu::plain(b.len(), true)
                }
            }
        }
        Phase::Banner => {
            *phase = Phase::Opaque;
            Pdu::plain(b.len(), true)
        }
        Phase::Clear => match ssh::packet(b) {
            Ok(p) => {
                match p.msg() {
                    Some(ssh::MSG_KEXINIT) => {
                        if let Some(k) = ssh::kexinit(p.payload) {
                            let h = k.hassh(!by_server);
                            let kind = if by_server { "hassh_server" } else { "hassh" };
                            s.note(kind, by_server, md5_hex(&h).as_bytes(), h.as_bytes());
                        }
                    }
                    Some(ssh::MSG_NEWKEYS) => *phase = Phase::Opaque,
                    _ => {}
                }
                Pdu::plain(p.len(), true)
            }
            Err(ssh::Error::Short { .. }) => Pdu::Short,
            Err(_) => {
                *phase = Phase::Opaque;
                Pdu::plain(b.len(), true)
            }
        },
        Phase::Opaque => Pdu::plain(b.len(), true),
    }
}
