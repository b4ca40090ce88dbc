//! `report.html`: one self-contained page, the report an analyst opens first.
//!
//! Safety, because every name in it comes from a capture an attacker may have shaped:
//! - every string from the capture passes through [`esc_cut`] (text) or [`attr`]
//!   (attribute values), the `html-escape` crate's encoders, after control characters
//!   are replaced and the string is cut ([`MAX_TEXT`] characters by default), in HTML
//!   and inside the inline SVG alike;
//! - there is no script, no `style=` attribute, no remote font, image or link: all CSS
//!   is in one `<style>` element whose SHA-256 the Content-Security-Policy names, so a
//!   browser refuses any other style or any script even if one slipped through.
//!
//! The writer formats what the aggregates and rules computed; the few selections it
//! makes (top N, which conversations a graph shows) are documented in
//! docs/outputs.md.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::Path;

use anyhow::Result;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::it_csv::{client_server, REMOTE_ACCESS};
use super::svg::{self, human_bytes, Edge, Node};
use super::{addr_text, mac_text, ts_text};
use crate::aggregate::assets::Asset;
use crate::aggregate::endpoints::{Addr, Endpoint};
use crate::aggregate::protocols::{transport_name, Detection};
use crate::aggregate::scope::{self, Scope};
use crate::aggregate::timeline::{View, FIRST_IT, GROUPS};
use crate::dissect::net::Outcome;
use crate::dissect::OpClass;
use crate::pipeline::Analysis;
use crate::rules::{Finding, Severity, Status};

/// Characters of capture text shown in a cell before it is cut.
pub const MAX_TEXT: usize = 200;
/// Rows of the long tables.
const TOP: usize = 50;

/// Sections in order: (anchor, heading).
pub const SECTIONS: [(&str, &str); 21] = [
    ("summary", "Capture summary"),
    ("baseline", "Site context"),
    ("context", "NIST SP 800-82r3 and ATT&CK for ICS context"),
    ("risks", "Top risky observations"),
    ("industrial", "Industrial protocols and OT operations"),
    ("extended", "Extended protocol candidates"),
    ("timeline", "Traffic timeline"),
    ("graphs", "Communication graphs"),
    ("dns", "DNS summary"),
    ("services", "Top services"),
    ("assets", "Passive asset inventory"),
    ("cleartext", "Cleartext management surface"),
    ("convergence", "IT/OT convergence indicators"),
    ("engineering", "Engineering candidates"),
    ("remote", "Remote access"),
    ("questions", "Analyst questions"),
    ("quality", "Capture quality notes"),
    ("findings", "Finding candidates and evidence"),
    ("endpoints", "Top endpoints"),
    ("conversations", "Top conversations"),
    ("rules", "Rule results"),
];

/// Protocols of the cleartext management surface.
const CLEARTEXT: &[&str] = &[
    "telnet", "ftp", "tftp", "http", "snmp", "syslog", "rsh", "rlogin", "rexec",
];

/// What the writer is told besides the analysis.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// Edges drawn per graph.
    pub graph_top_n: usize,
    /// A summary of the site metadata given, if any.
    pub metadata: Option<&'a str>,
}

/// Capture text made safe for HTML text, cut at `max` characters.
pub fn esc_cut(s: &str, max: usize) -> String {
    html_escape::encode_text(&cut(s, max)).into_owned()
}

/// Capture text made safe for HTML text, cut at [`MAX_TEXT`].
pub fn esc(s: &str) -> String {
    esc_cut(s, MAX_TEXT)
}

/// Capture text made safe inside a double-quoted attribute.
pub fn attr(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(&cut(s, MAX_TEXT)).into_owned()
}

/// At most `max` characters; control characters become spaces.
pub fn cut(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max * 4));
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// The report's style sheet (its hash goes in the Content-Security-Policy).
pub const CSS: &str = include_str!("report.css");

