//! Industrial checks beyond single operations: Modbus unit-id scans, OPC UA without
//! security, GOOSE/SV test frames and sequence anomalies, and new talkers to a
//! controller.
//!
//! What and why, per rule:
//! - `OT-ICS-MODBUS-UNIT-SCAN`: one client asked one server for at least
//!   `UNIT_SCAN` distinct unit ids. A gateway serves a handful; walking the unit
//!   range is how tools enumerate serial devices behind it.
//! - `OT-ICS-OPCUA-INSECURE`: an OPC UA session with security mode None or an
//!   anonymous user token: anyone on the path can read and change what it carries.
//! - `OT-ICS-GOOSE-TEST`: GOOSE or SV frames with the test or simulation flag on a
//!   production network: subscribers in test mode act on them.
//! - `OT-ICS-GOOSE-SEQUENCE`: stNum jumps, sqNum out of order or not reset on a new
//!   state: replayed or injected GOOSE, a restarted publisher, or lost frames.
//! - `OT-ICS-NEW-TALKER`: a client whose first industrial request to a controller
//!   comes after the first quarter of the capture (at least `LEARN_MIN_S` seconds),
//!   that had exchanged no request with it either way before, while the controller's
//!   earlier talkers were still using it (within `ACTIVE_BEFORE_S`).
//!
//! ATT&CK for ICS (v17) and NIST SP 800-82r3 themes: per rule in `RULES`.
//!
//! Example: `OT-ICS-OPCUA-INSECURE-001` "OPC UA without security: 10.0.0.5 to
//! 10.0.0.20 (security mode none)", medium, confirmed_by_rule.

use std::collections::{BTreeMap, BTreeSet};

use super::{addr, gather, Evidence, Finding, Rule, Severity, Status};
use crate::dissect::OpClass;
use crate::flow::app::AppProto;
use crate::flow::l2::L2App;
use crate::pipeline::Analysis;
use crate::report::it_csv::client_server;
use crate::report::mac_text;

pub const RULES: &[Rule] = &[
    Rule {
        id: "OT-ICS-MODBUS-UNIT-SCAN",
        group: "ot",
        title: "Modbus unit-id scan",
        mitre_ics: &["T0846", "T0888"],
        nist_800_82r3: &[
            "Continuous monitoring",
            "Anomalies and events",
            "Allowed talkers",
        ],
    },
    Rule {
        id: "OT-ICS-OPCUA-INSECURE",
        group: "ot",
        title: "OPC UA without security",
        mitre_ics: &["T0859", "T0830", "T0842"],
        nist_800_82r3: &[
            "Secure protocols",
            "Authentication and integrity",
            "Data in transit",
        ],
    },
    Rule {
        id: "OT-ICS-GOOSE-TEST",
        group: "ot",
        title: "GOOSE or SV test/simulation frames",
        mitre_ics: &["T0856", "T0831"],
        nist_800_82r3: &["Configuration change control", "Anomalies and events"],
    },
    Rule {
        id: "OT-ICS-GOOSE-SEQUENCE",
        group: "ot",
        title: "GOOSE sequence anomalies",
        mitre_ics: &["T0856", "T0855", "T0830"],
        nist_800_82r3: &["Authentication and integrity", "Anomalies and events"],
    },
    Rule {
        id: "OT-ICS-NEW-TALKER",
        group: "ot",
        title: "New talker to a controller",
        mitre_ics: &["T0848", "T0855", "T0886"],
        nist_800_82r3: &[
            "Allowed talkers",
            "Continuous monitoring",
            "Anomalies and events",
        ],
    },
];

/// Distinct unit ids from one client that make a scan, and a high one.
pub const UNIT_SCAN: usize = 16;
const UNIT_SCAN_HIGH: usize = 100;
/// The learning window for new talkers: a quarter of the capture, at least this.
pub const LEARN_MIN_S: i64 = 600;
/// A known talker must have used the controller this long before a new one counts.
const ACTIVE_BEFORE_S: i64 = 3600;

