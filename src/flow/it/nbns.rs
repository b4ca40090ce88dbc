//! Flow glue for the NetBIOS Name Service (UDP 137, RFC 1002): DNS-format messages whose
//! names are NetBIOS names in first-level encoding. Queries give `nbns_query` (name,
//! suffix such as `<00>`); names a host registers, refreshes or releases, answers for
//! at its own address, or lists in a node status response give `host_name` (unique
//! names) or `nbns_domain` (group names), with the suffix as detail.

use super::{dns::mapped, ItProto, ItState};
use crate::dissect::dns::{self, Name, Section, Type};
use crate::flow::app::{AppState, Pdu};

/// NB_FLAGS / NAME_FLAGS: a group name.
const GROUP: u16 = 0x8000;

/// A NetBIOS name: 15 characters (trailing spaces removed) and the suffix byte.
struct NbName {
    name: [u8; 15],
    len: usize,
    suffix: u8,
}

impl NbName {
    fn from_raw(raw: &[u8; 16]) -> NbName {
        let mut name = [0; 15];
        name.copy_from_slice(&raw[..15]);
        let len = name
            .iter()
            .rposition(|&c| c != b' ' && c != 0)
            .map_or(0, |i| i + 1);
        NbName {
            name,
            len,
            suffix: raw[15],
        }
    }

    /// The first label of an encoded name: 32 characters `A`..`P`, two per byte.
    fn decode(n: &Name<'_>) -> Option<NbName> {
        let label = n.labels().next()?;
        let label: &[u8; 32] = label.try_into().ok()?;
        let mut raw = [0u8; 16];
        for (i, pair) in label.chunks_exact(2).enumerate() {
            let hi = pair[0].wrapping_sub(b'A');
            let lo = pair[1].wrapping_sub(b'A');
            if hi > 15 || lo > 15 {
                return None;
            }
            raw[i] = hi << 4 | lo;
        }
        Some(NbName::from_raw(&raw))
    }

    fn text(&self) -> &[u8] {
        &self.name[..self.len]
    }

    fn suffix(&self) -> [u8; 4] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        [
            b'<',
            HEX[(self.suffix >> 4) as usize],
            HEX[(self.suffix & 15) as usize],
            b'>',
        ]
    }
}

/// A name the sender owns: unique names are its host names, group names its domain or
/// workgroup.
fn own(s: &mut AppState, by_server: bool, n: &NbName, flags: u16) {
    let kind = if flags & GROUP != 0 {
        "nbns_domain"
    } else {
        "host_name"
    };
    s.note(kind, by_server, n.text(), &n.suffix());
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    let Ok(m) = dns::parse(b) else {
        // tshark shows any non-empty datagram on the port as NBNS (malformed if short).
        return if b.is_empty() {
            Pdu::NotMine
        } else {
            Pdu::plain(b.len(), true)
        };
    };
    let sender = match &s.it {
        ItState::Names(x) => Some(x.addr[dir & 1]),
        _ => None,
    };
    let by_server = dir == 1;
    let opcode = m.opcode();
    if !m.is_response() && opcode == 0 {
        for q in m.questions() {
            if let Some(n) = NbName::decode(&q.name) {
                s.note("nbns_query", by_server, n.text(), &n.suffix());
            }
        }
    }
    // Registration (5), release (6), refresh (8, and 9 as some stacks send it) and
    // multi-homed registration (15) requests carry the name with its flags; positive
    // responses answer for it.
    let claims = !m.is_response() && matches!(opcode, 5 | 6 | 8 | 9 | 15);
    let answers = m.is_response() && m.rcode() == dns::Rcode::NO_ERROR;
    if claims || answers {
        for r in m.records() {
            match r.rtype {
                Type::NB if claims || r.section == Section::Answer => {
                    let Some(n) = NbName::decode(&r.name) else {
                        continue;
                    };
                    // NB_FLAGS and an IPv4 address per entry; the sender's own only.
                    for e in r.rdata.chunks_exact(6) {
                        let addr = std::net::Ipv4Addr::new(e[2], e[3], e[4], e[5]);
                        if claims || sender == Some(mapped(addr.into())) {
                            own(s, by_server, &n, u16::from_be_bytes([e[0], e[1]]));
                            break;
                        }
                    }
                }
                Type::NBSTAT if answers && r.section == Section::Answer => {
                    // NUM_NAMES, then 15 characters, suffix and NAME_FLAGS per name.
                    let Some((&count, rest)) = r.rdata.split_first() else {
                        continue;
                    };
                    for e in rest.chunks_exact(18).take(count as usize) {
                        let Ok(raw) = <&[u8; 16]>::try_from(&e[..16]) else {
                            continue;
                        };
                        let n = NbName::from_raw(raw);
                        own(s, by_server, &n, u16::from_be_bytes([e[16], e[17]]));
                    }
                }
                _ => {}
            }
        }
    }
    Pdu::plain(b.len(), true)
}

