//! Flow glue for syslog over UDP: each message's severity (`syslog_severity`, detail
//! the facility), and where the header parses, the sender's `host_name` and the
//! application (`syslog_app`). tshark shows every datagram on the port as syslog, so
//! every datagram counts.

use super::ItProto;
use crate::dissect::syslog;
use crate::flow::app::{AppState, Pdu};

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    if let Ok(m) = syslog::parse(b) {
        let by_server = dir == 1;
        s.note(
            "syslog_severity",
            by_server,
            m.severity_name().as_bytes(),
            m.facility_name().as_bytes(),
        );
        if let Some(h) = m.host {
            s.note("host_name", by_server, h, b"");
        }
        if let Some(a) = m.app {
            s.note("syslog_app", by_server, a, b"");
        }
    }
    Pdu::plain(b.len(), true)
}