pub fn run(a: &Analysis) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(unit_scans(a));
    out.extend(opcua(a));
    out.extend(goose(a));
    out.extend(new_talkers(a));
    out
}

fn unit_scans(a: &Analysis) -> Vec<Finding> {
    // (client, server) -> (units, evidence, requests).
    type Units = (BTreeSet<u64>, Vec<Evidence>, u64);
    let mut by: BTreeMap<(String, String), Units> = BTreeMap::new();
    for (k, s) in &a.ops {
        if k.proto != AppProto::Modbus || !k.request {
            continue;
        }
        let ((c, c6), (v, v6)) = k.ends();
        let (client, server) = (addr(&c, c6), addr(&v, v6));
        let g = by.entry((client.clone(), server.clone())).or_default();
        if g.0.insert(k.unit) {
            if let Some(&(frame, ts_ns)) = s.evidence.first() {
                gather(&mut g.1, || Evidence {
                    frame,
                    ts_ns,
                    src: client,
                    dst: server,
                    protocol: "modbus".into(),
                    detail: format!("unit {} {}", k.unit, k.function_name()),
                });
            }
        }
        g.2 += s.pdus;
    }
    by.into_iter()
        .filter(|(_, (units, _, _))| units.len() >= UNIT_SCAN)
        .map(|((client, server), (units, evidence, requests))| Finding {
            title: format!("{client} asked {server} for {} Modbus unit ids", units.len()),
            status: Status::Candidate,
            severity: if units.len() >= UNIT_SCAN_HIGH {
                Severity::High
            } else {
                Severity::Medium
            },
            summary: format!(
                "{requests} Modbus requests from {client} to {server} addressed {} distinct \
                 unit ids ({}..{}).",
                units.len(),
                units.first().unwrap_or(&0),
                units.last().unwrap_or(&0)
            ),
            hosts: [client, server].into_iter().collect(),
            evidence_total: units.len() as u64,
            evidence,
            recommendation: "Find out which tool walked the unit ids; a gateway's real \
                             devices use a few fixed ids, so a sweep is enumeration.",
            validation: &[
                "Open the evidence frames and compare the unit ids with the gateway's configuration.",
                "Ask who ran a Modbus scanner at that time.",
            ],
            ..Finding::of(&RULES[0])
        })
        .collect()
}

fn opcua(a: &Analysis) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &a.convs {
        let Some(s) = c.decoded().filter(|s| s.proto == AppProto::OpcUa) else {
            continue;
        };
        let weak: Vec<_> = s
            .facts
            .iter()
            .filter(|f| {
                (f.field == "security_mode" && f.value == "none")
                    || (f.field == "security_policy" && f.value.eq_ignore_ascii_case("none"))
                    || (f.field == "user_token" && f.value == "anonymous")
            })
            .collect();
        if weak.is_empty() {
            continue;
        }
        let (client, server, port) = client_server(c);
        let what: BTreeSet<String> = weak
            .iter()
            .map(|f| format!("{} {}", f.field.replace('_', " "), f.value))
            .collect();
        let what: Vec<String> = what.into_iter().collect();
        let anonymous = weak.iter().any(|f| f.value == "anonymous");
        let unprotected = weak.iter().any(|f| f.field != "user_token");
        let evidence = weak
            .iter()
            .map(|f| Evidence {
                frame: f.frame,
                ts_ns: c.first_ts,
                src: client.clone(),
                dst: server.clone(),
                protocol: "opcua".into(),
                detail: format!("{} {}", f.field.replace('_', " "), f.value),
            })
            .collect::<Vec<_>>();
        out.push(Finding {
            title: format!(
                "OPC UA without security: {client} to {server} ({})",
                what.join(", ")
            ),
            status: Status::ConfirmedByRule,
            severity: if anonymous && unprotected {
                Severity::High
            } else {
                Severity::Medium
            },
            summary: format!(
                "The OPC UA session from {client} to {server} port {port} uses {}.",
                what.join(" and ")
            ),
            hosts: [client, server].into_iter().collect(),
            evidence_total: evidence.len() as u64,
            evidence,
            recommendation: "Configure the OPC UA server to refuse security mode None and \
                             anonymous users; use Sign&Encrypt with a current policy and \
                             user authentication.",
            validation: &[
                "Open the evidence frames (OpenSecureChannel, ActivateSession) in Wireshark.",
                "Check the server's endpoint configuration.",
            ],
            ..Finding::of(&RULES[1])
        });
    }
    out
}