/// The CSP `style-src` source for `css`: `'sha256-<base64>'`.
pub fn style_hash(css: &str) -> String {
    let digest = Sha256::digest(css.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

pub fn write(
    path: &Path,
    a: &Analysis,
    findings: &[Finding],
    digits: u8,
    o: &Options<'_>,
) -> Result<()> {
    std::fs::write(path, render(a, findings, digits, o))?;
    Ok(())
}

/// The whole page.
pub fn render(a: &Analysis, findings: &[Finding], digits: u8, o: &Options<'_>) -> String {
    let ctx = Ctx::new(a, findings, digits);
    let mut s = String::with_capacity(256 << 10);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; img-src data:\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>ottr report</title><style>{CSS}</style></head><body>\n",
        style_hash(CSS)
    );
    let file = a
        .captures
        .first()
        .and_then(|c| c.path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let more = if a.captures.len() > 1 {
        format!(" and {} more", a.captures.len() - 1)
    } else {
        String::new()
    };
    let _ = write!(
        s,
        "<header><h1>ottr report</h1><p class=\"sub\">{}{more} · {} packets · {}</p></header>\n<nav><ol>",
        esc(&file),
        a.counters.total.packets,
        human_bytes(a.counters.total.bytes)
    );
    for (id, title) in SECTIONS {
        let _ = write!(s, "<li><a href=\"#{id}\">{}</a></li>", esc(title));
    }
    s.push_str("</ol></nav>\n<main>\n");
    for (id, title) in SECTIONS {
        let _ = writeln!(s, "<section id=\"{id}\"><h2>{}</h2>", esc(title));
        match id {
            "summary" => summary(&mut s, &ctx),
            "baseline" => s.push_str(&baseline_notice(o.metadata)),
            "context" => context(&mut s, &ctx),
            "risks" => risks(&mut s, &ctx),
            "industrial" => industrial(&mut s, &ctx),
            "extended" => extended(&mut s, &ctx),
            "timeline" => timeline(&mut s, &ctx),
            "graphs" => graphs(&mut s, &ctx, o.graph_top_n),
            "dns" => dns(&mut s, &ctx),
            "services" => services(&mut s, &ctx),
            "assets" => assets(&mut s, &ctx),
            "cleartext" => cleartext(&mut s, &ctx),
            "convergence" => convergence(&mut s, &ctx),
            "engineering" => engineering(&mut s, &ctx),
            "remote" => remote(&mut s, &ctx),
            "questions" => questions(&mut s, &ctx, o.metadata.is_some()),
            "quality" => quality(&mut s, &ctx),
            "findings" => findings_section(&mut s, &ctx),
            "endpoints" => endpoints(&mut s, &ctx),
            "conversations" => conversations(&mut s, &ctx),
            "rules" => rules(&mut s, &ctx),
            _ => {}
        }
        s.push_str("</section>\n");
    }
    s.push_str(
        "</main><footer>Written by ottr from passive capture analysis only; every \
         finding needs an analyst's confirmation.</footer></body></html>\n",
    );
    s
}

/// The site-context notice: without metadata, findings are judged without knowing
/// the site; `metadata` is a summary of the metadata given, when there is one.
pub fn baseline_notice(metadata: Option<&str>) -> String {
    match metadata {
        Some(m) => format!(
            "<p>Site metadata was given; findings take it into account.</p><pre>{}</pre>\n",
            esc_cut(m, 4000)
        ),
        None => "<div class=\"notice\"><p><strong>Baseline mode.</strong> No site metadata \
                 was given, so findings are judged without site context: ottr does not know \
                 which hosts are engineering workstations, which remote access is approved \
                 or which public addresses are expected. Review <code>suggested_metadata.yml</code>, \
                 correct it, and run again with <code>--metadata</code>.</p></div>\n"
            .to_string(),
    }
}

/// One conversation as the report sees it.
struct Link {
    client: String,
    server: String,
    port: u16,
    proto: String,
    group: usize,
    packets: u64,
    bytes: u64,
    public: bool,
}

/// What every section needs, computed once.
struct Ctx<'a> {
    a: &'a Analysis,
    findings: &'a [Finding],
    digits: u8,
    /// One per conversation, same order as `a.convs`.
    links: Vec<Link>,
    assets: BTreeMap<String, &'a Asset>,
}

impl<'a> Ctx<'a> {
    fn new(a: &'a Analysis, findings: &'a [Finding], digits: u8) -> Ctx<'a> {
        let links = a
            .convs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (client, server, port) = client_server(c);
                let public = [c.key.lo, c.key.hi]
                    .iter()
                    .any(|x| scope::of(x, c.key.v6) == Scope::Public);
                Link {
                    client,
                    server,
                    port,
                    proto: a
                        .conv_app
                        .get(i)
                        .cloned()
                        .flatten()
                        .unwrap_or_else(|| transport_name(c.key.proto)),
                    group: c.group as usize,
                    packets: c.total_packets(),
                    bytes: c.total_bytes(),
                    public,
                }
            })
            .collect();
        let assets = a
            .assets
            .iter()
            .map(|x| (endpoint_addr(&x.endpoint), x))
            .collect();
        Ctx {
            a,
            findings,
            digits,
            links,
            assets,
        }
    }

    fn ts(&self, ns: i64) -> String {
        ts_text(ns, self.digits.min(3))
    }

    fn is_public(&self, addr: &str) -> bool {
        addr.parse::<IpAddr>().is_ok_and(|ip| {
            let (b, v6) = flow_bytes(ip);
            scope::of(&b, v6) == Scope::Public
        })
    }
}

fn flow_bytes(ip: IpAddr) -> ([u8; 16], bool) {
    match ip {
        IpAddr::V4(v) => {
            let mut b = [0u8; 16];
            b[12..].copy_from_slice(&v.octets());
            (b, false)
        }
        IpAddr::V6(v) => (v.octets(), true),
    }
}

fn endpoint_addr(e: &Endpoint) -> String {
    match &e.addr {
        Addr::Ip(b, v6) => addr_text(b, *v6),
        Addr::Mac(m) => mac_text(m),
    }
}

/// The cluster heading of an address: its /24 or /64, `public`, or `link layer`.
pub fn cluster_of(addr: &str) -> String {
    match addr.parse::<IpAddr>() {
        Ok(ip) => {
            let (b, v6) = flow_bytes(ip);
            if scope::of(&b, v6) == Scope::Public {
                return "public".into();
            }
            match ip {
                IpAddr::V4(v) => {
                    let o = v.octets();
                    format!("{}.{}.{}.0/24", o[0], o[1], o[2])
                }
                IpAddr::V6(v) => {
                    let s = v.segments();
                    let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                    format!("{net}/64")
                }
            }
        }
        Err(_) => "link layer".into(),
    }
}

/// Opens a scrolling table with sticky headers.
fn table_head(s: &mut String, cols: &[&str]) {
    s.push_str("<div class=\"tw\"><table><thead><tr>");
    for c in cols {
        let _ = write!(s, "<th>{c}</th>");
    }
    s.push_str("</tr></thead><tbody>\n");
}

/// A row of cells already escaped.
fn row(s: &mut String, cells: &[String]) {
    s.push_str("<tr>");
    for c in cells {
        let _ = write!(s, "<td>{c}</td>");
    }
    s.push_str("</tr>\n");
}

fn table_end(s: &mut String) {
    s.push_str("</tbody></table></div>\n");
}

fn para(s: &mut String, text: &str) {
    let _ = writeln!(s, "<p>{text}</p>");
}

fn sev(f: Severity) -> String {
    format!("<span class=\"sev sev-{0}\">{0}</span>", f.name())
}

