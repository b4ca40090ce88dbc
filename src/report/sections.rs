//! The report's sections, computed once in a writer-neutral form and rendered by
//! [`super::html`] and [`super::markdown`].
//!
//! Each section is a list of [`Block`]s (paragraphs, tables, fact lists, ...) made of
//! [`Span`]s that say what they hold (text, a number, code, a severity, a link to an
//! anchor in the page), never markup: each renderer escapes every span for its own
//! format, so text from a capture cannot open markup in either. The one exception is
//! [`Block::Svg`], drawn by [`super::svg`] (which escapes what it draws) for HTML only,
//! with the blocks Markdown shows instead.
//!
//! The selections made here (top N, which conversations a graph shows) are documented
//! in docs/outputs.md.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

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
use crate::site::Site;

/// Characters of capture text shown in a cell before it is cut.
pub const MAX_TEXT: usize = 200;
/// The writer's own sentences are not cut (this is only a bound).
const OWN: usize = 10_000;
/// Rows of the long tables.
const TOP: usize = 50;
/// Rows of the timeline table that stands in for the chart (buckets are merged to fit).
pub const TIMELINE_ROWS: usize = 60;
/// Groups with their own column in that table (the others are summed).
const TIMELINE_GROUPS: usize = 5;

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

/// A piece of inline content; renderers escape every string in it.
#[derive(Clone, Debug, PartialEq)]
pub enum Span {
    /// Text, cut at the given number of characters (control characters replaced).
    Text(String, usize),
    /// A number or a size (right-aligned in Markdown tables).
    Num(String),
    /// Code or an identifier, cut at the given number of characters.
    Code(String, usize),
    Strong(String),
    /// A severity or exposure level (`critical` .. `info`).
    Severity(&'static str),
    /// A value from a fixed set that HTML marks with a class.
    Tag(Tag, &'static str),
    /// A link to an anchor of the page (HTML); Markdown shows the text.
    Link {
        anchor: String,
        text: String,
    },
    /// A line break inside a cell.
    Break,
}

/// What a [`Span::Tag`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// A capture file's read status.
    Status,
    /// An operation class (read, write, control, program, ...).
    Op,
    /// An asset role.
    Role,
    /// A timeline protocol group.
    Group,
}

/// A table cell.
pub type Cell = Vec<Span>;

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Para(Vec<Span>),
    /// A paragraph that explains what follows.
    Note(Vec<Span>),
    /// A paragraph to notice first (baseline mode).
    Notice(Vec<Span>),
    /// A heading under the section's.
    Heading(String),
    /// Label and value pairs.
    Facts(Vec<(&'static str, Vec<Span>)>),
    List {
        ordered: bool,
        /// HTML class of the list (empty: none).
        class: &'static str,
        items: Vec<Vec<Span>>,
    },
    Table {
        head: Vec<&'static str>,
        rows: Vec<Vec<Cell>>,
    },
    /// Inline SVG from [`super::svg`] (HTML only) and what Markdown shows instead.
    Svg {
        html: String,
        fallback: Vec<Block>,
    },
    /// Blocks that differ by writer (what a drawing shows and how to read it).
    Alt {
        html: Vec<Block>,
        markdown: Vec<Block>,
    },
    /// A titled part with its own anchor (a finding).
    Article {
        anchor: String,
        badge: Option<Span>,
        title: Vec<Span>,
        blocks: Vec<Block>,
    },
}

pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub blocks: Vec<Block>,
}

/// The whole report, ready for either writer.
pub struct Report {
    /// The line under the title: first capture, packets, bytes.
    pub subtitle: Vec<Span>,
    pub sections: Vec<Section>,
}

/// What the report is told besides the analysis and the findings.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    /// Digits of sub-second precision of evidence timestamps.
    pub digits: u8,
    /// Edges drawn per graph.
    pub graph_top_n: usize,
    /// The site metadata given, if any.
    pub site: Option<&'a Site>,
    /// For technique names, tactics and NIST theme categories.
    pub catalog: Option<&'a crate::catalog::Catalog>,
}

/// Capture (or other outside) text, cut at [`MAX_TEXT`].
fn cap(s: impl Into<String>) -> Span {
    Span::Text(s.into(), MAX_TEXT)
}

/// The writer's own text.
fn own(s: impl Into<String>) -> Span {
    Span::Text(s.into(), OWN)
}

fn num(x: impl ToString) -> Span {
    Span::Num(x.to_string())
}

fn code(s: impl Into<String>) -> Span {
    Span::Code(s.into(), MAX_TEXT)
}

/// A cell of capture text.
fn tc(s: impl Into<String>) -> Cell {
    vec![cap(s)]
}

/// A cell holding a number.
fn nc(x: impl ToString) -> Cell {
    vec![num(x)]
}

/// A paragraph of the writer's own text.
fn para(s: impl Into<String>) -> Block {
    Block::Para(vec![own(s)])
}

