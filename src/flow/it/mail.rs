//! Flow glue for POP3, IMAP and SMTP: the account (`user`) and password of POP3
//! USER/PASS (`pop3_password`), IMAP LOGIN (`imap_password`), SASL PLAIN and LOGIN
//! exchanges (`smtp_auth`, or the POP3/IMAP kind on those protocols; base64-decoded,
//! the password only), and SMTP's envelope (`smtp_mail_from`, `smtp_rcpt_to`). A
//! message body (SMTP DATA) is not read as commands, nor anything after STARTTLS.
//! Every line counts, as tshark shows each segment.

use super::ftp::{keep_user, text_line};
use super::{ItProto, ItState};
use crate::dissect::ftp::{self, Line};
use crate::dissect::mail;
use crate::dissect::textline::{self, sasl_plain, starts_ci};
use crate::flow::app::{AppState, Pdu};

/// A SASL exchange in progress: what the client's next line holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Sasl {
    #[default]
    None,
    Plain,
    LoginUser,
    LoginPassword,
}

/// What a mail flow remembers between lines.
#[derive(Clone, Debug, Default)]
pub struct State {
    user: Vec<u8>,
    sasl: Sasl,
    /// Inside an SMTP message body (after DATA, up to the line ".").
    data: bool,
    /// After STARTTLS/STLS: the rest is TLS.
    tls: bool,
}

pub(crate) fn pdu(s: &mut AppState, p: ItProto, b: &[u8], dir: usize) -> Pdu {
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Mail(st) => st,
        _ => State::default(),
    };
    let r = if st.tls {
        Pdu::plain(b.len(), false)
    } else {
        text_line(b, |l| {
            if dir == 0 {
                client_line(s, &mut st, p, l);
            }
        })
    };
    s.it = ItState::Mail(st);
    r
}

fn password_kind(p: ItProto) -> &'static str {
    match p {
        ItProto::Pop3 => "pop3_password",
        ItProto::Imap => "imap_password",
        _ => "smtp_auth",
    }
}

fn client_line(s: &mut AppState, st: &mut State, p: ItProto, l: &[u8]) {
    if st.data {
        st.data = l != b".";
        return;
    }
    let mut buf = [0u8; 512];
    match st.sasl {
        Sasl::None => {}
        _ if l == b"*" => {
            st.sasl = Sasl::None;
            return;
        }
        Sasl::Plain => {
            st.sasl = Sasl::None;
            sasl_plain_b64(s, st, p, l);
            return;
        }
        Sasl::LoginUser => {
            st.sasl = Sasl::LoginPassword;
            if let Some(n) = textline::base64(l, &mut buf) {
                keep_user(&mut st.user, &buf[..n]);
                s.note("user", false, &buf[..n], b"");
            }
            return;
        }
        Sasl::LoginPassword => {
            st.sasl = Sasl::None;
            if let Some(n) = textline::base64(l, &mut buf) {
                s.secret(password_kind(p), true, &st.user, &buf[..n]);
            }
            return;
        }
    }
    // IMAP commands carry a tag first; POP3 and SMTP commands do not.
    let (verb, arg) = if p == ItProto::Imap {
        match mail::imap_command(l) {
            Some((_, cmd, args)) => (cmd, args),
            None => return,
        }
    } else {
        match ftp::parse(l) {
            Line::Command { verb, arg } => (verb, arg),
            _ => return,
        }
    };
    let (v, n) = ftp::upper(verb);
    match &v[..n] {
        b"USER" if p == ItProto::Pop3 => {
            keep_user(&mut st.user, arg);
            s.note("user", false, arg, b"");
        }
        b"PASS" if p == ItProto::Pop3 => s.secret("pop3_password", true, &st.user, arg),
        b"LOGIN" if p == ItProto::Imap => {
            if let Some((user, rest)) = mail::astring(arg) {
                s.note("user", false, user, b"");
                if let Some((pass, _)) = mail::astring(rest) {
                    s.secret("imap_password", true, user, pass);
                }
            }
        }
        b"AUTH" | b"AUTHENTICATE" => {
            let (mech, initial) = textline::word(arg);
            if mech.eq_ignore_ascii_case(b"PLAIN") {
                if initial.is_empty() {
                    st.sasl = Sasl::Plain;
                } else {
                    sasl_plain_b64(s, st, p, initial);
                }
            } else if mech.eq_ignore_ascii_case(b"LOGIN") {
                st.sasl = Sasl::LoginUser;
                if let Some(n) = textline::base64(initial, &mut buf).filter(|&n| n > 0) {
                    keep_user(&mut st.user, &buf[..n]);
                    s.note("user", false, &buf[..n], b"");
                    st.sasl = Sasl::LoginPassword;
                }
            }
        }
        b"MAIL" if p == ItProto::Smtp && starts_ci(arg, b"FROM:") => {
            s.note("smtp_mail_from", false, address(&arg[5..]), b"")
        }
        b"RCPT" if p == ItProto::Smtp && starts_ci(arg, b"TO:") => {
            s.note("smtp_rcpt_to", false, address(&arg[3..]), b"")
        }
        b"DATA" if p == ItProto::Smtp => st.data = true,
        b"STARTTLS" | b"STLS" => st.tls = true,
        _ => {}
    }
}

/// A base64 SASL PLAIN message: the account and its password.
fn sasl_plain_b64(s: &mut AppState, st: &mut State, p: ItProto, b64: &[u8]) {
    let mut buf = [0u8; 512];
    let Some(n) = textline::base64(b64, &mut buf) else {
        return;
    };
    if let Some((user, pass)) = sasl_plain(&buf[..n]) {
        keep_user(&mut st.user, user);
        s.note("user", false, user, b"");
        s.secret(password_kind(p), true, user, pass);
    }
}

/// The address of a MAIL FROM / RCPT TO argument, without brackets and parameters.
fn address(arg: &[u8]) -> &[u8] {
    let (a, _) = textline::word(arg);
    let a = a.strip_prefix(b"<").unwrap_or(a);
    a.strip_suffix(b">").unwrap_or(a)
}