fn summary(s: &mut String, x: &Ctx<'_>) {
    let a = x.a;
    let c = &a.counters;
    table_head(
        s,
        &[
            "file",
            "format",
            "size",
            "packets",
            "bytes",
            "first packet",
            "last packet",
            "status",
            "sha256",
        ],
    );
    for r in &a.captures {
        row(
            s,
            &[
                esc(&r.path.display().to_string()),
                r.format.map(|f| f.name()).unwrap_or_default().to_string(),
                human_bytes(r.size),
                r.counters_packets.to_string(),
                r.counters_bytes.to_string(),
                r.first_ts.map(|t| x.ts(t)).unwrap_or_default(),
                r.last_ts.map(|t| x.ts(t)).unwrap_or_default(),
                format!("<span class=\"st-{0}\">{0}</span>", r.status()),
                format!("<code>{}</code>", esc_cut(&r.sha256, 16)),
            ],
        );
    }
    table_end(s);
    let span = if c.total.packets > 0 && c.first_ts <= c.last_ts {
        let secs = (c.last_ts - c.first_ts) as f64 / 1e9;
        format!(
            "{} to {} ({:.1} s)",
            x.ts(c.first_ts),
            x.ts(c.last_ts),
            secs
        )
    } else {
        "no packets".into()
    };
    let _ = writeln!(
        s,
        "<dl class=\"facts\"><dt>Packets</dt><dd>{}</dd><dt>Bytes on the wire</dt><dd>{} ({})</dd>\
         <dt>Span</dt><dd>{span}</dd><dt>Conversations</dt><dd>{}</dd><dt>Endpoints</dt><dd>{}</dd>\
         <dt>Findings</dt><dd>{}</dd></dl>",
        c.total.packets,
        c.total.bytes,
        human_bytes(c.total.bytes),
        a.convs.len(),
        a.endpoints.len(),
        x.findings.len()
    );
    para(s, "Every packet is accounted for exactly once:");
    table_head(s, &["outcome", "packets"]);
    for o in Outcome::ALL {
        let n = c.accounting[o.index()];
        if n > 0 {
            row(s, &[o.name().to_string(), n.to_string()]);
        }
    }
    table_end(s);
}

fn context(s: &mut String, x: &Ctx<'_>) {
    if x.findings.is_empty() {
        para(s, "No finding, so no NIST or ATT&amp;CK theme to review.");
        return;
    }
    let mut nist: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    let mut attack: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in x.findings {
        for t in f.nist_800_82r3 {
            nist.entry(t).or_default().push(f);
        }
        for t in f.mitre_ics {
            attack.entry(t).or_default().push(f);
        }
    }
    let list = |fs: &[&Finding]| {
        let ids: Vec<String> = fs
            .iter()
            .take(12)
            .map(|f| format!("<a href=\"#f-{0}\">{0}</a>", attr(&f.id)))
            .collect();
        let more = if fs.len() > 12 {
            format!(" and {} more", fs.len() - 12)
        } else {
            String::new()
        };
        format!("{}{more}", ids.join(", "))
    };
    let _ = writeln!(s, "<h3>NIST SP 800-82r3 themes</h3>");
    table_head(s, &["theme", "findings", "highest severity", "finding ids"]);
    for (t, fs) in &nist {
        let top = fs
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        row(s, &[esc(t), fs.len().to_string(), sev(top), list(fs)]);
    }
    table_end(s);
    let _ = writeln!(s, "<h3>MITRE ATT&amp;CK for ICS techniques</h3>");
    table_head(
        s,
        &["technique", "findings", "highest severity", "finding ids"],
    );
    for (t, fs) in &attack {
        let top = fs
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        row(
            s,
            &[
                format!("<code>{}</code>", esc(t)),
                fs.len().to_string(),
                sev(top),
                list(fs),
            ],
        );
    }
    table_end(s);
}

fn status_rank(st: Status) -> u8 {
    match st {
        Status::ConfirmedByRule => 0,
        Status::Candidate => 1,
        Status::Informational => 2,
    }
}

fn risks(s: &mut String, x: &Ctx<'_>) {
    if x.findings.is_empty() {
        para(s, "No rule fired.");
        return;
    }
    let mut list: Vec<&Finding> = x.findings.iter().collect();
    list.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(status_rank(a.status).cmp(&status_rank(b.status)))
            .then(b.evidence_total.cmp(&a.evidence_total))
            .then(a.id.cmp(&b.id))
    });
    table_head(s, &["severity", "status", "finding", "hosts", "frames"]);
    for f in list.iter().take(15) {
        let hosts: Vec<&str> = f.hosts.iter().map(String::as_str).take(6).collect();
        row(
            s,
            &[
                sev(f.severity),
                f.status.name().to_string(),
                format!("<a href=\"#f-{}\">{}</a>", attr(&f.id), esc(&f.title)),
                esc(&hosts.join(", ")),
                f.evidence_total.to_string(),
            ],
        );
    }
    table_end(s);
    if list.len() > 15 {
        para(
            s,
            &format!("{} more in the findings section.", list.len() - 15),
        );
    }
}

fn industrial(s: &mut String, x: &Ctx<'_>) {
    let a = x.a;
    let rows: Vec<_> = a
        .protocols
        .iter()
        .filter(|p| matches!(p.category, "industrial" | "utility" | "building"))
        .filter(|p| p.detection != Detection::Port)
        .collect();
    if rows.is_empty() {
        para(s, "No industrial protocol decoded.");
    } else {
        table_head(
            s,
            &[
                "protocol",
                "category",
                "packets",
                "bytes",
                "flows",
                "detection",
            ],
        );
        for p in rows {
            row(
                s,
                &[
                    esc(&p.protocol),
                    p.category.to_string(),
                    p.count.packets.to_string(),
                    human_bytes(p.count.bytes),
                    p.flows.to_string(),
                    p.detection.name().to_string(),
                ],
            );
        }
        table_end(s);
    }
    let notable: Vec<_> = a
        .ops
        .iter()
        .filter(|(k, _)| {
            k.request
                && matches!(
                    k.class(),
                    OpClass::Write | OpClass::Control | OpClass::Program
                )
        })
        .collect();
    let _ = writeln!(s, "<h3>Write, control and program requests</h3>");
    if notable.is_empty() {
        para(s, "None seen.");
        return;
    }
    table_head(
        s,
        &[
            "class",
            "protocol",
            "client",
            "server",
            "function",
            "unit",
            "requests",
            "exceptions",
            "first seen",
            "first frame",
        ],
    );
    for (k, st) in notable.iter().take(TOP) {
        let ((c, c6), (v, v6)) = k.ends();
        row(
            s,
            &[
                format!("<span class=\"op-{0}\">{0}</span>", k.class().name()),
                k.proto.id().to_string(),
                addr_text(&c, c6),
                addr_text(&v, v6),
                esc(k.function_name()),
                esc(&k.unit_text()),
                st.pdus.to_string(),
                st.exceptions.to_string(),
                x.ts(st.first_ts),
                st.first_frame.1.to_string(),
            ],
        );
    }
    table_end(s);
    if notable.len() > TOP {
        para(
            s,
            &format!("{} more rows in ot_operations.csv.", notable.len() - TOP),
        );
    }
}