fn table(head: &[&'static str], rows: Vec<Vec<Cell>>) -> Block {
    Block::Table {
        head: head.to_vec(),
        rows,
    }
}

impl Report {
    pub fn build(a: &Analysis, findings: &[Finding], o: &Options<'_>) -> Report {
        let x = Ctx::new(a, findings, o.digits);
        let sections = SECTIONS
            .iter()
            .map(|&(id, title)| {
                let blocks = match id {
                    "summary" => summary(&x),
                    "baseline" => baseline(o.site),
                    "context" => context(&x, o.catalog),
                    "risks" => risks(&x),
                    "industrial" => industrial(&x),
                    "extended" => extended(&x),
                    "timeline" => timeline(&x),
                    "graphs" => graphs(&x, o.graph_top_n),
                    "dns" => dns(&x),
                    "services" => services(&x),
                    "assets" => assets(&x),
                    "cleartext" => cleartext(&x),
                    "convergence" => convergence(&x),
                    "engineering" => engineering(&x),
                    "remote" => remote(&x),
                    "questions" => questions(&x, o.site.is_some()),
                    "quality" => quality(&x),
                    "findings" => findings_section(&x),
                    "endpoints" => endpoints(&x),
                    "conversations" => conversations(&x),
                    "rules" => rules(&x),
                    _ => Vec::new(),
                };
                Section { id, title, blocks }
            })
            .collect();
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
        let subtitle = vec![
            cap(file),
            own(format!(
                "{more} · {} packets · {}",
                a.counters.total.packets,
                human_bytes(a.counters.total.bytes)
            )),
        ];
        Report { subtitle, sections }
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

    /// A timestamp to the millisecond at most (the tables' precision).
    fn ts(&self, ns: i64) -> String {
        ts_text(ns, self.digits.min(3))
    }

    fn is_public(&self, addr: &str) -> bool {
        addr.parse::<IpAddr>()
            .is_ok_and(|ip| scope::of_ip(&ip) == Scope::Public)
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
        Ok(ip) if scope::of_ip(&ip) == Scope::Public => "public".into(),
        Ok(ip) => scope::subnet(&ip),
        Err(_) => "link layer".into(),
    }
}

fn sev(f: Severity) -> Span {
    Span::Severity(f.name())
}

/// A link to finding `f`'s article, showing `text`.
fn finding_link(f: &Finding, text: &str) -> Span {
    Span::Link {
        anchor: format!("f-{}", f.id),
        text: text.to_string(),
    }
}

fn summary(x: &Ctx<'_>) -> Vec<Block> {
    let a = x.a;
    let c = &a.counters;
    let mut b = Vec::new();
    let rows = a
        .captures
        .iter()
        .map(|r| {
            vec![
                tc(r.path.display().to_string()),
                vec![own(r.format.map(|f| f.name()).unwrap_or_default())],
                nc(human_bytes(r.size)),
                nc(r.counters_packets),
                nc(r.counters_bytes),
                vec![own(r.first_ts.map(|t| x.ts(t)).unwrap_or_default())],
                vec![own(r.last_ts.map(|t| x.ts(t)).unwrap_or_default())],
                vec![Span::Tag(Tag::Status, r.status())],
                vec![Span::Code(r.sha256.clone(), 16)],
            ]
        })
        .collect();
    b.push(table(
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
        rows,
    ));
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
    b.push(Block::Facts(vec![
        ("Packets", vec![num(c.total.packets)]),
        (
            "Bytes on the wire",
            vec![own(format!(
                "{} ({})",
                c.total.bytes,
                human_bytes(c.total.bytes)
            ))],
        ),
        ("Span", vec![own(span)]),
        ("Conversations", vec![num(a.convs.len())]),
        ("Endpoints", vec![num(a.endpoints.len())]),
        ("Findings", vec![num(x.findings.len())]),
    ]));
    b.push(para("Every packet is accounted for exactly once:"));
    let rows = Outcome::ALL
        .iter()
        .filter_map(|o| {
            let k = c.accounting[o.index()];
            (k > 0).then(|| vec![vec![own(o.name())], nc(k)])
        })
        .collect();
    b.push(table(&["outcome", "packets"], rows));
    b
}

/// Without metadata, findings are judged without knowing the site: say so first.
fn baseline(site: Option<&Site>) -> Vec<Block> {
    match site {
        None => vec![Block::Notice(vec![
            Span::Strong("Baseline mode.".into()),
            own(
                " No site metadata was given, so findings are judged without site context: \
                 ottr does not know which hosts are engineering workstations, which remote \
                 access is approved or which public addresses are expected. Review ",
            ),
            code("suggested_metadata.yml"),
            own(", correct it, and run again with "),
            code("--metadata"),
            own("."),
        ])],
        Some(site) => {
            let mut rows: Vec<Vec<Cell>> = site
                .summary()
                .into_iter()
                .map(|(k, v)| vec![vec![own(k)], tc(v)])
                .collect();
            if !site.unknown_keys.is_empty() {
                rows.push(vec![
                    vec![own("keys ignored")],
                    tc(site.unknown_keys.join(", ")),
                ]);
            }
            vec![
                para("Site metadata was given; findings take it into account."),
                table(&["key", "value"], rows),
            ]
        }
    }
}

fn context(x: &Ctx<'_>, catalog: Option<&crate::catalog::Catalog>) -> Vec<Block> {
    if x.findings.is_empty() {
        return vec![para("No finding, so no NIST or ATT&CK theme to review.")];
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
        let mut out = Vec::new();
        for (i, f) in fs.iter().take(12).enumerate() {
            if i > 0 {
                out.push(own(", "));
            }
            out.push(finding_link(f, &f.id));
        }
        if fs.len() > 12 {
            out.push(own(format!(" and {} more", fs.len() - 12)));
        }
        out
    };
    let top = |fs: &[&Finding]| {
        fs.iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info)
    };
    let nist_rows = nist
        .iter()
        .map(|(t, fs)| {
            let csf = catalog
                .and_then(|c| c.nist.theme(t))
                .map_or(String::new(), |th| th.csf.clone());
            vec![tc(*t), tc(csf), nc(fs.len()), vec![sev(top(fs))], list(fs)]
        })
        .collect();
    let attack_rows = attack
        .iter()
        .map(|(t, fs)| {
            let tech = catalog.and_then(|c| c.attack.technique(t));
            vec![
                vec![code(*t)],
                tc(tech.map_or("", |x| x.name.as_str())),
                tc(tech.map_or(String::new(), |x| x.tactics.join(", "))),
                nc(fs.len()),
                vec![sev(top(fs))],
                list(fs),
            ]
        })
        .collect();
    vec![
        Block::Heading("NIST SP 800-82r3 themes".into()),
        table(
            &[
                "theme",
                "CSF",
                "findings",
                "highest severity",
                "finding ids",
            ],
            nist_rows,
        ),
        Block::Heading("MITRE ATT&CK for ICS techniques (v17)".into()),
        table(
            &[
                "technique",
                "name",
                "tactics",
                "findings",
                "highest severity",
                "finding ids",
            ],
            attack_rows,
        ),
    ]
}

fn status_rank(st: Status) -> u8 {
    match st {
        Status::ConfirmedByRule => 0,
        Status::Candidate => 1,
        Status::Informational => 2,
    }
}

fn risks(x: &Ctx<'_>) -> Vec<Block> {
    if x.findings.is_empty() {
        return vec![para("No rule fired.")];
    }
    // Context (informational findings) is no risk: it stays in the findings section.
    let mut list: Vec<&Finding> = x
        .findings
        .iter()
        .filter(|f| f.status != Status::Informational)
        .collect();
    if list.is_empty() {
        return vec![para(
            "Only informational findings: nothing ranks as a risk.",
        )];
    }
    list.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(status_rank(a.status).cmp(&status_rank(b.status)))
            .then(b.evidence_total.cmp(&a.evidence_total))
            .then(a.id.cmp(&b.id))
    });
    let rows = list
        .iter()
        .take(15)
        .map(|f| {
            let hosts: Vec<&str> = f.hosts.iter().map(String::as_str).take(6).collect();
            vec![
                vec![sev(f.severity)],
                vec![own(f.status.name())],
                vec![finding_link(f, &f.title)],
                tc(hosts.join(", ")),
                nc(f.evidence_total),
            ]
        })
        .collect();
    let mut b = vec![table(
        &["severity", "status", "finding", "hosts", "frames"],
        rows,
    )];
    if list.len() > 15 {
        b.push(para(format!(
            "{} more in the findings section.",
            list.len() - 15
        )));
    }
    b
}

