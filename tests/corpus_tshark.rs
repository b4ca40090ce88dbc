//! Compares `ottr analyze` with tshark's view of the shared capture corpus.
//!
//! The reference is the set of golden files in `fixtures/golden/tshark/`, written by
//! `fixtures/golden/tshark/regen.py` from tshark 4.0 (see that script for how each value
//! is defined). tshark is not needed here. The corpus lives in `../shared/captures`; when
//! `../shared` is absent the test says so and passes.
//!
//! For every golden file whose capture is present with the recorded sha256, the binary
//! runs as `ottr analyze CAPTURE -o TMP --quiet --threads 2`, and:
//! - the exit status must be 0 or 1 (1: the capture was damaged);
//! - `summary.json` `totals.packets` / `totals.bytes` must equal tshark's frame count and
//!   frame.len sum exactly, for every capture (pcapng Custom Blocks included: tshark
//!   numbers them as frames, so ottr counts them too to keep frame numbers aligned);
//! - in `conversations.csv`, TCP and UDP rows are summed by unordered address/port pair
//!   (over VLANs); a golden conversation matches when ours has the same pair with equal
//!   packets and bytes, and at least 99% of all golden conversations must match.
//!
//! Every discrepancy is printed to stderr; failures are collected and reported together.
//! Environment: `OTTR_CORPUS_FILTER=substring` runs only captures whose path contains it;
//! `OTTR_CORPUS_TIMEOUT_S` (default 300) bounds one ottr run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");
const GOLDEN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/golden/tshark");
const OTTR: &str = env!("CARGO_BIN_EXE_ottr");
const MIN_MATCH_PERCENT: f64 = 99.0;

/// (transport, lower endpoint, higher endpoint); endpoints are (normalised address, port).
type ConvKey = (String, (String, u16), (String, u16));
/// packets, bytes
type ConvVal = (u64, u64);

fn norm_addr(s: &str) -> String {
    let t = s.trim();
    let t = t
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(t);
    match t.parse::<IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => t.to_string(),
    }
}

fn conv_key(transport: &str, a: (&str, u16), b: (&str, u16)) -> ConvKey {
    let ea = (norm_addr(a.0), a.1);
    let eb = (norm_addr(b.0), b.1);
    if ea <= eb {
        (transport.to_string(), ea, eb)
    } else {
        (transport.to_string(), eb, ea)
    }
}

fn fmt_key(k: &ConvKey) -> String {
    format!("{} {}:{} <-> {}:{}", k.0, k.1 .0, k.1 .1, k.2 .0, k.2 .1)
}

fn sha256_hex(path: &Path) -> std::io::Result<String> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        }))
}

fn as_u64(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| *f >= 0.0 && f.fract() == 0.0)
            .map(|f| f as u64)
    })
}

/// Golden conversations of one transport ("tcp"/"udp"), summed by key.
fn golden_convs(golden: &Value, out: &mut BTreeMap<ConvKey, ConvVal>) -> Result<(), String> {
    for transport in ["tcp", "udp"] {
        let Some(list) = golden.get(transport).and_then(Value::as_array) else {
            return Err(format!("golden has no `{transport}` list"));
        };
        for row in list {
            let r = row
                .as_array()
                .filter(|r| r.len() == 6)
                .ok_or_else(|| format!("bad golden row {row}"))?;
            let (Some(aa), Some(pa), Some(ab), Some(pb), Some(p), Some(b)) = (
                r[0].as_str(),
                as_u64(&r[1]),
                r[2].as_str(),
                as_u64(&r[3]),
                as_u64(&r[4]),
                as_u64(&r[5]),
            ) else {
                return Err(format!("bad golden row {row}"));
            };
            let k = conv_key(transport, (aa, pa as u16), (ab, pb as u16));
            let e = out.entry(k).or_insert((0, 0));
            e.0 += p;
            e.1 += b;
        }
    }
    Ok(())
}

/// Our TCP/UDP conversations from conversations.csv, summed by key (over VLANs).
fn our_convs(path: &Path) -> Result<BTreeMap<ConvKey, ConvVal>, String> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = rdr
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| {
                format!(
                    "{}: no `{name}` column (header: {:?})",
                    path.display(),
                    headers
                )
            })
    };
    let (ct, caa, cpa, cab, cpb, cp, cb) = (
        col("transport")?,
        col("addr_a")?,
        col("port_a")?,
        col("addr_b")?,
        col("port_b")?,
        col("packets")?,
        col("bytes")?,
    );
    let mut out = BTreeMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("{}: row {}: {e}", path.display(), i + 2))?;
        let get = |c: usize| rec.get(c).unwrap_or("").trim();
        let transport = get(ct).to_ascii_lowercase();
        if transport != "tcp" && transport != "udp" {
            continue;
        }
        let num = |c: usize, what: &str| -> Result<u64, String> {
            get(c)
                .parse::<u64>()
                .map_err(|_| format!("{}: row {}: bad {what} {:?}", path.display(), i + 2, get(c)))
        };
        let (pa, pb) = (num(cpa, "port_a")?, num(cpb, "port_b")?);
        let k = conv_key(&transport, (get(caa), pa as u16), (get(cab), pb as u16));
        let e = out.entry(k).or_insert((0, 0));
        e.0 += num(cp, "packets")?;
        e.1 += num(cb, "bytes")?;
    }
    Ok(out)
}

