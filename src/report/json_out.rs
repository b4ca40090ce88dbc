//! JSON files: `summary.json` (the contract's summary) and `run.json` (how the run went).

use std::path::Path;

use anyhow::Result;
use serde_json::{json, Map, Value};

use super::ts_text;
use crate::capture::linktype;
use crate::dissect::net::Outcome;
use crate::pipeline::{Analysis, CaptureReport, StageTime};

pub const SCHEMA_VERSION: u32 = 1;

fn write(path: &Path, v: &Value) -> Result<()> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    std::fs::write(path, s)?;
    Ok(())
}

fn opt_ts(ts: Option<i64>, digits: u8) -> Value {
    ts.map_or(Value::Null, |t| Value::String(ts_text(t, digits)))
}

pub fn capture_json(r: &CaptureReport, digits: u8) -> Value {
    let errors: Vec<Value> = r
        .fatal
        .iter()
        .chain(&r.errors)
        .map(|e| json!({"offset": e.offset, "skipped_bytes": e.skipped_bytes, "message": e.message, "kind": "damage"}))
        .chain(r.warnings.iter().map(|e| {
            json!({"offset": e.offset, "skipped_bytes": e.skipped_bytes, "message": e.message, "kind": "warning"})
        }))
        .collect();
    json!({
        "path": r.path.display().to_string(),
        "size": r.size,
        "sha256": r.sha256,
        "format": r.format.map(|f| f.name()),
        "status": r.status(),
        "linktypes": r.linktypes.iter().map(|l| linktype::name(*l)).collect::<Vec<_>>(),
        "first_ts": opt_ts(r.first_ts, digits),
        "last_ts": opt_ts(r.last_ts, digits),
        "packets": r.counters_packets,
        "bytes": r.counters_bytes,
        "errors": errors,
        "errors_suppressed": r.suppressed,
        "skipped_bytes": r.skipped_bytes,
        "pcapng_sections": r.sections,
        "pcapng_interfaces": r.interfaces,
        "interface_drops": r.interface_drops,
    })
}

pub fn summary(path: &Path, a: &Analysis, digits: u8) -> Result<()> {
    let c = &a.counters;
    let has = c.total.packets > 0;
    let duration = if has {
        (c.last_ts as i128 - c.first_ts as i128) as f64 / 1e9
    } else {
        0.0
    };
    let mut accounting = Map::new();
    for o in Outcome::ALL {
        accounting.insert(o.name().to_string(), json!(c.accounting[o.index()]));
    }
    let protocols: Vec<Value> = a
        .protocols
        .iter()
        .map(|p| {
            json!({"protocol": p.protocol, "category": p.category, "packets": p.count.packets,
                   "bytes": p.count.bytes, "flows": p.flows, "detection": p.detection.name()})
        })
        .collect();
    let v = json!({
        "schema_version": SCHEMA_VERSION,
        "ottr_version": env!("CARGO_PKG_VERSION"),
        "captures": a.captures.iter().map(|r| capture_json(r, digits)).collect::<Vec<_>>(),
        "totals": {
            "packets": c.total.packets,
            "bytes": c.total.bytes,
            "captured_bytes": c.captured_bytes,
            "first_ts": opt_ts(has.then_some(c.first_ts), digits),
            "last_ts": opt_ts(has.then_some(c.last_ts), digits),
            "duration_s": (duration * 1e6).round() / 1e6,
            "conversations": a.convs.len(),
            "endpoints": a.endpoints.len(),
        },
        "accounting": accounting,
        "reassembly": {"ip_datagrams_dropped": a.frag_dropped, "ip_datagrams_incomplete": a.frag_pending},
        "observations_dropped": a.convs.iter().filter_map(|c| c.app.as_deref()).map(|s| s.notes.dropped).sum::<u64>(),
        "secrets_dropped": a.convs.iter().filter_map(|c| c.app.as_deref()).map(|s| s.notes.secrets_dropped).sum::<u64>(),
        "protocols": protocols,
        "timeline": timeline_json(a),
    });
    write(path, &v)
}

/// Span between an analysis's first and last packet in ns (0 when empty).
pub fn span_ns(a: &Analysis) -> i64 {
    let c = &a.counters;
    if c.total.packets > 0 && c.last_ts >= c.first_ts {
        c.last_ts.saturating_sub(c.first_ts)
    } else {
        0
    }
}

