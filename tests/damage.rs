//! Damaged captures: every corpus capture (or the fixtures without the corpus),
//! truncated at 20 random offsets and with random bytes overwritten at 20 places. No
//! panic, exit status 0 or 1, damage named with its byte offset, and the accounting
//! adds up to the packet total for every variant.

use std::path::{Path, PathBuf};
use std::process::Command;

/// splitmix64: a fixed, dependency-free PRNG so every run damages the same bytes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn captures() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures/MANIFEST.tsv");
    if let Ok(text) = std::fs::read_to_string(&manifest) {
        let root = manifest.parent().unwrap().parent().unwrap().to_path_buf();
        return text
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').next())
            .map(|p| root.join(p))
            .collect();
    }
    eprintln!("../shared/captures not found: damaging the fixtures instead");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/equiv");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn damaged_captures_never_crash_and_always_add_up() {
    let mut rng = Rng(0x0_77_72);
    let mut variants = 0;
    for cap in captures() {
        let Ok(data) = std::fs::read(&cap) else {
            continue;
        };
        if data.len() < 8 {
            continue;
        }
        let tmp = tempfile::tempdir().unwrap();
        let inputs = tmp.path().join("in");
        std::fs::create_dir(&inputs).unwrap();
        for i in 0..20 {
            let cut = 1 + rng.below(data.len() - 1);
            std::fs::write(inputs.join(format!("t{i:02}.pcap")), &data[..cut]).unwrap();
            let mut d = data.clone();
            let at = rng.below(d.len());
            let n = 1 + rng.below(16);
            for b in d.iter_mut().skip(at).take(n) {
                *b = rng.next() as u8;
            }
            std::fs::write(inputs.join(format!("o{i:02}.pcap")), &d).unwrap();
            variants += 2;
        }
        let out = tmp.path().join("out");
        let o = Command::new(env!("CARGO_BIN_EXE_ottr"))
            .args([
                "analyze",
                "--quiet",
                "--threads",
                "2",
                "--chunk-size",
                "4K",
                "-o",
            ])
            .arg(&out)
            .arg(&inputs)
            .output()
            .unwrap();
        let code = o.status.code();
        assert!(
            code == Some(0) || code == Some(1),
            "{}: exit {code:?}\n{}",
            cap.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        let mut rows = csv::Reader::from_path(out.join("captures.csv")).unwrap();
        for row in rows.records() {
            let row = row.unwrap();
            let (status, error, dir) = (&row[1], &row[4], &row[5]);
            if status != "ok" {
                assert!(
                    error.contains("offset"),
                    "{}: {status} without an offset: {error}",
                    cap.display()
                );
            }
            if status == "failed" {
                continue;
            }
            let s = json(&out.join(dir).join("summary.json"));
            let total = s["totals"]["packets"].as_u64().unwrap();
            let sum: u64 = s["accounting"]
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_u64().unwrap())
                .sum();
            assert_eq!(
                sum,
                total,
                "{}/{dir}: accounting {sum} != packets {total}",
                cap.display()
            );
        }
    }
    assert!(variants > 0);
}