/// Requests that change a process or a controller: writes, control, program.
fn is_notable(class: OpClass) -> bool {
    matches!(class, OpClass::Write | OpClass::Control | OpClass::Program)
}

fn industrial(x: &Ctx<'_>) -> Vec<Block> {
    let a = x.a;
    let mut b = Vec::new();
    let rows: Vec<Vec<Cell>> = a
        .protocols
        .iter()
        .filter(|p| matches!(p.category, "industrial" | "utility" | "building"))
        .filter(|p| p.detection != Detection::Port)
        .map(|p| {
            vec![
                tc(&*p.protocol),
                vec![own(p.category)],
                nc(p.count.packets),
                nc(human_bytes(p.count.bytes)),
                nc(p.flows),
                vec![own(p.detection.name())],
            ]
        })
        .collect();
    if rows.is_empty() {
        b.push(para("No industrial protocol decoded."));
    } else {
        b.push(table(
            &[
                "protocol",
                "category",
                "packets",
                "bytes",
                "flows",
                "detection",
            ],
            rows,
        ));
    }
    let notable: Vec<_> = a
        .ops
        .iter()
        .filter(|(k, _)| k.request && is_notable(k.class()))
        .collect();
    b.push(Block::Heading("Write, control and program requests".into()));
    if notable.is_empty() {
        b.push(para("None seen."));
        return b;
    }
    let rows = notable
        .iter()
        .take(TOP)
        .map(|(k, st)| {
            let ((c_, c6), (v, v6)) = k.ends();
            vec![
                vec![Span::Tag(Tag::Op, k.class().name())],
                vec![own(k.proto.id())],
                tc(addr_text(&c_, c6)),
                tc(addr_text(&v, v6)),
                tc(k.function_name()),
                tc(k.unit_text()),
                nc(st.pdus),
                nc(st.exceptions),
                vec![own(x.ts(st.first_ts))],
                nc(st.first_frame.1),
            ]
        })
        .collect();
    b.push(table(
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
        rows,
    ));
    if notable.len() > TOP {
        b.push(para(format!(
            "{} more rows in ot_operations.csv.",
            notable.len() - TOP
        )));
    }
    b
}

