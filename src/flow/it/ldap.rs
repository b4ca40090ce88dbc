//! Flow glue for LDAP on 389 (TCP, and CLDAP on UDP): one `LDAPMessage` per PDU.
//! Simple binds give the DN (`user`) and the password (secret `ldap_simple_bind`;
//! an empty one is an `anonymous` or `unauthenticated` bind, `ldap_bind`); SASL binds
//! their mechanism (`ldap_sasl`) and, when it carries NTLMSSP, the same names as SMB
//! sessions; bind responses their result (`ldap_result`); searches their base DN
//! (`ldap_search_base`, bounded per flow).

use super::{smb, ItProto, ItState};
use crate::dissect::ldap::{self, Auth, Error, Op};
use crate::flow::app::{AppState, Pdu};

/// Most `ldap_search_base` observations per flow.
const MAX_SEARCHES: u16 = 256;

/// What an LDAP flow keeps between PDUs.
#[derive(Clone, Debug, Default)]
pub struct State {
    searches: u16,
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    let m = match ldap::parse(b) {
        Ok(m) => m,
        Err(Error::Short { .. }) => return Pdu::Short,
        Err(_) => return Pdu::NotMine,
    };
    let server = dir == 1;
    match m.op() {
        Op::BIND_REQUEST => match m.bind() {
            Some((_, dn, Auth::Simple(pw))) => {
                s.note("user", server, dn, b"");
                let how: &[u8] = match (dn.is_empty(), pw.is_empty()) {
                    (true, true) => b"anonymous",
                    (false, true) => b"unauthenticated",
                    _ => b"simple",
                };
                s.note("ldap_bind", server, how, b"");
                if !pw.is_empty() {
                    s.secret("ldap_simple_bind", !server, dn, pw);
                }
            }
            Some((
                _,
                dn,
                Auth::Sasl {
                    mechanism,
                    credentials,
                },
            )) => {
                s.note("user", server, dn, b"");
                s.note("ldap_bind", server, b"sasl", b"");
                s.note("ldap_sasl", server, mechanism, b"");
                if let Some(c) = credentials {
                    smb::ntlm(s, c, server);
                }
            }
            _ => {}
        },
        Op::BIND_RESPONSE => {
            if let Some((code, _)) = m.result() {
                let c = code.to_string();
                let v = match ldap::result_name(code) {
                    "unknown" => c.as_str(),
                    n => n,
                };
                s.note("ldap_result", server, v.as_bytes(), c.as_bytes());
            }
            if let Some(c) = m.server_sasl_creds() {
                smb::ntlm(s, c, server);
            }
        }
        Op::SEARCH_REQUEST => {
            let mut st = match std::mem::take(&mut s.it) {
                ItState::Ldap(st) => st,
                _ => State::default(),
            };
            if let Some(base) = m.search_base().filter(|b| !b.is_empty()) {
                if st.searches < MAX_SEARCHES {
                    st.searches += 1;
                    s.note("ldap_search_base", server, base, b"");
                }
            }
            s.it = ItState::Ldap(st);
        }
        _ => {}
    }
    Pdu::plain(m.len(), true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::ldap::tests as t;
    use crate::flow::app::AppProto;

    #[test]
    fn binds_and_searches() {
        let mut s = AppState::new(AppProto::It(ItProto::Ldap), true, 389);
        for (m, dir) in [
            (t::simple_bind(b"cn=admin", b"s3cret"), 0),
            (t::bind_response(49), 1),
            (t::simple_bind(b"", b""), 0),
            (t::sasl_bind(b"GSS-SPNEGO", b"x"), 0),
            (t::search(b"dc=example"), 0),
        ] {
            assert!(matches!(
                pdu(&mut s, ItProto::Ldap, &m, dir),
                Pdu::Done { counts: true, len, .. } if len == m.len()
            ));
        }
        assert_eq!(s.notes.secrets.len(), 1);
        let x = &s.notes.secrets[0];
        assert_eq!(
            (x.kind, x.user.as_str(), x.value.as_str()),
            ("ldap_simple_bind", "cn=admin", "s3cret")
        );
        let n: Vec<_> = s
            .notes
            .list
            .iter()
            .map(|n| (n.kind, n.value.as_str()))
            .collect();
        for want in [
            ("user", "cn=admin"),
            ("ldap_bind", "simple"),
            ("ldap_bind", "anonymous"),
            ("ldap_result", "invalidCredentials"),
            ("ldap_sasl", "GSS-SPNEGO"),
            ("ldap_search_base", "dc=example"),
        ] {
            assert!(n.contains(&want), "{want:?} in {n:?}");
        }
        assert!(!n.iter().any(|(_, v)| v.contains("s3cret")));
        let b = t::simple_bind(b"cn=a", b"pw");
        assert!(matches!(pdu(&mut s, ItProto::Ldap, &b[..5], 0), Pdu::Short));
        assert!(matches!(
            pdu(&mut s, ItProto::Ldap, b"GET / HTTP/1.1", 0),
            Pdu::NotMine
        ));
    }
}
