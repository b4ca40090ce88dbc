//! ottr against other tools' expected outputs: where `../shared/captures/EXPECTED.tsv`
//! lists a Zeek/ICSNPP log for a capture of a protocol ottr decodes, the operations the
//! log names (counted per function or service) and the identities it names are in
//! ottr's `ot_operations.csv` and `assets.json`, except the differences in `KNOWN`.
//! Without `../shared` the test says so and passes.
//!
//! Operations, per log (`log_ops`; a key is "protocol direction code", direction `*`
//! where both are summed):
//! - `modbus.log`: one line per response (the request's function name, `_EXCEPTION`
//!   appended for an exception): ottr's responses, and their exceptions.
//! - `dnp3.log`: one line per reply with the request it answers (`-` for unsolicited):
//!   `fc_request` against ottr's requests, `fc_reply` against its responses.
//! - `s7comm.log`: one line per S7 PDU: Job/Ack_Data function, Userdata group and
//!   subfunction (ottr's 0x1000 + group * 0x100 + subfunction), 0x100 + ROSCTR without
//!   a function.
//! - `cip.log`: one line per CIP message, embedded ones included: service code and
//!   direction against ottr's CIP codes (low byte).
//! - `enip.log`: one line per encapsulation message: commands other than
//!   SendRRData/SendUnitData (ottr reports those by the CIP they carry, see cip.log).
//! - `bacnet.log`: one line per APDU or network-layer message: the service (or
//!   Segment-ACK, Reject, Abort, the network message) by name, compared lower-case
//!   without punctuation.
//! - `profinet_io_cm.log`: one line per DCE/RPC datagram, on UDP 34964 and on the
//!   dynamic ports the answers and the device's calls use (which ottr finds by the
//!   PNIO interface UUID). Request/Response/Fault/Reject lines of a first
//!   fragment by opnum and direction; other packet types by type (ottr's 0x100 +
//!   packet type), both directions summed.
//!
//! Identities: `cip_identity.log` (ListIdentity: vendor id, device type, product code,
//! revision, serial, product name), `bacnet_discovery.log` (I-Am: device instance,
//! vendor), `s7comm_known_devices.log` (SZL component identification),
//! `modbus_detailed.log` (a Read Device Identification answer).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

/// Differences checked with tshark: (capture, log, key, reason). Each is still printed.
const KNOWN: &[(&str, &str, &str, &str)] = &[
    (
        "captures/icsnpp-bacnet/bacnet_segmented_data.pcap",
        "bacnet.log",
        "bacnet * readproperty",
        "frames 15, 17, 18 are the three segments of one readProperty Complex-ACK \
         (invoke id 94): the log has one line for the message, ottr counts each \
         segment's APDU (tshark dissects each too)",
    ),
    (
        "captures/icsnpp-bacnet/bacnet_services.pcap",
        "bacnet.log",
        "bacnet * readpropertymultiple",
        "frames 279 and 281 are two segments of one readPropertyMultiple Complex-ACK \
         (invoke id 136): one log line, two APDUs in ottr and tshark",
    ),
    (
        "captures/icsnpp-dnp3/dnp3_example.pcap",
        "dnp3.log",
        "dnp3 request 3",
        "dnp3.log has a line per reply: 13 Select requests sent again before any \
         answer (e.g. frames 378, 380 in TCP stream 3) have none; tshark counts 134 \
         Select like ottr",
    ),
    (
        "captures/icsnpp-dnp3/dnp3_example.pcap",
        "dnp3.log",
        "dnp3 request 4",
        "as for Select: 13 unanswered Operate requests (e.g. frames 379, 381); tshark \
         counts 133 like ottr",
    ),
    (
        "captures/icsnpp-s7comm/s7ident.pcap",
        "s7comm.log",
        "s7comm * 258",
        "s7comm.log has no line for a bare Ack (ROSCTR 2): frames 21, 23, 26, 29 \
         (error 0xd241) are Acks in tshark and ottr",
    ),
    (
        "captures/icsnpp-s7comm/snap7.pcap",
        "s7comm.log",
        "s7comm * 258",
        "frame 44, a bare Ack with error 0xd20c: no s7comm.log line",
    ),
    (
        "captures/icsnpp-s7comm/snap7.pcap",
        "s7comm.log",
        "s7comm * 5121",
        "the SZL 0x001c answer comes in two data units: frame 6 (first fragment), \
         frame 7 (the request for the rest), frame 8 (last); the log has one request \
         and one response line for the exchange, tshark and ottr count the 12 Read \
         SZL PDUs of frames 3-14",
    ),
];

