//! The rule stage on fixtures made for each rule (fixtures/rules/make.py) and on real
//! captures: each finding's id, status, severity, hosts and evidence frames; and the
//! traffic-shape rules stay silent on normal polling traffic.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn findings(captures: &[&Path]) -> Vec<Value> {
    let out = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--no-hash", "-o"])
        .arg(out.path())
        .args(captures)
        .status()
        .unwrap();
    assert!(matches!(st.code(), Some(0 | 1)), "{st}");
    let v: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("findings.json")).unwrap()).unwrap();
    v.as_array().unwrap().clone()
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn by_id<'a>(f: &'a [Value], id: &str) -> &'a Value {
    f.iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("no finding {id} in {:#?}", ids(f)))
}

fn ids(f: &[Value]) -> Vec<String> {
    f.iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect()
}

/// Ids of the findings whose rule starts with `prefix`, in report order.
fn ids_with(f: &[Value], prefix: &str) -> Vec<String> {
    ids(f)
        .into_iter()
        .filter(|i| i.starts_with(prefix))
        .collect()
}

fn frames(x: &Value) -> Vec<u64> {
    x["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["frame"].as_u64().unwrap())
        .collect()
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

/// Asserts a finding's rule, status, severity, hosts, evidence frames and total.
fn check(x: &Value, status: &str, severity: &str, hosts: &[&str], ev: &[u64], total: u64) {
    assert_eq!(x["status"], status, "{x:#}");
    assert_eq!(x["severity"], severity, "{x:#}");
    assert_eq!(strs(&x["hosts"]), hosts, "{x:#}");
    assert_eq!(frames(x), ev, "{x:#}");
    assert_eq!(x["evidence_total"], total, "{x:#}");
    let filter = x["wireshark_filter"].as_str().unwrap();
    let listed: Vec<String> = ev.iter().map(u64::to_string).collect();
    assert_eq!(filter, format!("frame.number in {{{}}}", listed.join(" ")));
    assert!(!x["mitre_ics"].as_array().unwrap().is_empty());
    assert!(!x["nist_800_82r3"].as_array().unwrap().is_empty());
    assert!(!x["recommendation"].as_str().unwrap().is_empty());
}

/// S7 upload, PLC stop/PI service and write requests of snap7.pcap (functions as
/// tshark reads them: 0x1d-0x1f upload at frames 17-43, 0x29/0x28 at 57-63, 0x05 at
/// 49 and 53, set-clock userdata at 47).
#[test]
fn s7_program_control_and_write() {
    let f = findings(&[&fixture("equiv/snap7.pcap")]);
    let hosts = ["134.217.61.131", "134.217.61.211"];
    assert_eq!(
        ids_with(&f, "OT-OPS-"),
        [
            "OT-OPS-PROGRAM-001",
            "OT-OPS-CONTROL-001",
            "OT-OPS-WRITE-001"
        ]
    );
    let program = [17, 19, 21, 25, 27, 29, 31, 33, 35, 37];
    check(
        by_id(&f, "OT-OPS-PROGRAM-001"),
        "confirmed_by_rule",
        "high",
        &hosts,
        &program,
        13,
    );
    check(
        by_id(&f, "OT-OPS-CONTROL-001"),
        "confirmed_by_rule",
        "high",
        &hosts,
        &[57, 59, 61, 63],
        4,
    );
    check(
        by_id(&f, "OT-OPS-WRITE-001"),
        "confirmed_by_rule",
        "medium",
        &hosts,
        &[47, 49, 53],
        3,
    );
}

#[test]
fn max_evidence_limits_the_list_not_the_total() {
    let out = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--max-evidence", "2", "-o"])
        .arg(out.path())
        .arg(fixture("equiv/snap7.pcap"))
        .status()
        .unwrap();
    assert!(st.success());
    let v: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("findings.json")).unwrap()).unwrap();
    let p = by_id(v.as_array().unwrap(), "OT-OPS-PROGRAM-001");
    assert_eq!(frames(p), [17, 19]);
    assert_eq!(p["evidence_total"], 13);
}