fn extended(x: &Ctx<'_>) -> Vec<Block> {
    let rows: Vec<_> =
        x.a.protocols
            .iter()
            .filter(|p| p.detection == Detection::Port)
            .collect();
    let mut b = vec![para(
        "Protocols recognised by a registered port only: no dissector confirmed the \
         payload, so each is a candidate to check in Wireshark.",
    )];
    if rows.is_empty() {
        b.push(para("None."));
        return b;
    }
    let rows = rows
        .iter()
        .take(TOP)
        .map(|p| {
            vec![
                tc(&*p.protocol),
                vec![own(p.category)],
                nc(p.count.packets),
                nc(human_bytes(p.count.bytes)),
                nc(p.flows),
            ]
        })
        .collect();
    b.push(table(
        &["protocol", "category", "packets", "bytes", "flows"],
        rows,
    ));
    b
}

fn timeline(x: &Ctx<'_>) -> Vec<Block> {
    let c = &x.a.counters;
    let span = if c.total.packets > 0 {
        c.last_ts.saturating_sub(c.first_ts).max(0)
    } else {
        0
    };
    let v = View::build(&x.a.timeline, span);
    if v.total == 0 {
        return vec![para("No timestamped packets.")];
    }
    let peak = v
        .peak
        .map(|(i, n)| format!("{n} packets at {}", ts_text(v.bucket_start(i), 0)))
        .unwrap_or_default();
    let mut b = vec![
        Block::Facts(vec![
            (
                "Buckets",
                vec![own(format!("{} of {} s", v.totals.len(), v.bucket_seconds))],
            ),
            ("Packets", vec![num(v.total)]),
            ("Peak", vec![own(peak)]),
            (
                "Dominant group",
                vec![own(v.dominant.map(|g| GROUPS[g]).unwrap_or("none"))],
            ),
            (
                "Bursts",
                vec![own(format!(
                    "{} bucket(s) at or over {} packets",
                    v.bursts.len(),
                    v.burst_threshold
                ))],
            ),
        ]),
        Block::Svg {
            html: format!("<div class=\"sw-wrap\">{}</div>", svg::timeline_chart(&v)),
            fallback: timeline_table(&v),
        },
        Block::Svg {
            html: svg::legend(&v.groups_present()),
            fallback: Vec::new(),
        },
    ];
    let rows = v
        .groups_present()
        .into_iter()
        .map(|g| {
            vec![
                vec![Span::Tag(Tag::Group, GROUPS[g])],
                nc(v.group_totals[g]),
                nc(format!(
                    "{:.1}%",
                    100.0 * v.group_totals[g] as f64 / v.total as f64
                )),
            ]
        })
        .collect();
    b.push(table(&["group", "packets", "share"], rows));
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
        b.push(para(format!("Bursts: {}.", list.join(", "))));
    }
    b
}

