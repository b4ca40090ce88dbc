//! Flow glue for SMB on 445 and 139 (each session packet is a PDU) and NetBIOS
//! datagrams on UDP 138 (the sender's name as `host_name`; SMB mailslots count); the SMB messages
//! in it give the dialects offered and chosen (`smb_dialect`), share paths
//! (`smb_tree`), file names of creates (`smb_file`, bounded per flow), the native OS
//! strings of SMB1 session setups (`smb_native_os`), failed logons (`smb_status`) and,
//! from NTLMSSP in the session setup blobs, who logged on (`user`, `ntlm_domain`,
//! `ntlm_version`, the client's workstation as `host_name`) and the names the server
//! gives in its challenge (`host_name`, `ntlm_domain`, fact `name`). A flow that
//! speaks SMB2/3 becomes `smb2`, as tshark names it.

use super::{ItProto, ItState};
use crate::dissect::ntlmssp::{self, AvPair, MessageType};
use crate::dissect::smb::{self, nbss_type, smb1_command, Command, Message};
use crate::flow::app::{AppProto, AppState, Pdu};

/// Most `smb_file` observations per flow (a file server sees thousands of names).
const MAX_FILES: u16 = 256;
/// Most SMB1 dialects remembered from a negotiate request.
const MAX_DIALECTS: usize = 16;
/// Longest name decoded from UTF-16 (notes keep 256 characters).
const MAX_NAME: usize = 256;

/// What an SMB flow keeps between PDUs.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// SMB1 dialects the client offered: the response chooses one by index.
    offered: Vec<Box<[u8]>>,
    files: u16,
}

pub(crate) fn pdu(s: &mut AppState, p: ItProto, b: &[u8], dir: usize) -> Pdu {
    if s.server_port == 138 {
        return datagram(s, b, dir);
    }
    let n = match smb::nbss(b) {
        Ok(n) => n,
        Err(smb::Error::Short { .. }) => {
            // Wait for the rest only if what is there already looks like SMB.
            let magic = b.get(4..8);
            return match (b.first(), magic) {
                (Some(&nbss_type::SESSION_MESSAGE), Some(m))
                    if !matches!(m, b"\xFFSMB" | b"\xFESMB" | b"\xFDSMB" | b"\xFCSMB") =>
                {
                    Pdu::NotMine
                }
                _ => Pdu::Short,
            };
        }
        Err(_) => return Pdu::NotMine,
    };
    let counts = if n.kind() == nbss_type::SESSION_MESSAGE {
        let Some(m) = n.message() else {
            return Pdu::NotMine;
        };
        let mut st = match std::mem::take(&mut s.it) {
            ItState::Smb(st) => st,
            _ => State::default(),
        };
        match m {
            Message::Smb1(m) => smb1(s, &mut st, &m),
            Message::Smb2(_) => {
                for h in smb::smb2_chain(n.body()) {
                    smb2(s, &mut st, &h, dir);
                }
            }
            Message::Encrypted | Message::Compressed => {}
        }
        if p == ItProto::Smb && !matches!(m, Message::Smb1(_)) {
            s.proto = AppProto::It(ItProto::Smb2);
        }
        s.it = ItState::Smb(st);
        true
    } else {
        // Session request, responses, keep-alives: NetBIOS only, no SMB in the frame.
        false
    };
    Pdu::plain(n.len(), counts)
}

/// A NetBIOS datagram (UDP 138): the sender's NetBIOS name; the frame counts as SMB
/// when the datagram carries it (browser and other mailslot messages).
fn datagram(s: &mut AppState, b: &[u8], dir: usize) -> Pdu {
    let Some(g) = smb::nbdgm(b) else {
        return Pdu::NotMine;
    };
    if let Some(n) = g.source {
        // 15 name characters padded with spaces; the 16th is the service suffix.
        s.note("host_name", dir == 1, n[..15].trim_ascii_end(), b"");
    }
    Pdu::plain(b.len(), g.user_data.starts_with(b"\xFFSMB"))
}

fn utf16(raw: &[u8]) -> String {
    let mut out = String::new();
    ntlmssp::push_text(raw, true, &mut out, MAX_NAME);
    out
}

fn text(raw: &[u8], unicode: bool) -> String {
    let mut out = String::new();
    ntlmssp::push_text(raw, unicode, &mut out, MAX_NAME);
    out
}

fn file(s: &mut AppState, st: &mut State, name: String) {
    if !name.is_empty() && st.files < MAX_FILES {
        st.files += 1;
        s.note("smb_file", false, name.as_bytes(), b"");
    }
}

