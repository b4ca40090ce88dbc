//! CSV files (RFC 4180 via the `csv` crate): conversations, endpoints, protocols and
//! the batch's captures table.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use super::{addr_text, mac_text, safe_cell, ts_text};
use crate::aggregate::endpoints::Addr;
use crate::aggregate::protocols::transport_name;
use crate::aggregate::scope;
use crate::flow::app::OpKey;
use crate::flow::timing::Timing;
use crate::pipeline::{Analysis, CaptureReport};

pub(super) fn writer(path: &Path) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let f = std::fs::File::create(path)?;
    Ok(csv::Writer::from_writer(std::io::BufWriter::with_capacity(
        1 << 20,
        f,
    )))
}

pub fn conversations(path: &Path, a: &Analysis, digits: u8) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record([
        "transport",
        "addr_a",
        "port_a",
        "addr_b",
        "port_b",
        "vlan",
        "packets_a_b",
        "bytes_a_b",
        "packets_b_a",
        "bytes_b_a",
        "packets",
        "bytes",
        "first_seen",
        "last_seen",
        "initiator",
        "app_protocol",
        "app_detection",
        "scope_a",
        "scope_b",
    ])?;
    for (c, app) in a.convs.iter().zip(&a.conv_app) {
        let (ea, eb) = c.ends();
        let port = |p: u16| {
            if c.key.has_ports() {
                p.to_string()
            } else {
                String::new()
            }
        };
        let initiator = match c.initiator {
            1 => "a",
            2 => "b",
            _ => "",
        };
        let (app, det) = match app {
            Some(id) if c.decoded().is_some() => (id.as_str(), "decoded"),
            Some(id) => (id.as_str(), "port"),
            None => ("", ""),
        };
        w.write_record([
            transport_name(c.key.proto),
            addr_text(&ea.0, c.key.v6),
            port(ea.1),
            addr_text(&eb.0, c.key.v6),
            port(eb.1),
            if c.key.vlan == 0 {
                String::new()
            } else {
                c.key.vlan.to_string()
            },
            c.packets[0].to_string(),
            c.bytes[0].to_string(),
            c.packets[1].to_string(),
            c.bytes[1].to_string(),
            c.total_packets().to_string(),
            c.total_bytes().to_string(),
            ts_text(c.first_ts, digits),
            ts_text(c.last_ts, digits),
            initiator.to_string(),
            app.to_string(),
            det.to_string(),
            scope::of(&ea.0, c.key.v6).name().to_string(),
            scope::of(&eb.0, c.key.v6).name().to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn endpoints(path: &Path, a: &Analysis, digits: u8) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record([
        "addr",
        "mac",
        "vendor",
        "packets_sent",
        "bytes_sent",
        "packets_received",
        "bytes_received",
        "first_seen",
        "last_seen",
        "protocols",
        "scope",
    ])?;
    for e in &a.endpoints {
        let addr = match &e.addr {
            Addr::Ip(b, v6) => addr_text(b, *v6),
            Addr::Mac(m) => mac_text(m),
        };
        let protos: Vec<&str> = e.protocols.iter().map(String::as_str).collect();
        w.write_record([
            addr,
            e.mac.as_ref().map(mac_text).unwrap_or_default(),
            safe_cell(e.vendor.as_deref().unwrap_or_default()),
            e.sent.packets.to_string(),
            e.sent.bytes.to_string(),
            e.received.packets.to_string(),
            e.received.bytes.to_string(),
            ts_text(e.first_ts, digits),
            ts_text(e.last_ts, digits),
            protos.join(";"),
            e.scope().map_or("", |s| s.name()).to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn protocols(path: &Path, a: &Analysis) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record([
        "protocol",
        "category",
        "packets",
        "bytes",
        "flows",
        "detection",
    ])?;
    for p in &a.protocols {
        w.write_record([
            p.protocol.clone(),
            p.category.to_string(),
            p.count.packets.to_string(),
            p.count.bytes.to_string(),
            p.flows.to_string(),
            p.detection.name().to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Client and server address of an operation's flow.
fn client_server(k: &OpKey) -> (String, String) {
    let (lo, hi) = (
        addr_text(&k.flow.lo, k.flow.v6),
        addr_text(&k.flow.hi, k.flow.v6),
    );
    if k.server_is_lo {
        (hi, lo)
    } else {
        (lo, hi)
    }
}

pub fn operations(path: &Path, a: &Analysis, digits: u8) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record([
        "protocol",
        "client",
        "server",
        "server_port",
        "unit",
        "direction",
        "function_code",
        "function_name",
        "class",
        "pdus",
        "exceptions",
        "first_seen",
        "last_seen",
        "first_frame",
    ])?;
    let stat = |s: &crate::flow::app::OpStat| {
        [
            s.pdus.to_string(),
            s.exceptions.to_string(),
            ts_text(s.first_ts, digits),
            ts_text(s.last_ts, digits),
            s.first_frame.1.to_string(),
        ]
    };
    // IP and link-layer rows, each list in first-frame order, merged by first frame.
    let (mut ip, mut l2) = (a.ops.iter().peekable(), a.l2_ops.iter().peekable());
    loop {
        let take_l2 = match (ip.peek(), l2.peek()) {
            (Some(x), Some(y)) => y.1.first_frame < x.1.first_frame,
            (None, Some(_)) => true,
            (_, None) => false,
        };
        let row: Vec<String> = if take_l2 {
            let Some((k, s)) = l2.next() else { break };
            let mut r = vec![
                k.app.id().to_string(),
                mac_text(&k.client),
                mac_text(&k.server),
                String::new(),
                k.unit_text(),
                if k.request { "request" } else { "response" }.to_string(),
                k.function.to_string(),
                k.function_name().to_string(),
                k.class().name().to_string(),
            ];
            r.extend(stat(s));
            r
        } else {
            let Some((k, s)) = ip.next() else { break };
            let (client, server) = client_server(k);
            let mut r = vec![
                k.proto.id().to_string(),
                client,
                server,
                k.server_port.to_string(),
                k.unit_text(),
                if k.request { "request" } else { "response" }.to_string(),
                k.function.to_string(),
                k.function_name().to_string(),
                k.class().name().to_string(),
            ];
            r.extend(stat(s));
            r
        };
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// The asset inventory (identity as `field=value` pairs; text from the capture is
/// neutralised).
pub fn assets(path: &Path, a: &Analysis, digits: u8) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record([
        "addr",
        "mac",
        "vendor",
        "names",
        "role",
        "role_evidence",
        "identity",
        "protocols_served",
        "protocols_used",
        "first_seen",
        "last_seen",
    ])?;
    for asset in &a.assets {
        let e = &asset.endpoint;
        let addr = match &e.addr {
            Addr::Ip(b, v6) => addr_text(b, *v6),
            Addr::Mac(m) => mac_text(m),
        };
        let identity: Vec<String> = asset
            .identity
            .iter()
            .map(|(k, f)| format!("{k}={}", f.value))
            .collect();
        let join = |set: &std::collections::BTreeSet<String>| {
            set.iter().cloned().collect::<Vec<_>>().join(";")
        };
        w.write_record([
            addr,
            e.mac.as_ref().map(mac_text).unwrap_or_default(),
            safe_cell(e.vendor.as_deref().unwrap_or_default()),
            safe_cell(&join(&asset.names)),
            asset.role.unwrap_or_default().to_string(),
            safe_cell(&asset.role_evidence.join("; ")),
            safe_cell(&identity.join("; ")),
            join(&asset.protocols_served),
            join(&asset.protocols_used),
            ts_text(e.first_ts, digits),
            ts_text(e.last_ts, digits),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Request timing: latency and polling interval per (flow, unit, function).
pub fn timing(path: &Path, a: &Analysis) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record([
        "protocol",
        "client",
        "server",
        "server_port",
        "unit",
        "function_code",
        "function_name",
        "requests",
        "responses_matched",
        "latency_min_us",
        "latency_p50_us",
        "latency_p99_us",
        "latency_max_us",
        "interval_min_us",
        "interval_p50_us",
        "interval_p99_us",
        "interval_max_us",
    ])?;
    for (k, t) in &a.timing {
        let (client, server) = client_server(k);
        let mut row = vec![
            k.proto.id().to_string(),
            client,
            server,
            k.server_port.to_string(),
            k.unit_text(),
            k.function.to_string(),
            k.function_name().to_string(),
            t.requests.to_string(),
            t.matched.to_string(),
        ];
        for h in [&t.latency, &t.interval] {
            match Timing::summary(h) {
                Some(q) => row.extend(q.iter().map(|v| v.to_string())),
                None => row.extend(std::iter::repeat_n(String::new(), 4)),
            }
        }
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// One row per input of a batch.
pub fn captures(path: &Path, reports: &[(&CaptureReport, String)]) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record(["path", "status", "packets", "bytes", "error", "output_dir"])?;
    for (r, dir) in reports {
        let err = r
            .fatal
            .iter()
            .chain(&r.errors)
            .next()
            .map(|e| e.to_string())
            .unwrap_or_default();
        w.write_record([
            safe_cell(&r.path.display().to_string()),
            r.status().to_string(),
            r.counters_packets.to_string(),
            r.counters_bytes.to_string(),
            safe_cell(&err),
            safe_cell(dir),
        ])?;
    }
    w.flush()?;
    let mut f = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    f.flush()?;
    Ok(())
}