/// The chart as a table: packets per bucket for the main groups, at most
/// [`TIMELINE_ROWS`] rows (adjacent buckets merged when there are more).
fn timeline_table(v: &View) -> Vec<Block> {
    let buckets = v.totals.len();
    let merge = buckets.div_ceil(TIMELINE_ROWS).max(1);
    let mut main = v.groups_present();
    main.sort_by(|a, b| v.group_totals[*b].cmp(&v.group_totals[*a]).then(a.cmp(b)));
    let others = main.len() > TIMELINE_GROUPS;
    main.truncate(TIMELINE_GROUPS);
    main.sort_unstable();
    let mut head = vec!["bucket start", "packets"];
    head.extend(main.iter().map(|&g| GROUPS[g]));
    if others {
        head.push("other groups");
    }
    let rows = (0..buckets)
        .step_by(merge)
        .map(|i| {
            let end = (i + merge).min(buckets);
            let total: u64 = v.totals[i..end].iter().sum();
            let mut row = vec![vec![own(ts_text(v.bucket_start(i), 0))], nc(total)];
            let mut shown = 0;
            for &g in &main {
                let k: u64 = v.series[g][i..end].iter().sum();
                shown += k;
                row.push(nc(k));
            }
            if others {
                row.push(nc(total - shown));
            }
            row
        })
        .collect();
    vec![
        para(format!(
            "Packets per {} s bucket{}:",
            v.bucket_seconds * merge as i64,
            if merge > 1 {
                format!(" ({merge} chart buckets merged per row)")
            } else {
                String::new()
            }
        )),
        Block::Table { head, rows },
    ]
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

/// One graph: its SVG, the "not drawn" line, the groups of its edges, and the drawn
/// edges as table rows (what Markdown shows).
struct Graph {
    svg: String,
    line: String,
    groups: Vec<usize>,
    rows: Vec<Vec<Cell>>,
}

/// Builds one graph: links kept by `kind`, merged per (client, server, protocol),
/// top `n` by packets.
fn graph_of(x: &Ctx<'_>, kind: GraphKind, n: usize, finding_hosts: &BTreeSet<&str>) -> Graph {
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
    let mut rows = Vec::new();
    for ((cl, v, p), (pk, by, g, _)) in drawn {
        let ci = node_id(x, &mut index, &mut nodes, cl);
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
        rows.push(vec![tc(*cl), tc(*v), tc(*p), nc(pk), nc(human_bytes(*by))]);
    }
    let hidden_hosts = hosts_all.len() - nodes.len();
    let line = format!(
        "{} of {} client–server pairs drawn; {hidden_convs} more conversations, {hidden_hosts} more hosts not drawn (--graph-top-n {n}).",
        drawn.len(),
        list.len()
    );
    Graph {
        svg: svg::graph("communication graph", &nodes, &edges),
        line,
        groups: groups.into_iter().collect(),
        rows,
    }
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

fn graphs(x: &Ctx<'_>, n: usize) -> Vec<Block> {
    let mut b = vec![Block::Alt {
        html: vec![para(
            "Arrows run from client (left) to server (right); hosts that are both sit in \
             the middle. Boxes group hosts by subnet (/24, /64, or public). Edge width \
             follows packets, colour the protocol group. The layout is described in \
             docs/outputs.md.",
        )],
        markdown: vec![para(
            "Each table lists the client–server pairs report.html draws (merged per \
             protocol, by packets); the layout is described in docs/outputs.md.",
        )],
    }];
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
        let g = graph_of(x, kind, n, &finding_hosts);
        all_groups.extend(g.groups);
        b.push(Block::Heading(title.into()));
        b.push(Block::Note(vec![own(format!("Shows {what}. {}", g.line))]));
        if g.svg.is_empty() {
            b.push(para("Nothing to draw."));
        } else {
            b.push(Block::Svg {
                html: format!("<div class=\"sw-wrap\">{}</div>", g.svg),
                fallback: vec![table(
                    &["client", "server", "protocol", "packets", "bytes"],
                    g.rows,
                )],
            });
        }
    }
    b.push(Block::Alt {
        html: vec![
            Block::Heading("Legend".into()),
            Block::Svg {
                html: svg::legend(&all_groups.into_iter().collect::<Vec<_>>()),
                fallback: Vec::new(),
            },
        ],
        markdown: Vec::new(),
    });
    b
}

fn dns(x: &Ctx<'_>) -> Vec<Block> {
    struct Server<'a> {
        clients: BTreeSet<&'a str>,
        packets: u64,
        queries: u64,
    }
    let mut servers: BTreeMap<&str, Server<'_>> = BTreeMap::new();
    let mut names: BTreeMap<&str, u64> = BTreeMap::new();
    for (l, cv) in x.links.iter().zip(&x.a.convs) {
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
        if let Some(app) = cv.app.as_deref() {
            for q in app
                .notes
                .list
                .iter()
                .filter(|q| q.kind == "dns_query" && !q.by_server)
            {
                e.queries += q.count;
                *names.entry(&q.value).or_default() += q.count;
            }
        }
    }
    if servers.is_empty() {
        return vec![para("No DNS traffic.")];
    }
    let public = servers.keys().filter(|k| x.is_public(k)).count();
    let mut b = vec![para(format!(
        "{} DNS server(s), {public} of them public (a plant network resolving through a public resolver is worth a question).",
        servers.len()
    ))];
    let mut list: Vec<_> = servers.into_iter().collect();
    list.sort_by(|a, b| b.1.packets.cmp(&a.1.packets).then(a.0.cmp(b.0)));
    let rows = list
        .iter()
        .take(25)
        .map(|(srv, v)| {
            let some: Vec<&str> = v.clients.iter().copied().take(5).collect();
            vec![
                tc(*srv),
                vec![if x.is_public(srv) {
                    Span::Strong("yes".into())
                } else {
                    own("no")
                }],
                nc(v.clients.len()),
                nc(v.queries),
                nc(v.packets),
                tc(some.join(", ")),
            ]
        })
        .collect();
    b.push(table(
        &[
            "server",
            "public",
            "clients",
            "queries",
            "packets",
            "some clients",
        ],
        rows,
    ));
    if !names.is_empty() {
        let mut top: Vec<_> = names.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        b.push(Block::Heading("Most asked names".into()));
        let rows = top
            .iter()
            .take(20)
            .map(|(name, k)| vec![tc(*name), nc(k)])
            .collect();
        b.push(table(&["name", "queries"], rows));
    }
    b
}

