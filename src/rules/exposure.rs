//! Services reached outside the site and VPN tunnels: the reference tool's
//! PUBLIC-DNS, PUBLIC-NTP and VPN-TRAFFIC checks, on decoded protocols and IPv6 too.
//!
//! What: DNS or NTP conversations (decoded) whose server is a public address, one
//! finding per protocol; VPN and tunnel protocols (IKE, IPsec ESP/AH and NAT-T,
//! OpenVPN, WireGuard, L2TP, PPTP), one finding listing the tunnel ends.
//!
//! Why: a control host that resolves names or takes time from the internet has a
//! path out; a tunnel can carry anything past the boundary's filters.
//!
//! ATT&CK for ICS (v17): public services T0883 Internet Accessible Device, T0885
//! Commonly Used Port, T0869 Standard Application Layer Protocol; VPN T0822 External
//! Remote Services, T0886 Remote Services, T0884 Connection Proxy. NIST SP 800-82r3
//! themes: per rule in `RULES`.
//!
//! Example: `OT-NET-PUBLIC-DNS-001` "DNS to public servers (8.8.8.8)", medium,
//! candidate. Site metadata: a server listed in `expected_network_services` is not
//! reported; `internet_access_allowed: false` makes public services high;
//! `vendor_remote_access_used: true` or a listed remote-access server makes a tunnel
//! informational, `false` makes it high.

use std::collections::BTreeSet;

use super::public_communication::expected_service;
use super::{gather, Evidence, Finding, Rule, Severity, Status};
use crate::aggregate::scope::{self, Scope};
use crate::flow::Conv;
use crate::pipeline::Analysis;
use crate::report::ip_of;
use crate::report::it_csv::{client_server, server_is_lo};
use crate::site::{Answer, Site};

const PUBLIC_NIST: &[&str] = &[
    "Time synchronization",
    "Name resolution",
    "Boundary protection",
    "Continuous monitoring",
];

pub const RULES: &[Rule] = &[
    Rule {
        id: "OT-NET-PUBLIC-DNS",
        group: "dynamic",
        title: "DNS to public servers",
        mitre_ics: &["T0883", "T0885", "T0869"],
        nist_800_82r3: PUBLIC_NIST,
    },
    Rule {
        id: "OT-NET-PUBLIC-NTP",
        group: "dynamic",
        title: "NTP with public servers",
        mitre_ics: &["T0883", "T0885", "T0869"],
        nist_800_82r3: PUBLIC_NIST,
    },
    Rule {
        id: "OT-NET-VPN-TRAFFIC",
        group: "dynamic",
        title: "VPN or tunnel traffic",
        mitre_ics: &["T0822", "T0886", "T0884"],
        nist_800_82r3: &[
            "Remote access",
            "Multi-factor authentication",
            "Jump hosts",
            "Logging",
        ],
    },
];

const VPN: &[&str] = &[
    "isakmp",
    "ipsec_nat_t",
    "openvpn",
    "wireguard",
    "l2tp",
    "pptp",
];

/// The protocol of a conversation: its decoded or catalog id, or ESP/AH by number.
fn proto_of<'a>(c: &Conv, app: Option<&'a str>) -> Option<&'a str> {
    match c.key.proto {
        50 => Some("esp"),
        51 => Some("ah"),
        _ => app,
    }
}

