//! Endpoints: one row per IP address (from conversations plus IP packets outside
//! them), and one per MAC address seen only in frames without IP.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::{Count, Counters};
use crate::flow::Conv;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Addr {
    Ip([u8; 16], bool),
    Mac([u8; 6]),
}

#[derive(Clone, Debug)]
pub struct Endpoint {
    pub addr: Addr,
    pub mac: Option<[u8; 6]>,
    pub sent: Count,
    pub received: Count,
    pub first_ts: i64,
    pub last_ts: i64,
    pub protocols: BTreeSet<String>,
    /// Organization of the MAC's IEEE block (set by `Analysis::finish`).
    pub vendor: Option<String>,
}

impl Endpoint {
    /// The address scope of an IP endpoint (`None` for a MAC-only one).
    pub fn scope(&self) -> Option<super::scope::Scope> {
        match &self.addr {
            Addr::Ip(a, v6) => Some(super::scope::of(a, *v6)),
            Addr::Mac(_) => None,
        }
    }
}

impl Endpoint {
    fn new(addr: Addr, first_ts: i64, last_ts: i64) -> Endpoint {
        Endpoint {
            addr,
            mac: None,
            sent: Count::default(),
            received: Count::default(),
            first_ts,
            last_ts,
            protocols: BTreeSet::new(),
            vendor: None,
        }
    }
}

/// Builds the endpoint table; `convs` are in output order and `proto_of` names each
/// conversation's protocol. Rows are sorted by total packets, then address.
pub fn build(
    convs: &[Conv],
    proto_of: impl Fn(&Conv) -> String,
    counters: &Counters,
) -> Vec<Endpoint> {
    let mut ips: BTreeMap<([u8; 16], bool), Endpoint> = BTreeMap::new();
    for c in convs {
        let (a, b) = c.ends();
        let proto = proto_of(c);
        for (side, addr) in [(0usize, a.0), (1, b.0)] {
            let e = ips
                .entry((addr, c.key.v6))
                .or_insert_with(|| Endpoint::new(Addr::Ip(addr, c.key.v6), c.first_ts, c.last_ts));
            e.sent.merge(Count {
                packets: c.packets[side],
                bytes: c.bytes[side],
            });
            e.received.merge(Count {
                packets: c.packets[1 - side],
                bytes: c.bytes[1 - side],
            });
            e.first_ts = e.first_ts.min(c.first_ts);
            e.last_ts = e.last_ts.max(c.last_ts);
            if e.mac.is_none() {
                e.mac = c.mac[side];
            }
            if e.protocols.len() < 64 {
                e.protocols.insert(proto.clone());
            }
        }
    }
    for ((addr, v6), s) in &counters.ip_extra {
        if s.sent.packets == 0 && s.received.packets == 0 {
            continue;
        }
        let e = ips
            .entry((*addr, *v6))
            .or_insert_with(|| Endpoint::new(Addr::Ip(*addr, *v6), s.first_ts, s.last_ts));
        e.sent.merge(s.sent);
        e.received.merge(s.received);
        e.first_ts = e.first_ts.min(s.first_ts);
        e.last_ts = e.last_ts.max(s.last_ts);
    }
    let ip_macs: HashSet<[u8; 6]> = ips.values().filter_map(|e| e.mac).collect();
    let mut rows: Vec<Endpoint> = ips.into_values().collect();
    let mut macs: Vec<_> = counters
        .macs
        .iter()
        .filter(|(m, _)| !ip_macs.contains(*m))
        .collect();
    macs.sort_by_key(|(m, _)| **m);
    for (mac, s) in macs {
        let mut e = Endpoint::new(Addr::Mac(*mac), s.first_ts, s.last_ts);
        e.mac = Some(*mac);
        e.sent = s.sent;
        e.protocols = s.protocols.iter().map(|p| p.id()).collect();
        rows.push(e);
    }
    rows.sort_by(|x, y| {
        let tx = x.sent.packets + x.received.packets;
        let ty = y.sent.packets + y.received.packets;
        ty.cmp(&tx).then_with(|| key(&x.addr).cmp(&key(&y.addr)))
    });
    rows
}

fn key(a: &Addr) -> (u8, [u8; 16]) {
    match a {
        Addr::Ip(b, v6) => (*v6 as u8, *b),
        Addr::Mac(m) => {
            let mut k = [0u8; 16];
            k[..6].copy_from_slice(m);
            (2, k)
        }
    }
}
