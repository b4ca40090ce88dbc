//! Flow glue for FTP control connections: commands (`ftp_command`), the files they
//! name (`ftp_file`), the account (`user`) and its password (`ftp_password`), and the
//! server's greeting (`ftp_banner`). Every line counts, as tshark shows each segment.

use super::{ItProto, ItState};
use crate::dissect::ftp::{self, Line};
use crate::dissect::textline::{self, MAX_LINE};
use crate::flow::app::{AppState, Pdu};

/// Longest user name kept to pair with the password that follows.
pub(super) const MAX_USER: usize = 128;

/// What an FTP flow remembers between lines.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// The account of the last USER command.
    user: Vec<u8>,
    banner_seen: bool,
}

/// One text line of a line-based protocol: `f` reads it; a run of `MAX_LINE` bytes
/// without a line feed is taken whole (still counted: tshark shows such segments).
pub(super) fn text_line(b: &[u8], f: impl FnOnce(&[u8])) -> Pdu {
    match textline::line(b) {
        Some((l, n)) => {
            f(l);
            Pdu::plain(n, true)
        }
        None if b.len() >= MAX_LINE => Pdu::plain(b.len(), true),
        None => Pdu::Short,
    }
}

/// Keeps a bounded copy of a user name.
pub(super) fn keep_user(into: &mut Vec<u8>, user: &[u8]) {
    into.clear();
    into.extend_from_slice(&user[..user.len().min(MAX_USER)]);
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Ftp(st) => st,
        _ => State::default(),
    };
    let r = text_line(b, |l| match ftp::parse(l) {
        Line::Command { verb, arg } if dir == 0 => {
            let (v, n) = ftp::upper(verb);
            let verb = &v[..n];
            s.note("ftp_command", false, verb, b"");
            match verb {
                b"USER" => {
                    keep_user(&mut st.user, arg);
                    s.note("user", false, arg, b"");
                }
                b"PASS" => s.secret("ftp_password", true, &st.user, arg),
                _ if ftp::names_file(verb) => s.note("ftp_file", false, arg, verb),
                _ => {}
            }
        }
        Line::Reply {
            code: 220, text, ..
        } if dir == 1 && !st.banner_seen => {
            st.banner_seen = true;
            s.note("ftp_banner", true, text, b"");
        }
        _ => {}
    });
    s.it = ItState::Ftp(st);
    r
}