fn services(x: &Ctx<'_>) -> Vec<Block> {
    let mut m: BTreeMap<(&str, u16, &str), ServiceStat<'_>> = BTreeMap::new();
    for (l, cv) in x.links.iter().zip(&x.a.convs) {
        if !cv.key.has_ports() {
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
        return vec![para("No service seen.")];
    }
    let rows = list
        .iter()
        .take(25)
        .map(|((srv, port, proto), (clients, p, by))| {
            vec![
                tc(*srv),
                nc(port),
                tc(*proto),
                nc(clients.len()),
                nc(p),
                nc(human_bytes(*by)),
                vec![own(if x.is_public(srv) { "yes" } else { "" })],
            ]
        })
        .collect();
    let mut b = vec![table(
        &[
            "server", "port", "protocol", "clients", "packets", "bytes", "public",
        ],
        rows,
    )];
    if list.len() > 25 {
        b.push(para(format!("{} more services.", list.len() - 25)));
    }
    b
}

fn assets(x: &Ctx<'_>) -> Vec<Block> {
    let mut list: Vec<&Asset> = x.a.assets.iter().collect();
    list.sort_by(|a, b| {
        let t = |e: &Endpoint| e.sent.bytes + e.received.bytes;
        t(&b.endpoint)
            .cmp(&t(&a.endpoint))
            .then(endpoint_addr(&a.endpoint).cmp(&endpoint_addr(&b.endpoint)))
    });
    if list.is_empty() {
        return vec![para("No asset.")];
    }
    let rows = list
        .iter()
        .take(TOP)
        .map(|asset| {
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
            vec![
                tc(endpoint_addr(e)),
                vec![own(e.mac.as_ref().map(mac_text).unwrap_or_default())],
                tc(e.vendor.as_deref().unwrap_or_default()),
                asset
                    .role
                    .map(|r| vec![Span::Tag(Tag::Role, r)])
                    .unwrap_or_default(),
                tc(evidence.join("; ")),
                tc(names.join("; ")),
                tc(identity.join("; ")),
                tc(served.join(", ")),
                nc(human_bytes(e.sent.bytes + e.received.bytes)),
            ]
        })
        .collect();
    let mut b = vec![table(
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
        rows,
    )];
    if list.len() > TOP {
        let rest = &list[TOP..];
        let with_role = rest.iter().filter(|a| a.role.is_some()).count();
        b.push(para(format!(
            "{} more assets ({with_role} with a role) in assets.csv and assets.json.",
            rest.len()
        )));
    }
    b
}

fn cleartext(x: &Ctx<'_>) -> Vec<Block> {
    let mut m: BTreeMap<(&str, &str), (BTreeSet<&str>, u64)> = BTreeMap::new();
    for l in &x.links {
        if CLEARTEXT.contains(&l.proto.as_str()) {
            let e = m.entry((&l.server, &l.proto)).or_default();
            e.0.insert(&l.client);
            e.1 += l.packets;
        }
    }
    if m.is_empty() {
        return vec![para("No cleartext management protocol seen.")];
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
    let rows = list
        .iter()
        .take(30)
        .map(|((srv, proto), (clients, p))| {
            let some: Vec<&str> = clients.iter().copied().take(5).collect();
            vec![
                tc(*srv),
                tc(*proto),
                vec![Span::Severity(risk(proto))],
                nc(clients.len()),
                nc(p),
                tc(some.join(", ")),
            ]
        })
        .collect();
    vec![table(
        &[
            "server",
            "protocol",
            "exposure",
            "clients",
            "packets",
            "some clients",
        ],
        rows,
    )]
}

fn convergence(x: &Ctx<'_>) -> Vec<Block> {
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
    let mut b = vec![Block::Heading(
        "Hosts speaking industrial and IT, remote-access or internet protocols".into(),
    )];
    if both.is_empty() {
        b.push(para("None."));
    } else {
        let j = |s: &BTreeSet<&str>| s.iter().copied().collect::<Vec<_>>().join(", ");
        let rows = both
            .iter()
            .take(TOP)
            .map(|(h, v)| {
                vec![
                    tc(**h),
                    tc(j(&v.ot)),
                    tc(j(&v.it)),
                    nc(v.public_peers.len()),
                ]
            })
            .collect();
        b.push(table(
            &["host", "industrial", "IT / remote access", "public peers"],
            rows,
        ));
    }
    b.push(Block::Heading(
        "Industrial conversations across subnets".into(),
    ));
    if cross.is_empty() {
        b.push(para("None: industrial traffic stays within its subnets."));
        return b;
    }
    let mut list: Vec<_> = cross.into_iter().collect();
    list.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(&b.0)));
    let rows = list
        .iter()
        .take(25)
        .map(|((from, to), (p, k))| {
            let p: Vec<&str> = p.iter().copied().collect();
            vec![tc(from), tc(to), tc(p.join(", ")), nc(k)]
        })
        .collect();
    b.push(table(
        &["client subnet", "server subnet", "protocols", "packets"],
        rows,
    ));
    b
}

fn engineering(x: &Ctx<'_>) -> Vec<Block> {
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
        if k.request && is_notable(class) {
            let ((cl, c6), (v, v6)) = k.ends();
            *issued
                .entry((
                    addr_text(&cl, c6),
                    k.proto.id(),
                    class.name(),
                    addr_text(&v, v6),
                ))
                .or_default() += st.pdus;
        }
    }
    for ((cl, p, class, v), k) in issued {
        m.entry(cl)
            .or_default()
            .push(format!("{k} {p} {class} request(s) to {v}"));
    }
    if m.is_empty() {
        return vec![para(
            "No host has the engineering role or issued write, control or program requests.",
        )];
    }
    let rows = m
        .iter()
        .take(TOP)
        .map(|(h, ev)| {
            let role = x.assets.get(h.as_str()).and_then(|a| a.role);
            let mut evidence = Vec::new();
            for (i, e) in ev.iter().take(8).enumerate() {
                if i > 0 {
                    evidence.push(Span::Break);
                }
                evidence.push(cap(e.as_str()));
            }
            vec![
                tc(h.as_str()),
                role.map(|r| vec![own(r)]).unwrap_or_default(),
                evidence,
            ]
        })
        .collect();
    vec![table(&["host", "role", "evidence"], rows)]
}