#[test]
fn port_scan_and_host_sweep() {
    let f = findings(&[&fixture("rules/scan.pcap")]);
    // 10.0.0.68's 24 probes stay under the threshold.
    assert_eq!(
        ids_with(&f, "OT-NET-")
            .into_iter()
            .filter(|i| i.contains("SCAN") || i.contains("SWEEP"))
            .collect::<Vec<_>>(),
        ["OT-NET-PORT-SCAN-001", "OT-NET-HOST-SWEEP-001"]
    );
    let scan: Vec<u64> = (0..10).map(|i| 1 + 2 * i).collect();
    check(
        by_id(&f, "OT-NET-PORT-SCAN-001"),
        "candidate",
        "medium",
        &["10.0.0.10", "10.0.0.66"],
        &scan,
        30,
    );
    let sweep = by_id(&f, "OT-NET-HOST-SWEEP-001");
    let frames_sweep: Vec<u64> = (0..10).map(|i| 61 + 2 * i).collect();
    assert_eq!(frames(sweep), frames_sweep);
    assert_eq!(sweep["evidence_total"], 30);
    assert_eq!(sweep["status"], "candidate");
    assert!(strs(&sweep["hosts"]).contains(&"10.0.0.67"));
}

#[test]
fn public_communication_both_directions_and_ipv6() {
    let f = findings(&[&fixture("rules/public.pcap")]);
    assert_eq!(
        ids_with(&f, "OT-NET-PUBLIC-IP"),
        [
            "OT-NET-PUBLIC-IP-001",
            "OT-NET-PUBLIC-IP-002",
            "OT-NET-PUBLIC-IP-003"
        ]
    );
    // Opened from the internet: high.
    check(
        by_id(&f, "OT-NET-PUBLIC-IP-001"),
        "candidate",
        "high",
        &["10.0.0.6", "185.199.108.1"],
        &[10],
        1,
    );
    check(
        by_id(&f, "OT-NET-PUBLIC-IP-002"),
        "candidate",
        "medium",
        &["10.0.0.5", "8.8.8.8", "93.184.216.34"],
        &[1, 9],
        2,
    );
    check(
        by_id(&f, "OT-NET-PUBLIC-IP-003"),
        "candidate",
        "medium",
        &["2a00:1450:4001::1", "fd00::5"],
        &[18],
        1,
    );
}

#[test]
fn cleartext_credentials_one_finding_per_flow() {
    let f = findings(&[&fixture("secrets/ftp.pcap")]);
    assert_eq!(ids_with(&f, "OT-SENSITIVE-"), ["OT-SENSITIVE-FTP-PASS-001"]);
    let x = by_id(&f, "OT-SENSITIVE-FTP-PASS-001");
    // Frame 10 is the PASS command (tshark: ftp.request.command == "PASS").
    check(
        x,
        "confirmed_by_rule",
        "high",
        &["10.0.0.1", "10.0.0.2"],
        &[10],
        1,
    );
    // The finding names the kind and the account, never the secret.
    let text = x.to_string();
    assert!(text.contains("ftp_password"), "{text}");
    assert!(!text.contains("PASS "), "{text}");
}

/// Real polling captures: no scan or sweep, and the OT-operation rules fire only on
/// the write/control/program classes they decode.
#[test]
fn silent_on_normal_polling() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures");
    let mut caps = vec![
        fixture("equiv/modbus_example.pcap"),
        fixture("equiv/dnp3_example.pcap"),
    ];
    for p in [
        "icsnpp-s7comm/s7comm_plus.pcap",
        "icsnpp-enip/enip_cip_example.pcap",
        "icsnpp-bacnet/bacnet_example.pcap",
        "icsnpp-opcua-binary/open62541_client-server_mainloop.pcap",
        "ics-security-tools/s7comm_clean.pcap",
    ] {
        // Without ../shared the fixtures alone are checked.
        if shared.is_dir() {
            assert!(shared.join(p).exists(), "{p} missing from ../shared");
            caps.push(shared.join(p));
        }
    }
    for c in &caps {
        let f = findings(&[c]);
        for x in &f {
            let rule = x["rule"].as_str().unwrap();
            // Traffic-shape and anomaly rules: none of them belongs on plain polling.
            let shape = matches!(
                rule,
                "OT-NET-PORT-SCAN"
                    | "OT-NET-HOST-SWEEP"
                    | "OT-ICS-MODBUS-UNIT-SCAN"
                    | "OT-ICS-NEW-TALKER"
                    | "OT-ICS-GOOSE-TEST"
                    | "OT-ICS-GOOSE-SEQUENCE"
                    | "OT-NET-VPN-TRAFFIC"
            );
            let failures = rule.starts_with("OT-NET-TCP-") && x["status"] == "candidate";
            assert!(!shape && !failures, "{}: {x:#}", c.display());
        }
    }
}