/// Column names of ICSNPP logs whose expected output has no `#fields` header, from
/// the plugins' documented log layouts.
const CONN: [&str; 6] = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
];
const ENDS: [&str; 5] = [
    "is_orig",
    "source_h",
    "source_p",
    "destination_h",
    "destination_p",
];

fn layout(log: &str) -> Option<Vec<&'static str>> {
    if log == "profinet_io_cm.log" {
        // The baseline has no ts and uid; then the DCE/RPC header in wire order,
        // then the fragment-acknowledge body.
        let mut v = vec![
            "id.orig_h",
            "id.orig_p",
            "id.resp_h",
            "id.resp_p",
            "source_h",
            "source_p",
            "destination_h",
            "destination_p",
            "proto",
            "version",
            "packet_type",
        ];
        v.extend(["flag"; 9]);
        v.extend([
            "integer_representation",
            "character_representation",
            "float_representation",
            "serial_high",
            "object_uuid",
            "interface_uuid",
            "activity_uuid",
            "server_boot",
            "interface_version_major",
            "interface_version_minor",
            "sequence_num",
            "operation",
            "interface_hint",
            "activity_hint",
            "length",
            "fragment_num",
            "auth_proto",
            "serial_low",
        ]);
        v.extend(["fack"; 7]);
        return Some(v);
    }
    let rest: &[&str] = match log {
        "modbus.log" => &["func", "exception"],
        "enip.log" => &[
            "enip_command_code",
            "enip_command",
            "length",
            "session_handle",
            "enip_status",
            "sender_context",
            "options",
        ],
        "cip.log" => &[
            "cip_sequence_count",
            "direction",
            "cip_service_code",
            "cip_service",
            "cip_status_code",
            "cip_status",
            "cip_extended_status_code",
            "cip_extended_status",
            "class_id",
            "class_name",
            "instance_id",
            "attribute_id",
        ],
        "cip_identity.log" => &[
            "encapsulation_version",
            "socket_address",
            "socket_port",
            "vendor_id",
            "vendor_name",
            "device_type_id",
            "device_type_name",
            "product_code",
            "revision",
            "device_status",
            "serial_number",
            "product_name",
            "device_state",
        ],
        _ => return None,
    };
    let mut v = CONN.to_vec();
    if log != "modbus.log" {
        v.extend(ENDS);
    }
    v.extend(rest);
    Some(v)
}

type Row = HashMap<String, String>;

/// A Zeek log: `#fields` names the columns (else `layout`), `-` is unset.
fn read_log(path: &Path) -> Vec<Row> {
    let name = path.file_name().unwrap().to_str().unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let mut fields: Option<Vec<String>> =
        layout(name).map(|v| v.into_iter().map(String::from).collect());
    let mut rows = Vec::new();
    for line in text.lines() {
        if let Some(f) = line.strip_prefix("#fields\t") {
            fields = Some(f.split('\t').map(String::from).collect());
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let fields = fields
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no #fields", path.display()));
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), fields.len(), "{}: {line}", path.display());
        rows.push(
            fields
                .iter()
                .cloned()
                .zip(cols.iter().map(|c| c.to_string()))
                .filter(|(_, v)| v != "-")
                .collect(),
        );
    }
    rows
}

fn hex(s: &str) -> u16 {
    u16::from_str_radix(s.trim_start_matches("0x"), 16).unwrap()
}

/// Lower case, letters and digits only.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Zeek's Modbus function names (the specification's, in upper snake case).
fn modbus_code(name: &str) -> u16 {
    match name {
        "READ_COILS" => 1,
        "READ_DISCRETE_INPUTS" => 2,
        "READ_HOLDING_REGISTERS" => 3,
        "READ_INPUT_REGISTERS" => 4,
        "WRITE_SINGLE_COIL" => 5,
        "WRITE_SINGLE_REGISTER" => 6,
        "READ_EXCEPTION_STATUS" => 7,
        "DIAGNOSTICS" => 8,
        "GET_COMM_EVENT_COUNTER" => 11,
        "GET_COMM_EVENT_LOG" => 12,
        "WRITE_MULTIPLE_COILS" => 15,
        "WRITE_MULTIPLE_REGISTERS" => 16,
        "REPORT_SLAVE_ID" => 17,
        "READ_FILE_RECORD" => 20,
        "WRITE_FILE_RECORD" => 21,
        "MASK_WRITE_REGISTER" => 22,
        "READ_WRITE_MULTIPLE_REGISTERS" => 23,
        "READ_FIFO_QUEUE" => 24,
        "ENCAP_INTERFACE_TRANSPORT" => 43,
        _ => panic!("unknown Modbus function name {name}"),
    }
}

