//! Flow glue for RDP: the X.224 Connection Request (routing cookie: `user`; security
//! protocols requested) and Confirm (protocol selected), then TPKT and fast-path PDUs
//! for standard RDP security, or TLS records once TLS, CredSSP or RDSTLS was selected
//! (read by the TLS glue for the server's certificate, counted as TLS rather than
//! RDP, as Wireshark does not show `rdp` in them). Frames count as RDP where Wireshark
//! decodes RDP: connection request and confirm with RDP content, MCS connect and send
//! data PDUs, and fast-path PDUs; not MCS domain control PDUs (attach user, channel
//! join), which it shows as T.125 only.

use super::{tls, ItProto, ItState};
use crate::dissect::rdp;
use crate::flow::app::{AppState, Pdu};

#[derive(Clone, Debug, Default)]
pub struct Flow {
    /// A security protocol over TLS was selected: the rest is TLS records.
    tls_mode: bool,
    tls: tls::Flow,
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    // The stream asks again after the last whole PDU.
    if b.is_empty() {
        return Pdu::Short;
    }
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Rdp(f) => f,
        _ => Flow::default(),
    };
    let r = step(&mut st, s, b, dir);
    s.it = ItState::Rdp(st);
    r
}

fn step(st: &mut Flow, s: &mut AppState, b: &[u8], dir: usize) -> Pdu {
    if st.tls_mode && !b.starts_with(&[3, 0]) {
        return tls::record(&mut st.tls, s, b, dir, false);
    }
    let p = match rdp::parse(b) {
        Ok(p) => p,
        Err(rdp::Error::Short { .. }) => return Pdu::Short,
        Err(rdp::Error::NotRdp) => return Pdu::NotMine,
    };
    let counts = match p.kind {
        rdp::Kind::Request { cookie, requested } => {
            if let Some(c) = cookie {
                s.note("rdp_cookie", false, c, b"");
                if let Some(user) = rdp::cookie_user(c) {
                    s.note("user", false, user, b"");
                }
            }
            if let Some(r) = requested {
                s.note(
                    "rdp_security",
                    false,
                    rdp::protocols(r).to_string().as_bytes(),
                    b"",
                );
            }
            cookie.is_some() || requested.is_some()
        }
        rdp::Kind::Confirm { selected, failure } => {
            if let Some(sel) = selected {
                s.note(
                    "rdp_security",
                    true,
                    rdp::protocols(sel).to_string().as_bytes(),
                    b"",
                );
                st.tls_mode = sel != 0;
            }
            if let Some(f) = failure {
                s.note("rdp_security", true, b"failure", f.to_string().as_bytes());
            }
            // No negotiation: standard RDP security (MS-RDPBCGR §3.3.5.3.2).
            if selected.is_none() && failure.is_none() {
                s.note("rdp_security", true, b"rdp", b"");
            }
            selected.is_some() || failure.is_some()
        }
        // T.125 connect and send data PDUs carry RDP; domain control PDUs do not.
        rdp::Kind::Data { connect, mcs_type } => connect || matches!(mcs_type, 25 | 26),
        rdp::Kind::OtherX224(_) => false,
        rdp::Kind::FastPath => true,
    };
    Pdu::plain(p.len(), counts)
}

#[cfg(test)]
mod tests {
    use super::super::tls::tests::{client_hello, record};
    use crate::flow::app::{AppProto, AppState};
    use crate::flow::it::ItProto;

    fn tpkt(x224: &[u8]) -> Vec<u8> {
        let mut v = vec![3, 0];
        v.extend_from_slice(&((x224.len() + 4) as u16).to_be_bytes());
        v.extend_from_slice(x224);
        v
    }

    /// Cookie and negotiation, then TLS (read, not counted as RDP).
    #[test]
    fn cookie_user_security_then_tls() {
        let mut a = AppState::new(AppProto::It(ItProto::Rdp), true, 3389);
        let mut cr = vec![0, 0xe0, 0, 0, 0, 0, 0];
        cr.extend_from_slice(b"Cookie: mstshash=operator\r\n");
        cr.extend_from_slice(&[1, 0, 8, 0, 3, 0, 0, 0]);
        cr[0] = (cr.len() - 1) as u8;
        a.segment(false, 1, &tpkt(&cr), 0, (0, 1), 60);
        a.segment(
            true,
            1,
            &tpkt(&[14, 0xd0, 0, 0, 0, 0, 0, 2, 0, 8, 0, 1, 0, 0, 0]),
            0,
            (0, 2),
            60,
        );
        a.segment(
            false,
            100,
            &record(22, &client_hello(b"hmi")),
            0,
            (0, 3),
            60,
        );
        let notes: Vec<(&str, bool, &str)> = a
            .notes
            .list
            .iter()
            .map(|n| (n.kind, n.by_server, n.value.as_str()))
            .collect();
        assert!(notes.contains(&("user", false, "operator")));
        assert!(notes.contains(&("rdp_security", false, "tls,credssp")));
        assert!(notes.contains(&("rdp_security", true, "tls")));
        assert!(notes.contains(&("tls_sni", false, "hmi")));
        assert_eq!((a.frames, a.errors), (2, 0));
    }
}
