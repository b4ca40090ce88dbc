//! Flow glue for VPN-like protocols: IKE/ISAKMP on 500 and 4500 (`ike_version`,
//! `ike_exchange`, `ike_vendor_id`), OpenVPN on 1194 (`openvpn_opcode`), WireGuard on
//! 51820 (`wireguard_message`), L2TP on 1701 (`l2tp_message`, the endpoints' names
//! as `host_name`, `l2tp_vendor`) and PPTP control on 1723 (`pptp_message`,
//! `host_name`, `pptp_vendor`). Data packets are counted, not noted, past the first.

use super::{ItProto, ItState};
use crate::dissect::{ike, l2tp, openvpn, pptp, wireguard};
use crate::flow::app::{AppState, Pdu};

/// Most vendor ids noted per flow (hex of their first 16 bytes).
const MAX_VENDOR_IDS: u8 = 16;

/// What a VPN flow keeps between PDUs.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// A data packet was noted already (data is not noted per packet).
    data_noted: bool,
    vendor_ids: u8,
}

pub(crate) fn pdu(s: &mut AppState, p: ItProto, b: &[u8], dir: usize) -> Pdu {
    let server = dir == 1;
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Vpn(st) => st,
        _ => State::default(),
    };
    let r = match p {
        ItProto::Ike => ike_pdu(s, &mut st, b, server),
        ItProto::OpenVpn => openvpn_pdu(s, &mut st, b, server),
        ItProto::WireGuard => match wireguard::parse(b) {
            Ok(t) => {
                if t != wireguard::MessageType::TRANSPORT_DATA || !st.data_noted {
                    st.data_noted |= t == wireguard::MessageType::TRANSPORT_DATA;
                    s.note("wireguard_message", server, t.name().as_bytes(), b"");
                }
                Pdu::plain(b.len(), true)
            }
            Err(_) => Pdu::NotMine,
        },
        ItProto::L2tp => match l2tp::parse(b) {
            Ok(m) => {
                let name = match m.message_type() {
                    Some(t) => l2tp::message_name(t),
                    None if m.control => "ZLB",
                    None => "data",
                };
                if m.control || !st.data_noted {
                    st.data_noted |= !m.control;
                    s.note("l2tp_message", server, name.as_bytes(), b"");
                }
                if let Some(h) = m.avp(l2tp::Avp::HOST_NAME) {
                    s.note("host_name", server, h, b"");
                }
                if let Some(v) = m.avp(l2tp::Avp::VENDOR_NAME) {
                    s.note("l2tp_vendor", server, v, b"");
                }
                Pdu::plain(b.len(), true)
            }
            Err(_) => Pdu::NotMine,
        },
        ItProto::Pptp => match pptp::parse(b) {
            Ok(m) => {
                let name = m.control_type().name();
                s.note("pptp_message", server, name.as_bytes(), b"");
                if let Some(h) = m.host_name() {
                    s.note("host_name", server, h, b"");
                }
                if let Some(v) = m.vendor() {
                    s.note("pptp_vendor", server, v, b"");
                }
                Pdu::plain(m.len(), true)
            }
            Err(pptp::Error::Short { .. }) => Pdu::Short,
            Err(_) => Pdu::NotMine,
        },
        _ => Pdu::NotMine,
    };
    s.it = ItState::Vpn(st);
    r
}

fn ike_pdu(s: &mut AppState, st: &mut State, b: &[u8], server: bool) -> Pdu {
    // On 4500 IKE follows the non-ESP marker; ESP and keepalives are not ISAKMP.
    let (msg, skip) = if s.server_port == 4500 {
        match ike::strip_marker(b) {
            Some(ike::NatT::Ike(m)) => (m, 4),
            Some(_) => return Pdu::plain(b.len(), false),
            None => return Pdu::NotMine,
        }
    } else {
        (b, 0)
    };
    let m = match ike::parse(msg) {
        Ok(m) => m,
        Err(_) => return Pdu::NotMine,
    };
    let v = m.version();
    s.note("ike_version", server, if v == 1 { b"1" } else { b"2" }, b"");
    let x = m.exchange();
    let code = x.to_string();
    let name = match ike::exchange_name(v, x) {
        "unknown" => code.as_str(),
        n => n,
    };
    s.note("ike_exchange", server, name.as_bytes(), code.as_bytes());
    for vid in m.vendor_ids() {
        if st.vendor_ids >= MAX_VENDOR_IDS {
            break;
        }
        st.vendor_ids += 1;
        let hex: String = vid.iter().take(16).map(|b| format!("{b:02x}")).collect();
        s.note("ike_vendor_id", server, hex.as_bytes(), b"");
    }
    Pdu::plain(skip + m.len(), true)
}