fn smb2(s: &mut AppState, st: &mut State, h: &smb::Smb2<'_>, dir: usize) {
    let server = dir == 1;
    match h.command() {
        Command::NEGOTIATE if h.is_response() => {
            if let Some(d) = h.dialect() {
                s.note("smb_dialect", true, smb::dialect_name(d).as_bytes(), b"");
            }
        }
        Command::NEGOTIATE => {
            for d in h.dialects().take(MAX_DIALECTS) {
                s.note("smb_dialect", false, smb::dialect_name(d).as_bytes(), b"");
            }
        }
        Command::SESSION_SETUP => {
            if h.is_response() {
                status(s, h.status());
            }
            if let Some(blob) = h.security_buffer() {
                ntlm(s, blob, server);
            }
        }
        Command::TREE_CONNECT => {
            if let Some(p) = h.tree_path() {
                s.note("smb_tree", false, utf16(p).as_bytes(), b"");
            }
        }
        Command::CREATE => {
            if let Some(n) = h.create_name() {
                file(s, st, utf16(n));
            }
        }
        _ => {}
    }
}

fn smb1(s: &mut AppState, st: &mut State, m: &smb::Smb1<'_>) {
    let unicode = m.unicode();
    let string = |at: usize| m.string(at).map(|(raw, next)| (text(raw, unicode), next));
    let u16w = |w: &[u8], at: usize| {
        w.get(at..at + 2)
            .map_or(0, |x| u16::from_le_bytes([x[0], x[1]]) as usize)
    };
    for b in m.blocks() {
        match (b.command, m.is_response(), b.words.len() / 2) {
            (smb1_command::NEGOTIATE, false, _) => {
                st.offered.clear();
                for d in b.dialects().take(MAX_DIALECTS) {
                    s.note("smb_dialect", false, d, b"");
                    st.offered.push(d.into());
                }
            }
            (smb1_command::NEGOTIATE, true, _) => {
                if let Some(d) = b.dialect_index().and_then(|i| st.offered.get(i as usize)) {
                    s.note("smb_dialect", true, d, b"");
                }
            }
            (smb1_command::SESSION_SETUP_ANDX, false, 12) => {
                // Extended security: a security blob, then the native OS.
                let len = u16w(b.words, 14);
                ntlm(s, b.bytes.get(..len).unwrap_or(b.bytes), false);
                if let Some((os, _)) = string(b.bytes_at + len) {
                    s.note("smb_native_os", false, os.as_bytes(), b"");
                }
            }
            (smb1_command::SESSION_SETUP_ANDX, false, 13) => {
                // NT LM 0.12 without extended security (MS-CIFS §2.2.4.53.1): two
                // password hashes, then account, domain and native OS.
                let (lm, nt) = (u16w(b.words, 14), u16w(b.words, 16));
                let Some((user, at)) = string(b.bytes_at + lm + nt) else {
                    continue;
                };
                let Some((domain, at)) = string(at) else {
                    continue;
                };
                s.note("user", false, user.as_bytes(), b"");
                s.note("ntlm_domain", false, domain.as_bytes(), b"");
                let v = match nt {
                    0 if lm <= 1 && user.is_empty() => "anonymous",
                    0..=24 => "v1",
                    _ => "v2",
                };
                s.note("ntlm_version", false, v.as_bytes(), b"");
                if let Some((os, _)) = string(at) {
                    s.note("smb_native_os", false, os.as_bytes(), b"");
                }
            }
            (smb1_command::SESSION_SETUP_ANDX, true, 3 | 4) => {
                status(s, m.status());
                let len = if b.words.len() == 8 {
                    let len = u16w(b.words, 6);
                    ntlm(s, b.bytes.get(..len).unwrap_or(b.bytes), true);
                    len
                } else {
                    0
                };
                if let Some((os, _)) = string(b.bytes_at + len) {
                    s.note("smb_native_os", true, os.as_bytes(), b"");
                }
            }
            (smb1_command::SESSION_SETUP_ANDX, true, 0) => status(s, m.status()),
            (smb1_command::TREE_CONNECT_ANDX, false, 4) => {
                let pw = u16w(b.words, 6);
                if let Some((path, _)) = string(b.bytes_at + pw) {
                    s.note("smb_tree", false, path.as_bytes(), b"");
                }
            }
            (smb1_command::NT_CREATE_ANDX, false, 24) => {
                if let Some((name, _)) = string(b.bytes_at) {
                    file(s, st, name);
                }
            }
            _ => {}
        }
    }
}

/// A failed session setup (MORE_PROCESSING_REQUIRED is a step of the exchange).
fn status(s: &mut AppState, code: u32) {
    let name = match code {
        0 | 0xC000_0016 => return,
        0xC000_006D => "STATUS_LOGON_FAILURE",
        0xC000_006E => "STATUS_ACCOUNT_RESTRICTION",
        0xC000_0064 => "STATUS_NO_SUCH_USER",
        0xC000_006A => "STATUS_WRONG_PASSWORD",
        0xC000_0071 => "STATUS_PASSWORD_EXPIRED",
        0xC000_0072 => "STATUS_ACCOUNT_DISABLED",
        0xC000_0234 => "STATUS_ACCOUNT_LOCKED_OUT",
        0xC000_0022 => "STATUS_ACCESS_DENIED",
        0xC000_015B => "STATUS_LOGON_TYPE_NOT_GRANTED",
        _ => "",
    };
    let hex = format!("0x{code:08X}");
    let v = if name.is_empty() { &hex } else { name };
    s.note("smb_status", true, v.as_bytes(), hex.as_bytes());
}