fn remote_rows<'a>(x: &'a Ctx<'_>) -> Vec<(&'a Link, &'a crate::flow::Conv)> {
    x.links
        .iter()
        .zip(&x.a.convs)
        .filter(|(l, _)| REMOTE_ACCESS.contains(&l.proto.as_str()))
        .collect()
}

fn remote(x: &Ctx<'_>) -> Vec<Block> {
    let list = remote_rows(x);
    if list.is_empty() {
        return vec![para("No remote-access session seen.")];
    }
    let rows = list
        .iter()
        .take(TOP)
        .map(|(l, cv)| {
            let user = cv
                .app
                .as_deref()
                .and_then(|a| a.notes.list.iter().find(|q| q.kind == "user"))
                .map(|q| q.value.as_str())
                .unwrap_or("");
            vec![
                tc(&*l.proto),
                tc(&*l.client),
                tc(&*l.server),
                nc(l.port),
                vec![own(x.ts(cv.first_ts))],
                nc(format!("{:.1} s", (cv.last_ts - cv.first_ts) as f64 / 1e9)),
                nc(l.packets),
                nc(human_bytes(l.bytes)),
                tc(user),
            ]
        })
        .collect();
    let mut b = vec![table(
        &[
            "tool", "client", "server", "port", "start", "duration", "packets", "bytes", "user",
        ],
        rows,
    )];
    if list.len() > TOP {
        b.push(para(format!(
            "{} more in remote_access.csv.",
            list.len() - TOP
        )));
    }
    b
}

fn questions(x: &Ctx<'_>, has_metadata: bool) -> Vec<Block> {
    let mut q: Vec<String> = Vec::new();
    for (k, st) in &x.a.ops {
        if !k.request {
            continue;
        }
        let ((cl, c6), (v, v6)) = k.ends();
        let (cl, v) = (addr_text(&cl, c6), addr_text(&v, v6));
        let what = format!("{} {}", k.proto.id(), k.function_name());
        let when = x.ts(st.first_ts);
        match k.class() {
            OpClass::Program => q.push(format!(
                "Is the {what} from {cl} to {v} at {when} (frame {}) an expected, approved program change?",
                st.first_frame.1
            )),
            OpClass::Control => q.push(format!(
                "Was the {what} sent by {cl} to {v} at {when} an authorised operation?"
            )),
            OpClass::Write => q.push(format!(
                "Is {cl} meant to write to {v} ({what}, {} request(s) from {when})?",
                st.pdus
            )),
            _ => {}
        }
    }
    q.sort_by_key(|s| !s.starts_with("Is the"));
    q.truncate(12);
    for (l, cv) in remote_rows(x).iter().take(5) {
        q.push(format!(
            "Is the {} session from {} to {} at {} expected and approved?",
            l.proto,
            l.client,
            l.server,
            x.ts(cv.first_ts)
        ));
    }
    let mut public: BTreeSet<(&str, &str)> = BTreeSet::new();
    for l in &x.links {
        if l.public {
            public.insert((&l.client, &l.server));
        }
    }
    for (cl, v) in public.iter().take(5) {
        q.push(format!(
            "Should {cl} talk to {v} (public address involved)?"
        ));
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
        return vec![para("Nothing seen that raises a question.")];
    }
    vec![Block::List {
        ordered: true,
        class: "questions",
        items: q.into_iter().map(|l| vec![Span::Text(l, 600)]).collect(),
    }]
}

fn quality(x: &Ctx<'_>) -> Vec<Block> {
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
        let k = c.accounting[o.index()];
        if k > 0 {
            notes.push(format!("{k} packet(s) {why} ({}).", o.name()));
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
        .filter_map(|cv| cv.app.as_deref())
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
        .filter(|cv| cv.key.proto == 6 && cv.initiator == 0)
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
        return vec![para("No quality problem noticed: every packet decoded.")];
    }
    vec![Block::List {
        ordered: false,
        class: "",
        items: notes
            .into_iter()
            .map(|k| vec![Span::Text(k, 400)])
            .collect(),
    }]
}