fn openvpn_pdu(s: &mut AppState, st: &mut State, b: &[u8], server: bool) -> Pdu {
    // A UDP datagram is one packet; on TCP a 2-byte length precedes each. A UDP
    // datagram's first byte is an opcode (never 0), a TCP length's high byte is
    // 0 for packets under 256 bytes; larger TCP packets are told apart by length.
    let tcp = match openvpn::tcp_packet(b) {
        Ok((p, len)) if len == b.len() || openvpn::parse(b).is_err() => Some((p, len)),
        Err(openvpn::Error::Short { .. }) if openvpn::parse(b).is_err() => return Pdu::Short,
        _ => None,
    };
    let (pkt, len) = tcp.unwrap_or((b, b.len()));
    let Ok(p) = openvpn::parse(pkt) else {
        return Pdu::NotMine;
    };
    if !p.opcode.is_data() || !st.data_noted {
        st.data_noted |= p.opcode.is_data();
        s.note("openvpn_opcode", server, p.opcode.name().as_bytes(), b"");
    }
    Pdu::plain(len, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::ike::tests::sa_init;
    use crate::flow::app::AppProto;

    fn kinds(s: &AppState) -> Vec<(&'static str, String)> {
        s.notes
            .list
            .iter()
            .map(|n| (n.kind, n.value.clone()))
            .collect()
    }

    #[test]
    fn ike_on_both_ports() {
        let mut s = AppState::new(AppProto::It(ItProto::Ike), true, 4500);
        let mut nat = vec![0, 0, 0, 0];
        nat.extend(sa_init());
        assert!(
            matches!(pdu(&mut s, ItProto::Ike, &nat, 0), Pdu::Done { counts: true, len, .. } if len == nat.len())
        );
        assert!(matches!(
            pdu(&mut s, ItProto::Ike, &[1, 2, 3, 4, 0, 0, 0, 1, 9, 9], 0),
            Pdu::Done { counts: false, .. }
        ));
        let k = kinds(&s);
        assert!(k.contains(&("ike_exchange", "IKE_SA_INIT".into())));
        assert!(k.contains(&("ike_vendor_id", "aabbccdd".into())));
        let mut s = AppState::new(AppProto::It(ItProto::Ike), true, 500);
        assert!(matches!(
            pdu(&mut s, ItProto::Ike, &sa_init(), 0),
            Pdu::Done { counts: true, .. }
        ));
        assert!(kinds(&s).contains(&("ike_version", "2".into())));
    }

    #[test]
    fn tunnels() {
        let mut s = AppState::new(AppProto::It(ItProto::WireGuard), true, 51820);
        let mut wg = vec![0u8; 148];
        wg[0] = 1;
        assert!(matches!(
            pdu(&mut s, ItProto::WireGuard, &wg, 0),
            Pdu::Done { counts: true, .. }
        ));
        assert!(matches!(
            pdu(&mut s, ItProto::WireGuard, &wg[..100], 0),
            Pdu::NotMine
        ));
        let mut s = AppState::new(AppProto::It(ItProto::OpenVpn), true, 1194);
        let reset = [7 << 3, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0];
        assert!(matches!(
            pdu(&mut s, ItProto::OpenVpn, &reset, 0),
            Pdu::Done { len: 14, .. }
        ));
        let mut tcp = vec![0, 14];
        tcp.extend(reset);
        tcp.extend([0, 14, 7 << 3]);
        assert!(matches!(
            pdu(&mut s, ItProto::OpenVpn, &tcp, 0),
            Pdu::Done { len: 16, .. }
        ));
        assert!(matches!(
            pdu(&mut s, ItProto::OpenVpn, &tcp[16..], 0),
            Pdu::Short
        ));
        assert!(kinds(&s).contains(&("openvpn_opcode", "P_CONTROL_HARD_RESET_CLIENT_V2".into())));
        let mut s = AppState::new(AppProto::It(ItProto::Pptp), true, 1723);
        let mut m = vec![0, 156, 0, 1, 0x1A, 0x2B, 0x3C, 0x4D, 0, 1, 0, 0];
        m.resize(28, 0);
        m.extend(b"vpn-client");
        m.resize(92, 0);
        m.extend(b"Microsoft");
        m.resize(156, 0);
        assert!(matches!(
            pdu(&mut s, ItProto::Pptp, &m, 0),
            Pdu::Done { len: 156, .. }
        ));
        assert!(matches!(
            pdu(&mut s, ItProto::Pptp, &m[..20], 0),
            Pdu::Short
        ));
        let k = kinds(&s);
        assert!(k.contains(&("host_name", "vpn-client".into())));
        assert!(k.contains(&("pptp_vendor", "Microsoft".into())));
    }
}
