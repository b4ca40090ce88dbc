//! Engineering and control operations on industrial devices, from the decoded PDUs.
//!
//! What: every client that sent write, control or program requests to an industrial
//! server (Modbus writes, S7 PLC stop and block download/upload/delete, DNP3 operate,
//! direct operate, restart and file operations, IEC 104 commands, CIP writes and
//! resets, BACnet writes, reinitialize and device communication control, OPC UA
//! write and call, PROFINET IO CM writes and control, PROFINET DCP Set, MMS writes), one finding per
//! (class, protocol, client, server).
//!
//! Why: these change what the process does or what the controller runs. On a plant
//! network they should come from a known engineering workstation or HMI only; one
//! from anywhere else is the first thing an incident responder wants to see.
//!
//! ATT&CK for ICS (v17): writes T0836 Modify Parameter, T0855 Unauthorized Command
//! Message, T0831 Manipulation of Control; control T0855, T0816 Device
//! Restart/Shutdown, T0858 Change Operating Mode; program T0843 Program Download,
//! T0845 Program Upload, T0889 Modify Program.
//!
//! NIST SP 800-82r3 themes: engineering access control, OT protocol authentication
//! and integrity, allowed talkers, configuration change control.
//!
//! Example: `OT-OPS-WRITE-001` "Modbus writes from 10.0.0.5 to 10.0.0.10", medium,
//! confirmed_by_rule, evidence the first write requests.
//!
//! Status `confirmed_by_rule`: the PDU was decoded and is the operation. Severity:
//! writes medium; control and program operations high.

use std::collections::BTreeMap;

use super::{addr, Evidence, Finding, Rule, Severity, Status};
use crate::dissect::OpClass;
use crate::pipeline::Analysis;
use crate::report::mac_text;

const NIST: &[&str] = &[
    "Engineering access control",
    "Authentication and integrity",
    "Allowed talkers",
    "Configuration change control",
];

pub const RULES: &[Rule] = &[
    Rule {
        id: "OT-OPS-WRITE",
        group: "ot",
        title: "Writes to an industrial device",
        mitre_ics: &["T0836", "T0855", "T0831"],
        nist_800_82r3: NIST,
    },
    Rule {
        id: "OT-OPS-CONTROL",
        group: "ot",
        title: "Control commands to an industrial device",
        mitre_ics: &["T0855", "T0816", "T0858"],
        nist_800_82r3: NIST,
    },
    Rule {
        id: "OT-OPS-PROGRAM",
        group: "ot",
        title: "Program download, upload or delete",
        mitre_ics: &["T0843", "T0845", "T0889"],
        nist_800_82r3: NIST,
    },
];

struct Kind {
    rule: &'static Rule,
    noun: &'static str,
    severity: Severity,
    recommendation: &'static str,
}

const WRITE: Kind = Kind {
    rule: &RULES[0],
    noun: "writes",
    severity: Severity::Medium,
    recommendation: "Confirm the client is an approved engineering workstation or HMI \
                     and that the writes match planned work; restrict write access to \
                     the controller to the hosts that need it.",
};

const CONTROL: Kind = Kind {
    rule: &RULES[1],
    noun: "control commands",
    severity: Severity::High,
    recommendation: "Confirm each command (stop, start, restart, operate, reinitialize) \
                     with operations and the change log; only engineering workstations \
                     on an approved path should be able to send them.",
};

const PROGRAM: Kind = Kind {
    rule: &RULES[2],
    noun: "program operations",
    severity: Severity::High,
    recommendation: "Compare the controller's program with the approved baseline and \
                     confirm the download, upload or delete with the engineer who made \
                     it; keep program changes to a managed engineering workstation.",
};

const VALIDATION: &[&str] = &[
    "Open the evidence frames in Wireshark and read the function of each request.",
    "Ask the site who uses the client host and whether the change was planned.",
    "Check the controller's diagnostic buffer or event log at those times.",
];

fn kind(class: OpClass) -> Option<&'static Kind> {
    match class {
        OpClass::Write => Some(&WRITE),
        OpClass::Control => Some(&CONTROL),
        OpClass::Program => Some(&PROGRAM),
        _ => None,
    }
}

pub fn run(a: &Analysis) -> Vec<Finding> {
    // (rule, protocol, client, server) -> (kind, port, functions, evidence, total).
    type Group = (
        &'static Kind,
        u16,
        BTreeMap<&'static str, u64>,
        Vec<Evidence>,
        u64,
    );
    let mut groups: BTreeMap<(&str, &str, String, String), Group> = BTreeMap::new();
    for (k, s) in &a.ops {
        if !k.request {
            continue;
        }
        let Some(kind) = kind(k.class()) else {
            continue;
        };
        let ((c, c6), (v, v6)) = k.ends();
        let (client, server, port) = (addr(&c, c6), addr(&v, v6), k.server_port);
        let proto = k.proto.id();
        let g = groups
            .entry((kind.rule.id, proto, client.clone(), server.clone()))
            .or_insert_with(|| (kind, port, BTreeMap::new(), Vec::new(), 0));
        *g.2.entry(k.function_name()).or_insert(0) += s.pdus;
        g.4 += s.pdus;
        let unit = k.unit_text();
        let detail = if unit.is_empty() {
            k.function_name().to_string()
        } else {
            format!("{} ({unit})", k.function_name())
        };
        g.3.extend(s.evidence.iter().map(|&(frame, ts_ns)| Evidence {
            frame,
            ts_ns,
            src: client.clone(),
            dst: server.clone(),
            protocol: proto.to_string(),
            detail: detail.clone(),
        }));
    }
    // Link-layer operations (PROFINET DCP Set and the like): by MAC.
    for (k, s) in &a.l2_ops {
        if !k.request {
            continue;
        }
        let Some(kind) = kind(k.class()) else {
            continue;
        };
        let (client, server) = (mac_text(&k.client), mac_text(&k.server));
        let proto = k.app.id();
        let g = groups
            .entry((kind.rule.id, proto, client.clone(), server.clone()))
            .or_insert_with(|| (kind, 0, BTreeMap::new(), Vec::new(), 0));
        *g.2.entry(k.function_name()).or_insert(0) += s.pdus;
        g.4 += s.pdus;
        g.3.extend(s.evidence.iter().map(|&(frame, ts_ns)| Evidence {
            frame,
            ts_ns,
            src: client.clone(),
            dst: server.clone(),
            protocol: proto.to_string(),
            detail: k.function_name().to_string(),
        }));
    }
    groups
        .into_iter()
        .map(
            |((_, proto, client, server), (kind, port, functions, evidence, total))| {
                let list: Vec<String> = functions
                    .iter()
                    .map(|(name, n)| format!("{name} x{n}"))
                    .collect();
                Finding {
                    title: format!("{proto} {} from {client} to {server}", kind.noun),
                    status: Status::ConfirmedByRule,
                    severity: kind.severity,
                    summary: format!(
                        "{client} sent {total} {proto} {} to {server}{}: {}.",
                        kind.noun,
                        if port > 0 {
                            format!(" port {port}")
                        } else {
                            String::new()
                        },
                        list.join(", ")
                    ),
                    hosts: [client, server].into_iter().collect(),
                    evidence,
                    evidence_total: total,
                    recommendation: kind.recommendation,
                    validation: VALIDATION,
                    ..Finding::of(kind.rule)
                }
            },
        )
        .collect()
}
