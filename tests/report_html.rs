//! report.html: every section in order, a Content-Security-Policy whose style hash
//! matches the one style element, no script and no style attribute, and a bounded
//! size with 10,000 hosts (the graphs draw the top N and count the rest).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use sha2::{Digest, Sha256};

fn analyze(capture: &Path, extra: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--no-hash", "-o"])
        .arg(out.path())
        .arg(capture)
        .args(extra)
        .status()
        .unwrap();
    assert!(matches!(st.code(), Some(0 | 1)), "{st}");
    std::fs::read_to_string(out.path().join("report.html")).unwrap()
}

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(p)
}

fn between<'a>(s: &'a str, a: &str, b: &str) -> &'a str {
    let i = s.find(a).unwrap_or_else(|| panic!("no {a}")) + a.len();
    let j = i + s[i..].find(b).unwrap_or_else(|| panic!("no {b}"));
    &s[i..j]
}

#[test]
fn sections_policy_and_no_script() {
    for cap in [
        "demo/plant-enip-cip.pcap",
        "rules/public.pcap",
        "equiv/modbus_example.pcap",
    ] {
        let html = analyze(&fixture(cap), &[]);
        let mut at = 0;
        for (id, title) in ottr::report::html::SECTIONS {
            let h = format!(
                "<section id=\"{id}\"><h2>{}</h2>",
                title.replace('&', "&amp;")
            );
            let pos = html[at..].find(&h).unwrap_or_else(|| panic!("{cap}: {h}"));
            at += pos;
            assert!(
                html.contains(&format!("<a href=\"#{id}\">")),
                "toc entry {id}"
            );
        }
        // One style element, hashed by the policy.
        assert_eq!(html.matches("<style>").count(), 1);
        let css = between(&html, "<style>", "</style>");
        let want = format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()))
        );
        let csp = between(
            &html,
            "http-equiv=\"Content-Security-Policy\" content=\"",
            "\"",
        );
        assert_eq!(
            csp,
            format!("default-src 'none'; style-src {want}; img-src data:"),
            "{cap}"
        );
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{cap}");
        assert!(!lower.contains("style="), "{cap}");
        assert!(
            !lower.contains("http://") || !lower.contains("src=\"http"),
            "{cap}"
        );
        assert!(
            !lower.contains("@import") && !lower.contains("url("),
            "{cap}"
        );
        assert!(
            html.contains("<svg class=\"chart\""),
            "{cap}: timeline chart"
        );
        assert!(html.contains("<svg class=\"graph\""), "{cap}: graphs");
    }
}

/// A pcap of 10,000 clients, each polling one of 40 Modbus/UDP servers (and every
/// hundredth a public address), one request and one answer each.
fn many_hosts(path: &Path) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(&0xa1b2c3d4u32.to_le_bytes()).unwrap();
    f.write_all(&[
        2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
    ])
    .unwrap();
    let mut t = 1_700_000_000u32;
    let mut packet = |src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, t: u32| {
        let payload = [0u8, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1];
        let udp_len = 8 + payload.len() as u16;
        let mut p = Vec::new();
        p.extend_from_slice(&[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0]);
        p.extend_from_slice(&[0x45, 0]);
        p.extend_from_slice(&(20 + udp_len).to_be_bytes());
        p.extend_from_slice(&[0, 0, 0x40, 0, 64, 17, 0, 0]);
        p.extend_from_slice(&src);
        p.extend_from_slice(&dst);
        p.extend_from_slice(&sport.to_be_bytes());
        p.extend_from_slice(&dport.to_be_bytes());
        p.extend_from_slice(&udp_len.to_be_bytes());
        p.extend_from_slice(&[0, 0]);
        p.extend_from_slice(&payload);
        let mut h = Vec::new();
        h.extend_from_slice(&t.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&(p.len() as u32).to_le_bytes());
        h.extend_from_slice(&(p.len() as u32).to_le_bytes());
        f.write_all(&h).unwrap();
        f.write_all(&p).unwrap();
    };
    for i in 0..10_000u32 {
        let client = [10, 1 + (i / 250) as u8, (i % 250) as u8, 10];
        let server = if i % 100 == 0 {
            [93, 184, 216, (i / 100) as u8]
        } else {
            [10, 200, 0, (i % 40) as u8 + 1]
        };
        t += (i % 7 == 0) as u32;
        packet(client, server, 40000 + (i % 1000) as u16, 502, t);
        packet(server, client, 502, 40000 + (i % 1000) as u16, t);
    }
}

#[test]
fn ten_thousand_hosts_stay_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("many.pcap");
    many_hosts(&cap);
    let html = analyze(&cap, &["--graph-top-n", "25"]);
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
    // The all-traffic graph draws 25 pairs of the 10,000 and says so.
    assert!(
        html.contains("25 of 10000 client–server pairs drawn; 9975 more conversations"),
        "{}",
        &html[html.find("id=\"graphs\"").unwrap()..][..2000]
    );
    let graphs = between(&html, "<section id=\"graphs\">", "</section>");
    let boxes = graphs.matches("<g class=\"node\">").count();
    // Four graphs of at most 25 edges: at most 50 hosts each.
    assert!(boxes <= 4 * 50, "{boxes} node boxes");
    assert!(boxes > 0);

    // The default is 18; fewer than 3 is refused.
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--graph-top-n", "2", "-o"])
        .arg(dir.path().join("x"))
        .arg(&cap)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(2));
}
