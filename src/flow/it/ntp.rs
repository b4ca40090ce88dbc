//! Flow glue for NTP (UDP 123): each packet's mode (`ntp_mode`) and version
//! (`ntp_version`); time packets' stratum (`ntp_stratum`) and reference (`ntp_reference`:
//! a stratum 1 source's code such as `GPS`, else the upstream server's address).

use super::ItProto;
use crate::dissect::ntp;
use crate::flow::app::{AppState, Pdu};

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    if b.is_empty() {
        return Pdu::NotMine;
    }
    // tshark shows any datagram on the port as NTP (malformed if short).
    if let Ok(n) = ntp::parse(b) {
        // Client (3) and server (4) modes say the direction: 123 <-> 123 flows are
        // common, and the lower address is not always the client.
        let dir = match n.mode().name() {
            "client" => s.stated(true, dir),
            "server" => s.stated(false, dir),
            _ => dir,
        };
        let by_server = dir == 1;
        s.note("ntp_mode", by_server, n.mode().name().as_bytes(), b"");
        s.note(
            "ntp_version",
            by_server,
            n.version().to_string().as_bytes(),
            b"",
        );
        if let Some(st) = n.stratum() {
            s.note("ntp_stratum", by_server, st.to_string().as_bytes(), b"");
            if let Some(r) = n.reference().filter(|_| st > 0) {
                s.note("ntp_reference", by_server, r.as_bytes(), b"");
            }
        }
    }
    Pdu::plain(b.len(), true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::app::AppProto;

    #[test]
    fn client_and_server() {
        let mut s = AppState::new(AppProto::It(ItProto::Ntp), true, 123);
        let mut c = vec![0x23];
        c.resize(48, 0);
        let mut r = vec![0x24, 2, 6, 0xec, 0, 0, 0, 0, 0, 0, 0, 0, 10, 1, 2, 3];
        r.resize(48, 0);
        pdu(&mut s, ItProto::Ntp, &c, 0);
        pdu(&mut s, ItProto::Ntp, &r, 1);
        let mut v: Vec<_> = s
            .notes
            .list
            .iter()
            .map(|n| format!("{} {} {}", n.kind, n.by_server, n.value))
            .collect();
        v.sort();
        assert_eq!(
            v,
            vec![
                "ntp_mode false client",
                "ntp_mode true server",
                "ntp_reference true 10.1.2.3",
                "ntp_stratum false 0",
                "ntp_stratum true 2",
                "ntp_version false 4",
                "ntp_version true 4",
            ]
        );
        for i in 0..r.len() {
            pdu(&mut s, ItProto::Ntp, &r[..i], 1);
        }
    }
}
