//! `report.md`: the report an analyst reads or hands on, in Markdown. Everything
//! taken from a capture passes through `md`, so a name cannot open a link, an HTML
//! tag or a table cell.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use super::{addr_text, mac_text, ts_text};
use crate::aggregate::endpoints::Addr;
use crate::dissect::net::Outcome;
use crate::dissect::OpClass;
use crate::pipeline::Analysis;
use crate::rules::{Finding, Severity};
use crate::site::Site;

/// Rows of a long table shown before the rest is summarised.
const TOP: usize = 50;

/// Text from a capture made inert in Markdown: punctuation that starts markup is
/// escaped, control characters and line breaks become spaces, and it is cut at 200
/// characters.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        if i == 200 {
            out.push('…');
            break;
        }
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '<' | '>' | '#' | '|'
            | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn write(
    path: &Path,
    a: &Analysis,
    findings: &[Finding],
    site: Option<&Site>,
    digits: u8,
) -> Result<()> {
    let mut s = String::new();
    summary(&mut s, a, digits);
    metadata(&mut s, site);
    findings_section(&mut s, a, findings, digits);
    operations(&mut s, a, digits);
    assets(&mut s, a);
    quality(&mut s, a);
    std::fs::write(path, s)?;
    Ok(())
}

/// The site metadata given, or the notice that findings lack site context.
fn metadata(s: &mut String, site: Option<&Site>) {
    match site {
        None => {
            let _ = writeln!(
                s,
                "## Baseline mode\n\nNo site metadata was given (`--metadata`): findings are \
                 judged from the traffic alone, without the site's list of assets, services, \
                 protocols and allowed talkers. Review `suggested_metadata.yml`, correct it, \
                 and run again with `--metadata suggested_metadata.yml`.\n"
            );
        }
        Some(site) => {
            let _ = writeln!(s, "## Site metadata\n\n| key | value |\n|---|---|");
            for (k, v) in site.summary() {
                let _ = writeln!(s, "| {k} | {} |", md(&v));
            }
            if !site.unknown_keys.is_empty() {
                let _ = writeln!(
                    s,
                    "| keys ignored | {} |",
                    md(&site.unknown_keys.join(", "))
                );
            }
            let _ = writeln!(s);
        }
    }
}

fn summary(s: &mut String, a: &Analysis, digits: u8) {
    let c = &a.counters;
    let _ = writeln!(s, "# ottr report\n\n## Capture summary\n");
    let _ = writeln!(s, "| file | packets | status |\n|---|---:|---|");
    for r in &a.captures {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            md(&r.path.display().to_string()),
            r.counters_packets,
            r.status()
        );
    }
    let span = if c.first_ts <= c.last_ts {
        format!(
            "{} to {}",
            ts_text(c.first_ts, digits),
            ts_text(c.last_ts, digits)
        )
    } else {
        "no packets".into()
    };
    let _ = writeln!(
        s,
        "\n{} packets, {} bytes on the wire, {span}; {} conversations, {} endpoints.\n",
        c.total.packets,
        c.total.bytes,
        a.convs.len(),
        a.endpoints.len()
    );
}

fn findings_section(s: &mut String, a: &Analysis, findings: &[Finding], digits: u8) {
    let _ = writeln!(s, "## Findings\n");
    if findings.is_empty() {
        let _ = writeln!(s, "No rule fired.\n");
        return;
    }
    let count = |sev| findings.iter().filter(|f| f.severity == sev).count();
    let _ = writeln!(
        s,
        "{} findings: {} critical, {} high, {} medium, {} low, {} info.\n",
        findings.len(),
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Info)
    );
    let _ = writeln!(
        s,
        "| id | severity | status | title | frames |\n|---|---|---|---|---:|"
    );
    for f in findings {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            f.id,
            f.severity.name(),
            f.status.name(),
            md(&f.title),
            f.evidence_total
        );
    }
    for f in findings {
        let _ = writeln!(
            s,
            "\n### {}: {}\n\n{}\n",
            f.id,
            md(&f.title),
            md(&f.summary)
        );
        let hosts: Vec<String> = f.hosts.iter().map(|h| md(h)).collect();
        let _ = writeln!(s, "- Hosts: {}", hosts.join(", "));
        let _ = writeln!(s, "- ATT&CK for ICS: {}", f.mitre_ics.join(", "));
        let _ = writeln!(s, "- NIST SP 800-82r3: {}", f.nist_800_82r3.join("; "));
        let _ = writeln!(s, "- Wireshark filter: `{}`", f.wireshark_filter());
        let _ = writeln!(s, "- Recommendation: {}", f.recommendation);
        for v in f.validation {
            let _ = writeln!(s, "- To validate: {v}");
        }
        let _ = writeln!(
            s,
            "\n| frame | file | time | source | destination | protocol | detail |\n\
             |---:|---|---|---|---|---|---|"
        );
        for e in &f.evidence {
            let file = a
                .captures
                .get(e.frame.0 as usize)
                .and_then(|c| c.path.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                e.frame.1,
                md(&file),
                ts_text(e.ts_ns, digits),
                md(&e.src),
                md(&e.dst),
                md(&e.protocol),
                md(&e.detail)
            );
        }
        if f.evidence_total > f.evidence.len() as u64 {
            let _ = writeln!(
                s,
                "\n{} more not listed.",
                f.evidence_total - f.evidence.len() as u64
            );
        }
    }
    s.push('\n');
}

