//! Industrial protocols end to end on fixture captures: operations, identities in the
//! asset inventory with the frame that disclosed them, and timing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn analyze(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let cap = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(fixture);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "-o"])
        .arg(&out)
        .arg(&cap)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0));
    (tmp, out)
}

fn rows(p: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(p)
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn s7_identity_and_program_operations() {
    let (_t, out) = analyze("equiv/snap7.pcap");
    let assets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("assets.json")).unwrap()).unwrap();
    let plc = assets
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["addr"] == "134.217.61.211")
        .unwrap();
    let id = &plc["identity"];
    assert_eq!(id["order_number"]["value"], "6ES7 315-2EH14-0AB0");
    assert_eq!(id["serial"]["value"], "S C-B1U393142011");
    assert_eq!(id["vendor"]["value"], "Siemens");
    assert!(id["order_number"]["frame"].as_u64().unwrap() > 0);
    assert_eq!(plc["protocols_served"][0], "s7comm");
    let ops = rows(&out.join("ot_operations.csv"));
    let has = |name: &str, class: &str| {
        ops.iter()
            .any(|r| &r[7] == name && &r[8] == class && &r[5] == "request")
    };
    assert!(
        has("Start upload", "program"),
        "block upload is a program operation"
    );
    assert!(has("Read SZL", "identity"));
    assert!(
        ops.iter().any(|r| &r[8] == "control"),
        "the capture stops or starts the PLC"
    );
}

#[test]
fn modbus_operations_and_timing() {
    let (_t, out) = analyze("equiv/modbus_example.pcap");
    let ops = rows(&out.join("ot_operations.csv"));
    assert!(ops.iter().all(|r| &r[0] == "modbus" && &r[3] == "502"));
    let pdus: u64 = ops.iter().map(|r| r[9].parse::<u64>().unwrap()).sum();
    assert!(pdus > 0);
    let timing = rows(&out.join("ot_timing.csv"));
    let matched: u64 = timing.iter().map(|r| r[8].parse::<u64>().unwrap()).sum();
    assert!(
        matched > 0,
        "responses are paired with requests by transaction id"
    );
    assert!(
        timing.iter().any(|r| !r[10].is_empty()),
        "a latency median is reported"
    );
}
