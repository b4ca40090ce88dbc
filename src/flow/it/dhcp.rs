//! Flow glue for DHCP (UDP 67/68) and DHCPv6 (546/547). Clients: `dhcp_message`,
//! `host_name` (option 12), `dhcp_vendor_class` (60), `dhcp_fingerprint` (the
//! parameter request list, 55, as comma-joined decimal codes), `dhcp_client_id` (61),
//! `dhcp_requested_ip` (50). Servers: `dhcp_message`, `dhcp_offer` (the address an
//! Offer or ACK gives, the client's hardware address as detail), `dhcp_server_id`
//! (54), `dhcp_router` (3), `dhcp_dns_server` (6). DHCPv6: `dhcp_message`, the client
//! FQDN (39) as `host_name` and the vendor class (16). The side is the message's own
//! (BOOTREQUEST or BOOTREPLY), not the port's: relays use 67 both ways.

use std::fmt::Write;

use super::ItProto;
use crate::dissect::dhcp::{self, MessageType, V6Type};
use crate::dissect::dns::Name;
use crate::flow::app::{AppState, Pdu};

/// Bytes as colon-separated hex.
fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 3);
    for (i, x) in b.iter().take(64).enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{x:02x}");
    }
    s
}

pub(crate) fn pdu(s: &mut AppState, p: ItProto, b: &[u8], _dir: usize) -> Pdu {
    if b.is_empty() {
        return Pdu::NotMine;
    }
    // tshark shows any datagram on these ports as DHCP (malformed if short).
    if p == ItProto::Dhcpv6 {
        if let Ok(m) = dhcp::parse_v6(b) {
            v6(s, &m);
        }
    } else if let Ok(m) = dhcp::parse(b) {
        v4(s, &m);
    }
    Pdu::plain(b.len(), true)
}

fn v4(s: &mut AppState, m: &dhcp::Message<'_>) {
    let server = m.op() == 2;
    let t = m.message_type();
    let name = match t {
        Some(t) => t.name(),
        None if server => "BOOTREPLY",
        None => "BOOTREQUEST",
    };
    s.note("dhcp_message", server, name.as_bytes(), b"");
    if server {
        if matches!(t, Some(MessageType::OFFER | MessageType::ACK)) && !m.yiaddr().is_unspecified()
        {
            let a = m.yiaddr().to_string();
            s.note("dhcp_offer", true, a.as_bytes(), hex(m.chaddr()).as_bytes());
        }
        for (code, data) in m.options() {
            let kind = match code {
                3 => "dhcp_router",
                6 => "dhcp_dns_server",
                54 => "dhcp_server_id",
                _ => continue,
            };
            for a in dhcp::addrs(data) {
                s.note(kind, true, a.to_string().as_bytes(), b"");
            }
        }
        return;
    }
    for (code, data) in m.options() {
        match code {
            12 => s.note("host_name", false, data, b""),
            60 => s.note("dhcp_vendor_class", false, data, b""),
            55 => {
                let mut f = String::with_capacity(data.len() * 4);
                for (i, c) in data.iter().enumerate() {
                    if i > 0 {
                        f.push(',');
                    }
                    let _ = write!(f, "{c}");
                }
                s.note("dhcp_fingerprint", false, f.as_bytes(), b"");
            }
            61 => s.note("dhcp_client_id", false, hex(data).as_bytes(), b""),
            50 => {
                for a in dhcp::addrs(data).take(1) {
                    s.note("dhcp_requested_ip", false, a.to_string().as_bytes(), b"");
                }
            }
            _ => {}
        }
    }
}

