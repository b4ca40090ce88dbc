//! Operations per value against tshark: for every corpus capture with a golden in
//! `fixtures/golden/tshark/values/` (written by `values.py` there), ottr's
//! `ot_operations.csv` `pdus`, summed per (protocol, function code) over flows, units and
//! directions, equal tshark's count of the same value, except the entries of `KNOWN`.
//! tshark is not needed; without `../shared` the test says so and passes.
//!
//! How ottr's codes map to tshark's fields (`golden_key`):
//! - `modbus` code: `modbus.func_code` (both without the exception bit).
//! - `s7comm` / `s7comm_plus` (a flow that carried S7comm-plus reports all its
//!   operations under that name; S7comm codes stay below 0x2000): 0..=0xFF
//!   `s7comm.param.func`; 0x1000 + group * 0x100 + subfunction `s7comm.userdata`
//!   ("group/subfunction"); 0x100 + ROSCTR `s7comm.no_function`. COTP (0x2000..) and
//!   S7comm-plus codes are not compared.
//! - `dnp3` code: `dnp3.al.func`.
//! - `iec104` code below 256: `iec60870_asdu.typeid`; 257 (S frame):
//!   `iec60870_104.type` 1; 0x100 | control octet (U frame): `iec60870_104.utype`,
//!   the octet's function bits (octet >> 2).
//! - `enip` code below 0x100: an encapsulation command reported for a message without
//!   CIP, `enip.command_without_cip`; 0x100 and above: a CIP service in some space, its
//!   low byte `cip.sc` (tshark masks the response bit; ottr clears it).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Differences from tshark that were checked frame by frame: (capture, golden key,
/// value or "*" for every value of the key, reason). Each is still printed.
const KNOWN: &[(&str, &str, &str, &str)] = &[
    (
        "captures/ics-security-tools/s7comm_clean.pcap",
        "s7comm.param.func",
        "4",
        "12 Read Var responses (frames 398 412 1273 1456 1611 1746 2002 2296 2299 2859 \
         3654 4060) whose first copy in the capture follows an ACK of those bytes (the \
         original segment was not captured): tshark marks them spurious retransmissions \
         and does not dissect them, ottr counts the bytes the first time it sees them",
    ),
    (
        "captures/icsnpp-dnp3/dnp3_example.pcap",
        "dnp3.al.func",
        "0",
        "frame 311: a one-segment fragment with transport sequence 0 after the wrap \
         from 63; tshark's reassembly, keyed by sequence, joins it to frame 210's and \
         reads zero bytes as a Confirm; the fragment is a Response (c8 81)",
    ),
    (
        "captures/icsnpp-dnp3/dnp3_example.pcap",
        "dnp3.al.func",
        "129",
        "Responses whose fragment wraps the transport sequence 63 -> 0 (FIR in frames \
         17, 113, 209, FIN in 18, 114, 210) are not reassembled by tshark; frame 311 \
         (see 0)",
    ),
    (
        "captures/icsnpp-dnp3/dnp3_example.pcap",
        "dnp3.al.func",
        "130",
        "an Unsolicited Response over transport sequences 62, 63, 0 (frames 808-810) \
         is not reassembled by tshark at the wrap",
    ),
    (
        "captures/ndpi/dnp3.pcap",
        "dnp3.al.func",
        "*",
        "every packet is there up to three times with the same TCP sequence number; \
         tshark dissects the copies again (counted once per (stream, side, seq) tshark \
         gives exactly ottr's 13 Confirm, 23 Response, 30 Unsolicited Response)",
    ),
    (
        "captures/ndpi/iec60780-5-104.pcap",
        "iec60870_104.type",
        "1",
        "test segments of garbage: tshark scans forward to a 0x68 and reads '68 06 19 \
         19..' (frame 71, length 6 where an S frame has 4) and the rest of it (frame 75) \
         as S frames; ottr drops a segment that does not start an APDU",
    ),
    (
        "captures/ndpi/iec60780-5-104.pcap",
        "iec60870_104.utype",
        "5",
        "frame 36: garbage then '68 05 17..', a U frame of length 5 to tshark (a U frame \
         has length 4)",
    ),
    (
        "captures/ndpi/iec60780-5-104.pcap",
        "iec60870_asdu.typeid",
        "24",
        "frames 41 and 58: garbage then '68 06 18 18..' and its tail; tshark reads an \
         ASDU of type 0x18 from bytes too short for one",
    ),
    (
        "captures/ndpi/iec60780-5-104.pcap",
        "iec60870_asdu.typeid",
        "26",
        "frames 83 and 96: garbage then '68 08 1a 1a..' and its tail, as for 24",
    ),
];