#[cfg(test)]
mod tests {
    use super::super::dns::Peers;
    use super::*;
    use crate::flow::app::AppProto;

    fn encode(name: &str, suffix: u8) -> Vec<u8> {
        let mut raw = [b' '; 16];
        raw[..name.len()].copy_from_slice(name.as_bytes());
        raw[15] = suffix;
        let mut v = vec![32];
        for c in raw {
            v.push(b'A' + (c >> 4));
            v.push(b'A' + (c & 15));
        }
        v.push(0);
        v
    }

    fn header(flags: u16, counts: [u16; 4]) -> Vec<u8> {
        let mut v = vec![0x80, 0x01];
        v.extend_from_slice(&flags.to_be_bytes());
        for c in counts {
            v.extend_from_slice(&c.to_be_bytes());
        }
        v
    }

    fn state() -> AppState {
        let mut s = AppState::new(AppProto::It(ItProto::Nbns), true, 137);
        let mut server = [0; 16];
        server[10..].copy_from_slice(&[0xff, 0xff, 10, 0, 0, 9]);
        s.it = ItState::Names(Peers {
            tcp: false,
            addr: [[0; 16], server],
        });
        s
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

    fn messages() -> Vec<Vec<u8>> {
        // Query for PLC01<00>.
        let mut q = header(0x0110, [1, 0, 0, 0]);
        q.extend(encode("PLC01", 0));
        q.extend_from_slice(&[0, 32, 0, 1]);
        // Registration of WORKGROUP<00> (group) by the client.
        let mut r = header(0x2910, [1, 0, 0, 1]);
        r.extend(encode("WORKGROUP", 0));
        r.extend_from_slice(&[0, 32, 0, 1]);
        r.extend_from_slice(&[0xc0, 12, 0, 32, 0, 1, 0, 0, 0, 0, 0, 6]);
        r.extend_from_slice(&[0x80, 0, 10, 0, 0, 1]);
        // Positive response: PLC01<00> at the responder's own address.
        let mut a = header(0x8500, [0, 1, 0, 0]);
        a.extend(encode("PLC01", 0));
        a.extend_from_slice(&[0, 32, 0, 1, 0, 0, 0, 0, 0, 6, 0, 0, 10, 0, 0, 9]);
        // Node status response: PLC01<20> unique, PLANT<1e> group.
        let mut n = header(0x8400, [0, 1, 0, 0]);
        n.extend(encode("*", 0));
        n.extend_from_slice(&[0, 33, 0, 1, 0, 0, 0, 0, 0, 37, 2]);
        n.extend_from_slice(b"PLC01          \x20\x04\x00");
        n.extend_from_slice(b"PLANT          \x1e\x84\x00");
        vec![q, r, a, n]
    }

    #[test]
    fn names() {
        let mut s = state();
        let m = messages();
        for (i, b) in m.iter().enumerate() {
            let dir = if i == 0 || i == 1 { 0 } else { 1 };
            assert!(matches!(
                pdu(&mut s, ItProto::Nbns, b, dir),
                Pdu::Done { counts: true, .. }
            ));
        }
        assert_eq!(
            notes(&s),
            vec![
                "host_name true PLC01 <00>",
                "host_name true PLC01 <20>",
                "nbns_domain false WORKGROUP <00>",
                "nbns_domain true PLANT <1e>",
                "nbns_query false PLC01 <00>",
            ]
        );
    }

    #[test]
    fn truncation_never_panics() {
        let mut s = state();
        for b in messages() {
            for n in 0..=b.len() {
                pdu(&mut s, ItProto::Nbns, &b[..n], n & 1);
            }
        }
    }
}
