//! Expected versus observed: the checks that need site metadata (`--metadata`).
//!
//! What and why, per rule:
//! - `OT-ICS-UNEXPECTED-PLC-TALKER` (the reference tool's id): a host talked to a
//!   controller listed in `plc_allowed_talkers` without being one of its allowed
//!   sources, over all traffic, not a window of the first frames.
//! - `OT-META-UNLISTED-ASSET`: internal hosts that sent traffic but are in no
//!   `known_assets` or `expected_network_services` list (only when some are listed).
//! - `OT-META-ASSET-NOT-SEEN`: listed hosts that sent nothing in the capture.
//! - `OT-META-UNLISTED-SERVICE`: a host answered DNS, NTP or DHCP but is not in the
//!   site's list of those servers (when the list is given).
//! - `OT-META-VLAN`: VLAN ids seen that `capture_point.vlans_observed` does not list.
//! - `OT-META-IT-ACCESS`: with `it_network_access_allowed: false`, listed assets that
//!   talk to internal subnets where no listed asset lives.
//!
//! ATT&CK for ICS (v17) and NIST SP 800-82r3 themes: per rule in `RULES`.
//!
//! Example: `OT-ICS-UNEXPECTED-PLC-TALKER-001` "10.0.0.66 talked to controller
//! 10.0.0.10 (not an allowed source)", high when it sent writes, control or program
//! operations, else medium; candidate.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::{gather, Evidence, Finding, Rule, Severity, Status};
use crate::aggregate::scope::{self, Scope};
use crate::dissect::OpClass;
use crate::pipeline::Analysis;
use crate::report::ip_of;
use crate::report::it_csv::client_server;
use crate::site::Site;

const EXPECTED: &[&str] = &[
    "Expected architecture",
    "Asset management",
    "Continuous monitoring",
];

pub const RULES: &[Rule] = &[
    Rule {
        id: "OT-ICS-UNEXPECTED-PLC-TALKER",
        group: "site",
        title: "Controller talks to a host not allowed",
        mitre_ics: &["T0848", "T0855", "T0886"],
        nist_800_82r3: &[
            "Allowed talkers",
            "Network segmentation",
            "Continuous monitoring",
        ],
    },
    Rule {
        id: "OT-META-UNLISTED-ASSET",
        group: "site",
        title: "Hosts not in the site's asset list",
        mitre_ics: &["T0864", "T0848"],
        nist_800_82r3: EXPECTED,
    },
    Rule {
        id: "OT-META-ASSET-NOT-SEEN",
        group: "site",
        title: "Listed assets not seen",
        mitre_ics: &[],
        nist_800_82r3: &["Asset management", "Expected architecture"],
    },
    Rule {
        id: "OT-META-UNLISTED-SERVICE",
        group: "site",
        title: "Network service not in the site's list",
        mitre_ics: &["T0830", "T0869"],
        nist_800_82r3: &[
            "Expected architecture",
            "Name resolution",
            "Time synchronization",
        ],
    },
    Rule {
        id: "OT-META-VLAN",
        group: "site",
        title: "VLANs not in the site's list",
        mitre_ics: &[],
        nist_800_82r3: &["Network segmentation", "Expected architecture"],
    },
    Rule {
        id: "OT-META-IT-ACCESS",
        group: "site",
        title: "Control assets talk to other internal networks",
        mitre_ics: &["T0886", "T0866"],
        nist_800_82r3: &[
            "Corporate/OT separation",
            "Network segmentation",
            "Boundary protection",
        ],
    },
];

const VALIDATION: &[&str] = &[
    "Open the evidence frames and identify the hosts.",
    "Correct the site metadata if it is incomplete, or the network if it is not.",
];

fn ip_text(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or(ip.to_string(), |v4| v4.to_string()),
        IpAddr::V4(_) => ip.to_string(),
    }
}

pub fn run(a: &Analysis, site: &Site) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(talkers(a, site));
    out.extend(assets(a, site));
    out.extend(services(a, site));
    out.extend(vlans(a, site));
    out.extend(it_access(a, site));
    out
}

/// The two ends of a conversation as addresses, client first.
fn ends(c: &crate::flow::Conv) -> (IpAddr, IpAddr) {
    let lo_server = crate::report::it_csv::server_is_lo(c);
    let (lo, hi) = (ip_of(&c.key.lo, c.key.v6), ip_of(&c.key.hi, c.key.v6));
    if lo_server {
        (hi, lo)
    } else {
        (lo, hi)
    }
}

