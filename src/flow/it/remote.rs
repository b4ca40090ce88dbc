//! Flow glue for remote-control tools on their registered ports, recognised by content
//! where their signatures are publicly documented: TeamViewer (5938, TCP segments
//! starting with its `17 24` or `11 30` magic; UDP datagrams carrying `17 24` at byte
//! 11 after a counter) and AnyDesk (7070: TLS whose certificate or server name says
//! AnyDesk). A recognised flow gets a `remote_tool` note.

use super::{tls, ItProto, ItState};
use crate::flow::app::{AppState, Pdu};

#[derive(Clone, Debug, Default)]
pub struct Flow {
    /// The tool was recognised (noted once).
    seen: bool,
    tls: tls::Flow,
}

pub(crate) fn pdu(s: &mut AppState, p: ItProto, b: &[u8], dir: usize) -> Pdu {
    if b.is_empty() {
        return Pdu::Short;
    }
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Remote(f) => f,
        _ => Flow::default(),
    };
    let r = match p {
        ItProto::AnyDesk => {
            let r = tls::record(&mut st.tls, s, b, dir, true);
            if st.tls.anydesk && !st.seen {
                st.seen = true;
                s.note("remote_tool", false, b"anydesk", b"");
            }
            r
        }
        _ => teamviewer(&mut st, s, b),
    };
    s.it = ItState::Remote(st);
    r
}

/// TeamViewer: its framing is not documented, so a recognised flow's bytes are
/// taken whole.
fn teamviewer(st: &mut Flow, s: &mut AppState, b: &[u8]) -> Pdu {
    let magic = |m: Option<&[u8]>| matches!(m, Some([0x17, 0x24] | [0x11, 0x30]));
    if !st.seen {
        if !(magic(b.get(..2)) || (b.len() > 13 && magic(b.get(11..13)))) {
            return Pdu::NotMine;
        }
        st.seen = true;
        s.note("remote_tool", false, b"teamviewer", b"");
    }
    Pdu::plain(b.len(), true)
}
