//! Port scans and host sweeps, from the shape of TCP connection attempts.
//!
//! What: a client that opened small TCP conversations (a few packets each, as probes
//! are) to at least `SCAN_PORTS` distinct ports of one host is a port scan; to the same
//! port on at least `SWEEP_HOSTS` distinct hosts, a host sweep. Only conversations
//! whose SYN was captured count, so the client is known. One SYN is not a finding.
//!
//! Why: scanning is how an intruder (or an unmanaged tool) maps a control network
//! before acting; industrial devices may also misbehave under it.
//!
//! ATT&CK for ICS (v17): T0846 Remote System Discovery, T0888 Remote System
//! Information Discovery, T0840 Network Connection Enumeration. NIST SP 800-82r3
//! themes: continuous monitoring, anomalies and events, incident detection.
//!
//! Example: `OT-NET-PORT-SCAN-001` "10.0.0.66 probed 1000 ports of 10.0.0.10",
//! candidate, high at `HIGH_PORTS` ports or more or when the target serves an
//! industrial protocol, else medium.
//!
//! Status `candidate`: vulnerability scanners and asset tools do the same on purpose.

use std::collections::{BTreeMap, BTreeSet};

use super::{addr, gather, ot_servers, Evidence, Finding, Rule, Severity, Status};
use crate::flow::Conv;
use crate::pipeline::Analysis;

/// Distinct ports of one host that make a port scan.
pub const SCAN_PORTS: usize = 25;
/// Distinct ports past which a port scan is high severity.
pub const HIGH_PORTS: usize = 250;
/// Distinct hosts, same port, that make a host sweep.
pub const SWEEP_HOSTS: usize = 25;
/// Most packets of a conversation that still looks like a probe.
const PROBE_PACKETS: u64 = 6;

const MITRE: &[&str] = &["T0846", "T0888", "T0840"];
const NIST: &[&str] = &[
    "Continuous monitoring",
    "Anomalies and events",
    "Incident detection",
];
pub const RULES: &[Rule] = &[
    Rule {
        id: "OT-NET-PORT-SCAN",
        group: "network",
        title: "Port scan",
        mitre_ics: MITRE,
        nist_800_82r3: NIST,
    },
    Rule {
        id: "OT-NET-HOST-SWEEP",
        group: "network",
        title: "Host sweep",
        mitre_ics: MITRE,
        nist_800_82r3: NIST,
    },
];

const VALIDATION: &[&str] = &[
    "Ask the site whether a scan was scheduled from this host at that time.",
    "Check the client host for scanning tools or signs of compromise.",
];

/// (client, server, server port) of a TCP conversation whose SYN was seen.
fn probe(c: &Conv) -> Option<(String, String, u16)> {
    if c.key.proto != 6 || c.initiator == 0 || c.total_packets() > PROBE_PACKETS {
        return None;
    }
    let client_is_lo = (c.initiator == 1) == c.a_is_lo;
    let v6 = c.key.v6;
    Some(if client_is_lo {
        (addr(&c.key.lo, v6), addr(&c.key.hi, v6), c.key.hi_port)
    } else {
        (addr(&c.key.hi, v6), addr(&c.key.lo, v6), c.key.lo_port)
    })
}

fn evidence(c: &Conv, src: &str, dst: &str, port: u16) -> Evidence {
    Evidence::first_of(
        c,
        src.to_string(),
        dst.to_string(),
        "tcp",
        format!("connection attempt to port {port}"),
    )
}

pub fn run(a: &Analysis) -> Vec<Finding> {
    let ot_servers = ot_servers(a);
    // (client, server) -> (ports, evidence, probes); (client, port) -> (servers, ...).
    type Probes<T> = (BTreeSet<T>, Vec<Evidence>, u64);
    let mut by_pair: BTreeMap<(String, String), Probes<u16>> = BTreeMap::new();
    let mut by_port: BTreeMap<(String, u16), Probes<String>> = BTreeMap::new();
    for c in &a.convs {
        let Some((client, server, port)) = probe(c) else {
            continue;
        };
        let p = by_pair.entry((client.clone(), server.clone())).or_default();
        p.0.insert(port);
        p.2 += 1;
        gather(&mut p.1, || evidence(c, &client, &server, port));
        let h = by_port.entry((client.clone(), port)).or_default();
        h.2 += 1;
        gather(&mut h.1, || evidence(c, &client, &server, port));
        h.0.insert(server);
    }
    let mut out = Vec::new();
    for ((client, server), (ports, evidence, probes)) in by_pair {
        if ports.len() < SCAN_PORTS {
            continue;
        }
        let ot = ot_servers.contains(&server);
        out.push(Finding {
            title: format!("{client} probed {} ports of {server}", ports.len()),
            status: Status::Candidate,
            severity: if ports.len() >= HIGH_PORTS || ot {
                Severity::High
            } else {
                Severity::Medium
            },
            summary: format!(
                "{client} opened {} short TCP conversations to {} distinct ports of {server}{} \
                 (ports {}..{}).",
                probes,
                ports.len(),
                if ot {
                    ", which serves an industrial protocol"
                } else {
                    ""
                },
                ports.first().unwrap_or(&0),
                ports.last().unwrap_or(&0)
            ),
            hosts: [client, server].into_iter().collect(),
            evidence_total: probes,
            evidence,
            recommendation: "Identify the scanning host and its owner; if the scan was not \
                             planned, isolate the host and investigate it.",
            validation: VALIDATION,
            ..Finding::of(&RULES[0])
        });
    }
    for ((client, port), (servers, evidence, probes)) in by_port {
        if servers.len() < SWEEP_HOSTS {
            continue;
        }
        let ot = servers.iter().filter(|s| ot_servers.contains(*s)).count();
        let mut hosts: BTreeSet<String> = servers.iter().take(20).cloned().collect();
        hosts.insert(client.clone());
        out.push(Finding {
            title: format!("{client} swept {} hosts on TCP port {port}", servers.len()),
            status: Status::Candidate,
            severity: if ot > 0 {
                Severity::High
            } else {
                Severity::Medium
            },
            summary: format!(
                "{client} opened short TCP conversations to port {port} on {} distinct \
                 hosts ({ot} of them serve an industrial protocol).",
                servers.len()
            ),
            hosts,
            evidence_total: probes,
            evidence,
            recommendation: "Identify the sweeping host and its owner; if the sweep was \
                             not planned, isolate the host and investigate it.",
            validation: VALIDATION,
            ..Finding::of(&RULES[1])
        });
    }
    out
}
