//! Capture text cannot attack the reports: fixtures/hostile/hostile.pcap (see its
//! make.py) names hosts, services and devices with markup, script, CSV formulas,
//! control characters, non-UTF-8 bytes and 4 KB strings.
//! - report.html holds only the elements and attributes the writer emits (a scan of
//!   every `<`: escaped capture text never contains one), and the payloads are there,
//!   escaped;
//! - no CSV cell from capture text starts with `=`, `+`, `-` or `@`;
//! - every `<` in report.md is escaped.

use std::path::{Path, PathBuf};
use std::process::Command;

fn analyze(capture: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--no-hash", "-o"])
        .arg(out.path())
        .arg(capture)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0), "{st}");
    out
}

fn hostile() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile/hostile.pcap")
}

/// Elements report.html may contain.
const ELEMENTS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "nav", "ol",
    "ul", "li", "a", "main", "section", "footer", "p", "div", "table", "thead", "tbody", "tr",
    "th", "td", "dl", "dt", "dd", "code", "pre", "strong", "span", "br", "article", "svg", "g",
    "rect", "path", "text", "tspan", "line",
];

/// Attributes they may carry.
const ATTRIBUTES: &[&str] = &[
    "lang",
    "charset",
    "http-equiv",
    "content",
    "name",
    "href",
    "id",
    "class",
    "xmlns",
    "role",
    "width",
    "height",
    "viewbox",
    "aria-label",
    "aria-hidden",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "dy",
    "rx",
    "d",
    "stroke-width",
];

/// Every tag of `html` as (name, attribute names, attribute values); panics on a tag
/// outside the allow-lists.
fn check_markup(html: &str) {
    let b = html.as_bytes();
    let mut i = 0;
    let mut tags = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        let end = start + html[start..].find('>').expect("tag closes");
        let tag = &html[start + 1..end];
        i = end + 1;
        if tag.starts_with("!DOCTYPE") {
            continue;
        }
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        let tag = tag.strip_suffix('/').unwrap_or(tag);
        let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
        let name = tag[..name_end].to_ascii_lowercase();
        assert!(
            ELEMENTS.contains(&name.as_str()),
            "element <{name}> at {start}"
        );
        // Attributes: name="value" pairs; values never hold a raw quote or '<'.
        let mut rest = tag[name_end..].trim_start();
        while !rest.is_empty() {
            let eq = rest.find('=').expect("attribute has a value");
            let attr = rest[..eq].trim().to_ascii_lowercase();
            assert!(
                ATTRIBUTES.contains(&attr.as_str()),
                "attribute {attr} on <{name}>"
            );
            assert_eq!(&rest[eq + 1..eq + 2], "\"", "quoted value of {attr}");
            let close = eq + 2 + rest[eq + 2..].find('"').unwrap();
            let value = &rest[eq + 2..close];
            if attr == "href" {
                assert!(value.starts_with('#'), "link {value}");
            }
            rest = rest[close + 1..].trim_start();
        }
        tags += 1;
    }
    assert!(tags > 100);
    let _ = b;
}

#[test]
fn hostile_text_is_inert_in_every_report() {
    let out = analyze(&hostile());
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    check_markup(&html);
    let lower = html.to_ascii_lowercase();
    // `onerror=` may appear as escaped text; as an attribute the scan above refuses it.
    for bad in ["<script", "<img", "<svg onload", "javascript:", "style="] {
        assert!(!lower.contains(bad), "{bad} in report.html");
    }
    assert_eq!(lower.matches("</style>").count(), 1);
    // The payloads are shown, escaped (so the checks above are not vacuous).
    assert!(
        html.contains("&lt;script&gt;document.title="),
        "escaped script"
    );
    assert!(html.contains("&lt;img src=x onerror="), "escaped img");
    assert!(html.contains("]]&gt;&lt;svg onload="), "escaped svg");
    assert!(html.contains("=HYPERLINK("), "formula text");
    // The 4 KB User-Agent and other long strings are cut.
    assert!(!html.contains(&"A".repeat(300)), "long strings are cut");
    // Control characters from the capture do not reach the page.
    assert!(!html.contains('\u{7}') && !html.contains('\u{1b}') && !html.contains('\0'));

    for entry in std::fs::read_dir(out.path()).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "csv") {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(&p)
                .unwrap();
            for rec in r.records() {
                for cell in rec.unwrap().iter() {
                    let numeric = cell.parse::<f64>().is_ok();
                    assert!(
                        numeric || !cell.starts_with(['=', '+', '-', '@']),
                        "{}: cell {cell:?}",
                        p.display()
                    );
                }
            }
        }
    }

    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    let raw = md
        .char_indices()
        .filter(|&(i, c)| c == '<' && !md[..i].ends_with('\\'))
        .count();
    assert_eq!(raw, 0, "unescaped < in report.md");
    assert!(md.contains("\\<script\\>"), "payload escaped in report.md");
}