fn extended(s: &mut String, x: &Ctx<'_>) {
    let rows: Vec<_> =
        x.a.protocols
            .iter()
            .filter(|p| p.detection == Detection::Port)
            .collect();
    para(
        s,
        "Protocols recognised by a registered port only: no dissector confirmed the \
         payload, so each is a candidate to check in Wireshark.",
    );
    if rows.is_empty() {
        para(s, "None.");
        return;
    }
    table_head(s, &["protocol", "category", "packets", "bytes", "flows"]);
    for p in rows.iter().take(TOP) {
        row(
            s,
            &[
                esc(&p.protocol),
                p.category.to_string(),
                p.count.packets.to_string(),
                human_bytes(p.count.bytes),
                p.flows.to_string(),
            ],
        );
    }
    table_end(s);
}

fn timeline(s: &mut String, x: &Ctx<'_>) {
    let c = &x.a.counters;
    let span = if c.total.packets > 0 {
        c.last_ts.saturating_sub(c.first_ts).max(0)
    } else {
        0
    };
    let v = View::build(&x.a.timeline, span);
    if v.total == 0 {
        para(s, "No timestamped packets.");
        return;
    }
    let peak = v
        .peak
        .map(|(i, n)| format!("{n} packets at {}", ts_text(v.bucket_start(i), 0)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "<dl class=\"facts\"><dt>Buckets</dt><dd>{} of {} s</dd><dt>Packets</dt><dd>{}</dd>\
         <dt>Peak</dt><dd>{peak}</dd><dt>Dominant group</dt><dd>{}</dd><dt>Bursts</dt>\
         <dd>{} bucket(s) at or over {} packets</dd></dl>",
        v.totals.len(),
        v.bucket_seconds,
        v.total,
        v.dominant.map(|g| GROUPS[g]).unwrap_or("none"),
        v.bursts.len(),
        v.burst_threshold
    );
    let _ = writeln!(
        s,
        "<div class=\"sw-wrap\">{}</div>",
        svg::timeline_chart(&v)
    );
    s.push_str(&svg::legend(&v.groups_present()));
    table_head(s, &["group", "packets", "share"]);
    for g in v.groups_present() {
        row(
            s,
            &[
                format!("<span class=\"dot g-{0}\"></span>{0}", GROUPS[g]),
                v.group_totals[g].to_string(),
                format!("{:.1}%", 100.0 * v.group_totals[g] as f64 / v.total as f64),
            ],
        );
    }
    table_end(s);
    if !v.bursts.is_empty() {
        let list: Vec<String> = v
            .bursts
            .iter()
            .take(20)
            .map(|&i| {
                format!(
                    "{} ({} packets)",
                    ts_text(v.bucket_start(i), 0),
                    v.totals[i]
                )
            })
            .collect();
        para(s, &format!("Bursts: {}.", list.join(", ")));
    }
}

/// Packets, bytes, timeline group and conversations of a (client, server, protocol).
type PairStat = (u64, u64, usize, u64);

/// Clients, packets and bytes of a service.
type ServiceStat<'a> = (BTreeSet<&'a str>, u64, u64);

/// Which conversations a graph shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum GraphKind {
    All,
    Industrial,
    Risk,
    External,
}

/// Builds one graph: links kept by `kind`, merged per (client, server, protocol),
/// top `n` by packets; returns the SVG and the "not drawn" line.
fn graph_of(
    x: &Ctx<'_>,
    kind: GraphKind,
    n: usize,
    finding_hosts: &BTreeSet<&str>,
) -> (String, String, Vec<usize>) {
    let keep = |l: &Link| match kind {
        GraphKind::All => true,
        GraphKind::Industrial => (l.group as u8) < FIRST_IT,
        GraphKind::External => l.public,
        GraphKind::Risk => {
            l.public
                || CLEARTEXT.contains(&l.proto.as_str())
                || REMOTE_ACCESS.contains(&l.proto.as_str())
                || finding_hosts.contains(l.client.as_str())
                || finding_hosts.contains(l.server.as_str())
        }
    };
    let mut merged: BTreeMap<(&str, &str, &str), PairStat> = BTreeMap::new();
    let mut hosts_all: BTreeSet<&str> = BTreeSet::new();
    for l in x.links.iter().filter(|l| keep(l)) {
        let e = merged
            .entry((&l.client, &l.server, &l.proto))
            .or_insert((0, 0, l.group, 0));
        e.0 += l.packets;
        e.1 += l.bytes;
        e.3 += 1;
        hosts_all.insert(&l.client);
        hosts_all.insert(&l.server);
    }
    let mut list: Vec<_> = merged.into_iter().collect();
    list.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    let drawn = &list[..list.len().min(n)];
    let hidden_convs: u64 = list[drawn.len()..].iter().map(|e| e.1 .3).sum();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut edges = Vec::new();
    let mut groups = BTreeSet::new();
    for ((c, v, p), (pk, by, g, _)) in drawn {
        let ci = node_id(x, &mut index, &mut nodes, c);
        let si = node_id(x, &mut index, &mut nodes, v);
        groups.insert(*g);
        edges.push(Edge {
            client: ci,
            server: si,
            protocol: p.to_string(),
            group: *g,
            packets: *pk,
            bytes: *by,
        });
    }
    let hidden_hosts = hosts_all.len() - nodes.len();
    let line = format!(
        "{} of {} client–server pairs drawn; {hidden_convs} more conversations, {hidden_hosts} more hosts not drawn (--graph-top-n {n}).",
        drawn.len(),
        list.len()
    );
    (
        svg::graph("communication graph", &nodes, &edges),
        line,
        groups.into_iter().collect(),
    )
}

/// The node of host `h`, added on first use with its name, role and cluster.
fn node_id<'h>(
    x: &Ctx<'_>,
    index: &mut BTreeMap<&'h str, usize>,
    nodes: &mut Vec<Node>,
    h: &'h str,
) -> usize {
    *index.entry(h).or_insert_with(|| {
        let asset = x.assets.get(h);
        let name = asset
            .and_then(|a| a.names.iter().next().cloned())
            .or_else(|| asset.and_then(|a| a.endpoint.vendor.clone()))
            .unwrap_or_default();
        let role = match asset.and_then(|a| a.role) {
            Some(r) => r.to_string(),
            None if x.is_public(h) => "public address".into(),
            None => String::new(),
        };
        nodes.push(Node {
            addr: h.to_string(),
            name,
            role,
            cluster: cluster_of(h),
        });
        nodes.len() - 1
    })
}

