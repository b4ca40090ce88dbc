//! Flow glue for PTP version 2 over UDP (319 event, 320 general messages): message
//! type (`ptp_message`), domain (`ptp_domain`), the sender's clock identity and an
//! Announce's grandmaster (`ptp_clock_identity`, detail `source` or `grandmaster`).

use super::ItProto;
use crate::dissect::ptp;
use crate::flow::app::{AppState, Pdu};

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    if b.is_empty() {
        return Pdu::NotMine;
    }
    // tshark shows any datagram on these ports as PTP (version 1 included).
    if let Ok(m) = ptp::parse(b) {
        let by_server = dir == 1;
        s.note(
            "ptp_message",
            by_server,
            ptp::function_name(m.message_type().0 as u16).as_bytes(),
            b"",
        );
        s.note(
            "ptp_domain",
            by_server,
            m.domain().to_string().as_bytes(),
            b"",
        );
        let id = ptp::clock_text(&m.clock_identity());
        s.note("ptp_clock_identity", by_server, id.as_bytes(), b"source");
        if let Some(a) = m.announce() {
            let gm = ptp::clock_text(&a.grandmaster);
            s.note(
                "ptp_clock_identity",
                by_server,
                gm.as_bytes(),
                b"grandmaster",
            );
        }
    }
    Pdu::plain(b.len(), true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::app::AppProto;

    #[test]
    fn sync() {
        let mut s = AppState::new(AppProto::It(ItProto::Ptp), true, 319);
        let mut m = vec![0x00, 0x02, 0, 44, 3];
        m.resize(20, 0);
        m.extend_from_slice(&[1, 2, 3, 0xff, 0xfe, 4, 5, 6]);
        m.resize(44, 0);
        for i in 0..=m.len() {
            pdu(&mut s, ItProto::Ptp, &m[..i], 1);
        }
        let mut v: Vec<_> = s
            .notes
            .list
            .iter()
            .map(|n| format!("{} {} {}", n.kind, n.value, n.detail))
            .collect();
        v.sort();
        assert_eq!(
            v,
            vec![
                "ptp_clock_identity 01:02:03:ff:fe:04:05:06 source",
                "ptp_domain 3 ",
                "ptp_message Sync ",
            ]
        );
    }
}