/// report.md carries every finding with its evidence table, and the sections.
#[test]
fn markdown_report_lists_the_findings() {
    let out = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "-o"])
        .arg(out.path())
        .arg(fixture("equiv/snap7.pcap"))
        .status()
        .unwrap();
    assert!(st.success());
    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    for section in [
        "## Capture summary",
        "## Finding candidates and evidence",
        "## Industrial protocols and OT operations",
        "## Passive asset inventory",
        "## Capture quality",
    ] {
        assert!(md.contains(section), "{section}");
    }
    for id in [
        "OT-OPS-PROGRAM-001",
        "OT-OPS-CONTROL-001",
        "OT-OPS-WRITE-001",
    ] {
        assert!(md.contains(&format!("### {id}: ")), "{id}");
    }
    assert!(
        md.contains("| 57 | snap7.pcap |"),
        "evidence row of the PLC stop"
    );
    assert!(md.contains("| 134.217.61.211 | "), "asset row");
    assert!(md.contains("| controller |"), "role in the inventory");
}

/// A sweep of 40 hosts keeps 32 evidence rows at most and counts all 40.
#[test]
fn evidence_is_bounded_and_the_total_is_not() {
    let out = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--max-evidence", "32", "-o"])
        .arg(out.path())
        .arg(fixture("rules/sweep-wide.pcap"))
        .status()
        .unwrap();
    assert!(st.success());
    let v: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("findings.json")).unwrap()).unwrap();
    let f = by_id(v.as_array().unwrap(), "OT-NET-HOST-SWEEP-001");
    let want: Vec<u64> = (0..32).map(|i| 1 + 2 * i).collect();
    assert_eq!(frames(f), want);
    assert_eq!(f["evidence_total"], 40);
}

/// The records of a classic little-endian pcap: (ts_sec, ts_frac, orig_len, bytes).
fn pcap_frames(path: &Path) -> Vec<(u32, u32, u32, Vec<u8>)> {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian µs pcap");
    let u = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let mut at = 24;
    let mut out = Vec::new();
    while at + 16 <= b.len() {
        let cap = u(at + 8) as usize;
        out.push((
            u(at),
            u(at + 4),
            u(at + 12),
            b[at + 16..at + 16 + cap].to_vec(),
        ));
        at += 16 + cap;
    }
    out
}

/// The enhanced packet blocks of a pcapng: (ts in ns, orig_len, bytes).
fn pcapng_frames(path: &Path) -> Vec<(u64, u32, Vec<u8>)> {
    let b = std::fs::read(path).unwrap();
    let u = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let mut at = 0;
    let mut out = Vec::new();
    while at + 12 <= b.len() {
        let (kind, len) = (u(at), u(at + 4) as usize);
        assert_eq!(u(at + len - 4) as usize, len, "trailing length");
        if kind == 6 {
            let ts = ((u(at + 12) as u64) << 32) | u(at + 16) as u64;
            let cap = u(at + 20) as usize;
            out.push((ts, u(at + 24), b[at + 28..at + 28 + cap].to_vec()));
        }
        at += len;
    }
    out
}

/// Each finding's evidence file holds exactly its evidence frames, byte for byte,
/// with their timestamps.
#[test]
fn evidence_captures_hold_the_evidence_frames() {
    // Small chunks: frames are read back from the chunk that holds them.
    let snap7 = fixture("equiv/snap7.pcap");
    for extra in [&[][..], &["--chunk-size", "1K", "--threads", "2"][..]] {
        evidence_frames_match(&snap7, &pcap_frames(&snap7), extra, 3);
    }
    // 720 frames with evidence up to frame 720: the walks start from the chunk's
    // frame index (every 256 frames), in a pcap and in the same frames as a pcapng.
    let dnp3 = fixture("equiv/dnp3_example.pcap");
    let dir = tempfile::tempdir().unwrap();
    let ng = dir.path().join("dnp3_example.pcapng");
    let original = pcap_frames(&dnp3);
    std::fs::write(&ng, as_pcapng(&original)).unwrap();
    for capture in [&dnp3, &ng] {
        for extra in [&[][..], &["--chunk-size", "16K"][..]] {
            let frames = evidence_frames_match(capture, &original, extra, 2);
            assert!(frames.iter().any(|&n| n > 512), "{frames:?}");
        }
    }
}

