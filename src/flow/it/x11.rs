//! Flow glue for X11: the connection setup (authorization protocol name as a note,
//! the cookie itself as a secret; the server's answer and vendor), then every byte
//! whole: requests, replies and events are not read. A connection whose setup was
//! not seen is not counted: these ports carry other software too.

use super::{ItProto, ItState};
use crate::dissect::x11;
use crate::flow::app::{AppState, Pdu};

#[derive(Clone, Debug, Default)]
pub struct Flow {
    /// Per direction: the setup message was read (or could not be).
    setup_done: [bool; 2],
    /// The byte order the client chose.
    big_endian: bool,
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    if b.is_empty() {
        return Pdu::Short;
    }
    let mut st = match std::mem::take(&mut s.it) {
        ItState::X11(f) => f,
        _ => Flow::default(),
    };
    let r = step(&mut st, s, b, dir);
    s.it = ItState::X11(st);
    r
}

fn step(st: &mut Flow, s: &mut AppState, b: &[u8], dir: usize) -> Pdu {
    if st.setup_done[dir] {
        return Pdu::plain(b.len(), true);
    }
    let len = if dir == 0 {
        match x11::setup_request(b) {
            Ok(r) => {
                st.big_endian = r.big_endian;
                s.note("x11_auth", false, r.auth_name, b"");
                let version = format!("{}.{}", r.major, r.minor);
                s.note("x11_version", false, version.as_bytes(), b"");
                if !r.auth_data.is_empty() {
                    let hex: String = r.auth_data.iter().map(|b| format!("{b:02x}")).collect();
                    s.secret("x11_cookie", true, b"", hex.as_bytes());
                }
                r.len()
            }
            Err(x11::Error::Short { .. }) => return Pdu::Short,
            // Not X11 (other software uses these ports too).
            Err(x11::Error::Malformed) => return Pdu::NotMine,
        }
    } else {
        match x11::setup_reply(b, st.big_endian) {
            Ok(r) => {
                let detail = if r.status == x11::Status::Success {
                    &[][..]
                } else {
                    r.text
                };
                s.note("x11_setup", true, r.status.name().as_bytes(), detail);
                if r.status == x11::Status::Success {
                    s.note("x11_vendor", true, r.text, b"");
                }
                r.len()
            }
            Err(x11::Error::Short { .. }) => return Pdu::Short,
            Err(x11::Error::Malformed) if !st.setup_done[0] => return Pdu::NotMine,
            Err(x11::Error::Malformed) => b.len(),
        }
    };
    st.setup_done[dir] = true;
    Pdu::plain(len, true)
}

#[cfg(test)]
mod tests {
    use crate::flow::app::{AppProto, AppState};
    use crate::flow::it::ItProto;

    /// The cookie is a secret, never a note; the protocol name is a note.
    #[test]
    fn cookie_is_a_secret() {
        let mut a = AppState::new(AppProto::It(ItProto::X11), true, 6000);
        let mut r = vec![b'l', 0, 11, 0, 0, 0, 18, 0, 4, 0, 0, 0];
        r.extend_from_slice(b"MIT-MAGIC-COOKIE-1\0\0");
        r.extend_from_slice(&[0xca, 0xfe, 0xba, 0xbe]);
        a.segment(false, 1, &r, 0, (0, 1), 60);
        a.segment(false, 1 + r.len() as u32, &[1, 2, 3, 4], 0, (0, 2), 60);
        assert!(a
            .notes
            .list
            .iter()
            .any(|n| n.kind == "x11_auth" && n.value == "MIT-MAGIC-COOKIE-1"));
        assert!(a.notes.list.iter().all(|n| !n.value.contains("cafe")));
        assert_eq!(a.notes.secrets.len(), 1);
        assert_eq!(a.notes.secrets[0].value, "cafebabe");
        assert_eq!(a.frames, 2);
        let mut b = AppState::new(AppProto::It(ItProto::X11), true, 6000);
        b.segment(false, 1, b"not x11 at all", 0, (0, 1), 60);
        assert_eq!((b.frames, b.errors), (0, 1));
    }
}