fn graphs(s: &mut String, x: &Ctx<'_>, n: usize) {
    para(
        s,
        "Arrows run from client (left) to server (right); hosts that are both sit in the \
         middle. Boxes group hosts by subnet (/24, /64, or public). Edge width follows \
         packets, colour the protocol group. The layout is described in docs/outputs.md.",
    );
    let finding_hosts: BTreeSet<&str> = x
        .findings
        .iter()
        .flat_map(|f| f.hosts.iter().map(String::as_str))
        .collect();
    let mut all_groups = BTreeSet::new();
    for (kind, title, what) in [
        (GraphKind::All, "All traffic", "every conversation"),
        (
            GraphKind::Industrial,
            "Industrial",
            "industrial protocol groups",
        ),
        (
            GraphKind::Risk,
            "Risk",
            "public addresses, cleartext management, remote access and hosts named by findings",
        ),
        (
            GraphKind::External,
            "External",
            "conversations with a public address",
        ),
    ] {
        let (svg, line, groups) = graph_of(x, kind, n, &finding_hosts);
        all_groups.extend(groups);
        let _ = writeln!(
            s,
            "<h3>{title}</h3><p class=\"note\">Shows {what}. {}</p>",
            esc(&line)
        );
        if svg.is_empty() {
            para(s, "Nothing to draw.");
        } else {
            let _ = writeln!(s, "<div class=\"sw-wrap\">{svg}</div>");
        }
    }
    let _ = writeln!(s, "<h3>Legend</h3>");
    s.push_str(&svg::legend(&all_groups.into_iter().collect::<Vec<_>>()));
}

fn dns(s: &mut String, x: &Ctx<'_>) {
    struct Server<'a> {
        clients: BTreeSet<&'a str>,
        packets: u64,
        queries: u64,
    }
    let mut servers: BTreeMap<&str, Server<'_>> = BTreeMap::new();
    let mut names: BTreeMap<&str, u64> = BTreeMap::new();
    for (l, c) in x.links.iter().zip(&x.a.convs) {
        if l.proto != "dns" {
            continue;
        }
        let e = servers.entry(&l.server).or_insert(Server {
            clients: BTreeSet::new(),
            packets: 0,
            queries: 0,
        });
        e.clients.insert(&l.client);
        e.packets += l.packets;
        if let Some(app) = c.app.as_deref() {
            for n in app
                .notes
                .list
                .iter()
                .filter(|n| n.kind == "dns_query" && !n.by_server)
            {
                e.queries += n.count;
                *names.entry(&n.value).or_default() += n.count;
            }
        }
    }
    if servers.is_empty() {
        para(s, "No DNS traffic.");
        return;
    }
    let public = servers.keys().filter(|k| x.is_public(k)).count();
    para(
        s,
        &format!(
            "{} DNS server(s), {public} of them public (a plant network resolving through a public resolver is worth a question).",
            servers.len()
        ),
    );
    let mut list: Vec<_> = servers.into_iter().collect();
    list.sort_by(|a, b| b.1.packets.cmp(&a.1.packets).then(a.0.cmp(b.0)));
    table_head(
        s,
        &[
            "server",
            "public",
            "clients",
            "queries",
            "packets",
            "some clients",
        ],
    );
    for (srv, v) in list.iter().take(25) {
        let some: Vec<&str> = v.clients.iter().copied().take(5).collect();
        row(
            s,
            &[
                esc(srv),
                if x.is_public(srv) {
                    "<strong>yes</strong>"
                } else {
                    "no"
                }
                .to_string(),
                v.clients.len().to_string(),
                v.queries.to_string(),
                v.packets.to_string(),
                esc(&some.join(", ")),
            ],
        );
    }
    table_end(s);
    if !names.is_empty() {
        let mut top: Vec<_> = names.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let _ = writeln!(s, "<h3>Most asked names</h3>");
        table_head(s, &["name", "queries"]);
        for (n, c) in top.iter().take(20) {
            row(s, &[esc(n), c.to_string()]);
        }
        table_end(s);
    }
}

fn services(s: &mut String, x: &Ctx<'_>) {
    let mut m: BTreeMap<(&str, u16, &str), ServiceStat<'_>> = BTreeMap::new();
    for (l, c) in x.links.iter().zip(&x.a.convs) {
        if !c.key.has_ports() {
            continue;
        }
        let e = m.entry((&l.server, l.port, &l.proto)).or_default();
        e.0.insert(&l.client);
        e.1 += l.packets;
        e.2 += l.bytes;
    }
    let mut list: Vec<_> = m.into_iter().collect();
    list.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(&b.0)));
    if list.is_empty() {
        para(s, "No service seen.");
        return;
    }
    table_head(
        s,
        &[
            "server", "port", "protocol", "clients", "packets", "bytes", "public",
        ],
    );
    for ((srv, port, proto), (clients, p, b)) in list.iter().take(25) {
        row(
            s,
            &[
                esc(srv),
                port.to_string(),
                esc(proto),
                clients.len().to_string(),
                p.to_string(),
                human_bytes(*b),
                if x.is_public(srv) { "yes" } else { "" }.to_string(),
            ],
        );
    }
    table_end(s);
    if list.len() > 25 {
        para(s, &format!("{} more services.", list.len() - 25));
    }
}

