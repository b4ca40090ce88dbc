//! Names against tshark's: for every capture with a golden in
//! `fixtures/golden/tshark/names/` (written by names.py), the set of names ottr reports
//! in `observations.csv` equals the set tshark extracts, key by key: `dns_qry_name`
//! (tshark's `dns.qry.name` over DNS, mDNS and LLMNR, queries and responses) against
//! the `dns_query` values, `tls_sni` against the `tls_sni` values. ottr lower-cases DNS
//! names, so tshark's are compared lower-cased. A key whose observation kind ottr does
//! not document yet (docs/outputs.md) is not compared. tshark is not needed; without
//! `../shared` the test says so and passes.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// (golden key, observation kind, protocols whose observations count, lower-case).
const KEYS: &[(&str, &str, &[&str], bool)] = &[
    ("dns_qry_name", "dns_query", &["dns", "mdns", "llmnr"], true),
    ("tls_sni", "tls_sni", &["tls"], false),
];

/// Differences explained and accepted: (capture, key, value, reason). A value listed
/// here may be missing from ottr's set (or be extra in it).
const KNOWN: &[(&str, &str, &str, &str)] = &[];

/// The cell as observations.csv writes it (see `report::safe_cell`).
fn cell(s: &str) -> String {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

#[test]
fn names_match_tshark() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared");
    if !shared.join("captures").is_dir() {
        eprintln!("skipping: ../shared not found");
        return;
    }
    let docs = std::fs::read_to_string(root.join("docs/outputs.md")).unwrap();
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut goldens: Vec<_> = std::fs::read_dir(root.join("fixtures/golden/tshark/names"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    goldens.sort();
    for p in goldens {
        let g: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        let name = g["capture"].as_str().unwrap();
        let capture = shared.join(name);
        if !capture.exists() {
            continue;
        }
        let out = tempfile::tempdir().unwrap();
        let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
            .args(["analyze", "--quiet", "--no-hash", "-o"])
            .arg(out.path())
            .arg(&capture)
            .status()
            .unwrap();
        assert!(matches!(st.code(), Some(0 | 1)), "{name}: {st}");
        let mut rows = csv::Reader::from_path(out.path().join("observations.csv")).unwrap();
        let header = rows.headers().unwrap().clone();
        let col = |n: &str| header.iter().position(|h| h == n).unwrap();
        let (proto, kind, value) = (col("protocol"), col("kind"), col("value"));
        let obs: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
        for &(key, obs_kind, protos, lower) in KEYS {
            let want: BTreeSet<String> = g["names"][key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().unwrap())
                        // tshark's placeholders (`<Root>`, `<Name too long>`) keep their case.
                        .map(|v| {
                            cell(&if lower && !v.starts_with('<') {
                                v.to_ascii_lowercase()
                            } else {
                                v.to_string()
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            if !docs.contains(&format!("| `{obs_kind}` |")) {
                eprintln!("{name}: {key} not compared (no `{obs_kind}` observations yet)");
                continue;
            }
            let got: BTreeSet<String> = obs
                .iter()
                .filter(|r| &r[kind] == obs_kind && protos.contains(&&r[proto]))
                .map(|r| r[value].to_string())
                .collect();
            compared += 1;
            let known = |v: &String| {
                KNOWN
                    .iter()
                    .any(|(c, k, x, _)| *c == name && *k == key && cell(x) == *v)
            };
            let missing: Vec<_> = want.difference(&got).filter(|v| !known(v)).collect();
            let extra: Vec<_> = got.difference(&want).filter(|v| !known(v)).collect();
            eprintln!(
                "{name}: {key} ours {} tshark {} missing {} extra {}",
                got.len(),
                want.len(),
                missing.len(),
                extra.len()
            );
            if !missing.is_empty() || !extra.is_empty() {
                failures.push(format!(
                    "{name}: {key}: missing {missing:?}, extra {extra:?}"
                ));
            }
        }
    }
    assert!(compared > 0, "no capture was compared");
    assert!(
        failures.is_empty(),
        "names differ from tshark:\n{}",
        failures.join("\n")
    );
}