fn talkers(a: &Analysis, site: &Site) -> Vec<Finding> {
    let lists = &site.expected_communications.plc_allowed_talkers;
    if lists.is_empty() {
        return Vec::new();
    }
    let plcs: BTreeSet<IpAddr> = lists.iter().map(|t| t.plc).collect();
    // Hosts that changed something on a controller: (client, server) texts.
    let changed: BTreeSet<(String, String)> = a
        .ops
        .iter()
        .filter(|(k, _)| {
            k.request
                && matches!(
                    k.class(),
                    OpClass::Write | OpClass::Control | OpClass::Program
                )
        })
        .map(|(k, _)| {
            let ((c, c6), (v, v6)) = k.ends();
            (super::addr(&c, c6), super::addr(&v, v6))
        })
        .collect();
    // (plc, talker) -> (conversations, packets, protocols, evidence).
    type Group = (u64, u64, BTreeSet<String>, Vec<Evidence>);
    let mut by: BTreeMap<(IpAddr, IpAddr), Group> = BTreeMap::new();
    for (c, app) in a.convs.iter().zip(&a.conv_app) {
        let (client, server) = ends(c);
        for (plc, other) in [(server, client), (client, server)] {
            let Some(t) = lists.iter().find(|t| t.plc == plc) else {
                continue;
            };
            let sc = scope::of_ip(&other);
            if t.allowed_sources.contains(&other)
                || plcs.contains(&other)
                || matches!(sc, Scope::Multicast | Scope::Broadcast | Scope::Unspecified)
            {
                continue;
            }
            let g = by.entry((plc, other)).or_default();
            g.0 += 1;
            g.1 += c.total_packets();
            let proto = app
                .clone()
                .unwrap_or_else(|| crate::aggregate::protocols::transport_name(c.key.proto));
            g.2.insert(proto.clone());
            let (src, dst, _) = client_server(c);
            gather(&mut g.3, || {
                Evidence::first_of(
                    c,
                    src,
                    dst,
                    proto,
                    format!(
                        "{} is not an allowed source of {}",
                        ip_text(&other),
                        ip_text(&plc)
                    ),
                )
            });
            break;
        }
    }
    by.into_iter()
        .map(|((plc, other), (convs, packets, protocols, evidence))| {
            let (p, o) = (ip_text(&plc), ip_text(&other));
            let wrote = changed.contains(&(o.clone(), p.clone()));
            let list: Vec<String> = protocols.into_iter().collect();
            Finding {
                title: format!("{o} talked to controller {p} (not an allowed source)"),
                status: Status::Candidate,
                severity: if wrote {
                    Severity::High
                } else {
                    Severity::Medium
                },
                summary: format!(
                    "{convs} conversation(s), {packets} packets ({}) between {o} and {p}, which \
                     the site metadata lists with its allowed talkers{}.",
                    list.join(", "),
                    if wrote {
                        "; the host sent writes, control or program operations"
                    } else {
                        ""
                    }
                ),
                hosts: [o, p].into_iter().collect(),
                evidence,
                evidence_total: convs,
                recommendation: "Block the host from the controller or, if it is legitimate, \
                                 add it to allowed_sources.",
                validation: VALIDATION,
                ..Finding::of(&RULES[0])
            }
        })
        .collect()
}

/// Every address the site lists anywhere.
fn listed(site: &Site) -> BTreeSet<IpAddr> {
    let s = &site.expected_network_services;
    let mut all: BTreeSet<IpAddr> = site
        .known_assets
        .all()
        .into_iter()
        .flat_map(|(_, h)| h.ips.iter().copied())
        .collect();
    for (_, list) in s.all() {
        all.extend(list.iter().flat_map(|h| h.ips.iter().copied()));
    }
    for t in &site.expected_communications.plc_allowed_talkers {
        all.insert(t.plc);
        all.extend(t.allowed_sources.iter().copied());
    }
    all
}