fn assets(s: &mut String, x: &Ctx<'_>) {
    let mut list: Vec<&Asset> = x.a.assets.iter().collect();
    list.sort_by(|a, b| {
        let t = |e: &Endpoint| e.sent.bytes + e.received.bytes;
        t(&b.endpoint)
            .cmp(&t(&a.endpoint))
            .then(endpoint_addr(&a.endpoint).cmp(&endpoint_addr(&b.endpoint)))
    });
    if list.is_empty() {
        para(s, "No asset.");
        return;
    }
    table_head(
        s,
        &[
            "address",
            "MAC",
            "vendor",
            "role",
            "role evidence",
            "names",
            "identity",
            "serves",
            "bytes",
        ],
    );
    for asset in list.iter().take(TOP) {
        let e = &asset.endpoint;
        let names: Vec<&str> = asset.names.iter().map(String::as_str).take(4).collect();
        let identity: Vec<String> = asset
            .identity
            .iter()
            .map(|(k, f)| format!("{k}={}", f.value))
            .collect();
        let served: Vec<&str> = asset.protocols_served.iter().map(String::as_str).collect();
        let evidence: Vec<&str> = asset
            .role_evidence
            .iter()
            .map(String::as_str)
            .take(3)
            .collect();
        row(
            s,
            &[
                esc(&endpoint_addr(e)),
                e.mac.as_ref().map(mac_text).unwrap_or_default(),
                esc(e.vendor.as_deref().unwrap_or_default()),
                asset
                    .role
                    .map(|r| format!("<span class=\"role\">{r}</span>"))
                    .unwrap_or_default(),
                esc(&evidence.join("; ")),
                esc(&names.join("; ")),
                esc(&identity.join("; ")),
                esc(&served.join(", ")),
                human_bytes(e.sent.bytes + e.received.bytes),
            ],
        );
    }
    table_end(s);
    if list.len() > TOP {
        let rest = &list[TOP..];
        let with_role = rest.iter().filter(|a| a.role.is_some()).count();
        para(
            s,
            &format!(
                "{} more assets ({with_role} with a role) in assets.csv and assets.json.",
                rest.len()
            ),
        );
    }
}

fn cleartext(s: &mut String, x: &Ctx<'_>) {
    let mut m: BTreeMap<(&str, &str), (BTreeSet<&str>, u64)> = BTreeMap::new();
    for l in &x.links {
        if CLEARTEXT.contains(&l.proto.as_str()) {
            let e = m.entry((&l.server, &l.proto)).or_default();
            e.0.insert(&l.client);
            e.1 += l.packets;
        }
    }
    if m.is_empty() {
        para(s, "No cleartext management protocol seen.");
        return;
    }
    let risk = |p: &str| match p {
        "telnet" | "ftp" | "tftp" | "rsh" | "rlogin" | "rexec" => "high",
        _ => "medium",
    };
    let mut list: Vec<_> = m.into_iter().collect();
    list.sort_by(|a, b| {
        risk(a.0 .1)
            .cmp(risk(b.0 .1))
            .then(b.1 .1.cmp(&a.1 .1))
            .then(a.0.cmp(&b.0))
    });
    table_head(
        s,
        &[
            "server",
            "protocol",
            "exposure",
            "clients",
            "packets",
            "some clients",
        ],
    );
    for ((srv, proto), (clients, p)) in list.iter().take(30) {
        let some: Vec<&str> = clients.iter().copied().take(5).collect();
        row(
            s,
            &[
                esc(srv),
                esc(proto),
                format!("<span class=\"sev sev-{0}\">{0}</span>", risk(proto)),
                clients.len().to_string(),
                p.to_string(),
                esc(&some.join(", ")),
            ],
        );
    }
    table_end(s);
}

fn convergence(s: &mut String, x: &Ctx<'_>) {
    #[derive(Default)]
    struct H<'a> {
        ot: BTreeSet<&'a str>,
        it: BTreeSet<&'a str>,
        public_peers: BTreeSet<&'a str>,
    }
    let mut hosts: BTreeMap<&str, H<'_>> = BTreeMap::new();
    let mut cross: BTreeMap<(String, String), (BTreeSet<&str>, u64)> = BTreeMap::new();
    for l in &x.links {
        let ot = (l.group as u8) < FIRST_IT;
        let it = !ot
            && (REMOTE_ACCESS.contains(&l.proto.as_str())
                || matches!(
                    GROUPS[l.group],
                    "http" | "tls" | "remote_access" | "smb_netbios" | "vpn"
                ));
        for (h, peer) in [(&l.client, &l.server), (&l.server, &l.client)] {
            let e = hosts.entry(h).or_default();
            if ot {
                e.ot.insert(&l.proto);
            }
            if it {
                e.it.insert(&l.proto);
            }
            if x.is_public(peer) {
                e.public_peers.insert(peer);
            }
        }
        if ot {
            let (a, b) = (cluster_of(&l.client), cluster_of(&l.server));
            if a != b {
                let e = cross.entry((a, b)).or_default();
                e.0.insert(&l.proto);
                e.1 += l.packets;
            }
        }
    }
    let both: Vec<_> = hosts
        .iter()
        .filter(|(_, h)| !h.ot.is_empty() && (!h.it.is_empty() || !h.public_peers.is_empty()))
        .collect();
    let _ = writeln!(
        s,
        "<h3>Hosts speaking industrial and IT, remote-access or internet protocols</h3>"
    );
    if both.is_empty() {
        para(s, "None.");
    } else {
        table_head(
            s,
            &["host", "industrial", "IT / remote access", "public peers"],
        );
        for (h, v) in both.iter().take(TOP) {
            let j = |b: &BTreeSet<&str>| b.iter().copied().collect::<Vec<_>>().join(", ");
            row(
                s,
                &[
                    esc(h),
                    esc(&j(&v.ot)),
                    esc(&j(&v.it)),
                    v.public_peers.len().to_string(),
                ],
            );
        }
        table_end(s);
    }
    let _ = writeln!(s, "<h3>Industrial conversations across subnets</h3>");
    if cross.is_empty() {
        para(s, "None: industrial traffic stays within its subnets.");
        return;
    }
    let mut list: Vec<_> = cross.into_iter().collect();
    list.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(&b.0)));
    table_head(
        s,
        &["client subnet", "server subnet", "protocols", "packets"],
    );
    for ((a, b), (p, n)) in list.iter().take(25) {
        let p: Vec<&str> = p.iter().copied().collect();
        row(s, &[esc(a), esc(b), esc(&p.join(", ")), n.to_string()]);
    }
    table_end(s);
}