/// A little-endian pcapng (one section, one Ethernet interface, µs timestamps) of
/// `frames` as [`pcap_frames`] gives them.
fn as_pcapng(frames: &[(u32, u32, u32, Vec<u8>)]) -> Vec<u8> {
    fn block(out: &mut Vec<u8>, kind: u32, body: &[u8]) {
        let len = (12 + body.len().next_multiple_of(4)) as u32;
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(body);
        out.resize(out.len() + body.len().next_multiple_of(4) - body.len(), 0);
        out.extend_from_slice(&len.to_le_bytes());
    }
    let mut out = Vec::new();
    let mut shb = vec![0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0];
    shb.extend_from_slice(&u64::MAX.to_le_bytes());
    block(&mut out, 0x0a0d0d0a, &shb);
    block(&mut out, 1, &[1, 0, 0, 0, 0, 0, 0, 0]);
    for (sec, usec, orig, bytes) in frames {
        let ts = *sec as u64 * 1_000_000 + *usec as u64;
        let mut epb = vec![0u8; 4];
        epb.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(ts as u32).to_le_bytes());
        epb.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        epb.extend_from_slice(&orig.to_le_bytes());
        epb.extend_from_slice(bytes);
        block(&mut out, 6, &epb);
    }
    out
}

/// Checks every evidence capture of an analysis of `capture` against its frames
/// (`original`, as [`pcap_frames`] gives them); returns the evidence frame numbers.
fn evidence_frames_match(
    capture: &Path,
    original: &[(u32, u32, u32, Vec<u8>)],
    extra: &[&str],
    min_files: usize,
) -> Vec<u64> {
    let out = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--no-hash", "-o"])
        .arg(out.path())
        .args(extra)
        .arg(capture)
        .status()
        .unwrap();
    assert!(st.success());
    let f: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("findings.json")).unwrap()).unwrap();
    let mut checked = 0;
    let mut all = Vec::new();
    for x in f.as_array().unwrap() {
        let want = frames(x);
        all.extend_from_slice(&want);
        let path = out
            .path()
            .join("evidence")
            .join(format!("{}.pcapng", x["id"].as_str().unwrap()));
        if want.is_empty() {
            assert!(!path.exists());
            continue;
        }
        let got = pcapng_frames(&path);
        assert_eq!(got.len(), want.len(), "{}", path.display());
        for (n, (ts, orig, bytes)) in want.iter().zip(got) {
            let (sec, usec, o_len, o_bytes) = &original[*n as usize - 1];
            assert_eq!(bytes, *o_bytes, "frame {n}");
            assert_eq!(orig, *o_len);
            assert_eq!(ts, *sec as u64 * 1_000_000_000 + *usec as u64 * 1000);
        }
        checked += 1;
    }
    assert!(checked >= min_files, "{checked}");
    all
}

/// Runs ottr on `captures` with a site metadata file written from `yaml`.
fn findings_with_site(captures: &[&Path], yaml: &str) -> Vec<Value> {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site.yml");
    std::fs::write(&site, yaml).unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--no-hash", "-o"])
        .arg(out.path().join("out"))
        .arg("--metadata")
        .arg(&site)
        .args(captures)
        .status()
        .unwrap();
    assert!(matches!(st.code(), Some(0 | 1)), "{st}");
    let v: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("out/findings.json")).unwrap())
            .unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn modbus_unit_id_scan() {
    let f = findings(&[&fixture("rules/modbus-units.pcap")]);
    // The polling client's two unit ids are no scan.
    assert_eq!(
        ids_with(&f, "OT-ICS-MODBUS-UNIT"),
        ["OT-ICS-MODBUS-UNIT-SCAN-001"]
    );
    let first: Vec<u64> = (0..10).map(|i| 7 + 2 * i).collect();
    check(
        by_id(&f, "OT-ICS-MODBUS-UNIT-SCAN-001"),
        "candidate",
        "medium",
        &["10.0.0.20", "10.0.0.70"],
        &first,
        40,
    );
}

