//! Asset roles from what hosts do (assets.json `role`, `role_evidence`).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn assets(capture: &Path) -> Vec<Value> {
    let out = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--no-hash", "-o"])
        .arg(out.path())
        .arg(capture)
        .status()
        .unwrap();
    assert!(matches!(st.code(), Some(0 | 1)), "{st}");
    let v: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("assets.json")).unwrap()).unwrap();
    v.as_array().unwrap().clone()
}

fn role<'a>(assets: &'a [Value], addr: &str) -> (&'a Value, Vec<String>) {
    let a = assets
        .iter()
        .find(|a| a["addr"] == addr)
        .unwrap_or_else(|| panic!("no asset {addr}"));
    let ev = a["role_evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    (&a["role"], ev)
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[test]
fn s7_controller_and_engineering_workstation() {
    let a = assets(&fixture("equiv/snap7.pcap"));
    let (r, ev) = role(&a, "134.217.61.211");
    assert_eq!(r, "controller");
    assert_eq!(
        ev,
        ["controller: answers s7comm requests from 134.217.61.131"]
    );
    // Uploads blocks (program), and stops the CPU (control): an engineering
    // workstation first.
    let (r, ev) = role(&a, "134.217.61.131");
    assert_eq!(r, "engineering_workstation");
    assert_eq!(
        ev,
        [
            "engineering_workstation: sends s7comm program operations to 134.217.61.211",
            "hmi_scada: sends s7comm control commands to 134.217.61.211"
        ]
    );
}

#[test]
fn dnp3_outstation_is_a_controller_and_the_master_operates_it() {
    let a = assets(&fixture("equiv/dnp3_example.pcap"));
    assert_eq!(role(&a, "10.10.20.8").0, "controller");
    // Operates points on one outstation: SCADA, not engineering.
    let (r, ev) = role(&a, "10.10.20.5");
    assert_eq!(r, "hmi_scada");
    assert_eq!(ev, ["hmi_scada: sends dnp3 control commands to 10.10.20.8"]);
}

#[test]
fn ports_alone_give_no_role() {
    // The rule fixtures hold port-502 probes and TCP sessions without decoded PDUs.
    let a = assets(&fixture("rules/scan.pcap"));
    for x in &a {
        assert!(x["role"].is_null(), "{x:#}");
    }
}

#[test]
fn goose_publisher_is_an_ied() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/captures/icsnpp-iec61850-goose/GOOSE.pcap");
    if !p.exists() {
        eprintln!("skipping: ../shared not found");
        return;
    }
    let a = assets(&p);
    let ieds: Vec<&Value> = a.iter().filter(|x| x["role"] == "ied").collect();
    assert!(!ieds.is_empty(), "{a:#?}");
    for x in ieds {
        let ev = x["role_evidence"].to_string();
        assert!(ev.contains("publishes GOOSE"), "{ev}");
    }
}