fn engineering(s: &mut String, x: &Ctx<'_>) {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for asset in &x.a.assets {
        if asset.role == Some("engineering_workstation") {
            m.entry(endpoint_addr(&asset.endpoint))
                .or_default()
                .extend(asset.role_evidence.iter().take(3).cloned());
        }
    }
    let mut issued: BTreeMap<(String, &str, &str, String), u64> = BTreeMap::new();
    for (k, st) in &x.a.ops {
        let class = k.class();
        if k.request && matches!(class, OpClass::Write | OpClass::Control | OpClass::Program) {
            let ((c, c6), (v, v6)) = k.ends();
            *issued
                .entry((
                    addr_text(&c, c6),
                    k.proto.id(),
                    class.name(),
                    addr_text(&v, v6),
                ))
                .or_default() += st.pdus;
        }
    }
    for ((c, p, class, v), n) in issued {
        m.entry(c)
            .or_default()
            .push(format!("{n} {p} {class} request(s) to {v}"));
    }
    if m.is_empty() {
        para(
            s,
            "No host has the engineering role or issued write, control or program requests.",
        );
        return;
    }
    table_head(s, &["host", "role", "evidence"]);
    for (h, ev) in m.iter().take(TOP) {
        let role = x.assets.get(h.as_str()).and_then(|a| a.role).unwrap_or("");
        let ev: Vec<String> = ev.iter().take(8).map(|e| esc(e)).collect();
        row(s, &[esc(h), role.to_string(), ev.join("<br>")]);
    }
    table_end(s);
}

fn remote_rows<'a>(x: &'a Ctx<'_>) -> Vec<(&'a Link, &'a crate::flow::Conv)> {
    x.links
        .iter()
        .zip(&x.a.convs)
        .filter(|(l, _)| REMOTE_ACCESS.contains(&l.proto.as_str()))
        .collect()
}

fn remote(s: &mut String, x: &Ctx<'_>) {
    let rows = remote_rows(x);
    if rows.is_empty() {
        para(s, "No remote-access session seen.");
        return;
    }
    table_head(
        s,
        &[
            "tool", "client", "server", "port", "start", "duration", "packets", "bytes", "user",
        ],
    );
    for (l, c) in rows.iter().take(TOP) {
        let user = c
            .app
            .as_deref()
            .and_then(|a| a.notes.list.iter().find(|n| n.kind == "user"))
            .map(|n| n.value.as_str())
            .unwrap_or("");
        row(
            s,
            &[
                esc(&l.proto),
                esc(&l.client),
                esc(&l.server),
                l.port.to_string(),
                x.ts(c.first_ts),
                format!("{:.1} s", (c.last_ts - c.first_ts) as f64 / 1e9),
                l.packets.to_string(),
                human_bytes(l.bytes),
                esc(user),
            ],
        );
    }
    table_end(s);
    if rows.len() > TOP {
        para(
            s,
            &format!("{} more in remote_access.csv.", rows.len() - TOP),
        );
    }
}

fn questions(s: &mut String, x: &Ctx<'_>, has_metadata: bool) {
    let mut q: Vec<String> = Vec::new();
    for (k, st) in &x.a.ops {
        if !k.request {
            continue;
        }
        let ((c, c6), (v, v6)) = k.ends();
        let (c, v) = (addr_text(&c, c6), addr_text(&v, v6));
        let what = format!("{} {}", k.proto.id(), k.function_name());
        let when = x.ts(st.first_ts);
        match k.class() {
            OpClass::Program => q.push(format!(
                "Is the {what} from {c} to {v} at {when} (frame {}) an expected, approved program change?",
                st.first_frame.1
            )),
            OpClass::Control => q.push(format!(
                "Was the {what} sent by {c} to {v} at {when} an authorised operation?"
            )),
            OpClass::Write => q.push(format!(
                "Is {c} meant to write to {v} ({what}, {} request(s) from {when})?",
                st.pdus
            )),
            _ => {}
        }
    }
    q.sort_by_key(|s| !s.starts_with("Is the"));
    q.truncate(12);
    for (l, c) in remote_rows(x).iter().take(5) {
        q.push(format!(
            "Is the {} session from {} to {} at {} expected and approved?",
            l.proto,
            l.client,
            l.server,
            x.ts(c.first_ts)
        ));
    }
    let mut public: BTreeSet<(&str, &str)> = BTreeSet::new();
    for l in &x.links {
        if l.public {
            public.insert((&l.client, &l.server));
        }
    }
    for (c, v) in public.iter().take(5) {
        q.push(format!("Should {c} talk to {v} (public address involved)?"));
    }
    for f in x
        .findings
        .iter()
        .filter(|f| f.rule == "OT-SENSITIVE-CLEARTEXT-CREDENTIALS")
        .take(3)
    {
        q.push(format!("Are the credentials seen in {} still valid, and can that service move to an encrypted protocol?", f.title));
    }
    if !has_metadata {
        q.push("Which hosts are engineering workstations, HMIs and controllers, and which remote access and public peers are expected? (Give them with --metadata.)".into());
    }
    if q.is_empty() {
        para(s, "Nothing seen that raises a question.");
        return;
    }
    s.push_str("<ol class=\"questions\">");
    for line in q {
        let _ = write!(s, "<li>{}</li>", esc_cut(&line, 600));
    }
    s.push_str("</ol>\n");
}

fn quality(s: &mut String, x: &Ctx<'_>) {
    let a = x.a;
    let c = &a.counters;
    let mut notes: Vec<String> = Vec::new();
    for (o, why) in [
        (
            Outcome::Truncated,
            "cut by the capture before a header ottr needed (snap length)",
        ),
        (Outcome::Malformed, "with an invalid header"),
        (
            Outcome::IpFragment,
            "IP fragments that did not complete a datagram",
        ),
        (
            Outcome::UnsupportedLinktype,
            "of a link type ottr does not decode",
        ),
        (Outcome::UnreadableRecord, "in damaged pcapng blocks"),
    ] {
        let n = c.accounting[o.index()];
        if n > 0 {
            notes.push(format!("{n} packet(s) {why} ({}).", o.name()));
        }
    }
    if a.frag_dropped + a.frag_pending > 0 {
        notes.push(format!(
            "{} fragmented datagram(s) dropped and {} left incomplete.",
            a.frag_dropped, a.frag_pending
        ));
    }
    let dropped: u64 = a
        .convs
        .iter()
        .filter_map(|c| c.app.as_deref())
        .map(|s| s.notes.dropped)
        .sum();
    if dropped > 0 {
        notes.push(format!(
            "{dropped} observation(s) not kept (per-flow limit)."
        ));
    }
    let no_handshake = a
        .convs
        .iter()
        .filter(|c| c.key.proto == 6 && c.initiator == 0)
        .count();
    if no_handshake > 0 {
        notes.push(format!(
            "{no_handshake} TCP conversation(s) without a captured handshake: their client and server come from the protocol or the ports."
        ));
    }
    for r in &a.captures {
        if r.interface_drops > 0 {
            notes.push(format!(
                "{}: the capture interface dropped {} packet(s).",
                r.path.display(),
                r.interface_drops
            ));
        }
        for e in r.fatal.iter().chain(&r.errors).take(20) {
            notes.push(format!(
                "{}: damage at byte {}: {}",
                r.path.display(),
                e.offset,
                e.message
            ));
        }
        for e in r.warnings.iter().take(10) {
            notes.push(format!(
                "{}: warning at byte {}: {}",
                r.path.display(),
                e.offset,
                e.message
            ));
        }
    }
    if notes.is_empty() {
        para(s, "No quality problem noticed: every packet decoded.");
        return;
    }
    s.push_str("<ul>");
    for n in notes {
        let _ = write!(s, "<li>{}</li>", esc_cut(&n, 400));
    }
    s.push_str("</ul>\n");
}

