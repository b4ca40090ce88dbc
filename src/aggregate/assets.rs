//! The passive asset inventory: one asset per endpoint, with the protocols it serves
//! and uses, and the identity its own protocols disclosed (each fact with its frame).
//! Roles come later, from what a host does (issue 5).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::endpoints::{Addr, Endpoint};
use crate::flow::arp::ArpBinding;
use crate::flow::l2::{L2App, L2Flow};
use crate::flow::Conv;

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
}

/// Builds the inventory in endpoint order. `conv_app` names each conversation's
/// protocol; the server side of a flow is the one its decoder identified, or the
/// answering side of a TCP handshake for a port-only match. `l2` are the link-layer
/// flows: their sender is the asset with that MAC (its MAC-only row, else the first
/// IP endpoint seen with that MAC). An IPv4 asset without a MAC takes the one ARP
/// bound to it first (`arp` in address order).
pub fn build(
    endpoints: &[Endpoint],
    convs: &[Conv],
    conv_app: &[Option<String>],
    l2: &[L2Flow],
    arp: &[ArpBinding],
) -> Vec<Asset> {
    let mut arp_mac: HashMap<[u8; 4], (u32, u64, [u8; 6])> = HashMap::new();
    for b in arp {
        let e = arp_mac
            .entry(b.ip)
            .or_insert((b.first_frame.0, b.first_frame.1, b.mac));
        *e = (*e).min((b.first_frame.0, b.first_frame.1, b.mac));
    }
    let mac_of = |e: &Endpoint| match e.addr {
        Addr::Ip(a, false) if e.mac.is_none() => {
            let v4 = [a[12], a[13], a[14], a[15]];
            arp_mac.get(&v4).map(|x| x.2)
        }
        _ => e.mac,
    };
    let mut by_ip: HashMap<([u8; 16], bool), usize> = HashMap::new();
    let mut by_mac: HashMap<[u8; 6], usize> = HashMap::new();
    for (i, e) in endpoints.iter().enumerate() {
        if let Addr::Mac(m) = e.addr {
            by_mac.insert(m, i);
        }
    }
    for (i, e) in endpoints.iter().enumerate() {
        if let (Addr::Ip(..), Some(m)) = (&e.addr, mac_of(e)) {
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
            let mut endpoint = e.clone();
            endpoint.mac = mac_of(e);
            Asset {
                endpoint,
                protocols_served: BTreeSet::new(),
                protocols_used: BTreeSet::new(),
                identity: BTreeMap::new(),
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
    for f in l2 {
        let Some(&i) = by_mac.get(&f.key.src) else {
            continue;
        };
        if f.key.app == L2App::Arp {
            // Every host speaks ARP: it says nothing of what the asset serves.
            continue;
        }
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
