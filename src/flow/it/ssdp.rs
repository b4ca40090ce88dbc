//! Flow glue for SSDP (UDP 1900): the sender's SERVER header (`ssdp_server`), the
//! device description it points to (`ssdp_location`), what an M-SEARCH or a search
//! response names (`ssdp_search_target`, ST) and what a NOTIFY announces
//! (`ssdp_notify_type`, NT).

use super::ItProto;
use crate::dissect::ssdp::{self, Kind};
use crate::flow::app::{AppState, Pdu};

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    if b.is_empty() {
        return Pdu::NotMine;
    }
    // tshark shows any datagram on the port as SSDP; only messages give notes.
    if let Ok(m) = ssdp::parse(b) {
        let by_server = dir == 1;
        for (name, value) in m.headers() {
            let kind = match name.to_ascii_uppercase().as_slice() {
                b"SERVER" => "ssdp_server",
                b"LOCATION" => "ssdp_location",
                b"ST" => "ssdp_search_target",
                b"NT" if m.kind == Kind::Notify => "ssdp_notify_type",
                _ => continue,
            };
            s.note(kind, by_server, value, b"");
        }
    }
    Pdu::plain(b.len(), true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::app::AppProto;

    #[test]
    fn notify_and_search() {
        let mut s = AppState::new(AppProto::It(ItProto::Ssdp), true, 1900);
        let n = b"NOTIFY * HTTP/1.1\r\nNT: urn:schemas-upnp-org:device:Basic:1\r\n\
LOCATION: http://10.0.0.9/d.xml\r\nSERVER: RTOS/1.0 UPnP/1.0 HMI/3\r\n\r\n";
        let q = b"M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: ssdp:all\r\n\r\n";
        pdu(&mut s, ItProto::Ssdp, n, 1);
        pdu(&mut s, ItProto::Ssdp, q, 0);
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
                "ssdp_location true http://10.0.0.9/d.xml",
                "ssdp_notify_type true urn:schemas-upnp-org:device:Basic:1",
                "ssdp_search_target false ssdp:all",
                "ssdp_server true RTOS/1.0 UPnP/1.0 HMI/3",
            ]
        );
        for i in 0..n.len() {
            pdu(&mut s, ItProto::Ssdp, &n[..i], 1);
        }
    }
}