#[test]
fn new_talker_to_a_controller() {
    let f = findings(&[&fixture("rules/new-talker.pcap")]);
    assert_eq!(ids_with(&f, "OT-ICS-NEW-TALKER"), ["OT-ICS-NEW-TALKER-001"]);
    // Frame 69: 10.0.0.66's write request at minute 30 (tshark: modbus.func_code == 6).
    check(
        by_id(&f, "OT-ICS-NEW-TALKER-001"),
        "candidate",
        "high",
        &["10.0.0.20", "10.0.0.66"],
        &[69],
        1,
    );
}

#[test]
fn public_dns_ntp_and_vpn() {
    let cap = fixture("rules/services.pcap");
    let f = findings(&[&cap]);
    check(
        by_id(&f, "OT-NET-PUBLIC-DNS-001"),
        "candidate",
        "medium",
        &["10.0.0.5", "8.8.8.8"],
        &[1],
        1,
    );
    // NTP 123 <-> 123: the server is the side answering in mode 4, not the lower address.
    check(
        by_id(&f, "OT-NET-PUBLIC-NTP-001"),
        "candidate",
        "medium",
        &["10.0.0.5", "162.159.200.1"],
        &[3],
        1,
    );
    check(
        by_id(&f, "OT-NET-VPN-TRAFFIC-001"),
        "candidate",
        "medium",
        &["10.0.0.9", "52.1.2.3"],
        &[5],
        1,
    );
    // The site lists its public resolver, uses vendor remote access, and forbids the
    // internet otherwise.
    let f = findings_with_site(
        &[&cap],
        "expected_network_services:\n  dns_servers: [8.8.8.8]\nexpected_communications:\n  \
         internet_access_allowed: false\n  vendor_remote_access_used: true\n",
    );
    assert!(
        ids_with(&f, "OT-NET-PUBLIC-DNS").is_empty(),
        "{:?}",
        ids(&f)
    );
    assert_eq!(by_id(&f, "OT-NET-PUBLIC-NTP-001")["severity"], "high");
    let vpn = by_id(&f, "OT-NET-VPN-TRAFFIC-001");
    assert_eq!(vpn["status"], "informational");
    assert_eq!(vpn["severity"], "info");
}

#[test]
fn connection_failures_over_thresholds() {
    let f = findings(&[&fixture("rules/failures.pcap")]);
    let syn: Vec<u64> = (0..10).map(|i| 1 + 2 * i).collect();
    check(
        by_id(&f, "OT-NET-TCP-SYN-001"),
        "candidate",
        "low",
        &["10.0.0.30", "10.0.0.80"],
        &syn,
        25,
    );
    check(
        by_id(&f, "OT-NET-ICMP-UNREACHABLE-001"),
        "candidate",
        "low",
        &["10.0.0.1", "10.0.0.81"],
        &[51],
        12,
    );
    // scan.pcap: every probe is answered by a reset, so resets are most TCP.
    let f = findings(&[&fixture("rules/scan.pcap")]);
    let x = by_id(&f, "OT-NET-TCP-RESET-001");
    assert_eq!(x["status"], "candidate");
    assert_eq!(x["evidence_total"], 84);
}

#[test]
fn goose_test_frames_and_sequence() {
    let f = findings(&[&fixture("rules/goose.pcap")]);
    let mac = "02:00:00:00:00:10";
    check(
        by_id(&f, "OT-ICS-GOOSE-TEST-001"),
        "confirmed_by_rule",
        "medium",
        &[mac],
        &[1],
        3,
    );
    // Frame 9: stNum 2 -> 5.
    check(
        by_id(&f, "OT-ICS-GOOSE-SEQUENCE-001"),
        "candidate",
        "medium",
        &[mac],
        &[9],
        1,
    );
}

#[test]
fn opcua_without_security() {
    let f = findings(&[&fixture("rules/opcua-none.pcap")]);
    // Frame 11: OpenSecureChannel with SecurityPolicy#None; 19: ActivateSession with
    // an anonymous token (tshark: opcua.security.spu, opcua.servicenodeid.numeric 467).
    check(
        by_id(&f, "OT-ICS-OPCUA-INSECURE-001"),
        "confirmed_by_rule",
        "high",
        &["127.0.0.1"],
        &[11, 19],
        3,
    );
}