fn goose(a: &Analysis) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in &a.l2 {
        if !matches!(f.key.app, L2App::Goose | L2App::Sv) {
            continue;
        }
        let sender = mac_text(&f.key.src);
        let app = f.key.app.id();
        if f.test_frames > 0 {
            out.push(Finding {
                title: format!("{app} test/simulation frames from {sender}"),
                status: Status::ConfirmedByRule,
                severity: Severity::Medium,
                summary: format!(
                    "{} of {} {app} frames from {sender} carry the test or simulation flag.",
                    f.test_frames, f.frames
                ),
                hosts: [sender.clone()].into_iter().collect(),
                evidence: vec![Evidence {
                    frame: f.first_frame,
                    ts_ns: f.first_ts,
                    src: sender.clone(),
                    dst: mac_text(&f.key.dst),
                    protocol: app.into(),
                    detail: "first frame of the flow".into(),
                }],
                evidence_total: f.test_frames,
                recommendation: "Confirm a test was planned; test frames on a live bus \
                                 should stop when the test ends, and subscribers must not \
                                 be left in test mode.",
                validation: &[
                    "Filter the flow on goose.simulation == 1 or the test field in Wireshark.",
                    "Ask the protection engineers about tests at that time.",
                ],
                ..Finding::of(&RULES[2])
            });
        }
        for g in &f.goose {
            let anomalies = g.sq_anomalies + g.st_jumps + g.st_without_sq_reset;
            if anomalies == 0 {
                continue;
            }
            let frame = g.first_anomaly.unwrap_or(f.first_frame);
            out.push(Finding {
                title: format!("GOOSE sequence anomalies from {sender} ({})", g.gocb_ref),
                status: Status::Candidate,
                severity: if g.st_jumps > 0 || anomalies >= 10 {
                    Severity::Medium
                } else {
                    Severity::Low
                },
                summary: format!(
                    "GOOSE control block {} (APPID 0x{:04x}) from {sender}: {} sqNum \
                     anomalies, {} stNum jumps, {} state changes without sqNum reset in {} \
                     frames.",
                    g.gocb_ref,
                    g.appid,
                    g.sq_anomalies,
                    g.st_jumps,
                    g.st_without_sq_reset,
                    g.frames
                ),
                hosts: [sender.clone()].into_iter().collect(),
                evidence: vec![Evidence {
                    frame,
                    ts_ns: f.first_ts,
                    src: sender.clone(),
                    dst: mac_text(&f.key.dst),
                    protocol: "goose".into(),
                    detail: "first anomaly".into(),
                }],
                evidence_total: anomalies,
                recommendation: "Check whether the publisher restarted or the capture lost \
                                 frames; otherwise treat out-of-sequence GOOSE as possible \
                                 replay or injection.",
                validation: &[
                    "Plot goose.stNum and goose.sqNum of the control block in Wireshark.",
                    "Check the IED's event log for restarts at that time.",
                ],
                ..Finding::of(&RULES[3])
            });
        }
    }
    out
}

