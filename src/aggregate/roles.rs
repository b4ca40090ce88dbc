//! Asset roles from what each host does, never from the ports it was seen on:
//!
//! | role | shown by |
//! |---|---|
//! | `controller` | answers industrial requests (Modbus, S7, CIP, DNP3, IEC 104, BACnet, OPC UA, PROFINET IO CM) |
//! | `ied` | answers MMS, or publishes GOOSE or Sampled Values |
//! | `engineering_workstation` | sends program operations (block or program download, upload, delete) |
//! | `hmi_scada` | sends control commands (operate, start/stop, IEC 104 commands), or industrial requests to two or more controllers |
//! | `network_device` | answers SNMP, or announces bridge/router capabilities in LLDP or CDP |
//! | `service` | answers DNS, NTP or DHCP |
//!
//! A host may show several; `role` is the first in the table's order, and
//! `role_evidence` lists each with what showed it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::assets::Asset;
use super::endpoints::Addr;
use crate::dissect::OpClass;
use crate::flow::app::{AppProto, OpKey, OpStat};
use crate::flow::it::ItProto;
use crate::flow::l2::{L2App, L2Flow};
use crate::flow::Conv;
use crate::report::addr_text;

const ORDER: [&str; 6] = [
    "controller",
    "ied",
    "engineering_workstation",
    "hmi_scada",
    "network_device",
    "service",
];

type Ip = ([u8; 16], bool);

/// What one host was seen doing.
#[derive(Default)]
struct Doing {
    /// Industrial protocol answered -> its clients.
    serves: BTreeMap<&'static str, BTreeSet<Ip>>,
    /// Industrial protocol requested -> the servers.
    polls: BTreeMap<&'static str, BTreeSet<Ip>>,
    /// Program operations sent: protocol -> servers.
    engineers: BTreeMap<&'static str, BTreeSet<Ip>>,
    /// Control commands sent: protocol -> servers.
    controls: BTreeMap<&'static str, BTreeSet<Ip>>,
    /// IT services answered (`dns`, `ntp`, `dhcp`, `snmp`).
    services: BTreeSet<&'static str>,
}

fn list(set: &BTreeSet<Ip>, most: usize) -> String {
    let mut v: Vec<String> = set
        .iter()
        .take(most)
        .map(|(a, v6)| addr_text(a, *v6))
        .collect();
    if set.len() > most {
        v.push(format!("and {} more", set.len() - most));
    }
    v.join(", ")
}

/// Sets `role` and `role_evidence` of every asset.
pub fn assign(assets: &mut [Asset], ops: &[(OpKey, OpStat)], convs: &[Conv], l2: &[L2Flow]) {
    let mut by_ip: HashMap<Ip, Doing> = HashMap::new();
    for (k, _) in ops {
        if !k.request {
            continue;
        }
        let (client, server) = k.ends();
        let proto = k.proto.id();
        match k.proto {
            AppProto::It(ItProto::Snmp) => {
                by_ip.entry(server).or_default().services.insert("snmp");
            }
            AppProto::It(_) => {}
            _ => {
                by_ip
                    .entry(server)
                    .or_default()
                    .serves
                    .entry(proto)
                    .or_default()
                    .insert(client);
                let c = by_ip.entry(client).or_default();
                c.polls.entry(proto).or_default().insert(server);
                match k.class() {
                    OpClass::Program => {
                        c.engineers.entry(proto).or_default().insert(server);
                    }
                    OpClass::Control => {
                        c.controls.entry(proto).or_default().insert(server);
                    }
                    _ => {}
                }
            }
        }
    }
    for c in convs {
        let Some(s) = c.decoded() else { continue };
        let service = match s.proto {
            AppProto::It(ItProto::Dns) => "dns",
            AppProto::It(ItProto::Ntp) => "ntp",
            AppProto::It(ItProto::Dhcp | ItProto::Dhcpv6) => "dhcp",
            _ => continue,
        };
        // The server must have answered: packets from its side.
        let server_side = (s.server_is_lo != c.a_is_lo) as usize;
        if c.packets[server_side] == 0 {
            continue;
        }
        let server = if s.server_is_lo {
            (c.key.lo, c.key.v6)
        } else {
            (c.key.hi, c.key.v6)
        };
        by_ip.entry(server).or_default().services.insert(service);
    }
    // Link-layer senders by MAC: GOOSE/SV publishers, bridges and routers.
    let mut by_mac: HashMap<[u8; 6], BTreeSet<String>> = HashMap::new();
    for f in l2 {
        let said = match f.key.app {
            L2App::Goose => Some("ied: publishes GOOSE".to_string()),
            L2App::Sv => Some("ied: publishes Sampled Values".to_string()),
            L2App::Lldp | L2App::Cdp => f
                .facts
                .iter()
                .find(|x| x.field == "capabilities")
                .map(|x| x.value.to_ascii_lowercase())
                .filter(|caps| caps.contains("bridge") || caps.contains("router"))
                .map(|_| {
                    format!(
                        "network_device: announces bridge/router in {}",
                        f.key.app.id()
                    )
                }),
            _ => None,
        };
        if let Some(said) = said {
            by_mac.entry(f.key.src).or_default().insert(said);
        }
    }
    for a in assets.iter_mut() {
        let mut found: Vec<(&'static str, String)> = Vec::new();
        let mac = match a.endpoint.addr {
            Addr::Mac(m) => Some(m),
            Addr::Ip(..) => a.endpoint.mac,
        };
        if let Addr::Ip(ip, v6) = a.endpoint.addr {
            if let Some(d) = by_ip.get(&(ip, v6)) {
                for (proto, clients) in &d.serves {
                    let role = if *proto == "mms" { "ied" } else { "controller" };
                    found.push((
                        role,
                        format!("{role}: answers {proto} requests from {}", list(clients, 3)),
                    ));
                }
                for (proto, servers) in &d.engineers {
                    found.push((
                        "engineering_workstation",
                        format!(
                            "engineering_workstation: sends {proto} program operations to {}",
                            list(servers, 3)
                        ),
                    ));
                }
                for (proto, servers) in &d.controls {
                    found.push((
                        "hmi_scada",
                        format!(
                            "hmi_scada: sends {proto} control commands to {}",
                            list(servers, 3)
                        ),
                    ));
                }
                let polled: BTreeSet<Ip> = d.polls.values().flatten().copied().collect();
                if polled.len() >= 2 {
                    let protos: Vec<&str> = d.polls.keys().copied().collect();
                    found.push((
                        "hmi_scada",
                        format!(
                            "hmi_scada: polls {} controllers ({})",
                            polled.len(),
                            protos.join(", ")
                        ),
                    ));
                }
                for s in &d.services {
                    let role = if *s == "snmp" {
                        "network_device"
                    } else {
                        "service"
                    };
                    found.push((role, format!("{role}: answers {s}")));
                }
            }
        }
        if let Some(said) = mac.and_then(|m| by_mac.get(&m)) {
            for s in said {
                let role = if s.starts_with("ied") {
                    "ied"
                } else {
                    "network_device"
                };
                found.push((role, s.clone()));
            }
        }
        found.sort_by_key(|(r, e)| (ORDER.iter().position(|x| x == r), e.clone()));
        found.dedup();
        a.role = found.first().map(|(r, _)| *r);
        a.role_evidence = found.into_iter().map(|(_, e)| e).collect();
    }
}
