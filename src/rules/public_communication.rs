//! Internal hosts that talk to public (internet) addresses.
//!
//! What: for every internal host (RFC 1918, IPv6 unique local, carrier-grade NAT
//! space) with conversations to public addresses, one finding listing them, with the
//! first frame of each conversation as evidence. IPv4 and IPv6 alike, and either
//! direction (a public host reaching in is reported the same way, and said so).
//!
//! Why: a control network should not reach the internet, nor be reached from it,
//! except on paths the site approved (a vendor's remote support, a patch server).
//! The reference tool's version of this check only fired when both ends were public.
//!
//! ATT&CK for ICS (v17): T0883 Internet Accessible Device, T0885 Commonly Used Port,
//! T0869 Standard Application Layer Protocol. NIST SP 800-82r3 themes: network
//! segmentation, boundary protection, DMZ and firewall architecture, approved
//! external paths.
//!
//! Conversations with public addresses at both ends make one more finding of the same
//! rule, low (medium with an industrial protocol): publicly routed addressing inside
//! the plant, or internet transit on the mirror port.
//!
//! Example: `OT-NET-PUBLIC-IP-001` "10.0.0.10 talks to 2 public addresses", high when
//! 10.0.0.10 serves an industrial protocol, an industrial protocol crosses the
//! boundary or a public host opened the conversation, else medium; candidate.
//!
//! Status `candidate`: whether the path is approved is for the site to say.

use std::collections::{BTreeMap, BTreeSet};

use super::{addr, gather, ot_servers, Evidence, Finding, Rule, Severity, Status};
use crate::aggregate::scope::{self, Scope};
use crate::flow::app::AppProto;
use crate::pipeline::Analysis;
use crate::site::{Answer, Site};

pub const RULE: &str = "OT-NET-PUBLIC-IP";

pub const RULES: &[Rule] = &[Rule {
    id: RULE,
    group: "dynamic",
    title: "Internal host talks to public addresses",
    mitre_ics: &["T0883", "T0885", "T0869"],
    nist_800_82r3: &[
        "Network segmentation",
        "Boundary protection",
        "DMZ and firewall architecture",
        "Approved external paths",
    ],
}];

/// Whether the site lists `ip` as one of its expected services (a public resolver,
/// time server or remote-access server it uses on purpose).
pub(crate) fn expected_service(site: Option<&Site>, ip: &std::net::IpAddr) -> bool {
    let Some(site) = site else { return false };
    site.expected_network_services
        .all()
        .into_iter()
        .any(|(_, list)| Site::listed(list, ip))
}

fn internal(s: Scope) -> bool {
    matches!(s, Scope::Private | Scope::Shared)
}

pub fn run(a: &Analysis, site: Option<&Site>) -> Vec<Finding> {
    let mut out = internal_to_public(a, site);
    out.extend(public_to_public(a, site));
    out
}