/// Zeek's DNP3 function names (IEEE 1815 Table 4-3's, in upper snake case).
fn dnp3_code(name: &str) -> u16 {
    match name {
        "CONFIRM" => 0,
        "READ" => 1,
        "WRITE" => 2,
        "SELECT" => 3,
        "OPERATE" => 4,
        "DIRECT_OPERATE" => 5,
        "DIRECT_OPERATE_NR" => 6,
        "COLD_RESTART" => 13,
        "WARM_RESTART" => 14,
        "ENABLE_UNSOLICITED" => 20,
        "DISABLE_UNSOLICITED" => 21,
        "DELAY_MEASURE" => 23,
        "RECORD_CURRENT_TIME" => 24,
        "RESPONSE" => 129,
        "UNSOLICITED_RESPONSE" => 130,
        _ => panic!("unknown DNP3 function name {name}"),
    }
}

/// ICSNPP's PNIO operation names: the opnum.
fn pnio_opnum(name: &str) -> u16 {
    match name {
        "Connect" => 0,
        "Release" => 1,
        "Read" => 2,
        "Write" => 3,
        "Control" => 4,
        "Read Implicit" => 5,
        _ => panic!("unknown PNIO operation {name}"),
    }
}

/// ICSNPP's DCE/RPC packet type names: the type (C706 12.5.3.1).
fn dcerpc_packet_type(name: &str) -> u16 {
    match name {
        "Request" => 0,
        "Ping" => 1,
        "Response" => 2,
        "Fault" => 3,
        "Working" => 4,
        "No call Response to Ping" => 5,
        "Reject" => 6,
        "Acknowledge" => 7,
        "Cancel" => 8,
        "Fragment Acknowledge" => 9,
        "Cancel Acknowledge" => 10,
        _ => panic!("unknown DCE/RPC packet type {name}"),
    }
}

/// The operations a log names, counted: key "protocol direction value".
fn log_ops(log: &str, rows: &[Row]) -> Option<BTreeMap<String, u64>> {
    let mut m = BTreeMap::new();
    let mut add = |k: String| *m.entry(k).or_insert(0) += 1;
    match log {
        "modbus.log" => {
            for r in rows {
                let f = &r["func"];
                let base = f.strip_suffix("_EXCEPTION").unwrap_or(f);
                add(format!("modbus response {}", modbus_code(base)));
                if r.contains_key("exception") {
                    add(format!("modbus exception {}", modbus_code(base)));
                }
            }
        }
        "dnp3.log" => {
            for r in rows {
                if let Some(f) = r.get("fc_request") {
                    add(format!("dnp3 request {}", dnp3_code(f)));
                }
                if let Some(f) = r.get("fc_reply") {
                    add(format!("dnp3 response {}", dnp3_code(f)));
                }
            }
        }
        "s7comm.log" => {
            for r in rows {
                let rosctr: u16 = r["rosctr_code"].parse().unwrap();
                let code = match (rosctr, r.get("function_code")) {
                    (7, Some(f)) => 0x1000 | (hex(f) & 0xf) << 8 | hex(&r["subfunction_code"]),
                    (_, Some(f)) => hex(f),
                    (_, None) => 0x100 | rosctr,
                };
                add(format!("s7comm * {code}"));
            }
        }
        "cip.log" => {
            for r in rows {
                add(format!(
                    "enip {} {}",
                    r["direction"],
                    hex(&r["cip_service_code"]) & 0x7f
                ));
            }
        }
        "enip.log" => {
            for r in rows {
                let c = hex(&r["enip_command_code"]);
                if c != 0x6f && c != 0x70 {
                    add(format!("enip * {c}"));
                }
            }
        }
        "bacnet.log" => {
            for r in rows {
                // A Segment-ACK names no service.
                match (r.get("pdu_service"), r.get("pdu_type")) {
                    (Some(s), _) => add(format!("bacnet * {}", norm(s))),
                    (None, Some(t)) if t == "SEGMENT_ACK" => add("bacnet * segmentack".into()),
                    _ => {}
                }
            }
        }
        "profinet_io_cm.log" => {
            for r in rows {
                match dcerpc_packet_type(&r["packet_type"]) {
                    t @ (0 | 2 | 3 | 6) if r["fragment_num"] == "0" => {
                        let dir = if t == 0 { "request" } else { "response" };
                        add(format!("profinet_cm {dir} {}", pnio_opnum(&r["operation"])));
                    }
                    0 | 2 | 3 | 6 => {}
                    t => add(format!("profinet_cm * {}", 0x100 + t)),
                }
            }
        }
        _ => return None,
    }
    Some(m)
}

