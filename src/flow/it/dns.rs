//! Flow glue for DNS (UDP and TCP 53), mDNS (5353) and LLMNR (5355): every question
//! is a `dns_query` (name, type) of the side that sent it (a response repeats its
//! query's), answers give `dns_answer` (name and the address, or the CNAME/PTR target),
//! errors `dns_rcode`; an mDNS or LLMNR responder naming its own address gives its
//! `host_name`.

use std::net::IpAddr;

use super::{ItProto, ItState};
use crate::dissect::dns::{self, Message, Name, Section, Type};
use crate::flow::app::{AppState, Pdu};
use crate::flow::FlowKey;

/// What the name protocols need to know of their flow.
#[derive(Clone, Copy, Debug, Default)]
pub struct Peers {
    /// Over TCP (DNS messages then carry a two-byte length).
    pub tcp: bool,
    /// Address of the client and of the server side (IPv4 mapped into IPv6).
    pub addr: [[u8; 16]; 2],
}

impl Peers {
    pub fn new(key: &FlowKey, server_is_lo: bool) -> Peers {
        let (client, server) = if server_is_lo {
            (key.hi, key.lo)
        } else {
            (key.lo, key.hi)
        };
        Peers {
            tcp: key.proto == 6,
            addr: [client, server],
        }
    }
}

/// The address `a` as the flow key stores it.
pub(crate) fn mapped(a: IpAddr) -> [u8; 16] {
    match a {
        IpAddr::V4(v) => v.to_ipv6_mapped().octets(),
        IpAddr::V6(v) => v.octets(),
    }
}

pub(crate) fn pdu(s: &mut AppState, p: ItProto, b: &[u8], dir: usize) -> Pdu {
    let peers = match &s.it {
        ItState::Names(x) => Some(*x),
        _ => None,
    };
    let parsed = if peers.is_some_and(|x| x.tcp) {
        dns::parse_tcp(b)
    } else {
        dns::parse(b).map(|m| (m, b.len()))
    };
    match parsed {
        Ok((m, len)) => {
            notes(s, p, &m, dir, peers.map(|x| x.addr[dir & 1]));
            Pdu::plain(len, true)
        }
        Err(dns::Error::Short { .. }) if peers.is_some_and(|x| x.tcp) => Pdu::Short,
        // tshark takes any datagram on the port as DNS, short ones as malformed.
        Err(dns::Error::Short { .. }) if !b.is_empty() => Pdu::plain(b.len(), true),
        Err(_) => Pdu::NotMine,
    }
}

/// The name as tshark prints it, lower-cased, into `buf` (cleared): labels joined by
/// dots, control bytes escaped C-style (octal where C has no letter), `<Root>`, `<Name too long>`,
/// `<Unknown extended label>`. None for a name cut short or with a bad pointer.
pub(crate) fn name_text<'b>(n: &Name<'_>, buf: &'b mut Vec<u8>) -> Option<&'b [u8]> {
    buf.clear();
    match n.write(buf, true) {
        dns::End::Complete => {}
        dns::End::TooLong => {
            buf.clear();
            buf.extend_from_slice(b"<Name too long>");
        }
        dns::End::Extended => {
            buf.clear();
            buf.extend_from_slice(b"<Unknown extended label>");
        }
        dns::End::Truncated | dns::End::BadPointer => return None,
    }
    if buf.iter().any(|&c| c < 0x20 || c == 0x7f) {
        let raw = std::mem::take(buf);
        for c in raw {
            match c {
                0x07 => buf.extend_from_slice(b"\\a"),
                0x08 => buf.extend_from_slice(b"\\b"),
                0x0c => buf.extend_from_slice(b"\\f"),
                b'\n' => buf.extend_from_slice(b"\\n"),
                b'\r' => buf.extend_from_slice(b"\\r"),
                b'\t' => buf.extend_from_slice(b"\\t"),
                0x0b => buf.extend_from_slice(b"\\v"),
                c if c < 0x20 || c == 0x7f => buf.extend_from_slice(&[
                    b'\\',
                    b'0' + (c >> 6),
                    b'0' + (c >> 3 & 7),
                    b'0' + (c & 7),
                ]),
                c => buf.push(c),
            }
        }
    }
    Some(buf)
}

/// A query type's mnemonic, or `TYPE<n>` (RFC 3597).
pub(crate) fn type_text(t: Type) -> std::borrow::Cow<'static, str> {
    match t.name() {
        Some(n) => n.into(),
        None => format!("TYPE{}", t.0).into(),
    }
}

