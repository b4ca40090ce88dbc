//! Connection failures and capture quality: the reference tool's TCP-SYN, TCP-RESET,
//! ICMP-UNREACHABLE and TCP-QUALITY rules, with thresholds instead of one frame.
//!
//! What: TCP connection attempts nobody answered, conversations ended by a reset,
//! ICMP destination-unreachable messages, and TCP streams with gaps (segments the
//! capture missed). Each is one finding with the conversations as evidence.
//!
//! Why: on a control network connections are few and stable; a burst of failures
//! means a device went away, a host probes, or the mirror port drops packets (which
//! also means the capture misses what happened).
//!
//! ATT&CK for ICS (v17): T0846 Remote System Discovery and T0840 Network Connection
//! Enumeration (failed attempts), T0814 Denial of Service, T0826 Loss of
//! Availability. NIST SP 800-82r3 themes: continuous monitoring, anomalies and events,
//! availability.
//!
//! Example: `OT-NET-TCP-SYN-001` "40 TCP connection attempts without an answer", low,
//! candidate. Under the thresholds the finding is informational; none at all when no
//! conversation shows it.

use std::collections::BTreeSet;

use super::{gather, Evidence, Finding, Rule, Severity, Status};
use crate::flow::table::signal;
use crate::flow::Conv;
use crate::pipeline::Analysis;
use crate::report::it_csv::client_server;

const MONITOR: &[&str] = &[
    "Continuous monitoring",
    "Anomalies and events",
    "Availability",
];

pub const RULES: &[Rule] = &[
    Rule {
        id: "OT-NET-TCP-SYN",
        group: "core",
        title: "TCP connection attempts without an answer",
        mitre_ics: &["T0846", "T0840"],
        nist_800_82r3: MONITOR,
    },
    Rule {
        id: "OT-NET-TCP-RESET",
        group: "core",
        title: "TCP conversations reset",
        mitre_ics: &["T0814", "T0826"],
        nist_800_82r3: MONITOR,
    },
    Rule {
        id: "OT-NET-ICMP-UNREACHABLE",
        group: "core",
        title: "ICMP destination unreachable",
        mitre_ics: &["T0846", "T0826"],
        nist_800_82r3: MONITOR,
    },
    Rule {
        id: "OT-NET-TCP-QUALITY",
        group: "core",
        title: "TCP streams with missing segments",
        mitre_ics: &["T0826"],
        nist_800_82r3: &["Continuous monitoring", "Logging"],
    },
];

/// Conversations (ICMP: messages) that make a candidate rather than context.
const UNANSWERED: u64 = 20;
const RESETS: u64 = 50;
const UNREACHABLE: u64 = 10;
const GAPPED: u64 = 10;

pub fn run(a: &Analysis) -> Vec<Finding> {
    let mut out = Vec::new();
    let unanswered = |c: &Conv| {
        c.key.proto == 6 && c.initiator != 0 && c.packets[(c.initiator == 1) as usize] == 0
    };
    let reset = |c: &Conv| c.key.proto == 6 && c.signals & signal::RESET != 0;
    let unreachable = |c: &Conv| c.signals & signal::UNREACHABLE != 0;
    let gapped = |c: &Conv| c.app.as_deref().is_some_and(|s| s.stream_gaps() > 0);
    let tcp = a.convs.iter().filter(|c| c.key.proto == 6).count() as u64;
    type Check<'f> = (&'static Rule, &'f dyn Fn(&Conv) -> bool, u64, &'static str);
    let checks: [Check; 4] = [
        (&RULES[0], &unanswered, UNANSWERED, "SYN without an answer"),
        (&RULES[1], &reset, RESETS, "reset"),
        (
            &RULES[2],
            &unreachable,
            UNREACHABLE,
            "destination unreachable",
        ),
        (
            &RULES[3],
            &gapped,
            GAPPED,
            "segments missing from the capture",
        ),
    ];
    for (rule, test, threshold, what) in checks {
        let mut evidence = Vec::new();
        let mut hosts = BTreeSet::new();
        let mut n = 0u64;
        for c in a.convs.iter().filter(|c| test(c)) {
            // ICMP between two hosts is one conversation however many messages: count
            // its packets.
            n += if c.key.proto == 6 {
                1
            } else {
                c.total_packets()
            };
            let (client, server, port) = client_server(c);
            if hosts.len() < 20 {
                hosts.insert(client.clone());
                hosts.insert(server.clone());
            }
            gather(&mut evidence, || {
                Evidence::first_of(
                    c,
                    client,
                    server,
                    crate::aggregate::protocols::transport_name(c.key.proto),
                    format!("{what} (port {port})"),
                )
            });
        }
        if n == 0 {
            continue;
        }
        // Resets are normal closes for some servers: count them against all TCP.
        let many = n >= threshold && (rule.id != "OT-NET-TCP-RESET" || n * 10 >= tcp);
        out.push(Finding {
            title: format!(
                "{n} {}: {what}",
                if rule.id == "OT-NET-ICMP-UNREACHABLE" {
                    "message(s)"
                } else {
                    "conversation(s)"
                }
            ),
            status: if many {
                Status::Candidate
            } else {
                Status::Informational
            },
            severity: if many { Severity::Low } else { Severity::Info },
            summary: format!(
                "{n} {} showed {what} ({tcp} TCP conversations in all); a candidate from \
                 {threshold}.",
                if rule.id == "OT-NET-ICMP-UNREACHABLE" {
                    "ICMP message(s)"
                } else {
                    "conversation(s)"
                }
            ),
            hosts,
            evidence,
            evidence_total: n,
            recommendation: match rule.id {
                "OT-NET-TCP-QUALITY" => {
                    "Check the mirror port for drops (oversubscription) before trusting \
                     what the capture does not show; recapture if needed."
                }
                _ => {
                    "Find which hosts failed to connect and why: a device down, a \
                     misconfigured client, or a host probing the network."
                }
            },
            validation: &[
                "Open the evidence frames and follow the conversations.",
                "Compare with the device and switch logs for the same time.",
            ],
            ..Finding::of(rule)
        });
    }
    out
}
