//! The passive asset inventory: one asset per endpoint, with the protocols it serves
//! and uses, and the identity its own protocols disclosed (each fact with its frame).
//! Roles come later, from what a host does (issue 5).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use super::endpoints::{Addr, Endpoint};
use crate::flow::l2::{L2App, L2Flow};
use crate::flow::Conv;

/// Most names kept per asset.
const MAX_NAMES: usize = 16;

/// An address as flow keys hold it (IPv4 in the last four bytes).
fn flow_addr(ip: IpAddr) -> ([u8; 16], bool) {
    match ip {
        IpAddr::V4(a) => {
            let mut b = [0u8; 16];
            b[12..].copy_from_slice(&a.octets());
            (b, false)
        }
        IpAddr::V6(a) => (a.octets(), true),
    }
}

/// An identity fact as the inventory shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityFact {
    pub value: String,
    pub protocol: &'static str,
    /// (capture index, frame) that disclosed it.
    pub frame: (u32, u64),
}

#[derive(Clone, Debug)]
pub struct Asset {
    pub endpoint: Endpoint,
    pub protocols_served: BTreeSet<String>,
    pub protocols_used: BTreeSet<String>,
    /// Field (`vendor`, `model`, `firmware`, `serial`, ...) to the first fact seen.
    pub identity: BTreeMap<&'static str, IdentityFact>,
    /// Names the IT protocols gave the host (its own announcements, DNS answers).
    pub names: BTreeSet<String>,
}

/// Builds the inventory in endpoint order. `conv_app` names each conversation's
/// protocol; the server side of a flow is the one its decoder identified, or the
/// answering side of a TCP handshake for a port-only match. `l2` are the link-layer
/// flows: their sender is the asset with that MAC (its MAC-only row, else the first
/// IP endpoint seen with that MAC).
pub fn build(
    endpoints: &[Endpoint],
    convs: &[Conv],
    conv_app: &[Option<String>],
    l2: &[L2Flow],
) -> Vec<Asset> {
    let mut by_ip: HashMap<([u8; 16], bool), usize> = HashMap::new();
    let mut by_mac: HashMap<[u8; 6], usize> = HashMap::new();
    for (i, e) in endpoints.iter().enumerate() {
        if let Addr::Mac(m) = e.addr {
            by_mac.insert(m, i);
        }
    }
    for (i, e) in endpoints.iter().enumerate() {
        if let (Addr::Ip(..), Some(m)) = (&e.addr, e.mac) {
            by_mac.entry(m).or_insert(i);
        }
    }
    let mut assets: Vec<Asset> = endpoints
        .iter()
        .enumerate()
        .map(|(i, e)| {
            if let Addr::Ip(a, v6) = e.addr {
                by_ip.insert((a, v6), i);
            }
            Asset {
                endpoint: e.clone(),
                protocols_served: BTreeSet::new(),
                protocols_used: BTreeSet::new(),
                identity: BTreeMap::new(),
                names: BTreeSet::new(),
            }
        })
        .collect();
    for (c, app) in convs.iter().zip(conv_app) {
        let Some(proto) = app else { continue };
        let (a, b) = c.ends();
        let server_is_lo = match (c.app.as_deref(), c.initiator) {
            (Some(s), _) if s.frames > 0 => Some(s.server_is_lo),
            (_, 1) => Some(b.0 == c.key.lo && b.1 == c.key.lo_port),
            (_, 2) => Some(a.0 == c.key.lo && a.1 == c.key.lo_port),
            _ => None,
        };
        let Some(server_is_lo) = server_is_lo else {
            continue;
        };
        let (server, client) = if server_is_lo {
            (c.key.lo, c.key.hi)
        } else {
            (c.key.hi, c.key.lo)
        };
        if let Some(&i) = by_ip.get(&(server, c.key.v6)) {
            assets[i].protocols_served.insert(proto.clone());
        }
        if let Some(&i) = by_ip.get(&(client, c.key.v6)) {
            assets[i].protocols_used.insert(proto.clone());
        }
        if let Some(s) = c.app.as_deref() {
            for f in &s.facts {
                let who = if f.by_server { server } else { client };
                if let Some(&i) = by_ip.get(&(who, c.key.v6)) {
                    let fact = IdentityFact {
                        value: f.value.clone(),
                        protocol: s.proto.id(),
                        frame: f.frame,
                    };
                    assets[i].identity.entry(f.field).or_insert(fact);
                }
            }
        }
    }
    // Names: what a side said its own name is, and addresses DNS answers resolved.
    for c in convs {
        let Some(s) = c.app.as_deref() else { continue };
        let (server, client) = if s.server_is_lo {
            (c.key.lo, c.key.hi)
        } else {
            (c.key.hi, c.key.lo)
        };
        for n in &s.notes.list {
            let at = match n.kind {
                "host_name" => Some((if n.by_server { server } else { client }, c.key.v6)),
                "dns_answer" => n.detail.parse::<IpAddr>().ok().map(flow_addr),
                _ => None,
            };
            if let Some(&i) = at.as_ref().and_then(|k| by_ip.get(k)) {
                if assets[i].names.len() < MAX_NAMES {
                    assets[i].names.insert(n.value.clone());
                }
            }
        }
    }
    for f in l2 {
        let Some(&i) = by_mac.get(&f.key.src) else {
            continue;
        };
        let proto = f.key.app.id();
        let a = &mut assets[i];
        // Publishers and responders serve; a DCP requester uses.
        let serves = f.key.app != L2App::ProfinetDcp
            || f.ops
                .iter()
                .any(|(id, _)| !id.request || id.function == profinet_hello());
        let uses = f.key.app == L2App::ProfinetDcp
            && f.ops
                .iter()
                .any(|(id, _)| id.request && id.function != profinet_hello());
        if serves {
            a.protocols_served.insert(proto.to_string());
        }
        if uses {
            a.protocols_used.insert(proto.to_string());
        }
        for fact in &f.facts {
            a.identity.entry(fact.field).or_insert(IdentityFact {
                value: fact.value.clone(),
                protocol: proto,
                frame: fact.frame,
            });
        }
    }
    assets
}

fn profinet_hello() -> u16 {
    crate::dissect::profinet::ServiceId::HELLO.0 as u16
}