fn new_talkers(a: &Analysis) -> Vec<Finding> {
    let c = &a.counters;
    if c.first_ts > c.last_ts {
        return Vec::new();
    }
    // Damaged captures carry absurd timestamps: no arithmetic may overflow.
    let span = c.last_ts.saturating_sub(c.first_ts);
    let learn_until = c
        .first_ts
        .saturating_add((span / 4).max(LEARN_MIN_S * 1_000_000_000));
    if learn_until >= c.last_ts {
        return Vec::new();
    }
    // server -> client -> (first request, its frame, changed something, protocol,
    // last request).
    type Talker = (i64, (u32, u64), bool, &'static str, i64);
    let mut by: BTreeMap<String, BTreeMap<String, Talker>> = BTreeMap::new();
    for (k, s) in &a.ops {
        if !k.request || matches!(k.proto, AppProto::It(_)) {
            continue;
        }
        let ((cl, c6), (sv, v6)) = k.ends();
        let t = by
            .entry(addr(&sv, v6))
            .or_default()
            .entry(addr(&cl, c6))
            .or_insert((i64::MAX, (0, 0), false, k.proto.id(), i64::MIN));
        if s.first_ts < t.0 {
            t.0 = s.first_ts;
            t.1 = s.first_frame;
            t.3 = k.proto.id();
        }
        t.4 = t.4.max(s.last_ts);
        t.2 |= matches!(
            k.class(),
            OpClass::Write | OpClass::Control | OpClass::Program
        );
    }
    // When each pair first exchanged requests, either way round: a PROFINET IO device
    // answering its controller's connect with requests of its own is no new talker.
    let pair = |a: &String, b: &String| {
        if a < b {
            (a.clone(), b.clone())
        } else {
            (b.clone(), a.clone())
        }
    };
    let mut met: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (server, clients) in &by {
        for (client, t) in clients {
            let e = met.entry(pair(server, client)).or_insert(i64::MAX);
            *e = (*e).min(t.0);
        }
    }
    let mut out = Vec::new();
    for (server, clients) in &by {
        // Only a controller that had talkers before the window ends is judged.
        if !clients.values().any(|t| t.0 < learn_until) {
            continue;
        }
        let late: Vec<(&String, &Talker)> = clients
            .iter()
            .filter(|(c, t)| t.0 >= learn_until && met[&pair(c, server)] >= learn_until)
            // The controller was in use by its known talkers within the hour before:
            // a capture spliced from recordings years apart has no "before".
            .filter(|(_, t)| {
                clients.values().any(|o| {
                    o.0 < learn_until && o.4 >= t.0.saturating_sub(ACTIVE_BEFORE_S * 1_000_000_000)
                })
            })
            .collect();
        if late.is_empty() {
            continue;
        }
        let changed = late.iter().any(|(_, t)| t.2);
        let names: Vec<&str> = late.iter().map(|(c, _)| c.as_str()).collect();
        let mut hosts: BTreeSet<String> = names.iter().take(20).map(|s| s.to_string()).collect();
        hosts.insert(server.clone());
        out.push(Finding {
            title: format!("New talker(s) to {server}: {}", names.join(", ")),
            status: Status::Candidate,
            severity: if changed {
                Severity::High
            } else {
                Severity::Medium
            },
            summary: format!(
                "{} host(s) first sent industrial requests to {server} after the first quarter \
                 of the capture, when {} other host(s) already talked to it{}.",
                late.len(),
                clients.len() - late.len(),
                if changed {
                    "; some sent writes, control or program operations"
                } else {
                    ""
                }
            ),
            hosts,
            evidence: late
                .iter()
                .map(|(c, t)| Evidence {
                    frame: t.1,
                    ts_ns: t.0,
                    src: (*c).clone(),
                    dst: server.clone(),
                    protocol: t.3.into(),
                    detail: "first request from this client".into(),
                })
                .collect(),
            evidence_total: late.len() as u64,
            recommendation: "Identify each new client and confirm it is allowed to talk to \
                             the controller; list the allowed talkers in the site metadata.",
            validation: &[
                "Check who uses the new host and whether its connection was planned.",
                "Compare with earlier captures of the same network.",
            ],
            ..Finding::of(&RULES[4])
        });
    }
    out
}