fn assets(a: &Analysis, site: &Site) -> Vec<Finding> {
    let known = site.known_assets.all();
    if known.is_empty() {
        return Vec::new();
    }
    let listed = listed(site);
    let mut out = Vec::new();
    // Hosts that sent something, with their first conversation.
    let mut senders: BTreeMap<IpAddr, Evidence> = BTreeMap::new();
    for c in &a.convs {
        let (a_end, b_end) = c.ends();
        for (end, d) in [(a_end, 0), (b_end, 1)] {
            if c.packets[d] == 0 {
                continue;
            }
            let ip = ip_of(&end.0, c.key.v6);
            senders.entry(ip).or_insert_with(|| {
                let (src, dst, _) = client_server(c);
                Evidence::first_of(
                    c,
                    src,
                    dst,
                    crate::aggregate::protocols::transport_name(c.key.proto),
                    format!("first conversation of {}", ip_text(&ip)),
                )
            });
        }
    }
    // Hosts on either end of a decoded industrial operation.
    let industrial: BTreeSet<String> = a
        .ops
        .iter()
        .filter(|(k, _)| !matches!(k.proto, crate::flow::app::AppProto::It(_)))
        .flat_map(|(k, _)| {
            let ((c, c6), (v, v6)) = k.ends();
            [super::addr(&c, c6), super::addr(&v, v6)]
        })
        .collect();
    let unlisted: Vec<(&IpAddr, &Evidence)> = senders
        .iter()
        .filter(|(ip, _)| {
            matches!(scope::of_ip(ip), Scope::Private | Scope::Shared) && !listed.contains(ip)
        })
        .collect();
    if !unlisted.is_empty() {
        let ot = unlisted
            .iter()
            .filter(|(ip, _)| industrial.contains(&ip_text(ip)))
            .count();
        let names: Vec<String> = unlisted.iter().map(|(ip, _)| ip_text(ip)).collect();
        out.push(Finding {
            title: format!("{} host(s) not in the site's asset list", unlisted.len()),
            status: Status::Candidate,
            severity: if ot > 0 {
                Severity::Medium
            } else {
                Severity::Low
            },
            summary: format!(
                "{} internal host(s) sent traffic but are not in known_assets or the expected \
                 services ({ot} of them use or serve an industrial protocol): {}.",
                unlisted.len(),
                names
                    .iter()
                    .take(20)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            hosts: names.iter().take(20).cloned().collect(),
            evidence: unlisted
                .iter()
                .take(super::GATHERED)
                .map(|(_, e)| (*e).clone())
                .collect(),
            evidence_total: unlisted.len() as u64,
            recommendation: "Identify each host; add the legitimate ones to known_assets \
                             and remove the others from the network.",
            validation: VALIDATION,
            ..Finding::of(&RULES[1])
        });
    }
    let missing: Vec<String> = known
        .iter()
        .flat_map(|(list, h)| h.ips.iter().map(move |ip| (list, ip)))
        .filter(|(_, ip)| !senders.contains_key(ip))
        .map(|(list, ip)| format!("{} ({list})", ip_text(ip)))
        .collect();
    if !missing.is_empty() {
        out.push(Finding {
            title: format!("{} listed asset(s) not seen", missing.len()),
            status: Status::Informational,
            severity: Severity::Info,
            summary: format!(
                "Listed in known_assets but sent nothing in this capture: {}. The mirror may \
                 not cover them, or the list is out of date.",
                missing
                    .iter()
                    .take(30)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            hosts: missing
                .iter()
                .take(20)
                .map(|m| m.split(' ').next().unwrap_or("").to_string())
                .collect(),
            evidence: Vec::new(),
            evidence_total: 0,
            recommendation: "Check whether the capture point sees these assets' traffic and \
                             whether they still exist.",
            validation: VALIDATION,
            ..Finding::of(&RULES[2])
        });
    }
    out
}

fn services(a: &Analysis, site: &Site) -> Vec<Finding> {
    let s = &site.expected_network_services;
    let mut out = Vec::new();
    for (proto, list, key) in [
        ("dns", &s.dns_servers, "dns_servers"),
        ("ntp", &s.ntp_servers, "ntp_servers"),
        ("dhcp", &s.dhcp_servers, "dhcp_servers"),
    ] {
        if list.is_empty() {
            continue;
        }
        let mut servers: BTreeMap<IpAddr, Evidence> = BTreeMap::new();
        for c in &a.convs {
            let Some(st) = c.decoded().filter(|st| st.proto.id() == proto) else {
                continue;
            };
            let (client, server) = ends(c);
            let answered = c.packets[usize::from(st.server_is_lo == c.a_is_lo)] > 0;
            if !answered || Site::listed(list, &server) {
                continue;
            }
            // A DHCP server answers by broadcast: the client end is 0.0.0.0 or 255...
            if proto == "dhcp" && server.is_unspecified() {
                continue;
            }
            servers.entry(server).or_insert_with(|| {
                let (src, dst, _) = client_server(c);
                Evidence::first_of(
                    c,
                    src,
                    dst,
                    proto,
                    format!(
                        "{} answered {proto} for {}",
                        ip_text(&server),
                        ip_text(&client)
                    ),
                )
            });
        }
        if servers.is_empty() {
            continue;
        }
        let names: Vec<String> = servers.keys().map(ip_text).collect();
        out.push(Finding {
            title: format!(
                "{proto} answered by unlisted server(s): {}",
                names.join(", ")
            ),
            status: Status::Candidate,
            severity: Severity::Low,
            summary: format!(
                "{} host(s) answered {proto} but are not in expected_network_services.{key}.",
                names.len()
            ),
            hosts: names.into_iter().take(20).collect(),
            evidence_total: servers.len() as u64,
            evidence: servers.into_values().take(super::GATHERED).collect(),
            recommendation: "Confirm the server is legitimate and add it to the site's list, \
                             or find the host that answers in its place.",
            validation: VALIDATION,
            ..Finding::of(&RULES[3])
        });
    }
    out
}

fn vlans(a: &Analysis, site: &Site) -> Option<Finding> {
    let expected: BTreeSet<u16> = site.capture_point.vlans_observed.iter().copied().collect();
    if expected.is_empty() {
        return None;
    }
    let mut first: BTreeMap<u16, Evidence> = BTreeMap::new();
    for c in &a.convs {
        if c.key.vlan == 0 || expected.contains(&c.key.vlan) {
            continue;
        }
        first.entry(c.key.vlan).or_insert_with(|| {
            let (src, dst, _) = client_server(c);
            Evidence::first_of(
                c,
                src,
                dst,
                crate::aggregate::protocols::transport_name(c.key.proto),
                format!("VLAN {}", c.key.vlan),
            )
        });
    }
    for f in &a.l2 {
        if f.key.vlan == 0 || expected.contains(&f.key.vlan) {
            continue;
        }
        first.entry(f.key.vlan).or_insert_with(|| Evidence {
            frame: f.first_frame,
            ts_ns: f.first_ts,
            src: crate::report::mac_text(&f.key.src),
            dst: crate::report::mac_text(&f.key.dst),
            protocol: f.key.app.id().into(),
            detail: format!("VLAN {}", f.key.vlan),
        });
    }
    if first.is_empty() {
        return None;
    }
    let ids: Vec<String> = first.keys().map(u16::to_string).collect();
    Some(Finding {
        title: format!("VLAN(s) not in the site's list: {}", ids.join(", ")),
        status: Status::Candidate,
        severity: Severity::Low,
        summary: format!(
            "Tagged traffic on VLAN(s) {} that capture_point.vlans_observed does not list.",
            ids.join(", ")
        ),
        hosts: BTreeSet::new(),
        evidence_total: first.len() as u64,
        evidence: first.into_values().collect(),
        recommendation: "Check the mirror configuration and the switch's VLAN plan; an \
                         unknown VLAN may bridge zones.",
        validation: VALIDATION,
        ..Finding::of(&RULES[4])
    })
}

fn it_access(a: &Analysis, site: &Site) -> Option<Finding> {
    if site.expected_communications.it_network_access_allowed != crate::site::Answer::No {
        return None;
    }
    let known: BTreeSet<IpAddr> = site
        .known_assets
        .all()
        .into_iter()
        .flat_map(|(_, h)| h.ips.iter().copied())
        .collect();
    if known.is_empty() {
        return None;
    }
    let ot_subnets: BTreeSet<String> = known.iter().map(scope::subnet).collect();
    let mut evidence = Vec::new();
    let (mut hosts, mut n) = (BTreeSet::new(), 0u64);
    for c in &a.convs {
        let (x, y) = ends(c);
        for (asset, other) in [(x, y), (y, x)] {
            if !known.contains(&asset)
                || !matches!(scope::of_ip(&other), Scope::Private | Scope::Shared)
                || ot_subnets.contains(&scope::subnet(&other))
            {
                continue;
            }
            n += 1;
            if hosts.len() < 20 {
                hosts.insert(ip_text(&asset));
                hosts.insert(ip_text(&other));
            }
            let (src, dst, _) = client_server(c);
            gather(&mut evidence, || {
                Evidence::first_of(
                    c,
                    src,
                    dst,
                    crate::aggregate::protocols::transport_name(c.key.proto),
                    format!("{} is outside the asset subnets", ip_text(&other)),
                )
            });
            break;
        }
    }
    (n > 0).then(|| Finding {
        title: format!("{n} conversation(s) between listed assets and other internal networks"),
        status: Status::Candidate,
        severity: Severity::Medium,
        summary: format!(
            "The site metadata says IT network access is not allowed, but {n} conversation(s) \
             join listed assets to internal subnets where no listed asset lives."
        ),
        hosts,
        evidence,
        evidence_total: n,
        recommendation: "Check the firewall between the control and IT networks; route any \
                         needed exchange through the DMZ.",
        validation: VALIDATION,
        ..Finding::of(&RULES[5])
    })
}
