//! report.md: the same sections as report.html, in the same order, and capture text
//! that cannot open markup: no raw `<`, no `|` that splits a table row, no link.

use std::path::{Path, PathBuf};
use std::process::Command;

fn analyze(capture: &Path) -> String {
    let out = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--no-hash", "-o"])
        .arg(out.path())
        .arg(capture)
        .status()
        .unwrap();
    assert!(matches!(st.code(), Some(0 | 1)), "{st}");
    std::fs::read_to_string(out.path().join("report.md")).unwrap()
}

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(p)
}

/// `|` not escaped by a backslash (an odd number of backslashes before it escapes it).
fn unescaped_pipes(line: &str) -> usize {
    let b = line.as_bytes();
    (0..b.len())
        .filter(|&i| {
            b[i] == b'|' && b[..i].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 0
        })
        .count()
}

#[test]
fn every_section_in_order() {
    for cap in [
        "demo/plant-enip-cip.pcap",
        "rules/public.pcap",
        "equiv/modbus_example.pcap",
    ] {
        let md = analyze(&fixture(cap));
        let mut at = 0;
        for (_, title) in ottr::report::sections::SECTIONS {
            let h = format!("\n## {}\n", title.replace('&', "\\&"));
            let pos = md[at..].find(&h).unwrap_or_else(|| panic!("{cap}: {h}"));
            at += pos + h.len();
        }
        assert_eq!(
            md.matches("\n## ").count(),
            ottr::report::sections::SECTIONS.len(),
            "{cap}: no other second-level heading"
        );
        // The drawings become tables: buckets, and client-server pairs per graph.
        assert!(md.contains("| bucket start | packets |"), "{cap}");
        let tables = md
            .matches("| client | server | protocol | packets | bytes |")
            .count();
        let empty = md.matches("\nNothing to draw.\n").count();
        assert_eq!(tables + empty, 4, "{cap}: one edge table per graph");
        assert!(tables > 0, "{cap}");
    }
}

#[test]
fn hostile_text_cannot_open_markup() {
    let md = analyze(&fixture("hostile/hostile.pcap"));
    let raw_lt = md
        .char_indices()
        .filter(|&(i, c)| c == '<' && !md[..i].ends_with('\\'))
        .count();
    assert_eq!(raw_lt, 0, "unescaped < in report.md");
    assert!(!md.contains("]("), "a link in report.md");
    assert!(md.contains("\\<script\\>"), "payload shown, escaped");
    // Every row of a table has as many cell separators as its header.
    let mut header: Option<usize> = None;
    let mut rows = 0;
    for line in md.lines() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        let n = unescaped_pipes(line);
        match header {
            None => header = Some(n),
            Some(h) => {
                assert_eq!(n, h, "row breaks its table: {line}");
                rows += 1;
            }
        }
    }
    assert!(rows > 50, "{rows} table rows checked");
    // Code spans hold only text that cannot close them.
    for line in md.lines() {
        assert_eq!(
            line.matches('`').count() % 2,
            0,
            "unbalanced code span: {line}"
        );
    }
}

#[test]
fn timeline_table_stays_short() {
    // Ten hours of one packet every five minutes: 121 five-minute buckets, more than
    // the table's 60 rows, so adjacent buckets are merged.
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("long.pcap");
    let mut b = Vec::new();
    b.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
    b.extend_from_slice(&[
        2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
    ]);
    let frame: Vec<u8> = [
        &[2u8, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x06][..],
        &[0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1],
        &[0, 0, 0, 0, 0, 0, 10, 0, 0, 2],
    ]
    .concat();
    for i in 0..121u32 {
        b.extend_from_slice(&(1_700_000_000 + 300 * i).to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        b.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        b.extend_from_slice(&frame);
    }
    std::fs::write(&cap, b).unwrap();
    let md = analyze(&cap);
    let at = md.find("| bucket start |").expect("timeline table");
    let rows = md[at..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .count();
    assert!((1..=60).contains(&rows), "{rows} rows");
    assert!(
        md.contains("chart buckets merged per row"),
        "says it merged"
    );
}