enum RunError {
    Spawn(String),
    Timeout,
}

/// Runs ottr with stdout/stderr going to files (no pipe to fill up), bounded in time.
fn run_ottr(
    capture: &Path,
    out_dir: &Path,
    log_dir: &Path,
    timeout: Duration,
) -> Result<(Option<i32>, String), RunError> {
    let stdout =
        fs::File::create(log_dir.join("stdout")).map_err(|e| RunError::Spawn(e.to_string()))?;
    let stderr =
        fs::File::create(log_dir.join("stderr")).map_err(|e| RunError::Spawn(e.to_string()))?;
    let mut child = Command::new(OTTR)
        .arg("analyze")
        .arg(capture)
        .arg("-o")
        .arg(out_dir)
        .args(["--quiet", "--threads", "2"])
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|e| RunError::Spawn(e.to_string()))?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Timeout);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(RunError::Spawn(e.to_string())),
        }
    };
    let err = fs::read_to_string(log_dir.join("stderr")).unwrap_or_default();
    let tail: Vec<&str> = err.lines().rev().take(5).collect();
    let tail = tail.into_iter().rev().collect::<Vec<_>>().join(" | ");
    Ok((status.code(), tail))
}

#[test]
fn corpus_matches_tshark() {
    let shared = PathBuf::from(SHARED);
    if !shared.is_dir() {
        eprintln!("skipping: ../shared not found ({})", shared.display());
        return;
    }
    let filter = std::env::var("OTTR_CORPUS_FILTER")
        .ok()
        .filter(|s| !s.is_empty());
    let timeout = Duration::from_secs(
        std::env::var("OTTR_CORPUS_TIMEOUT_S")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(300),
    );

    let mut goldens: Vec<PathBuf> = fs::read_dir(GOLDEN_DIR)
        .unwrap_or_else(|e| panic!("cannot read {GOLDEN_DIR}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    goldens.sort();
    assert!(!goldens.is_empty(), "no golden files in {GOLDEN_DIR}");

    let mut skipped: Vec<String> = Vec::new();
    let mut failures: Vec<String> = Vec::new(); // exit status, missing/bad outputs
    let mut total_failures: Vec<String> = Vec::new(); // totals.packets / totals.bytes
    let mut conv_mismatches: Vec<String> = Vec::new();
    let mut ours_only: Vec<String> = Vec::new();
    let (mut golden_n, mut matched_n) = (0usize, 0usize);
    let mut ran = 0usize;
    let started = Instant::now();

    for gpath in &goldens {
        let golden: Value = match fs::read_to_string(gpath)
            .map_err(|e| e.to_string())
            .and_then(|s| serde_json::from_str(&s).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: unreadable golden: {e}", gpath.display()));
                continue;
            }
        };
        let Some(rel) = golden
            .get("capture")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            failures.push(format!("{}: golden has no `capture`", gpath.display()));
            continue;
        };
        if filter.as_deref().is_some_and(|f| !rel.contains(f)) {
            continue;
        }
        let capture = shared.join(&rel);
        if !capture.is_file() {
            skipped.push(format!("{rel}: capture not found"));
            continue;
        }
        let want_sha = golden.get("sha256").and_then(Value::as_str).unwrap_or("");
        match sha256_hex(&capture) {
            Ok(h) if h == want_sha => {}
            Ok(h) => {
                skipped.push(format!(
                    "{rel}: sha256 {h} differs from golden {want_sha} (regenerate the golden)"
                ));
                continue;
            }
            Err(e) => {
                skipped.push(format!("{rel}: cannot hash: {e}"));
                continue;
            }
        }

        let mut golden_map = BTreeMap::new();
        if let Err(e) = golden_convs(&golden, &mut golden_map) {
            failures.push(format!("{rel}: {e}"));
            continue;
        }
        golden_n += golden_map.len();

        let tmp = tempfile::tempdir().expect("tempdir");
        let out_dir = tmp.path().join("out");
        ran += 1;
        let t0 = Instant::now();
        let (code, err_tail) = match run_ottr(&capture, &out_dir, tmp.path(), timeout) {
            Ok(x) => x,
            Err(RunError::Timeout) => {
                failures.push(format!(
                    "{rel}: ottr did not finish within {}s",
                    timeout.as_secs()
                ));
                for (k, v) in &golden_map {
                    conv_mismatches.push(format!(
                        "{rel}: {}: ours none (no run), tshark {}/{}",
                        fmt_key(k),
                        v.0,
                        v.1
                    ));
                }
                continue;
            }
            Err(RunError::Spawn(e)) => panic!("cannot run {OTTR}: {e}"),
        };
        let secs = t0.elapsed().as_secs_f64();
        if secs > 20.0 {
            eprintln!("note: {rel} took {secs:.1}s");
        }
        if !matches!(code, Some(0) | Some(1)) {
            failures.push(format!(
                "{rel}: exit status {code:?} (want 0 or 1); stderr: {err_tail}"
            ));
        }

        // Totals.
        let frames = golden.get("frames").and_then(as_u64).unwrap_or(0);
        let bytes = golden.get("bytes").and_then(as_u64).unwrap_or(0);
        // Records that are not packets (pcapng Custom Blocks) but that tshark numbers
        // as frames; only mentioned in messages.
        let np_frames = golden
            .get("non_packet_frames")
            .and_then(as_u64)
            .unwrap_or(0);
        let (want_packets, want_bytes) = (frames, bytes);
        let summary_path = out_dir.join("summary.json");
        match fs::read_to_string(&summary_path)
            .map_err(|e| e.to_string())
            .and_then(|s| serde_json::from_str::<Value>(&s).map_err(|e| e.to_string()))
        {
            Ok(summary) => {
                let totals = summary.get("totals");
                let got_p = totals.and_then(|t| t.get("packets")).and_then(as_u64);
                let got_b = totals.and_then(|t| t.get("bytes")).and_then(as_u64);
                if got_p != Some(want_packets) || got_b != Some(want_bytes) {
                    total_failures.push(format!(
                        "{rel}: ours packets={} bytes={}, tshark packets={want_packets} bytes={want_bytes}{}",
                        got_p.map_or("missing".into(), |v| v.to_string()),
                        got_b.map_or("missing".into(), |v| v.to_string()),
                        if np_frames > 0 { format!(" (of which {np_frames} pcapng custom blocks)") } else { String::new() },
                    ));
                }
            }
            Err(e) => {
                total_failures.push(format!(
                    "{rel}: no usable summary.json ({e}); exit {code:?}; tshark packets={want_packets} bytes={want_bytes}; stderr: {err_tail}"
                ));
            }
        }

        // Conversations.
        let ours = match our_convs(&out_dir.join("conversations.csv")) {
            Ok(m) => m,
            Err(e) => {
                if !golden_map.is_empty() {
                    failures.push(format!("{rel}: conversations.csv: {e}"));
                }
                BTreeMap::new()
            }
        };
        for (k, want) in &golden_map {
            match ours.get(k) {
                Some(got) if got == want => matched_n += 1,
                Some(got) => conv_mismatches.push(format!(
                    "{rel}: {}: ours {}/{}, tshark {}/{} (packets/bytes)",
                    fmt_key(k),
                    got.0,
                    got.1,
                    want.0,
                    want.1
                )),
                None => conv_mismatches.push(format!(
                    "{rel}: {}: ours none, tshark {}/{} (packets/bytes)",
                    fmt_key(k),
                    want.0,
                    want.1
                )),
            }
        }
        for (k, got) in &ours {
            if !golden_map.contains_key(k) {
                ours_only.push(format!(
                    "{rel}: {}: ours {}/{}, tshark none",
                    fmt_key(k),
                    got.0,
                    got.1
                ));
            }
        }
    }

    eprintln!(
        "corpus_tshark: ran {ran} captures in {:.1}s, skipped {}",
        started.elapsed().as_secs_f64(),
        skipped.len()
    );
    for s in &skipped {
        eprintln!("  skipped: {s}");
    }
    if !failures.is_empty() {
        eprintln!("run failures ({}):", failures.len());
        for f in &failures {
            eprintln!("  {f}");
        }
    }
    if !total_failures.is_empty() {
        eprintln!("totals differing from tshark ({}):", total_failures.len());
        for f in &total_failures {
            eprintln!("  {f}");
        }
    }
    if !conv_mismatches.is_empty() {
        eprintln!("conversation mismatches ({}):", conv_mismatches.len());
        for m in &conv_mismatches {
            eprintln!("  {m}");
        }
    }
    if !ours_only.is_empty() {
        eprintln!(
            "conversations only in ours, informational ({}):",
            ours_only.len()
        );
        for m in &ours_only {
            eprintln!("  {m}");
        }
    }
    let pct = if golden_n == 0 {
        100.0
    } else {
        100.0 * matched_n as f64 / golden_n as f64
    };
    eprintln!("conversations matching tshark: {matched_n}/{golden_n} = {pct:.2}% (need {MIN_MATCH_PERCENT}%)");

    let mut problems = Vec::new();
    if !failures.is_empty() {
        problems.push(format!("{} run failure(s)", failures.len()));
    }
    if !total_failures.is_empty() {
        problems.push(format!(
            "{} capture(s) with totals differing from tshark",
            total_failures.len()
        ));
    }
    if pct < MIN_MATCH_PERCENT {
        problems.push(format!(
            "conversation match {pct:.2}% < {MIN_MATCH_PERCENT}%"
        ));
    }
    assert!(
        problems.is_empty(),
        "corpus vs tshark: {} (details above on stderr)",
        problems.join("; ")
    );
}