fn v6(s: &mut AppState, m: &dhcp::V6Message<'_>) {
    let server = m.kind.from_server();
    s.note("dhcp_message", server, m.kind.name().as_bytes(), b"");
    if m.kind == V6Type::RELAY_FORW || m.kind == V6Type::RELAY_REPL {
        return;
    }
    for (code, data) in m.options() {
        match code {
            // Client FQDN (RFC 4704): flags, then the name in DNS form (maybe partial).
            39 if !server => {
                let mut n = Vec::new();
                if let Some(wire) = data.get(1..) {
                    Name::at(wire, 0).write(&mut n, true);
                }
                s.note("host_name", false, &n, b"");
            }
            // Vendor class (RFC 8415 21.16): enterprise number, then length-prefixed data.
            16 if data.len() >= 6 => {
                let ent = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
                let len = u16::from_be_bytes([data[4], data[5]]) as usize;
                let v = data.get(6..6 + len).unwrap_or(&data[6..]);
                s.note("dhcp_vendor_class", server, v, ent.to_string().as_bytes());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::app::AppProto;

    fn message(op: u8, options: &[u8]) -> Vec<u8> {
        let mut v = vec![op, 1, 6, 0, 1, 2, 3, 4];
        v.resize(16, 0);
        v.extend_from_slice(&[10, 0, 0, 50]);
        v.resize(28, 0);
        v.extend_from_slice(&[0, 0x0e, 0x8c, 1, 2, 3]);
        v.resize(dhcp::FIXED_LEN, 0);
        v.extend_from_slice(&dhcp::MAGIC);
        v.extend_from_slice(options);
        v.push(255);
        v
    }

    fn notes(s: &AppState) -> Vec<String> {
        let mut v: Vec<_> = s
            .notes
            .list
            .iter()
            .map(|n| format!("{} {} {} {}", n.kind, n.by_server, n.value, n.detail))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn discover_and_offer() {
        let mut s = AppState::new(AppProto::It(ItProto::Dhcp), true, 67);
        let d = message(
            1,
            &[
                53, 1, 1, 12, 3, b'p', b'l', b'c', 55, 3, 1, 3, 6, 60, 4, b'M', b'S', b'F', b'T',
                61, 3, 1, 0xaa, 0xbb, 50, 4, 10, 0, 0, 50,
            ],
        );
        let o = message(
            2,
            &[
                53, 1, 2, 54, 4, 10, 0, 0, 1, 3, 4, 10, 0, 0, 1, 6, 8, 10, 0, 0, 2, 10, 0, 0, 3,
            ],
        );
        pdu(&mut s, ItProto::Dhcp, &d, 0);
        pdu(&mut s, ItProto::Dhcp, &o, 1);
        assert_eq!(
            notes(&s),
            vec![
                "dhcp_client_id false 01:aa:bb ",
                "dhcp_dns_server true 10.0.0.2 ",
                "dhcp_dns_server true 10.0.0.3 ",
                "dhcp_fingerprint false 1,3,6 ",
                "dhcp_message false Discover ",
                "dhcp_message true Offer ",
                "dhcp_offer true 10.0.0.50 00:0e:8c:01:02:03",
                "dhcp_requested_ip false 10.0.0.50 ",
                "dhcp_router true 10.0.0.1 ",
                "dhcp_server_id true 10.0.0.1 ",
                "dhcp_vendor_class false MSFT ",
                "host_name false plc ",
            ]
        );
        for i in 0..d.len() {
            pdu(&mut s, ItProto::Dhcp, &d[..i], 0);
            pdu(&mut s, ItProto::Dhcpv6, &d[..i], 0);
        }
    }

    #[test]
    fn v6_solicit() {
        let mut s = AppState::new(AppProto::It(ItProto::Dhcpv6), true, 547);
        let mut m = vec![1, 0, 0, 7];
        m.extend_from_slice(&[0, 39, 0, 7, 1, 3, b'p', b'l', b'c', 0, 0]);
        m.extend_from_slice(&[0, 16, 0, 10, 0, 0, 1, 55, 0, 4, b'M', b'S', b'F', b'T']);
        pdu(&mut s, ItProto::Dhcpv6, &m, 0);
        assert_eq!(
            notes(&s),
            vec![
                "dhcp_message false SOLICIT ",
                "dhcp_vendor_class false MSFT 311",
                "host_name false plc ",
            ]
        );
        for i in 0..m.len() {
            pdu(&mut s, ItProto::Dhcpv6, &m[..i], 0);
        }
    }
}