/// The timeline view: bucket labels and one series per group that has packets.
fn timeline_json(a: &Analysis) -> Value {
    use crate::aggregate::timeline::{View, GROUPS};
    let v = View::build(&a.timeline, span_ns(a));
    let labels: Vec<String> = (0..v.totals.len())
        .map(|i| ts_text(v.bucket_start(i), 0))
        .collect();
    let mut series = Map::new();
    for g in v.groups_present() {
        series.insert(GROUPS[g].to_string(), json!(v.series[g]));
    }
    json!({
        "mode": v.mode,
        "bucket_seconds": v.bucket_seconds,
        "start": (!labels.is_empty()).then(|| labels[0].clone()),
        "labels": labels,
        "series": series,
        "totals": v.totals,
        "packets": v.total,
        "peak": v.peak.map(|(i, n)| json!({"start": ts_text(v.bucket_start(i), 0), "packets": n})),
        "dominant_group": v.dominant.map(|g| GROUPS[g]),
        "burst_threshold": v.burst_threshold,
        "bursts": v.bursts.iter().map(|&i| json!({"start": ts_text(v.bucket_start(i), 0), "packets": v.totals[i]})).collect::<Vec<_>>(),
    })
}

/// The asset inventory with each identity fact's protocol and frame.
pub fn assets(path: &Path, a: &Analysis, digits: u8) -> Result<()> {
    use crate::aggregate::endpoints::Addr;
    let rows: Vec<Value> = a
        .assets
        .iter()
        .map(|asset| {
            let e = &asset.endpoint;
            let addr = match &e.addr {
                Addr::Ip(b, v6) => super::addr_text(b, *v6),
                Addr::Mac(m) => super::mac_text(m),
            };
            let identity: Map<String, Value> = asset
                .identity
                .iter()
                .map(|(k, f)| {
                    let v = json!({"value": f.value, "protocol": f.protocol, "frame": f.frame.1});
                    ((*k).to_string(), v)
                })
                .collect();
            json!({
                "addr": addr,
                "mac": e.mac.as_ref().map(super::mac_text),
                "vendor": e.vendor,
                "names": asset.names,
                "role": asset.role,
                "role_evidence": asset.role_evidence,
                "identity": identity,
                "protocols_served": asset.protocols_served,
                "protocols_used": asset.protocols_used,
                "first_seen": ts_text(e.first_ts, digits),
                "last_seen": ts_text(e.last_ts, digits),
            })
        })
        .collect();
    write(path, &Value::Array(rows))
}

/// Facts about the run itself; the only output allowed to differ between runs.
pub struct RunInfo<'a> {
    pub args: &'a [String],
    pub threads: usize,
    pub wall_s: f64,
    pub cpu_s: f64,
}

/// `after` are the stages run after the analysis (rules, report writers): their time
/// is added to the end-to-end `wall_s` and `cpu_s`.
pub fn run(path: &Path, a: &Analysis, info: &RunInfo<'_>, after: &[StageTime]) -> Result<()> {
    let stages: Vec<Value> = a
        .stages
        .iter()
        .chain(after)
        .map(|s| json!({"name": s.name, "wall_s": s.wall.as_secs_f64(), "cpu_s": s.cpu.as_secs_f64()}))
        .collect();
    let bytes: u64 = a.captures.iter().map(|c| c.size).sum();
    let wall_s = info.wall_s + after.iter().map(|s| s.wall.as_secs_f64()).sum::<f64>();
    let cpu_s = info.cpu_s + after.iter().map(|s| s.cpu.as_secs_f64()).sum::<f64>();
    let v = json!({
        "ottr_version": env!("CARGO_PKG_VERSION"),
        "args": info.args,
        "threads": info.threads,
        "inputs": a.captures.iter().map(|c| json!({"path": c.path.display().to_string(), "size": c.size, "sha256": c.sha256})).collect::<Vec<_>>(),
        "stages": stages,
        "wall_s": wall_s,
        "cpu_s": cpu_s,
        "throughput": {
            "bytes_per_s": if wall_s > 0.0 { bytes as f64 / wall_s } else { 0.0 },
            "packets_per_s": if wall_s > 0.0 { a.counters.total.packets as f64 / wall_s } else { 0.0 },
        },
        "peak_rss_bytes": peak_rss(),
    });
    write(path, &v)
}

/// Peak resident set size (VmHWM) of this process.
pub fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|n| n.parse::<u64>().ok())
            })
        })
        .map_or(0, |kb| kb * 1024)
}