/// Records what one message says; `sender` is the sending side's address.
fn notes(s: &mut AppState, p: ItProto, m: &Message<'_>, dir: usize, sender: Option<[u8; 16]>) {
    let by_server = dir == 1;
    let mut name = Vec::new();
    let mut first_q: Option<Vec<u8>> = None;
    let mut qs = m.questions();
    for q in qs.by_ref() {
        let Some(n) = name_text(&q.name, &mut name) else {
            continue;
        };
        s.note("dns_query", by_server, n, type_text(q.qtype).as_bytes());
        if first_q.is_none() {
            first_q = Some(n.to_vec());
        }
    }
    // A name that stopped the questions (an extended label): tshark still shows it.
    let extended = |n: &Name<'_>| {
        let mut l = n.labels();
        l.by_ref().for_each(drop);
        l.end() == dns::End::Extended
    };
    if let Some(n) = qs
        .broken()
        .filter(extended)
        .and_then(|q| name_text(&q, &mut name))
    {
        s.note("dns_query", by_server, n, b"");
    }
    if !m.is_response() {
        return;
    }
    if m.rcode() != dns::Rcode::NO_ERROR {
        let q = first_q.as_deref().unwrap_or_default();
        s.note("dns_rcode", by_server, m.rcode().name().as_bytes(), q);
    }
    let multicast = matches!(p, ItProto::Mdns | ItProto::Llmnr);
    let mut detail = Vec::new();
    for r in m.records() {
        // mDNS responders put their addresses in the additional section too.
        if r.section != Section::Answer && !(multicast && r.section == Section::Additional) {
            continue;
        }
        let Some(n) = name_text(&r.name, &mut name) else {
            continue;
        };
        if let Some(a) = r.addr() {
            s.note("dns_answer", by_server, n, a.to_string().as_bytes());
            if multicast && sender == Some(mapped(a)) {
                s.note("host_name", by_server, n, b"");
            }
        } else if let Some(t) = r
            .target()
            .filter(|_| matches!(r.rtype, Type::CNAME | Type::PTR))
        {
            if let Some(d) = name_text(&t, &mut detail) {
                s.note("dns_answer", by_server, n, d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::app::AppProto;

    fn header(flags: u16, counts: [u16; 4]) -> Vec<u8> {
        let mut v = vec![0x12, 0x34];
        v.extend_from_slice(&flags.to_be_bytes());
        for c in counts {
            v.extend_from_slice(&c.to_be_bytes());
        }
        v
    }

    fn name(n: &str) -> Vec<u8> {
        let mut v = Vec::new();
        for l in n.split('.') {
            v.push(l.len() as u8);
            v.extend_from_slice(l.as_bytes());
        }
        v.push(0);
        v
    }

    fn state(p: ItProto, tcp: bool) -> AppState {
        let mut s = AppState::new(AppProto::It(p), true, 53);
        let mut client = [0; 16];
        client[10..].copy_from_slice(&[0xff, 0xff, 10, 0, 0, 5]);
        s.it = ItState::Names(Peers {
            tcp,
            addr: [client, [0; 16]],
        });
        s
    }

    fn notes(s: &AppState) -> Vec<(String, bool, String, String)> {
        let mut v: Vec<_> = s
            .notes
            .list
            .iter()
            .map(|n| {
                (
                    n.kind.to_string(),
                    n.by_server,
                    n.value.clone(),
                    n.detail.clone(),
                )
            })
            .collect();
        v.sort();
        v
    }

    fn row(k: &str, srv: bool, v: &str, d: &str) -> (String, bool, String, String) {
        (k.into(), srv, v.into(), d.into())
    }

    #[test]
    fn query_answer_error() {
        let mut s = state(ItProto::Dns, false);
        let mut q = header(0x0100, [1, 0, 0, 0]);
        q.extend(name("Plc.Example"));
        q.extend_from_slice(&[0, 28, 0, 1]);
        assert!(
            matches!(pdu(&mut s, ItProto::Dns, &q, 0), Pdu::Done { len, counts: true, .. } if len == q.len())
        );
        let mut a = header(0x8180, [1, 2, 0, 0]);
        a.extend(name("Plc.Example"));
        a.extend_from_slice(&[0, 28, 0, 1]);
        a.extend_from_slice(&[0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 9, 0, 2, 0xc0, 16]);
        a.extend_from_slice(&[0xc0, 16, 0, 28, 0, 1, 0, 0, 0, 9, 0, 16]);
        a.extend_from_slice(&[0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        pdu(&mut s, ItProto::Dns, &a, 1);
        let mut e = header(0x8183, [1, 0, 0, 0]);
        e.extend(name("nope"));
        e.extend_from_slice(&[0, 1, 0, 1]);
        pdu(&mut s, ItProto::Dns, &e, 1);
        assert_eq!(
            notes(&s),
            vec![
                row("dns_answer", true, "example", "2001:db8::1"),
                row("dns_answer", true, "plc.example", "example"),
                row("dns_query", false, "plc.example", "AAAA"),
                row("dns_query", true, "nope", "A"),
                row("dns_query", true, "plc.example", "AAAA"),
                row("dns_rcode", true, "NXDomain", "nope"),
            ]
        );
        assert!(matches!(
            pdu(&mut s, ItProto::Dns, &[0; 5], 0),
            Pdu::Done { len: 5, .. }
        ));
        assert_eq!(notes(&s).len(), 6);
    }

    #[test]
    fn tcp_zone_transfer() {
        let mut s = state(ItProto::Dns, true);
        let mut q = header(0, [1, 0, 0, 0]);
        q.extend(name("plant.local"));
        q.extend_from_slice(&[0, 252, 0, 1]);
        let mut t = (q.len() as u16).to_be_bytes().to_vec();
        t.extend_from_slice(&q);
        assert!(matches!(
            pdu(&mut s, ItProto::Dns, &t[..t.len() - 1], 0),
            Pdu::Short
        ));
        assert!(
            matches!(pdu(&mut s, ItProto::Dns, &t, 0), Pdu::Done { len, .. } if len == t.len())
        );
        assert_eq!(
            notes(&s),
            vec![row("dns_query", false, "plant.local", "AXFR")]
        );
    }

    #[test]
    fn mdns_host_name_only_for_own_address() {
        let mut s = state(ItProto::Mdns, false);
        let mut a = header(0x8400, [0, 2, 0, 0]);
        a.extend(name("hmi.local"));
        a.extend_from_slice(&[0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 10, 0, 0, 5]);
        a.extend(name("other.local"));
        a.extend_from_slice(&[0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 10, 0, 0, 6]);
        pdu(&mut s, ItProto::Mdns, &a, 0);
        assert_eq!(
            notes(&s),
            vec![
                row("dns_answer", false, "hmi.local", "10.0.0.5"),
                row("dns_answer", false, "other.local", "10.0.0.6"),
                row("host_name", false, "hmi.local", ""),
            ]
        );
    }

    #[test]
    fn names_as_tshark_prints_them() {
        let text = |wire: &[u8]| {
            let mut b = Vec::new();
            name_text(&Name::at(wire, 0), &mut b).map(|t| String::from_utf8_lossy(t).into_owned())
        };
        assert_eq!(text(b"\x04A\x01\rB\x00").as_deref(), Some("a\\001\\rb"));
        assert_eq!(text(b"\x00").as_deref(), Some("<Root>"));
        assert_eq!(
            text(b"\x01a\x41").as_deref(),
            Some("<Unknown extended label>")
        );
        // Cut short, or a pointer forward: no name.
        assert_eq!(text(b"\x03ab"), None);
        assert_eq!(text(b"\x01a\xc0\x05\x00\x00"), None);
        let mut long = Vec::new();
        for _ in 0..5 {
            long.push(63);
            long.extend_from_slice(&[b'x'; 63]);
        }
        long.push(0);
        assert_eq!(text(&long).as_deref(), Some("<Name too long>"));
    }

    #[test]
    fn truncation_never_panics() {
        let mut a = header(0x8400, [1, 1, 0, 1]);
        a.extend(name("hmi.local"));
        a.extend_from_slice(&[0, 1, 0, 1]);
        a.extend_from_slice(&[0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 1, 0, 2, 0xc0, 12]);
        a.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4]);
        for p in [ItProto::Dns, ItProto::Mdns, ItProto::Llmnr] {
            for tcp in [false, true] {
                let mut s = state(p, tcp);
                for n in 0..=a.len() {
                    pdu(&mut s, p, &a[..n], n & 1);
                }
            }
        }
    }
}
