//! Flow glue for Telnet: option negotiation is removed, then the server's first line
//! (`telnet_banner`) and its login prompts (`telnet_login_prompt`) are found, and what
//! the client types after a prompt, one keystroke per segment or a line at a time, is
//! assembled up to CR or LF: the account (`user`) after `login:`, the password
//! (`telnet_password`) after `Password:`. Every segment counts, as tshark shows each.

use super::ftp::keep_user;
use super::{ItProto, ItState};
use crate::dissect::telnet::Decoder;
use crate::dissect::textline::{ends_ci, trim_end};
use crate::flow::app::{AppState, Pdu};

/// Longest server line tail and client input kept.
const MAX_TEXT: usize = 128;

/// What the client is expected to type next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Expect {
    #[default]
    Nothing,
    User,
    Password,
}

/// What a Telnet flow remembers between segments.
#[derive(Clone, Debug, Default)]
pub struct State {
    dec: [Decoder; 2],
    /// The server's current line (its last `MAX_TEXT` bytes).
    line: Vec<u8>,
    banner_done: bool,
    expect: Expect,
    /// What the client typed since the prompt.
    input: Vec<u8>,
    user: Vec<u8>,
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Telnet(st) => st,
        _ => Box::default(),
    };
    let mut dec = st.dec[dir];
    if dir == 1 {
        for c in dec.data(b) {
            server_byte(s, &mut st, c);
        }
        prompt(s, &mut st);
    } else {
        for c in dec.data(b) {
            client_byte(s, &mut st, c);
        }
    }
    st.dec[dir] = dec;
    s.it = ItState::Telnet(st);
    Pdu::plain(b.len(), true)
}

fn server_byte(s: &mut AppState, st: &mut State, c: u8) {
    match c {
        b'\r' | b'\n' => {
            let l = trim_end(&st.line);
            if !st.banner_done && !l.is_empty() {
                st.banner_done = true;
                s.note("telnet_banner", true, l, b"");
            }
            st.line.clear();
        }
        0 => {}
        _ => {
            if st.line.len() >= MAX_TEXT {
                st.line.drain(..MAX_TEXT / 2);
            }
            st.line.push(c);
        }
    }
}

/// After a server segment: does its text end in a prompt?
fn prompt(s: &mut AppState, st: &mut State) {
    let l = trim_end(&st.line);
    let expect = if ends_ci(l, b"login:") || ends_ci(l, b"username:") || ends_ci(l, b"user:") {
        Expect::User
    } else if ends_ci(l, b"password:") || ends_ci(l, b"passcode:") {
        Expect::Password
    } else {
        return;
    };
    if expect == Expect::User {
        s.note("telnet_login_prompt", true, l, b"");
    }
    // A prompt before any other line is not a banner.
    st.banner_done = true;
    st.expect = expect;
    st.input.clear();
}

fn client_byte(s: &mut AppState, st: &mut State, c: u8) {
    if st.expect == Expect::Nothing {
        return;
    }
    match c {
        b'\r' | b'\n' | 0 if st.input.is_empty() => {}
        b'\r' | b'\n' => {
            if st.expect == Expect::User {
                keep_user(&mut st.user, &st.input);
                s.note("user", false, &st.input, b"");
            } else {
                s.secret("telnet_password", true, &st.user, &st.input);
            }
            st.expect = Expect::Nothing;
            st.input.clear();
        }
        // Backspace and delete take back a keystroke, ^U the line; ^C gives up.
        0x08 | 0x7f => {
            st.input.pop();
        }
        0x15 => st.input.clear(),
        0x03 => {
            st.expect = Expect::Nothing;
            st.input.clear();
        }
        c if c >= 0x20 && st.input.len() < MAX_TEXT => st.input.push(c),
        _ => {}
    }
}
