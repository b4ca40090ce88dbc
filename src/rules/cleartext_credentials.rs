//! Cleartext credentials and secrets seen on the wire.
//!
//! What: every flow that carried a credential or secret in the clear (FTP USER/PASS,
//! Telnet login, HTTP Basic, SNMP v1/v2c community, LDAP simple bind, POP/IMAP/SMTP
//! AUTH and the like), one finding per (protocol, client, server). The values are
//! never in the finding: the sensitive-hits file has them, redacted unless asked.
//!
//! Why: anyone on the path can replay them; on plant networks the same passwords often
//! open switches, HMIs and controllers.
//!
//! ATT&CK for ICS (v17): T0859 Valid Accounts, T0812 Default Credentials, T0842
//! Network Sniffing. NIST SP 800-82r3 themes: secure protocols, credential
//! protection, data in transit, disable unused services.
//!
//! Ids: the reference tool's `OT-SENSITIVE-FTP-PASS`, `-HTTP-AUTH`, `-SNMP-COMMUNITY` and
//! `-TELNET` for those protocols, `OT-SENSITIVE-CLEARTEXT-CREDENTIALS` for the others.
//!
//! Example: `OT-SENSITIVE-FTP-PASS-001` "ftp credentials in cleartext from
//! 10.0.0.5 to 10.0.0.20", high, confirmed_by_rule.
//!
//! Status `confirmed_by_rule`: the dissector read the credential itself. Severity high;
//! medium when only an SNMP community was seen.

use std::collections::BTreeMap;

use super::{Evidence, Finding, Rule, Severity, Status};
use crate::pipeline::Analysis;
use crate::report::it_csv::client_server;

const MITRE: &[&str] = &["T0859", "T0812", "T0842"];
const NIST: &[&str] = &[
    "Secure protocols",
    "Credential protection",
    "Data in transit",
    "Disable unused services",
];

/// The reference tool's four ids for the protocols it checks, and one for the rest.
pub const RULES: &[Rule] = &[
    Rule {
        id: "OT-SENSITIVE-FTP-PASS",
        group: "sensitive",
        title: "FTP credentials in cleartext",
        mitre_ics: MITRE,
        nist_800_82r3: NIST,
    },
    Rule {
        id: "OT-SENSITIVE-HTTP-AUTH",
        group: "sensitive",
        title: "HTTP credentials in cleartext",
        mitre_ics: MITRE,
        nist_800_82r3: NIST,
    },
    Rule {
        id: "OT-SENSITIVE-SNMP-COMMUNITY",
        group: "sensitive",
        title: "SNMP community in cleartext",
        mitre_ics: MITRE,
        nist_800_82r3: NIST,
    },
    Rule {
        id: "OT-SENSITIVE-TELNET",
        group: "sensitive",
        title: "Telnet login in cleartext",
        mitre_ics: MITRE,
        nist_800_82r3: NIST,
    },
    Rule {
        id: "OT-SENSITIVE-CLEARTEXT-CREDENTIALS",
        group: "sensitive",
        title: "Credentials in cleartext",
        mitre_ics: MITRE,
        nist_800_82r3: NIST,
    },
];

/// The rule for a protocol's credentials.
fn rule_for(proto: &str) -> &'static Rule {
    match proto {
        "ftp" => &RULES[0],
        "http" => &RULES[1],
        "snmp" => &RULES[2],
        "telnet" => &RULES[3],
        _ => &RULES[4],
    }
}

pub fn run(a: &Analysis) -> Vec<Finding> {
    // (protocol, client, server) -> (severity, secrets by kind, evidence).
    type Group = (Severity, BTreeMap<&'static str, u64>, Vec<Evidence>);
    let mut groups: BTreeMap<(&str, String, String), Group> = BTreeMap::new();
    for c in &a.convs {
        let Some(s) = c.app.as_deref() else { continue };
        if s.notes.secrets.is_empty() {
            continue;
        }
        let (client, server, _) = client_server(c);
        let proto = s.proto.id();
        let g = groups
            .entry((proto, client.clone(), server.clone()))
            .or_insert((Severity::Medium, BTreeMap::new(), Vec::new()));
        for x in &s.notes.secrets {
            if x.kind != "snmp_community" {
                g.0 = Severity::High;
            }
            *g.1.entry(x.kind).or_insert(0) += 1;
            let (src, dst) = if x.from_client {
                (client.clone(), server.clone())
            } else {
                (server.clone(), client.clone())
            };
            let detail = if x.user.is_empty() {
                x.kind.to_string()
            } else {
                format!("{} (user {})", x.kind, x.user)
            };
            g.2.push(Evidence {
                frame: x.at.frame,
                ts_ns: x.at.ts_ns,
                src,
                dst,
                protocol: proto.to_string(),
                detail,
            });
        }
    }
    groups
        .into_iter()
        .map(|((proto, client, server), (severity, kinds, evidence))| {
            let total = evidence.len() as u64;
            let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} x{n}")).collect();
            Finding {
                title: format!("{proto} credentials in cleartext between {client} and {server}"),
                status: Status::ConfirmedByRule,
                severity,
                summary: format!(
                    "{total} cleartext secret(s) on {proto} between {client} and {server}: {}. \
                     The values are in sensitive_hits_redacted.csv.",
                    list.join(", ")
                ),
                hosts: [client, server].into_iter().collect(),
                evidence,
                evidence_total: total,
                recommendation: "Change the exposed credentials, then replace the protocol \
                                 with an encrypted one (SFTP, SSH, HTTPS, SNMPv3 with \
                                 authPriv, LDAPS) or disable it.",
                validation: &[
                    "Open the evidence frames and confirm the login succeeded (server reply).",
                    "Check where else the same account or community is used.",
                ],
                ..Finding::of(rule_for(proto))
            }
        })
        .collect()
}