struct Ottr {
    /// (protocol, direction, code, name, pdus, exceptions)
    ops: Vec<(String, String, u16, String, u64, u64)>,
    assets: serde_json::Value,
}

fn run_ottr(capture: &Path) -> Ottr {
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
    let c = [
        col("protocol"),
        col("direction"),
        col("function_code"),
        col("function_name"),
        col("pdus"),
        col("exceptions"),
    ];
    let ops = rows
        .records()
        .map(|r| r.unwrap())
        .map(|r| {
            (
                r[c[0]].to_string(),
                r[c[1]].to_string(),
                r[c[2]].parse().unwrap(),
                r[c[3]].to_string(),
                r[c[4]].parse().unwrap(),
                r[c[5]].parse().unwrap(),
            )
        })
        .collect();
    let assets =
        serde_json::from_slice(&std::fs::read(out.path().join("assets.json")).unwrap()).unwrap();
    Ottr { ops, assets }
}

/// ottr's operations in the keys of `log_ops` for one log.
fn ottr_ops(log: &str, o: &Ottr) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for (proto, dir, code, name, pdus, exceptions) in &o.ops {
        let (proto, dir, code) = (proto.as_str(), dir.as_str(), *code);
        let key = match (log, proto) {
            ("modbus.log", "modbus") if dir == "response" => {
                if *exceptions > 0 {
                    *m.entry(format!("modbus exception {code}")).or_insert(0) += exceptions;
                }
                format!("modbus response {code}")
            }
            ("dnp3.log", "dnp3") => format!("dnp3 {dir} {code}"),
            ("s7comm.log", "s7comm" | "s7comm_plus") if code < 0x2000 => {
                format!("s7comm * {code}")
            }
            ("cip.log", "enip") if code >= 0x100 => format!("enip {dir} {}", code & 0xff),
            ("enip.log", "enip") if code < 0x100 => format!("enip * {code}"),
            // Services, network-layer messages, Segment-ACK/Reject/Abort; not BVLC.
            ("bacnet.log", "bacnet") if !(0x200..0x300).contains(&code) => {
                format!("bacnet * {}", norm(name))
            }
            ("profinet_io_cm.log", "profinet_cm") if (0x100..0x200).contains(&code) => {
                format!("profinet_cm * {code}")
            }
            ("profinet_io_cm.log", "profinet_cm") => format!("profinet_cm {dir} {code}"),
            _ => continue,
        };
        *m.entry(key).or_insert(0) += pdus;
    }
    m
}

/// ottr's identity of an address: field -> value.
fn identity(o: &Ottr, addr: &str) -> BTreeMap<String, String> {
    o.assets
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["addr"] == addr)
        .filter_map(|a| a["identity"].as_object())
        .flat_map(|id| id.iter())
        .map(|(k, v)| (k.clone(), v["value"].as_str().unwrap_or("").to_string()))
        .collect()
}

