//! The same inputs give byte-identical outputs whatever the thread count, chunk size
//! and read mode (run.json aside).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every output file except run.json, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() != "run.json" {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn run(args: &[&str], targets: &[PathBuf], out: &Path) -> i32 {
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .arg("analyze")
        .args(targets)
        .arg("-o")
        .arg(out)
        .arg("--quiet")
        .args(args)
        .status()
        .unwrap();
    st.code().unwrap_or(-1)
}

#[test]
fn outputs_do_not_depend_on_threads_chunks_or_mmap() {
    let targets = vec![
        fixtures().join("equiv"),
        fixtures().join("demo/plant-enip-cip.pcap"),
    ];
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    let code = run(&["--threads", "1", "--exact-scan"], &targets, &base);
    assert!(code == 0 || code == 1, "exit {code}");
    let want = snapshot(&base);
    assert!(
        want.keys().any(|k| k.starts_with("rollup/")),
        "batch writes a rollup"
    );
    assert!(want.contains_key("captures.csv"));
    let variants: &[&[&str]] = &[
        &["--threads", "2"],
        &["--threads", "8"],
        &["--threads", "2", "--chunk-size", "200"],
        &["--threads", "8", "--chunk-size", "1K"],
        &["--threads", "1", "--chunk-size", "64"],
        &["--threads", "2", "--no-mmap"],
        &["--threads", "8", "--no-mmap", "--chunk-size", "300"],
        &["--threads", "2", "--chunk-size", "4K"],
        &["--threads", "1", "--chunk-size", "8K", "--no-mmap"],
    ];
    for (i, v) in variants.iter().enumerate() {
        let out = tmp.path().join(format!("v{i}"));
        assert_eq!(run(v, &targets, &out), code, "{v:?}");
        let got = snapshot(&out);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{v:?}"
        );
        for (k, bytes) in &want {
            assert!(got[k] == *bytes, "{k} differs with {v:?}");
        }
    }
}

#[test]
fn combine_joins_flows_across_rotated_files() {
    // Split one capture into two pcap files at a record boundary; combined, the
    // conversations equal those of the whole file.
    let whole = fixtures().join("equiv/dnp3_example.pcap");
    let data = std::fs::read(&whole).unwrap();
    let mut at = 24;
    let mut cuts = Vec::new();
    while at + 16 <= data.len() {
        cuts.push(at);
        let caplen = u32::from_le_bytes(data[at + 8..at + 12].try_into().unwrap()) as usize;
        at += 16 + caplen;
    }
    let mid = cuts[cuts.len() / 2];
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("part-b.pcap");
    let b = tmp.path().join("part-a.pcap");
    std::fs::write(&a, &data[..mid]).unwrap();
    let mut second = data[..24].to_vec();
    second.extend_from_slice(&data[mid..]);
    // Named so that name order is the reverse of time order.
    std::fs::write(&b, &second).unwrap();
    let out_whole = tmp.path().join("whole");
    let out_comb = tmp.path().join("comb");
    assert_eq!(run(&[], &[whole], &out_whole), 0);
    assert_eq!(run(&["--combine"], &[b.clone(), a.clone()], &out_comb), 0);
    let conv = |d: &Path| std::fs::read_to_string(d.join("conversations.csv")).unwrap();
    assert_eq!(conv(&out_whole), conv(&out_comb));
    let csv = std::fs::read_to_string(out_comb.join("captures.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    // Without --combine each file is its own analysis and the roll-up sums them.
    let out_sep = tmp.path().join("sep");
    assert_eq!(run(&[], &[a, b], &out_sep), 0);
    let packets = |p: &Path| -> u64 {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(p.join("summary.json")).unwrap()).unwrap();
        v["totals"]["packets"].as_u64().unwrap()
    };
    assert_eq!(packets(&out_sep.join("rollup")), packets(&out_whole));
    assert!(packets(&out_sep.join("part-a")) < packets(&out_whole));
}

/// A pcap large enough for speculative chunking: the dnp3 fixture's records repeated,
/// with time moving forward.
fn big_pcap(copies: usize) -> Vec<u8> {
    let data = std::fs::read(fixtures().join("equiv/dnp3_example.pcap")).unwrap();
    let mut out = data[..24].to_vec();
    for k in 0..copies {
        let mut at = 24;
        while at + 16 <= data.len() {
            let caplen = u32::from_le_bytes(data[at + 8..at + 12].try_into().unwrap()) as usize;
            let mut rec = data[at..at + 16 + caplen].to_vec();
            let sec = u32::from_le_bytes(rec[..4].try_into().unwrap()) + (k as u32) * 200;
            rec[..4].copy_from_slice(&sec.to_le_bytes());
            out.extend(rec);
            at += 16 + caplen;
        }
    }
    out
}

#[test]
fn speculative_chunking_equals_walking_even_with_damage() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = big_pcap(40);
    let mut damaged = clean.clone();
    // A record length that lies, two thirds in: the wave holding it must be walked.
    let mut at = 24;
    while at < damaged.len() * 2 / 3 {
        at += 16 + u32::from_le_bytes(damaged[at + 8..at + 12].try_into().unwrap()) as usize;
    }
    damaged[at + 8..at + 12].copy_from_slice(&0x00ff_ffffu32.to_le_bytes());
    for (name, bytes) in [("clean.pcap", &clean), ("damaged.pcap", &damaged)] {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let base = tmp.path().join(format!("{name}-exact"));
        let code = run(
            &["--exact-scan", "--threads", "1"],
            std::slice::from_ref(&p),
            &base,
        );
        assert_eq!(code, if name == "clean.pcap" { 0 } else { 1 });
        let want = snapshot(&base);
        for (i, v) in [
            ["--chunk-size", "4K"],
            ["--chunk-size", "64K"],
            ["--chunk-size", "300K"],
        ]
        .iter()
        .enumerate()
        {
            for threads in ["1", "2"] {
                let out = tmp.path().join(format!("{name}-{i}-{threads}"));
                let mut args = v.to_vec();
                args.extend(["--threads", threads]);
                assert_eq!(run(&args, std::slice::from_ref(&p), &out), code);
                let got = snapshot(&out);
                for (k, bytes) in &want {
                    assert!(got[k] == *bytes, "{name}: {k} differs with {args:?}");
                }
            }
        }
    }
}