/// NTLMSSP anywhere in a security blob: the AUTHENTICATE names the client's user,
/// domain and workstation; the CHALLENGE the server's names. Responses are hashes
/// and are never kept, only which NTLM version they are.
pub(crate) fn ntlm(s: &mut AppState, blob: &[u8], server: bool) {
    let Some(m) = ntlmssp::find(blob) else {
        return;
    };
    let t = |t: Option<ntlmssp::Text<'_>>| {
        let mut o = String::new();
        if let Some(t) = t {
            t.push_to(&mut o, MAX_NAME);
        }
        o
    };
    match m.message_type() {
        MessageType::AUTHENTICATE if !server => {
            s.note("user", false, t(m.user()).as_bytes(), b"");
            s.note("ntlm_domain", false, t(m.domain()).as_bytes(), b"");
            s.note("host_name", false, t(m.workstation()).as_bytes(), b"");
            if let Some(v) = m.version() {
                s.note("ntlm_version", false, v.name().as_bytes(), b"");
            }
        }
        MessageType::CHALLENGE if server => {
            let frame = s.at().frame;
            for a in m.target_info() {
                let v = utf16(a.value);
                match a.id {
                    AvPair::NB_COMPUTER_NAME => {
                        s.note("host_name", true, v.as_bytes(), b"");
                        s.fact(true, "name", v.as_bytes(), frame);
                    }
                    AvPair::DNS_COMPUTER_NAME => s.note("host_name", true, v.as_bytes(), b""),
                    AvPair::NB_DOMAIN_NAME | AvPair::DNS_DOMAIN_NAME => {
                        s.note("ntlm_domain", true, v.as_bytes(), b"")
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::ntlmssp::tests::{authenticate, challenge};
    use crate::dissect::smb::tests as t;

    fn notes(s: &AppState) -> Vec<(String, bool, String)> {
        s.notes
            .list
            .iter()
            .map(|n| (n.kind.to_string(), n.by_server, n.value.clone()))
            .collect()
    }

    fn feed(s: &mut AppState, b: &[u8], dir: usize) {
        let p = match s.proto {
            AppProto::It(p) => p,
            _ => unreachable!(),
        };
        match pdu(s, p, b, dir) {
            Pdu::Done { len, counts, .. } => assert!(len == b.len() && counts),
            _ => panic!("not decoded"),
        }
    }

    #[test]
    fn smb2_session_names() {
        let mut s = AppState::new(AppProto::It(ItProto::Smb), true, 445);
        feed(&mut s, &t::smb2_negotiate(), 0);
        assert_eq!(s.proto, AppProto::It(ItProto::Smb2));
        feed(&mut s, &t::smb2_session_setup(&challenge(), true), 1);
        feed(
            &mut s,
            &t::smb2_session_setup(&authenticate(0x40), false),
            0,
        );
        feed(&mut s, &t::smb2_tree_and_create(), 0);
        let n = notes(&s);
        for want in [
            ("smb_dialect", false, "3.1.1"),
            ("host_name", true, "SRV1"),
            ("host_name", true, "srv1.dom.local"),
            ("ntlm_domain", true, "DOM"),
            ("user", false, "alice"),
            ("ntlm_domain", false, "DOM"),
            ("host_name", false, "WS1"),
            ("ntlm_version", false, "v2"),
            ("smb_tree", false, "\\\\srv\\C$"),
            ("smb_file", false, "a\\b.txt"),
        ] {
            assert!(
                n.contains(&(want.0.into(), want.1, want.2.into())),
                "{want:?} in {n:?}"
            );
        }
        assert_eq!(s.facts[0].value, "SRV1");
        // Not SMB: a session message without an SMB header, a bad packet type.
        assert!(matches!(
            pdu(
                &mut s,
                ItProto::Smb2,
                &[0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8],
                0
            ),
            Pdu::NotMine
        ));
        assert!(matches!(
            pdu(&mut s, ItProto::Smb2, &[0, 0, 0, 8, 0xFE], 0),
            Pdu::Short
        ));
        assert!(matches!(
            pdu(&mut s, ItProto::Smb2, &[0x42, 0, 0, 0], 0),
            Pdu::NotMine
        ));
    }

    #[test]
    fn smb1_dialects_and_tree() {
        let mut s = AppState::new(AppProto::It(ItProto::Smb), true, 139);
        assert!(matches!(
            pdu(&mut s, ItProto::Smb, &[0x81, 0, 0, 2, 0x20, 0x20], 0),
            Pdu::Done { counts: false, .. }
        ));
        feed(&mut s, &t::smb1_negotiate(), 0);
        feed(&mut s, &t::smb1_tree_connect(), 0);
        assert_eq!(s.proto, AppProto::It(ItProto::Smb));
        let n = notes(&s);
        assert!(n.contains(&("smb_dialect".into(), false, "NT LM 0.12".into())));
        assert!(n.contains(&("smb_tree".into(), false, "\\\\H\\IPC$".into())));
    }
}
