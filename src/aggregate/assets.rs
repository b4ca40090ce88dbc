//! The passive asset inventory: one asset per endpoint, with the protocols it serves
//! and uses, and the identity its own protocols disclosed (each fact with its frame).
//! Roles are set afterwards from what each host does (`super::roles`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use super::endpoints::{Addr, Endpoint};
use crate::flow::arp::ArpBinding;
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
    /// The main role (`super::roles`), and every role with what showed it.
    pub role: Option<&'static str>,
    pub role_evidence: Vec<String>,
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
                names: BTreeSet::new(),
                role: None,
                role_evidence: Vec::new(),
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
            let own = (if n.by_server { server } else { client }, c.key.v6);
            // A DHCP client's requests are a fingerprint of its stack (identity).
            if let ("dhcp_fingerprint" | "dhcp_vendor_class", Some(&i)) = (n.kind, by_ip.get(&own))
            {
                assets[i].identity.entry(n.kind).or_insert(IdentityFact {
                    value: n.value.clone(),
                    protocol: s.proto.id(),
                    frame: n.first.frame,
                });
                continue;
            }
            let at = match n.kind {
                "host_name" => Some(own),
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
            // LLDP/CDP system names and PROFINET names of station name the host.
            if fact.field == "name" && a.names.len() < MAX_NAMES {
                a.names.insert(fact.value.clone());
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ip4(a: [u8; 4]) -> Addr {
        let mut b = [0; 16];
        b[10] = 0xff;
        b[11] = 0xff;
        b[12..].copy_from_slice(&a);
        Addr::Ip(b, false)
    }

    fn binding(ip: [u8; 4], mac: [u8; 6], frame: u64) -> ArpBinding {
        ArpBinding {
            ip,
            vlan: 0,
            mac,
            first_ts: 0,
            last_ts: 0,
            first_frame: (0, frame),
            frames: 1,
            gratuitous: 0,
            took_over: 0,
            conflict: false,
        }
    }

    #[test]
    fn arp_gives_a_mac_to_an_asset_without_one() {
        let e = |addr, mac| Endpoint {
            addr,
            mac,
            sent: Default::default(),
            received: Default::default(),
            first_ts: 0,
            last_ts: 0,
            protocols: Default::default(),
            vendor: None,
        };
        let own = [2, 0, 0, 0, 0, 1];
        let endpoints = [
            e(ip4([10, 0, 0, 1]), None),
            e(ip4([10, 0, 0, 2]), Some(own)),
            e(ip4([10, 0, 0, 3]), None),
        ];
        let arp = [
            binding([10, 0, 0, 1], [2, 0, 0, 0, 0, 9], 7),
            binding([10, 0, 0, 1], [2, 0, 0, 0, 0, 8], 3),
            binding([10, 0, 0, 2], [2, 0, 0, 0, 0, 7], 1),
        ];
        let a = build(&endpoints, &[], &[], &[], &arp);
        let macs: Vec<_> = a.iter().map(|x| x.endpoint.mac).collect();
        // The first binding by frame; a MAC of the asset's own frames stays.
        assert_eq!(macs, vec![Some([2, 0, 0, 0, 0, 8]), Some(own), None]);
    }
}