fn findings_section(x: &Ctx<'_>) -> Vec<Block> {
    if x.findings.is_empty() {
        return vec![para("No rule fired.")];
    }
    let count = |s| x.findings.iter().filter(|f| f.severity == s).count();
    let mut b = vec![para(format!(
        "{} findings: {} critical, {} high, {} medium, {} low, {} info.",
        x.findings.len(),
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Info)
    ))];
    let rows = x
        .findings
        .iter()
        .map(|f| {
            vec![
                vec![finding_link(f, &f.id)],
                vec![sev(f.severity)],
                vec![own(f.status.name())],
                tc(&*f.title),
                nc(f.evidence_total),
            ]
        })
        .collect();
    b.push(table(
        &["id", "severity", "status", "title", "frames"],
        rows,
    ));
    for f in x.findings {
        let hosts: Vec<&str> = f.hosts.iter().map(String::as_str).take(20).collect();
        let mut blocks = vec![
            Block::Para(vec![Span::Text(f.summary.clone(), 1000)]),
            Block::Facts(vec![
                ("Status", vec![own(f.status.name())]),
                ("Hosts", vec![cap(hosts.join(", "))]),
                ("ATT&CK for ICS", vec![cap(f.mitre_ics.join(", "))]),
                ("NIST SP 800-82r3", vec![cap(f.nist_800_82r3.join("; "))]),
                (
                    "Wireshark filter",
                    vec![Span::Code(f.wireshark_filter(), 1000)],
                ),
                (
                    "Recommendation",
                    vec![Span::Text(f.recommendation.into(), 1000)],
                ),
            ]),
        ];
        if !f.validation.is_empty() {
            blocks.push(Block::List {
                ordered: false,
                class: "validate",
                items: f
                    .validation
                    .iter()
                    .map(|v| vec![Span::Text(format!("To validate: {v}"), 1000)])
                    .collect(),
            });
        }
        let rows = f
            .evidence
            .iter()
            .map(|e| {
                let file =
                    x.a.captures
                        .get(e.frame.0 as usize)
                        .and_then(|cr| cr.path.file_name())
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or_default();
                vec![
                    nc(e.frame.1),
                    tc(file),
                    vec![own(ts_text(e.ts_ns, x.digits))],
                    tc(&*e.src),
                    tc(&*e.dst),
                    tc(&*e.protocol),
                    tc(&*e.detail),
                ]
            })
            .collect();
        blocks.push(table(
            &[
                "frame",
                "file",
                "time",
                "source",
                "destination",
                "protocol",
                "detail",
            ],
            rows,
        ));
        if f.evidence_total > f.evidence.len() as u64 {
            blocks.push(para(format!(
                "{} more frames not listed.",
                f.evidence_total - f.evidence.len() as u64
            )));
        }
        b.push(Block::Article {
            anchor: format!("f-{}", f.id),
            badge: Some(sev(f.severity)),
            title: vec![cap(&*f.id), own(": "), cap(&*f.title)],
            blocks,
        });
    }
    b
}

fn endpoints(x: &Ctx<'_>) -> Vec<Block> {
    let rows =
        x.a.endpoints
            .iter()
            .take(TOP)
            .map(|e| {
                let protos: Vec<&str> = e.protocols.iter().map(String::as_str).take(8).collect();
                vec![
                    tc(endpoint_addr(e)),
                    vec![own(e.mac.as_ref().map(mac_text).unwrap_or_default())],
                    tc(e.vendor.as_deref().unwrap_or_default()),
                    nc(e.sent.packets),
                    nc(e.received.packets),
                    nc(human_bytes(e.sent.bytes + e.received.bytes)),
                    tc(protos.join(", ")),
                ]
            })
            .collect();
    let mut b = vec![table(
        &[
            "address",
            "MAC",
            "vendor",
            "sent",
            "received",
            "bytes",
            "protocols",
        ],
        rows,
    )];
    if x.a.endpoints.len() > TOP {
        b.push(para(format!(
            "{} more in endpoints.csv.",
            x.a.endpoints.len() - TOP
        )));
    }
    b
}

fn conversations(x: &Ctx<'_>) -> Vec<Block> {
    let mut list: Vec<(&Link, &crate::flow::Conv)> = x.links.iter().zip(&x.a.convs).collect();
    list.sort_by(|a, b| {
        b.0.packets
            .cmp(&a.0.packets)
            .then(a.1.first_frame.cmp(&b.1.first_frame))
    });
    let rows = list
        .iter()
        .take(TOP)
        .map(|(l, cv)| {
            vec![
                tc(&*l.client),
                tc(&*l.server),
                if cv.key.has_ports() {
                    nc(l.port)
                } else {
                    Vec::new()
                },
                vec![own(transport_name(cv.key.proto))],
                tc(&*l.proto),
                nc(l.packets),
                nc(human_bytes(l.bytes)),
                vec![own(x.ts(cv.first_ts))],
                nc(format!("{:.1} s", (cv.last_ts - cv.first_ts) as f64 / 1e9)),
            ]
        })
        .collect();
    let mut b = vec![table(
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
        rows,
    )];
    if list.len() > TOP {
        b.push(para(format!(
            "{} more in conversations.csv.",
            list.len() - TOP
        )));
    }
    b
}

fn rules(x: &Ctx<'_>) -> Vec<Block> {
    let mut counts: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for f in x.findings {
        let e = counts.entry(f.rule).or_default();
        e.0 += 1;
        e.1 += f.evidence_total;
    }
    let rows = crate::rules::registry()
        .iter()
        .map(|r| {
            let (k, fr) = counts.get(r.id).copied().unwrap_or_default();
            vec![
                vec![code(r.id)],
                vec![own(r.group)],
                vec![Span::Text(r.title.into(), 120)],
                nc(k),
                nc(fr),
            ]
        })
        .collect();
    vec![table(
        &["rule", "group", "title", "findings", "frames"],
        rows,
    )]
}