/// The golden key and value of an ottr (protocol, function code); None: not compared.
fn golden_key(proto: &str, code: u16) -> Option<(&'static str, String)> {
    Some(match (proto, code) {
        ("modbus", c) => ("modbus.func_code", c.to_string()),
        ("s7comm" | "s7comm_plus", 0..=0xff) => ("s7comm.param.func", code.to_string()),
        ("s7comm" | "s7comm_plus", 0x100..=0x1ff) => {
            ("s7comm.no_function", (code & 0xff).to_string())
        }
        ("s7comm" | "s7comm_plus", 0x1000..=0x1fff) => (
            "s7comm.userdata",
            format!("{}/{}", (code >> 8) & 0xf, code & 0xff),
        ),
        ("dnp3", c) => ("dnp3.al.func", c.to_string()),
        ("iec104", 0..=0xff) => ("iec60870_asdu.typeid", code.to_string()),
        ("iec104", 257) => ("iec60870_104.type", "1".to_string()),
        ("iec104", 0x100..=0x1ff) => ("iec60870_104.utype", ((code & 0xff) >> 2).to_string()),
        ("enip", 0..=0xff) => ("enip.command_without_cip", code.to_string()),
        ("enip", _) => ("cip.sc", (code & 0xff).to_string()),
        _ => return None,
    })
}

/// Golden keys the test compares (the others are kept for reading only).
const COMPARED: &[&str] = &[
    "modbus.func_code",
    "s7comm.param.func",
    "s7comm.no_function",
    "s7comm.userdata",
    "dnp3.al.func",
    "iec60870_asdu.typeid",
    "iec60870_104.type",
    "iec60870_104.utype",
    "enip.command_without_cip",
    "cip.sc",
];

/// ottr's (key, value) -> PDUs for one capture.
fn ottr_values(capture: &Path) -> BTreeMap<(&'static str, String), u64> {
    let out = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--no-hash", "-o"])
        .arg(out.path())
        .arg(capture)
        .status()
        .unwrap();
    assert!(
        matches!(st.code(), Some(0 | 1)),
        "{}: {st}",
        capture.display()
    );
    let mut rows = csv::Reader::from_path(out.path().join("ot_operations.csv")).unwrap();
    let h = rows.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (proto, code, pdus) = (col("protocol"), col("function_code"), col("pdus"));
    let mut m = BTreeMap::new();
    for r in rows.records() {
        let r = r.unwrap();
        let c: u16 = r[code].parse().unwrap();
        if let Some(k) = golden_key(&r[proto], c) {
            *m.entry(k).or_insert(0) += r[pdus].parse::<u64>().unwrap();
        }
    }
    m
}

#[test]
fn operation_values_match_tshark() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared");
    if !shared.join("captures").is_dir() {
        eprintln!("skipping: ../shared not found");
        return;
    }
    let mut failures = Vec::new();
    let mut used_known = vec![false; KNOWN.len()];
    // key -> (values equal, values compared)
    let mut totals: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(root.join("fixtures/golden/tshark/values"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for p in files {
        let g: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        let name = g["capture"].as_str().unwrap();
        let capture = shared.join(name);
        if !capture.exists() {
            continue;
        }
        let ours = ottr_values(&capture);
        let mut want: BTreeMap<(&str, String), u64> = BTreeMap::new();
        for key in COMPARED {
            if let Some(vals) = g["values"][key].as_object() {
                for (v, n) in vals {
                    // Of the APCI formats only S frames are an operation of their own.
                    if *key == "iec60870_104.type" && v != "1" {
                        continue;
                    }
                    want.insert((key, v.clone()), n.as_u64().unwrap());
                }
            }
        }
        let keys: std::collections::BTreeSet<_> = want.keys().chain(ours.keys()).collect();
        for k in keys {
            let (w, o) = (
                want.get(k).copied().unwrap_or(0),
                ours.get(k).copied().unwrap_or(0),
            );
            let t = totals.entry(k.0).or_default();
            t.1 += 1;
            if w == o {
                t.0 += 1;
                continue;
            }
            let known = KNOWN
                .iter()
                .position(|(c, key, v, _)| *c == name && *key == k.0 && (*v == "*" || *v == k.1));
            let line = format!("{name}: {} {}: ours {o}, tshark {w}", k.0, k.1);
            match known {
                Some(i) => {
                    used_known[i] = true;
                    eprintln!("known: {line} ({})", KNOWN[i].3);
                }
                None => failures.push(line),
            }
        }
    }
    for (k, (eq, n)) in &totals {
        eprintln!("{k}: {eq}/{n} values equal");
    }
    assert!(!totals.is_empty(), "no capture was compared");
    for (i, used) in used_known.iter().enumerate() {
        if !used {
            failures.push(format!(
                "KNOWN entry no longer differs: {} {} {}",
                KNOWN[i].0, KNOWN[i].1, KNOWN[i].2
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "operation values differ from tshark:\n{}",
        failures.join("\n")
    );
}