fn operations(s: &mut String, a: &Analysis, digits: u8) {
    let _ = writeln!(s, "## Industrial protocols and OT operations\n");
    let industrial: Vec<_> = a
        .protocols
        .iter()
        .filter(|p| matches!(p.category, "industrial" | "utility" | "building"))
        .collect();
    if industrial.is_empty() {
        let _ = writeln!(s, "No industrial protocol seen.\n");
        return;
    }
    let _ = writeln!(
        s,
        "| protocol | packets | flows | detection |\n|---|---:|---:|---|"
    );
    for p in industrial {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            md(&p.protocol),
            p.count.packets,
            p.flows,
            p.detection.name()
        );
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
    let _ = writeln!(
        s,
        "\nWrite, control and program requests: {} rows.\n",
        notable.len()
    );
    if notable.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "| protocol | client | server | class | function | unit | requests | first seen |\n\
         |---|---|---|---|---|---|---:|---|"
    );
    for (k, st) in notable.iter().take(TOP) {
        let ((c, c6), (v, v6)) = k.ends();
        let (client, server) = (addr_text(&c, c6), addr_text(&v, v6));
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            k.proto.id(),
            client,
            server,
            k.class().name(),
            md(k.function_name()),
            md(&k.unit_text()),
            st.pdus,
            ts_text(st.first_ts, digits)
        );
    }
    if notable.len() > TOP {
        let _ = writeln!(
            s,
            "\n{} more rows in ot_operations.csv.",
            notable.len() - TOP
        );
    }
    s.push('\n');
}

fn assets(s: &mut String, a: &Analysis) {
    let _ = writeln!(s, "## Passive asset inventory\n");
    // Assets with a role first, then the others, in inventory order.
    let mut list: Vec<_> = a.assets.iter().collect();
    list.sort_by_key(|x| x.role.is_none());
    let _ = writeln!(
        s,
        "| address | MAC | vendor | role | names | identity |\n|---|---|---|---|---|---|"
    );
    for x in list.iter().take(TOP) {
        let e = &x.endpoint;
        let addr = match &e.addr {
            Addr::Ip(b, v6) => addr_text(b, *v6),
            Addr::Mac(m) => mac_text(m),
        };
        let names: Vec<&str> = x.names.iter().map(String::as_str).collect();
        let identity: Vec<String> = x
            .identity
            .iter()
            .map(|(k, f)| format!("{k}={}", f.value))
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            addr,
            e.mac.as_ref().map(mac_text).unwrap_or_default(),
            md(e.vendor.as_deref().unwrap_or_default()),
            x.role.unwrap_or_default(),
            md(&names.join("; ")),
            md(&identity.join("; "))
        );
    }
    if list.len() > TOP {
        let _ = writeln!(s, "\n{} more assets in assets.csv.", list.len() - TOP);
    }
    s.push('\n');
}

fn quality(s: &mut String, a: &Analysis) {
    let _ = writeln!(
        s,
        "## Capture quality\n\nEvery packet is counted once:\n\n| outcome | packets |\n|---|---:|"
    );
    for o in Outcome::ALL {
        let n = a.counters.accounting[o.index()];
        if n > 0 {
            let _ = writeln!(s, "| {} | {n} |", o.name());
        }
    }
    for r in &a.captures {
        for e in r.fatal.iter().chain(&r.errors) {
            let _ = writeln!(
                s,
                "\n- {} at byte {}: {}",
                md(&r.path.display().to_string()),
                e.offset,
                md(&e.message)
            );
        }
    }
    s.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_text_is_inert() {
        let hostile = "<script>alert(1)</script>|[x](http://e/)`code`\n# h\u{7}";
        let out = md(hostile);
        // Every character that opens markup is escaped (a tag, a link, code, a table
        // cell, a heading), so a renderer shows it as text.
        for c in ['<', '>', '[', ']', '(', ')', '`', '|', '#'] {
            let escaped = format!("\\{c}");
            assert_eq!(
                out.matches(c).count(),
                out.matches(&escaped).count(),
                "{c} in {out}"
            );
        }
        assert!(!out.contains('\n') && !out.contains('\u{7}'), "{out}");
        assert_eq!(md(&"a".repeat(500)).chars().count(), 201);
    }
}
