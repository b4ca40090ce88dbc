//! Flow glue for Kerberos on 88 (a bare message per UDP datagram, a record-marked one
//! on TCP): requests give the client (`user`), realm (`kerberos_realm`), service
//! asked for (`kerberos_service`) and offered encryption types (`kerberos_etypes`,
//! where RC4 and DES stand out); replies the ticket's encryption type
//! (`kerberos_ticket_etype`); errors their code (`kerberos_error`).

use super::ItProto;
use crate::dissect::kerberos::{self, Error, Message, MsgType, Principal};
use crate::flow::app::{AppState, Pdu};

/// Longest principal or etype list built (notes keep 256 characters).
const MAX_TEXT: usize = 256;

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    let (msg, len) = if kerberos::is_bare(b) {
        (b, None)
    } else {
        match kerberos::tcp_record(b) {
            Ok((m, len)) => (m, Some(len)),
            Err(Error::Short { .. }) => return Pdu::Short,
            Err(_) => return Pdu::NotMine,
        }
    };
    let m = match kerberos::parse(msg) {
        Ok(m) => m,
        // A record whose message is cut short is not Kerberos; a bare one needs more.
        Err(Error::Short { .. }) if len.is_none() => return Pdu::Short,
        Err(_) => return Pdu::NotMine,
    };
    notes(s, &m, dir == 1);
    Pdu::plain(len.unwrap_or(m.len()), true)
}

fn principal(p: Option<Principal<'_>>) -> Vec<u8> {
    let mut v = Vec::new();
    if let Some(p) = p {
        p.push_to(&mut v, MAX_TEXT);
    }
    v
}

fn notes(s: &mut AppState, m: &Message<'_>, server: bool) {
    let kind = m.kind().name().as_bytes();
    match m.kind() {
        MsgType::AS_REQ | MsgType::TGS_REQ => {
            s.note("user", server, &principal(m.cname()), b"");
            if let Some(r) = m.realm() {
                s.note("kerberos_realm", server, r, b"");
            }
            s.note("kerberos_service", server, &principal(m.sname()), kind);
            let mut list = String::new();
            for e in m.etypes() {
                if list.len() >= MAX_TEXT {
                    break;
                }
                if !list.is_empty() {
                    list.push(',');
                }
                match kerberos::etype_name(e) {
                    "unknown" => list.push_str(&e.to_string()),
                    n => list.push_str(n),
                }
            }
            s.note("kerberos_etypes", server, list.as_bytes(), kind);
        }
        MsgType::AS_REP | MsgType::TGS_REP => {
            if let Some(r) = m.realm() {
                s.note("kerberos_realm", server, r, b"");
            }
            if let Some((Some(e), sname)) = m.ticket() {
                let name = match kerberos::etype_name(e) {
                    "unknown" => e.to_string(),
                    n => n.to_string(),
                };
                s.note(
                    "kerberos_ticket_etype",
                    server,
                    name.as_bytes(),
                    &principal(sname),
                );
            }
        }
        MsgType::KRB_ERROR => {
            if let Some(c) = m.error_code() {
                let code = c.to_string();
                let v = match kerberos::error_name(c) {
                    "unknown" => code.as_str(),
                    n => n,
                };
                s.note("kerberos_error", server, v.as_bytes(), code.as_bytes());
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::kerberos::tests as t;
    use crate::flow::app::AppProto;

    #[test]
    fn requests_errors_and_replies() {
        let mut s = AppState::new(AppProto::It(ItProto::Kerberos), true, 88);
        let req = t::as_req();
        let mut rec = (req.len() as u32).to_be_bytes().to_vec();
        rec.extend(&req);
        for (m, dir) in [
            (req.clone(), 0),
            (rec.clone(), 0),
            (t::krb_error(), 1),
            (t::tgs_rep(), 1),
        ] {
            assert!(matches!(
                pdu(&mut s, ItProto::Kerberos, &m, dir),
                Pdu::Done { counts: true, len, .. } if len == m.len()
            ));
        }
        assert!(matches!(
            pdu(&mut s, ItProto::Kerberos, &rec[..10], 0),
            Pdu::Short
        ));
        let n: Vec<_> = s
            .notes
            .list
            .iter()
            .map(|n| (n.kind, n.value.as_str(), n.count))
            .collect();
        for want in [
            ("user", "alice", 2),
            ("kerberos_realm", "EXAMPLE.COM", 2),
            ("kerberos_service", "krbtgt/EXAMPLE.COM", 2),
            ("kerberos_etypes", "aes256-cts-hmac-sha1-96,rc4-hmac", 2),
            ("kerberos_error", "KDC_ERR_PREAUTH_REQUIRED", 1),
            ("kerberos_ticket_etype", "rc4-hmac", 1),
        ] {
            assert!(n.contains(&want), "{want:?} in {n:?}");
        }
    }
}