/// The site checks on the demo capture: the suggested metadata read back gives none;
/// a controller's allowed talkers, unlisted and unseen assets, VLANs, expected
/// protocols and criticality each change what is found.
#[test]
fn site_metadata_checks() {
    let demo = fixture("demo/plant-enip-cip.pcap");
    // Pass one writes suggested_metadata.yml; pass two reads it: no site finding.
    let out = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "--no-hash", "-o"])
        .arg(out.path())
        .arg(&demo)
        .status()
        .unwrap();
    assert!(st.success());
    let suggested = std::fs::read_to_string(out.path().join("suggested_metadata.yml")).unwrap();
    let base = findings(&[&demo]);
    let again = findings_with_site(&[&demo], &suggested);
    assert_eq!(
        ids(&again),
        ids(&base),
        "the baseline read back adds nothing"
    );

    let f = findings_with_site(
        &[&demo],
        "site:\n  criticality: critical\n\
         capture_point:\n  vlans_observed: [99]\n\
         expected_protocols:\n  industrial: [modbus]\n\
         known_assets:\n  plcs:\n    - ip: 192.168.10.120\n    - ip: 10.9.9.9\n\
         expected_communications:\n  plc_allowed_talkers:\n    - plc: 192.168.10.120\n      \
         allowed_sources: [10.1.1.167]\n",
    );
    // 192.168.10.105 wrote to the controller without being an allowed source; the site
    // is critical, so high becomes critical.
    let t = by_id(&f, "OT-ICS-UNEXPECTED-PLC-TALKER-001");
    assert_eq!(t["severity"], "critical");
    assert_eq!(strs(&t["hosts"]), ["192.168.10.105", "192.168.10.120"]);
    assert!(!frames(t).is_empty());
    let unlisted = by_id(&f, "OT-META-UNLISTED-ASSET-001");
    assert!(strs(&unlisted["hosts"]).contains(&"192.168.10.105"));
    assert!(!strs(&unlisted["hosts"]).contains(&"192.168.10.120"));
    let unseen = by_id(&f, "OT-META-ASSET-NOT-SEEN-001");
    assert_eq!(unseen["status"], "informational");
    assert!(unseen["summary"].as_str().unwrap().contains("10.9.9.9"));
    // EtherNet/IP is not in expected_protocols: the informational rule becomes a
    // medium candidate, raised to high by criticality.
    let enip = by_id(&f, "OT-ICS-ENIP-CIP-001");
    assert_eq!(enip["status"], "candidate");
    assert_eq!(enip["severity"], "high");
    // The demo's tagged frames are not on VLAN 99.
    let vlan = f.iter().find(|x| x["rule"] == "OT-META-VLAN");
    let tagged = base
        .iter()
        .any(|x| x["summary"].as_str().unwrap_or("").contains("VLAN"));
    assert!(vlan.is_some() || !tagged);
}

