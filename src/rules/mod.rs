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
pub mod connections;
pub mod exposure;
pub mod observed;
pub mod ot_checks;
pub mod ot_operations;
pub mod public_communication;
pub mod scan;
pub mod site_checks;

use std::collections::BTreeSet;

use crate::pipeline::Analysis;
use crate::report::addr_text;
use crate::site::Site;

/// What a rule is, whatever it finds: the registry the reports, the catalog checks
/// and `docs/rules.md` go by.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    /// `ot` (decoded operations and industrial checks), `network`, `core` and
    /// `industrial` (the reference tool's static rules), `dynamic`, `sensitive`,
    /// `site` (needs site metadata).
    pub group: &'static str,
    pub title: &'static str,
    pub mitre_ics: &'static [&'static str],
    pub nist_800_82r3: &'static [&'static str],
}

/// Every rule the stage can run.
pub fn registry() -> Vec<&'static Rule> {
    let mut all: Vec<&'static Rule> = Vec::new();
    for list in [
        ot_operations::RULES,
        ot_checks::RULES,
        cleartext_credentials::RULES,
        public_communication::RULES,
        exposure::RULES,
        scan::RULES,
        connections::RULES,
        site_checks::RULES,
    ] {
        all.extend(list.iter());
    }
    all.extend(observed::rules());
    all
}

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

impl Evidence {
    /// The first frame of conversation `c`, shown as `src` to `dst`.
    pub fn first_of(
        c: &crate::flow::Conv,
        src: String,
        dst: String,
        protocol: impl Into<String>,
        detail: impl Into<String>,
    ) -> Evidence {
        Evidence {
            frame: c.first_frame,
            ts_ns: c.first_ts,
            src,
            dst,
            protocol: protocol.into(),
            detail: detail.into(),
        }
    }
}

/// What a rule found.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Unique in the run: the rule id and a sequence number (rules leave it empty;
    /// `run` numbers them).
    pub id: String,
    pub rule: &'static str,
    pub title: String,
    pub status: Status,
    pub severity: Severity,
    pub summary: String,
    pub hosts: BTreeSet<String>,
    /// The first `max_evidence` frames, in capture order (rules gather up to
    /// `GATHERED`; `run` sorts and cuts).
    pub evidence: Vec<Evidence>,
    /// How many frames show it in all.
    pub evidence_total: u64,
    pub mitre_ics: &'static [&'static str],
    pub nist_800_82r3: &'static [&'static str],
    pub recommendation: &'static str,
    pub validation: &'static [&'static str],
    /// A Wireshark display filter for the finding when it has no evidence frames (a
    /// link-layer protocol counted without flows).
    pub display_filter: String,
}

impl Finding {
    /// A finding of `rule` with its context filled in; the rule sets the rest.
    pub fn of(rule: &'static Rule) -> Finding {
        Finding {
            id: String::new(),
            rule: rule.id,
            title: rule.title.to_string(),
            status: Status::Candidate,
            severity: Severity::Info,
            summary: String::new(),
            hosts: BTreeSet::new(),
            evidence: Vec::new(),
            evidence_total: 0,
            mitre_ics: rule.mitre_ics,
            nist_800_82r3: rule.nist_800_82r3,
            recommendation: "",
            validation: &[],
            display_filter: String::new(),
        }
    }

    /// A Wireshark display filter that shows the evidence frames (of one capture:
    /// the frame numbers of a batch are per file).
    pub fn wireshark_filter(&self) -> String {
        if self.evidence.is_empty() && !self.display_filter.is_empty() {
            return self.display_filter.clone();
        }
        let frames: BTreeSet<u64> = self.evidence.iter().map(|e| e.frame.1).collect();
        let list: Vec<String> = frames.iter().map(u64::to_string).collect();
        format!("frame.number in {{{}}}", list.join(" "))
    }
}

/// What the rules may be told.
#[derive(Clone, Copy, Debug)]
pub struct Settings<'s> {
    /// Evidence frames kept per finding.
    pub max_evidence: usize,
    /// What the site says it has (`--metadata`).
    pub site: Option<&'s Site>,
}

impl Default for Settings<'_> {
    fn default() -> Self {
        Settings {
            max_evidence: 10,
            site: None,
        }
    }
}

impl Severity {
    /// One step up, for a site that calls itself critical.
    pub fn raised(self) -> Severity {
        match self {
            Severity::Info => Severity::Info,
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }
}

/// Runs every rule over `a`; findings come most severe first, then by first
/// evidence frame, numbered per rule.
pub fn run(a: &Analysis, s: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(ot_operations::run(a));
    findings.extend(ot_checks::run(a));
    findings.extend(cleartext_credentials::run(a));
    findings.extend(public_communication::run(a, s.site));
    findings.extend(exposure::run(a, s.site));
    findings.extend(scan::run(a));
    findings.extend(connections::run(a));
    findings.extend(observed::run(a, s.site));
    if let Some(site) = s.site {
        findings.extend(site_checks::run(a, site));
        if site.critical() {
            for f in &mut findings {
                if f.status != Status::Informational {
                    f.severity = f.severity.raised();
                    f.summary.push_str(
                        " Severity raised one step: the site metadata calls it critical.",
                    );
                }
            }
        }
    }
    findings.sort_by(|x, y| {
        y.severity
            .cmp(&x.severity)
            .then_with(|| first_frame(x).cmp(&first_frame(y)))
            .then_with(|| x.rule.cmp(y.rule))
            .then_with(|| x.title.cmp(&y.title))
    });
    let mut seq: std::collections::HashMap<&str, u32> = Default::default();
    for f in &mut findings {
        let n = seq.entry(f.rule).or_insert(0);
        *n += 1;
        f.id = format!("{}-{:03}", f.rule, n);
        f.evidence.sort();
        f.evidence.dedup_by(|x, y| x.frame == y.frame);
        f.evidence.truncate(s.max_evidence);
    }
    findings
}

fn first_frame(d: &Finding) -> (u32, u64) {
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

/// Addresses that answer an industrial protocol: the hosts most sensitive to scans
/// and to exposure.
pub(crate) fn ot_servers(a: &Analysis) -> BTreeSet<String> {
    a.ops
        .iter()
        .filter(|(k, _)| !matches!(k.proto, crate::flow::app::AppProto::It(_)))
        .map(|(k, _)| {
            let (a, v6) = k.ends().1;
            addr(&a, v6)
        })
        .collect()
}

/// An address of a flow key as text.
pub(crate) fn addr(a: &[u8; 16], v6: bool) -> String {
    addr_text(a, v6)
}