pub fn run(a: &Analysis, site: Option<&Site>) -> Vec<Finding> {
    let mut out = Vec::new();
    let no_internet =
        site.is_some_and(|s| s.expected_communications.internet_access_allowed == Answer::No);
    for (rule, proto) in [(&RULES[0], "dns"), (&RULES[1], "ntp")] {
        let mut evidence = Vec::new();
        let (mut servers, mut clients) = (BTreeSet::new(), BTreeSet::new());
        let mut n = 0u64;
        for c in a
            .convs
            .iter()
            .filter(|c| c.decoded().is_some_and(|s| s.proto.id() == proto))
        {
            let (client, server, _) = client_server(c);
            let v6 = c.key.v6;
            let at = if server_is_lo(c) {
                &c.key.lo
            } else {
                &c.key.hi
            };
            if scope::of(at, v6) != Scope::Public || expected_service(site, &ip_of(at, v6)) {
                continue;
            }
            n += 1;
            servers.insert(server.clone());
            clients.insert(client.clone());
            gather(&mut evidence, || {
                Evidence::first_of(
                    c,
                    client,
                    server,
                    proto,
                    format!("{proto} with a public server"),
                )
            });
        }
        if n == 0 {
            continue;
        }
        let list: Vec<&str> = servers.iter().take(10).map(String::as_str).collect();
        out.push(Finding {
            title: format!("{} ({})", rule.title, list.join(", ")),
            status: Status::Candidate,
            severity: if no_internet {
                Severity::High
            } else {
                Severity::Medium
            },
            summary: format!(
                "{} internal client(s) used {proto} with {} public server(s) in {n} \
                 conversation(s).{}",
                clients.len(),
                servers.len(),
                if no_internet {
                    " The site metadata says internet access is not allowed."
                } else {
                    ""
                }
            ),
            hosts: clients.into_iter().take(20).chain(servers).collect(),
            evidence,
            evidence_total: n,
            recommendation: "Point control hosts at internal DNS and NTP servers and block \
                             these protocols to the internet at the boundary; if a public \
                             server is intended, list it in the site metadata.",
            validation: &[
                "Check each host's configured DNS or NTP servers.",
                "Check the boundary firewall for the rule that lets it out.",
            ],
            ..Finding::of(rule)
        });
    }
    out.extend(vpn(a, site));
    out
}

fn vpn(a: &Analysis, site: Option<&Site>) -> Option<Finding> {
    let mut evidence = Vec::new();
    let (mut ends, mut protocols) = (BTreeSet::new(), BTreeSet::new());
    let mut n = 0u64;
    let mut listed = true;
    for (c, app) in a.convs.iter().zip(&a.conv_app) {
        let Some(p) = proto_of(c, app.as_deref()) else {
            continue;
        };
        if !VPN.contains(&p) && p != "esp" && p != "ah" {
            continue;
        }
        let (client, server, _) = client_server(c);
        let at = if server_is_lo(c) {
            &c.key.lo
        } else {
            &c.key.hi
        };
        let server_listed = site.is_some_and(|s| {
            Site::listed(
                &s.expected_network_services.remote_access_servers,
                &ip_of(at, c.key.v6),
            )
        });
        listed &= server_listed;
        n += 1;
        protocols.insert(p.to_string());
        if ends.len() < 20 {
            ends.insert(client.clone());
            ends.insert(server.clone());
        }
        gather(&mut evidence, || {
            Evidence::first_of(c, client, server, p, format!("first frame of a {p} tunnel"))
        });
    }
    if n == 0 {
        return None;
    }
    let answer = site.map_or(Answer::Unknown, |s| {
        s.expected_communications.vendor_remote_access_used
    });
    let (status, severity, said) = match (answer, listed && site.is_some()) {
        (Answer::Yes, _) | (_, true) => (
            Status::Informational,
            Severity::Info,
            " The site metadata lists it as expected remote access.",
        ),
        (Answer::No, _) => (
            Status::Candidate,
            Severity::High,
            " The site metadata says vendor remote access is not used.",
        ),
        _ => (Status::Candidate, Severity::Medium, ""),
    };
    let list: Vec<String> = protocols.into_iter().collect();
    Some(Finding {
        title: format!("{} ({})", RULES[2].title, list.join(", ")),
        status,
        severity,
        summary: format!("{n} tunnel conversation(s) ({}).{said}", list.join(", ")),
        hosts: ends,
        evidence,
        evidence_total: n,
        recommendation: "Confirm each tunnel end is an approved remote-access or site-to-site \
                         gateway terminating in the DMZ; record it in the site metadata.",
        validation: &[
            "Identify the owner of each tunnel end.",
            "Check the remote-access logs for the sessions at those times.",
        ],
        ..Finding::of(&RULES[2])
    })
}