#[test]
fn bad_metadata_names_line_and_column() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site.yml");
    std::fs::write(
        &site,
        "site:\n  plant: North\nknown_assets:\n  plcs:\n    - ip: 10.0.0.300\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(["analyze", "--quiet", "-o"])
        .arg(out.path().join("out"))
        .arg("--metadata")
        .arg(&site)
        .arg(fixture("demo/plant-enip-cip.pcap"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("site.yml") && err.contains("line 5"), "{err}");
}

/// The reference tool's protocol rules on one capture each: (capture under
/// ../shared/captures, rule, status, severity, first evidence frame, evidence total).
/// First frames were checked against tshark (`tshark -r CAPTURE -Y 'frame.number == N'`
/// shows the protocol); a total counts conversations or link-layer flows. 0 frames:
/// the protocol has no flow (link layer), and the Wireshark filter names it.
const OBSERVED: &[(&str, &str, &str, &str, u64, u64)] = &[
    (
        "ndpi/bacnet.pcap",
        "OT-ICS-BACNET",
        "informational",
        "info",
        1,
        10,
    ),
    (
        "ndpi/beckhoff_ads.pcapng",
        "OT-ICS-BECKHOFF-ADS",
        "informational",
        "info",
        1,
        1,
    ),
    (
        "ethercrab/twincat-run-ek1100-el1004.pcapng",
        "OT-ICS-ETHERCAT",
        "informational",
        "info",
        0,
        0,
    ),
    (
        "icsnpp-omron-fins/omron_test.pcap",
        "OT-ICS-FINS",
        "informational",
        "info",
        3,
        2,
    ),
    (
        "ndpi/egd.pcapng",
        "OT-ICS-GE-SRTP",
        "informational",
        "info",
        1,
        1,
    ),
    (
        "icsnpp-hart-ip/hart-ip_all_messageIDs.pcapng",
        "OT-ICS-HART-IP",
        "informational",
        "info",
        1,
        1,
    ),
    (
        "ndpi/IEC104.pcap",
        "OT-ICS-IEC104",
        "informational",
        "info",
        1,
        2,
    ),
    (
        "icsnpp-iec61850-goose/GOOSE_missing_all_data.pcap",
        "OT-ICS-IEC61850",
        "informational",
        "info",
        1,
        1,
    ),
    (
        "ics-security-tools/melsoft_UDP_clean_2.pcap",
        "OT-ICS-MITSUBISHI-SLMP",
        "informational",
        "info",
        1,
        432,
    ),
    (
        "icsnpp-opcua-binary/python_opcua-client-server_minimal.pcap",
        "OT-ICS-OPCUA",
        "informational",
        "info",
        3,
        1,
    ),
    (
        "ndpi/cnp_ip.pcapng",
        "OT-ICS-OTHER",
        "informational",
        "info",
        1,
        1,
    ),
    (
        "ndpi/profinet-io-le.pcap",
        "OT-ICS-PROFINET",
        "informational",
        "info",
        1,
        1,
    ),
    (
        "suricata-verify/dhcp-eve-extended/input.pcap",
        "OT-NET-DHCP",
        "candidate",
        "low",
        1,
        1,
    ),
    (
        "ndpi/upnp.pcap",
        "OT-NET-DISCOVERY",
        "informational",
        "info",
        1,
        2,
    ),
    ("ndpi/dns.pcap", "OT-NET-DNS", "informational", "info", 1, 2),
    (
        "ndpi/nfsv2.pcap",
        "OT-NET-FILE-TRANSFER",
        "candidate",
        "low",
        1,
        5,
    ),
    (
        "ndpi/rdp.pcap",
        "OT-NET-REMOTE-ADMIN",
        "confirmed_by_rule",
        "medium",
        1,
        1,
    ),
    (
        "ndpi/hsrp2.pcap",
        "OT-NET-ROUTING-HA",
        "informational",
        "info",
        1,
        2,
    ),
    (
        "icsnpp-profinet-io-cm/profinet_io_cm_mixed_1.pcap",
        "OT-NET-SENTINEL-HASP",
        "informational",
        "info",
        164,
        3,
    ),
    (
        "ndpi/smbv1.pcap",
        "OT-NET-SMB-NETBIOS",
        "confirmed_by_rule",
        "medium",
        1,
        1,
    ),
    (
        "ndpi/snmp.pcap",
        "OT-NET-SNMP",
        "confirmed_by_rule",
        "medium",
        1,
        17,
    ),
    (
        "suricata-verify/bug-5633-gre-01/gre-udp.pcap",
        "OT-NET-SYSLOG",
        "informational",
        "info",
        1,
        1,
    ),
    (
        "ndpi/fuzz-2006-06-26-2594.pcap",
        "OT-NET-TCP-QUALITY",
        "informational",
        "info",
        44,
        1,
    ),
    (
        "suricata-verify/firewall__tcp-session-decode-malformed-ipv4/input.pcap",
        "OT-NET-TLS",
        "informational",
        "info",
        1,
        1,
    ),
    (
        "suricata-verify/arp__detect-arp-04-vxlan/vxlan-arp.pcap",
        "OT-NET-TUNNEL",
        "informational",
        "info",
        0,
        0,
    ),
    (
        "ndpi/telnet.pcap",
        "OT-NET-PLAINTEXT",
        "confirmed_by_rule",
        "high",
        1,
        1,
    ),
    (
        "ndpi/telnet.pcap",
        "OT-SENSITIVE-TELNET",
        "confirmed_by_rule",
        "high",
        38,
        1,
    ),
];

#[test]
fn observed_protocol_rules_on_shared_captures() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures");
    if !shared.is_dir() {
        return;
    }
    for &(cap, rule, status, severity, first, total) in OBSERVED {
        let f = findings(&[&shared.join(cap)]);
        let x = f
            .iter()
            .find(|x| x["rule"] == rule)
            .unwrap_or_else(|| panic!("{cap}: no {rule} in {:?}", ids(&f)));
        assert_eq!(
            (
                x["status"].as_str().unwrap(),
                x["severity"].as_str().unwrap()
            ),
            (status, severity),
            "{cap} {rule}"
        );
        if first > 0 {
            assert_eq!(frames(x).first(), Some(&first), "{cap} {rule}");
            assert_eq!(x["evidence_total"], total, "{cap} {rule}");
        } else if total == 0 && !rule.starts_with("OT-SENSITIVE") {
            // No flow to point at: the filter names the protocol instead.
            let filter = x["wireshark_filter"].as_str().unwrap();
            assert!(
                !filter.starts_with("frame.number"),
                "{cap} {rule}: {filter}"
            );
        }
    }
}