/// Identity checks of one log: (what, ok).
fn identity_checks(log: &str, rows: &[Row], o: &Ottr) -> Vec<(String, bool)> {
    let mut checks = Vec::new();
    match log {
        "cip_identity.log" => {
            for r in rows {
                let addr = &r["socket_address"];
                let id = identity(o, addr);
                let get = |f: &str| id.get(f).cloned().unwrap_or_default();
                let want = [
                    ("product", r["product_name"].clone()),
                    ("serial", r["serial_number"].clone()),
                    ("firmware", r["revision"].clone()),
                    ("vendor", format!("ODVA vendor {}", r["vendor_id"])),
                    (
                        "model",
                        format!(
                            "device type {}, product code {}",
                            r["device_type_id"], r["product_code"]
                        ),
                    ),
                ];
                for (f, w) in want {
                    checks.push((format!("{addr} {f} {w:?}: ottr {:?}", get(f)), get(f) == w));
                }
            }
        }
        "s7comm_known_devices.log" => {
            for r in rows {
                let addr = &r["id.resp_h"];
                let id = identity(o, addr);
                for (f, col) in [
                    ("name", "automation_system_name"),
                    ("module_name", "module_name"),
                    ("plant_id", "plant_name"),
                    ("serial", "module_serial"),
                ] {
                    // Zeek writes an empty string as "(empty)"; ottr keeps no empty value.
                    let w = r.get(col).filter(|v| *v != "(empty)");
                    let got = id.get(f);
                    checks.push((format!("{addr} {f} {w:?}: ottr {got:?}"), got == w));
                }
            }
        }
        "bacnet_discovery.log" => {
            // Several devices can answer from one address (behind a router): ottr keeps
            // the first, which must be one of them. Vendors are names in the log and
            // numbers in ottr: the two must correspond one to one.
            let mut devices: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
            let mut vendors: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for r in rows
                .iter()
                .filter(|r| r.get("pdu_service").is_some_and(|s| s == "i-am"))
            {
                let addr = r["source_h"].as_str();
                devices
                    .entry(addr)
                    .or_default()
                    .insert(format!("device {}", r["instance_number"]));
                vendors
                    .entry(addr)
                    .or_default()
                    .insert(r["vendor"].as_str());
            }
            let mut name_to_id: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
            let mut id_to_name: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
            for (addr, names) in &devices {
                let id = identity(o, addr);
                let got = id.get("name");
                checks.push((
                    format!("{addr} name one of {names:?}: ottr {got:?}"),
                    got.is_some_and(|g| names.contains(g)),
                ));
                if let (Some(v), [name]) = (
                    id.get("vendor"),
                    vendors[addr].iter().copied().collect::<Vec<_>>().as_slice(),
                ) {
                    name_to_id.entry(name).or_default().insert(v.clone());
                    id_to_name.entry(v.clone()).or_default().insert(name);
                }
            }
            for (name, ids) in &name_to_id {
                checks.push((format!("vendor {name} is ottr's {ids:?}"), ids.len() == 1));
            }
            for (id, names) in &id_to_name {
                checks.push((format!("ottr's {id} is {names:?}"), names.len() == 1));
            }
        }
        "modbus_detailed.log" => {
            for r in rows {
                if r.get("mei_type")
                    .is_some_and(|t| t == "Read Device Identification")
                {
                    let addr = &r["id.resp_h"];
                    let id = identity(o, addr);
                    checks.push((
                        format!("{addr} Read Device Identification: ottr {id:?}"),
                        id.contains_key("vendor") && id.contains_key("firmware"),
                    ));
                }
            }
        }
        _ => {}
    }
    checks
}

#[test]
fn zeek_logs_agree_with_ottr() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared");
    let index = shared.join("captures/EXPECTED.tsv");
    if !index.is_file() {
        eprintln!("skipping: ../shared not found");
        return;
    }
    // capture -> its logs
    let mut logs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in std::fs::read_to_string(&index).unwrap().lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (capture, expected) = (cols[0], cols[1]);
        let name = expected.rsplit('/').next().unwrap();
        let wanted = log_ops(name, &[]).is_some()
            || matches!(
                name,
                "cip_identity.log"
                    | "bacnet_discovery.log"
                    | "s7comm_known_devices.log"
                    | "modbus_detailed.log"
            );
        if wanted && shared.join(capture).is_file() && shared.join(expected).is_file() {
            logs.entry(capture.to_string())
                .or_default()
                .push(expected.to_string());
        }
    }
    let mut failures = Vec::new();
    let mut used_known = vec![false; KNOWN.len()];
    // log name -> (equal, compared)
    let mut totals: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (capture, expected) in &logs {
        let o = run_ottr(&shared.join(capture));
        for e in expected {
            let name = e.rsplit('/').next().unwrap();
            let rows = read_log(&shared.join(e));
            let mut results: Vec<(String, bool)> = identity_checks(name, &rows, &o);
            if let Some(want) = log_ops(name, &rows) {
                let got = ottr_ops(name, &o);
                let keys: BTreeSet<&String> = want.keys().chain(got.keys()).collect();
                for k in keys {
                    let (w, g) = (
                        want.get(k).copied().unwrap_or(0),
                        got.get(k).copied().unwrap_or(0),
                    );
                    results.push((format!("{k}: log {w}, ottr {g}"), w == g));
                }
            }
            let t = totals.entry(name.to_string()).or_default();
            for (what, ok) in results {
                t.1 += 1;
                if ok {
                    t.0 += 1;
                    continue;
                }
                let known = KNOWN.iter().position(|(c, l, k, _)| {
                    c == capture && *l == name && what.starts_with(&format!("{k}:"))
                });
                let line = format!("{capture} {name}: {what}");
                match known {
                    Some(i) => {
                        used_known[i] = true;
                        eprintln!("known: {line} ({})", KNOWN[i].3);
                    }
                    None => failures.push(line),
                }
            }
        }
    }
    for (log, (eq, n)) in &totals {
        eprintln!("{log}: {eq}/{n} checks agree");
    }
    assert!(!totals.is_empty(), "no expected output was compared");
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
        "ottr differs from the expected outputs:\n{}",
        failures.join("\n")
    );
}
