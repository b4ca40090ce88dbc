//! `findings.json`: the rule stage's findings, in the contract's fields plus the
//! evidence count, a Wireshark filter for the evidence frames and validation steps.

use std::path::Path;

use anyhow::Result;
use serde_json::{json, Value};

use super::ts_text;
use crate::pipeline::Analysis;
use crate::rules::Finding;

pub fn write(path: &Path, a: &Analysis, findings: &[Finding], digits: u8) -> Result<()> {
    let capture = |i: u32| {
        a.captures
            .get(i as usize)
            .map(|c| c.path.display().to_string())
            .unwrap_or_default()
    };
    let list: Vec<Value> = findings
        .iter()
        .map(|f| {
            let evidence: Vec<Value> = f
                .evidence
                .iter()
                .map(|e| {
                    json!({
                        "frame": e.frame.1,
                        "capture": capture(e.frame.0),
                        "ts": ts_text(e.ts_ns, digits),
                        "src": e.src,
                        "dst": e.dst,
                        "protocol": e.protocol,
                        "detail": e.detail,
                    })
                })
                .collect();
            json!({
                "id": f.id,
                "rule": f.rule,
                "title": f.title,
                "status": f.status.name(),
                "severity": f.severity.name(),
                "summary": f.summary,
                "hosts": f.hosts,
                "evidence": evidence,
                "evidence_total": f.evidence_total,
                "wireshark_filter": f.wireshark_filter(),
                "mitre_ics": f.mitre_ics,
                "nist_800_82r3": f.nist_800_82r3,
                "recommendation": f.recommendation,
                "validation": f.validation,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&Value::Array(list))?;
    s.push('\n');
    std::fs::write(path, s)?;
    Ok(())
}
