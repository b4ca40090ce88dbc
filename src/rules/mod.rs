//! The rule stage: single-threaded, over the merged aggregates of an analysis. Each
//! rule (one per file, its doc block saying what, why, ATT&CK for ICS, NIST SP 800-82r3
//! themes and an example) turns what was decoded into findings with evidence frames,
//! a Wireshark filter that shows them, a recommendation and validation steps.
//!
//! Statuses: `confirmed_by_rule` when the rule rests on decoded PDUs that show the
//! thing itself (a Modbus write, a cleartext password); `candidate` when it rests on
//! traffic shape an analyst must confirm (a scan, talk to the internet);
//! `informational` for context that is not a risk by itself.

pub mod cleartext_credentials;
pub mod ot_operations;
pub mod public_communication;
pub mod scan;

use std::collections::BTreeSet;

use crate::pipeline::Analysis;
use crate::report::addr_text;

/// How bad a finding is, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// How far the rule itself confirms what it reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Candidate,
    ConfirmedByRule,
    Informational,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Candidate => "candidate",
            Status::ConfirmedByRule => "confirmed_by_rule",
            Status::Informational => "informational",
        }
    }
}

/// One frame that shows a finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    /// (capture index, frame number in that capture).
    pub frame: (u32, u64),
    pub ts_ns: i64,
    pub src: String,
    pub dst: String,
    pub protocol: String,
    /// What the frame shows; never a secret.
    pub detail: String,
}

/// What a rule found.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Unique in the run: the rule id and a sequence number.
    pub id: String,
    pub rule: &'static str,
    pub title: String,
    pub status: Status,
    pub severity: Severity,
    pub summary: String,
    pub hosts: Vec<String>,
    /// The first `max_evidence` frames, in capture order.
    pub evidence: Vec<Evidence>,
    /// How many frames show it in all.
    pub evidence_total: u64,
    pub mitre_ics: &'static [&'static str],
    pub nist_800_82r3: &'static [&'static str],
    pub recommendation: &'static str,
    pub validation: &'static [&'static str],
}

impl Finding {
    /// A Wireshark display filter that shows the evidence frames (of one capture:
    /// the frame numbers of a batch are per file).
    pub fn wireshark_filter(&self) -> String {
        let frames: BTreeSet<u64> = self.evidence.iter().map(|e| e.frame.1).collect();
        let list: Vec<String> = frames.iter().map(u64::to_string).collect();
        format!("frame.number in {{{}}}", list.join(" "))
    }
}

/// What the rules may be told.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Evidence frames kept per finding.
    pub max_evidence: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { max_evidence: 10 }
    }
}

/// A finding before it is numbered: what each rule returns.
pub struct Draft {
    pub rule: &'static str,
    pub title: String,
    pub status: Status,
    pub severity: Severity,
    pub summary: String,
    pub hosts: BTreeSet<String>,
    pub evidence: Vec<Evidence>,
    pub evidence_total: u64,
    pub mitre_ics: &'static [&'static str],
    pub nist_800_82r3: &'static [&'static str],
    pub recommendation: &'static str,
    pub validation: &'static [&'static str],
}

/// Runs every rule over `a`; findings come most severe first, then by first
/// evidence frame, numbered per rule.
pub fn run(a: &Analysis, s: &Settings) -> Vec<Finding> {
    let mut drafts = Vec::new();
    drafts.extend(ot_operations::run(a));
    drafts.extend(cleartext_credentials::run(a));
    drafts.extend(public_communication::run(a));
    drafts.extend(scan::run(a));
    drafts.sort_by(|x, y| {
        y.severity
            .cmp(&x.severity)
            .then_with(|| first_frame(x).cmp(&first_frame(y)))
            .then_with(|| x.rule.cmp(y.rule))
            .then_with(|| x.title.cmp(&y.title))
    });
    let mut seq: std::collections::HashMap<&str, u32> = Default::default();
    drafts
        .into_iter()
        .map(|mut d| {
            let n = seq.entry(d.rule).or_insert(0);
            *n += 1;
            d.evidence.sort();
            d.evidence.dedup_by(|x, y| x.frame == y.frame);
            d.evidence.truncate(s.max_evidence);
            Finding {
                id: format!("{}-{:03}", d.rule, n),
                rule: d.rule,
                title: d.title,
                status: d.status,
                severity: d.severity,
                summary: d.summary,
                hosts: d.hosts.into_iter().collect(),
                evidence: d.evidence,
                evidence_total: d.evidence_total,
                mitre_ics: d.mitre_ics,
                nist_800_82r3: d.nist_800_82r3,
                recommendation: d.recommendation,
                validation: d.validation,
            }
        })
        .collect()
}

fn first_frame(d: &Draft) -> (u32, u64) {
    d.evidence
        .iter()
        .map(|e| e.frame)
        .min()
        .unwrap_or((u32::MAX, u64::MAX))
}

/// Evidence entries a rule gathers per finding at most: conversations come in
/// first-frame order, so the first kept are the earliest, and a sweep of a /16 keeps
/// 32 rows, not 65536 (the count goes on in `evidence_total`).
pub(crate) const GATHERED: usize = crate::flow::app::EVIDENCE_KEPT;

/// Adds `e` to `list` unless it holds `GATHERED` already.
pub(crate) fn gather(list: &mut Vec<Evidence>, e: impl FnOnce() -> Evidence) {
    if list.len() < GATHERED {
        list.push(e());
    }
}

/// An address of a flow key as text.
pub(crate) fn addr(a: &[u8; 16], v6: bool) -> String {
    addr_text(a, v6)
}