fn findings_section(s: &mut String, x: &Ctx<'_>) {
    if x.findings.is_empty() {
        para(s, "No rule fired.");
        return;
    }
    for f in x.findings {
        let _ = writeln!(
            s,
            "<article class=\"finding\" id=\"f-{}\"><h3>{} {}: {}</h3>",
            attr(&f.id),
            sev(f.severity),
            esc(&f.id),
            esc(&f.title)
        );
        let hosts: Vec<&str> = f.hosts.iter().map(String::as_str).take(20).collect();
        let _ = writeln!(
            s,
            "<p>{}</p><dl class=\"facts\"><dt>Status</dt><dd>{}</dd><dt>Hosts</dt><dd>{}</dd>\
             <dt>ATT&amp;CK for ICS</dt><dd>{}</dd><dt>NIST SP 800-82r3</dt><dd>{}</dd>\
             <dt>Wireshark filter</dt><dd><code>{}</code></dd><dt>Recommendation</dt><dd>{}</dd></dl>",
            esc_cut(&f.summary, 1000),
            f.status.name(),
            esc(&hosts.join(", ")),
            esc(&f.mitre_ics.join(", ")),
            esc(&f.nist_800_82r3.join("; ")),
            esc_cut(&f.wireshark_filter(), 1000),
            esc_cut(f.recommendation, 1000)
        );
        if !f.validation.is_empty() {
            s.push_str("<ul class=\"validate\">");
            for v in f.validation {
                let _ = write!(s, "<li>To validate: {}</li>", esc_cut(v, 1000));
            }
            s.push_str("</ul>");
        }
        table_head(
            s,
            &[
                "frame",
                "file",
                "time",
                "source",
                "destination",
                "protocol",
                "detail",
            ],
        );
        for e in &f.evidence {
            let file =
                x.a.captures
                    .get(e.frame.0 as usize)
                    .and_then(|c| c.path.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
            row(
                s,
                &[
                    e.frame.1.to_string(),
                    esc(&file),
                    x.ts(e.ts_ns),
                    esc(&e.src),
                    esc(&e.dst),
                    esc(&e.protocol),
                    esc(&e.detail),
                ],
            );
        }
        table_end(s);
        if f.evidence_total > f.evidence.len() as u64 {
            para(
                s,
                &format!(
                    "{} more frames not listed.",
                    f.evidence_total - f.evidence.len() as u64
                ),
            );
        }
        s.push_str("</article>\n");
    }
}

fn endpoints(s: &mut String, x: &Ctx<'_>) {
    table_head(
        s,
        &[
            "address",
            "MAC",
            "vendor",
            "sent",
            "received",
            "bytes",
            "protocols",
        ],
    );
    for e in x.a.endpoints.iter().take(TOP) {
        let protos: Vec<&str> = e.protocols.iter().map(String::as_str).take(8).collect();
        row(
            s,
            &[
                esc(&endpoint_addr(e)),
                e.mac.as_ref().map(mac_text).unwrap_or_default(),
                esc(e.vendor.as_deref().unwrap_or_default()),
                e.sent.packets.to_string(),
                e.received.packets.to_string(),
                human_bytes(e.sent.bytes + e.received.bytes),
                esc(&protos.join(", ")),
            ],
        );
    }
    table_end(s);
    if x.a.endpoints.len() > TOP {
        para(
            s,
            &format!("{} more in endpoints.csv.", x.a.endpoints.len() - TOP),
        );
    }
}

fn conversations(s: &mut String, x: &Ctx<'_>) {
    let mut list: Vec<(&Link, &crate::flow::Conv)> = x.links.iter().zip(&x.a.convs).collect();
    list.sort_by(|a, b| {
        b.0.packets
            .cmp(&a.0.packets)
            .then(a.1.first_frame.cmp(&b.1.first_frame))
    });
    table_head(
        s,
        &[
            "client",
            "server",
            "port",
            "transport",
            "protocol",
            "packets",
            "bytes",
            "first seen",
            "duration",
        ],
    );
    for (l, c) in list.iter().take(TOP) {
        row(
            s,
            &[
                esc(&l.client),
                esc(&l.server),
                if c.key.has_ports() {
                    l.port.to_string()
                } else {
                    String::new()
                },
                transport_name(c.key.proto),
                esc(&l.proto),
                l.packets.to_string(),
                human_bytes(l.bytes),
                x.ts(c.first_ts),
                format!("{:.1} s", (c.last_ts - c.first_ts) as f64 / 1e9),
            ],
        );
    }
    table_end(s);
    if list.len() > TOP {
        para(
            s,
            &format!("{} more in conversations.csv.", list.len() - TOP),
        );
    }
}

fn rules(s: &mut String, x: &Ctx<'_>) {
    let all = crate::rules::registry();
    let mut counts: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for f in x.findings {
        let e = counts.entry(f.rule).or_default();
        e.0 += 1;
        e.1 += f.evidence_total;
    }
    table_head(s, &["rule", "group", "title", "findings", "frames"]);
    for r in all {
        let (n, fr) = counts.get(r.id).copied().unwrap_or_default();
        row(
            s,
            &[
                format!("<code>{}</code>", r.id),
                r.group.to_string(),
                esc_cut(r.title, 120),
                n.to_string(),
                fr.to_string(),
            ],
        );
    }
    table_end(s);
}
