//! Decoded protocols against tshark's protocol hierarchy (the `phs` of the golden files
//! in `fixtures/golden/tshark/`): for every corpus capture, the frames in which ottr
//! decoded at least one PDU of a protocol equal tshark's count within 2%. tshark is not
//! needed; without `../shared` the test says so and passes.
//!
//! A tshark frame "has" a protocol when some hierarchy path ends in its name and holds
//! it once (a frame with two PDUs adds a nested path, which must not count twice).

use std::path::Path;
use std::process::Command;

/// (ottr protocol id, tshark's protocol name in the hierarchy).
const DECODED: &[(&str, &str)] = &[
    ("modbus", "mbtcp"),
    ("dnp3", "dnp3"),
    ("iec104", "iec60870_104"),
    ("s7comm", "s7comm"),
    ("enip", "enip"),
    ("bacnet", "bvlc"),
    ("mms", "mms"),
];

/// Captures where a difference from tshark is explained and accepted, with the reason.
/// Each is still printed; only these (capture, protocol) pairs may exceed 2%.
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "captures/ndpi/dnp3.pcap",
        "dnp3",
        "every packet is there three times with the same TCP sequence number; tshark \
         dissects some copies again, ottr counts the bytes once",
    ),
    (
        "captures/ndpi/iec60780-5-104.pcap",
        "iec104",
        "twelve test segments start with garbage bytes; tshark scans forward for 0x68 \
         and decodes what follows, ottr drops a segment that does not start an APDU",
    ),
];

#[test]
fn decoded_frame_counts_match_tshark() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared");
    if !shared.join("captures").is_dir() {
        eprintln!("skipping: ../shared not found");
        return;
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for e in std::fs::read_dir(root.join("fixtures/golden/tshark")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let g: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        let capture = shared.join(g["capture"].as_str().unwrap());
        let tshark_counts: Vec<(&str, u64)> = DECODED
            .iter()
            .map(|(ours, theirs)| {
                let n = g["phs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|row| {
                        let path = row[0].as_str()?;
                        let parts: Vec<&str> = path.split(':').collect();
                        let once = parts.iter().filter(|x| *x == theirs).count() == 1;
                        (parts.last() == Some(theirs) && once).then(|| row[1].as_u64().unwrap_or(0))
                    })
                    .sum();
                (*ours, n)
            })
            .collect();
        if tshark_counts.iter().all(|(_, n)| *n == 0) || !capture.exists() {
            continue;
        }
        let out = tempfile::tempdir().unwrap();
        let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
            .args(["analyze", "--quiet", "--no-hash", "-o"])
            .arg(out.path())
            .arg(&capture)
            .status()
            .unwrap();
        assert!(
            matches!(st.code(), Some(0 | 1)),
            "{}: {st}",
            capture.display()
        );
        let mut rows = csv::Reader::from_path(out.path().join("protocols.csv")).unwrap();
        let ours: Vec<(String, String, u64)> = rows
            .records()
            .map(|r| r.unwrap())
            .map(|r| (r[0].to_string(), r[5].to_string(), r[2].parse().unwrap()))
            .collect();
        for (id, want) in tshark_counts {
            let got = ours
                .iter()
                .find(|(p, d, _)| p == id && d == "decoded")
                .map_or(0, |r| r.2);
            checked += 1;
            let tolerance = want.div_ceil(50);
            eprintln!("{}: {id} ours {got} tshark {want}", g["capture"]);
            let known = KNOWN.iter().any(|(c, p, _)| g["capture"] == *c && *p == id);
            if got.abs_diff(want) > tolerance && !known {
                failures.push(format!("{}: {id} ours {got}, tshark {want}", g["capture"]));
            }
        }
    }
    assert!(
        checked > 0,
        "no capture with a decoded protocol was checked"
    );
    assert!(
        failures.is_empty(),
        "decoded frame counts differ from tshark:\n{}",
        failures.join("\n")
    );
}