/// snap7.pcap's S7 session runs between two public addresses (134.217.61.131 and
/// .211): publicly routed plant addressing, reported once, medium for the S7.
#[test]
fn public_to_public_addressing() {
    let f = findings(&[&fixture("equiv/snap7.pcap")]);
    assert_eq!(ids_with(&f, "OT-NET-PUBLIC-IP"), ["OT-NET-PUBLIC-IP-001"]);
    let x = by_id(&f, "OT-NET-PUBLIC-IP-001");
    assert!(x["title"]
        .as_str()
        .unwrap()
        .contains("between public addresses"));
    check(
        x,
        "candidate",
        "medium",
        &["134.217.61.131", "134.217.61.211"],
        &[1],
        1,
    );
}

/// Each cleartext credential kind under the reference's rule id, or the generic one.
/// Frames as tshark shows them: http.authorization at 4, snmp.community at 1, the
/// Telnet password line ending at 42, pop PASS at 10.
#[test]
fn sensitive_rules_by_protocol() {
    for (file, rule, severity, frame) in [
        ("secrets/http.pcap", "OT-SENSITIVE-HTTP-AUTH", "high", 4),
        (
            "secrets/snmp.pcap",
            "OT-SENSITIVE-SNMP-COMMUNITY",
            "medium",
            1,
        ),
        ("secrets/telnet.pcap", "OT-SENSITIVE-TELNET", "high", 42),
        (
            "secrets/pop3.pcap",
            "OT-SENSITIVE-CLEARTEXT-CREDENTIALS",
            "high",
            10,
        ),
    ] {
        let f = findings(&[&fixture(file)]);
        assert_eq!(
            ids_with(&f, "OT-SENSITIVE-"),
            [format!("{rule}-001")],
            "{file}"
        );
        check(
            by_id(&f, &format!("{rule}-001")),
            "confirmed_by_rule",
            severity,
            &["10.0.0.1", "10.0.0.2"],
            &[frame],
            1,
        );
    }
}

/// Site checks the demo cannot show: an unlisted DNS server, IT network access, and
/// a VLAN the site does not list.
#[test]
fn site_services_it_access_and_vlans() {
    let f = findings_with_site(
        &[&fixture("rules/services.pcap")],
        "expected_network_services:\n  dns_servers: [10.0.0.53]\n",
    );
    check(
        by_id(&f, "OT-META-UNLISTED-SERVICE-001"),
        "candidate",
        "low",
        &["8.8.8.8"],
        &[1],
        1,
    );
    // 10.0.0.67 (no listed asset in its /24) sweeps the listed 10.0.1.1, first at 61.
    let f = findings_with_site(
        &[&fixture("rules/scan.pcap")],
        "known_assets:\n  plcs: [10.0.1.1]\nexpected_communications:\n  \
         it_network_access_allowed: false\n",
    );
    check(
        by_id(&f, "OT-META-IT-ACCESS-001"),
        "candidate",
        "medium",
        &["10.0.0.67", "10.0.1.1"],
        &[61],
        1,
    );
    // gre.pcapng carries SIP on VLAN 142 (tshark: vlan.id at frame 1).
    let f = findings_with_site(
        &[&fixture("equiv/gre.pcapng")],
        "capture_point:\n  vlans_observed: [10]\n",
    );
    let v = by_id(&f, "OT-META-VLAN-001");
    assert!(v["title"].as_str().unwrap().contains("142"), "{v:#}");
    assert_eq!(frames(v), [1]);
    let f = findings_with_site(
        &[&fixture("equiv/gre.pcapng")],
        "capture_point:\n  vlans_observed: [142]\n",
    );
    assert!(ids_with(&f, "OT-META-VLAN").is_empty());
}