fn internal_to_public(a: &Analysis, site: Option<&Site>) -> Vec<Finding> {
    let ot_servers = ot_servers(a);
    // internal host -> (public peers, inbound conversations, packets, evidence, an
    // industrial protocol crossed, conversations).
    type Group = (BTreeSet<String>, u64, u64, Vec<Evidence>, bool, u64);
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for (i, c) in a.convs.iter().enumerate() {
        let v6 = c.key.v6;
        let (lo, hi) = (scope::of(&c.key.lo, v6), scope::of(&c.key.hi, v6));
        let (inside, outside, inside_is_lo) = match (internal(lo), internal(hi)) {
            (true, false) if hi == Scope::Public => (&c.key.lo, &c.key.hi, true),
            (false, true) if lo == Scope::Public => (&c.key.hi, &c.key.lo, false),
            _ => continue,
        };
        if expected_service(site, &crate::report::ip_of(outside, v6)) {
            continue;
        }
        let (inside, outside) = (addr(inside, v6), addr(outside, v6));
        // Side a sent the first packet; the initiator, when the handshake was seen.
        let a_is_inside = c.a_is_lo == inside_is_lo;
        let inbound = match c.initiator {
            1 => !a_is_inside,
            2 => a_is_inside,
            _ => false,
        };
        let (src, dst) = if a_is_inside {
            (inside.clone(), outside.clone())
        } else {
            (outside.clone(), inside.clone())
        };
        let industrial = c
            .decoded()
            .is_some_and(|s| !matches!(s.proto, AppProto::It(_)));
        let g = groups.entry(inside).or_default();
        g.0.insert(outside);
        g.4 |= industrial;
        g.5 += 1;
        g.1 += inbound as u64;
        g.2 += c.total_packets();
        let protocol = a
            .conv_app
            .get(i)
            .cloned()
            .flatten()
            .unwrap_or_else(|| crate::aggregate::protocols::transport_name(c.key.proto));
        let detail = if inbound {
            "conversation opened from the public side"
        } else {
            "conversation with a public address"
        };
        gather(&mut g.3, || {
            Evidence::first_of(c, src, dst, protocol, detail)
        });
    }
    groups
        .into_iter()
        .map(
            |(inside, (peers, inbound, packets, evidence, industrial, conversations))| {
                let ot = ot_servers.contains(&inside);
                let mut hosts: BTreeSet<String> = peers.iter().take(20).cloned().collect();
                hosts.insert(inside.clone());
                let allowed = site.map(|s| s.expected_communications.internet_access_allowed);
                let base = if ot || inbound > 0 || industrial || allowed == Some(Answer::No) {
                    Severity::High
                } else if allowed == Some(Answer::Yes) {
                    Severity::Low
                } else {
                    Severity::Medium
                };
                let said = match allowed {
                    Some(Answer::No) => " The site metadata says internet access is not allowed.",
                    Some(Answer::Yes) => " The site metadata says internet access is allowed.",
                    _ => "",
                };
                Finding {
                    title: format!("{inside} talks to {} public address(es)", peers.len()),
                    status: Status::Candidate,
                    severity: base,
                    summary: format!(
                        "{inside}{} had {conversations} conversation(s) ({packets} packets) with \
                     {} public address(es){}{}.{said}",
                        if ot {
                            ", which serves an industrial protocol,"
                        } else {
                            ""
                        },
                        peers.len(),
                        if industrial {
                            ", some in an industrial protocol"
                        } else {
                            ""
                        },
                        if inbound > 0 {
                            format!("; {inbound} opened from the public side")
                        } else {
                            String::new()
                        }
                    ),
                    hosts,
                    evidence,
                    evidence_total: conversations,
                    recommendation: "Confirm each public peer is an approved service (vendor \
                                 support, update server) reached through the DMZ; block \
                                 the rest at the boundary and list the approved ones in \
                                 the site metadata.",
                    validation: &[
                        "Look up who owns each public address and what service it offers.",
                        "Check the firewall rules that let this conversation through.",
                    ],
                    ..Finding::of(&RULES[0])
                }
            },
        )
        .collect()
}

/// Conversations whose two ends are both public: the plant addresses its hosts from
/// public ranges (the reference tool reported only these), or the capture point sees
/// internet transit. One finding for all of them.
fn public_to_public(a: &Analysis, site: Option<&Site>) -> Option<Finding> {
    let (mut n, mut packets, mut industrial) = (0u64, 0u64, false);
    let mut hosts = BTreeSet::new();
    let mut evidence = Vec::new();
    for (c, app) in a.convs.iter().zip(&a.conv_app) {
        let v6 = c.key.v6;
        if scope::of(&c.key.lo, v6) != Scope::Public || scope::of(&c.key.hi, v6) != Scope::Public {
            continue;
        }
        let listed = |x: &[u8; 16]| expected_service(site, &crate::report::ip_of(x, v6));
        if listed(&c.key.lo) || listed(&c.key.hi) {
            continue;
        }
        n += 1;
        packets += c.total_packets();
        industrial |= c
            .decoded()
            .is_some_and(|s| !matches!(s.proto, AppProto::It(_)));
        let (client, server, _) = crate::report::it_csv::client_server(c);
        if hosts.len() < 20 {
            hosts.insert(client.clone());
            hosts.insert(server.clone());
        }
        let protocol = app
            .clone()
            .unwrap_or_else(|| crate::aggregate::protocols::transport_name(c.key.proto));
        gather(&mut evidence, || {
            Evidence::first_of(
                c,
                client,
                server,
                protocol,
                "both ends are public addresses",
            )
        });
    }
    (n > 0).then(|| Finding {
        title: format!("{n} conversation(s) between public addresses"),
        status: Status::Candidate,
        severity: if industrial {
            Severity::Medium
        } else {
            Severity::Low
        },
        summary: format!(
            "{n} conversation(s), {packets} packets, have a public address at both ends{}: \
             either the plant uses publicly routable addresses inside, or the capture point \
             sees traffic to and from the internet.",
            if industrial {
                ", some in an industrial protocol"
            } else {
                ""
            }
        ),
        hosts,
        evidence,
        evidence_total: n,
        recommendation: "Confirm the addressing plan: publicly routable addresses inside a \
                         control network must never be reachable from outside; if this is \
                         transit traffic, the mirror port sees more than the control zone.",
        validation: &[
            "Check who owns the addresses (the site's own allocation or someone else's).",
            "Check the mirror configuration of the capture point.",
        ],
        ..Finding::of(&RULES[0])
    })
}
