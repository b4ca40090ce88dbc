//! Flow glue for rexec, rlogin and rsh: the client's setup strings give the remote
//! account (`user`, detail the client's local account for rlogin and rsh), the
//! command (`rsh_command`, for rexec too) and rexec's password (`rexec_password`).
//! The session's bytes after the setup are consumed unread; every segment counts, as
//! tshark shows each.

use super::{ItProto, ItState};
use crate::dissect::rsvc::{self, Error};
use crate::flow::app::{AppState, Pdu};

/// What a remote-service flow remembers: whether the setup was read.
#[derive(Clone, Debug, Default)]
pub struct State {
    setup_done: bool,
}

pub(crate) fn pdu(s: &mut AppState, p: ItProto, b: &[u8], dir: usize) -> Pdu {
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Rsvc(st) => st,
        _ => State::default(),
    };
    let mut len = b.len();
    if dir == 0 && !st.setup_done {
        match rsvc::parse(b) {
            Ok(setup) => {
                st.setup_done = true;
                len = setup.len();
                let [_, a, b2, c] = setup.fields;
                match p {
                    ItProto::Rexec => {
                        s.note("user", false, a, b"");
                        s.secret("rexec_password", true, a, b2);
                        s.note("rsh_command", false, c, b"");
                    }
                    ItProto::Rsh => {
                        s.note("user", false, b2, a);
                        s.note("rsh_command", false, c, b"");
                    }
                    _ => s.note("user", false, b2, a),
                }
            }
            Err(Error::Short) => {
                s.it = ItState::Rsvc(st);
                return Pdu::Short;
            }
            Err(Error::TooLong) => st.setup_done = true,
        }
    }
    s.it = ItState::Rsvc(st);
    Pdu::plain(len, true)
}
