//! CSV files of the IT protocols: what they observed (`observations.csv`), the
//! cleartext credentials and secrets (`sensitive_hits_redacted.csv`) and the
//! remote-access sessions (`remote_access.csv`).

use std::path::Path;

use anyhow::Result;

use super::csv_out::writer;
use super::{addr_text, safe_cell, ts_text};
use crate::aggregate::protocols::transport_name;
use crate::flow::notes::redact;
use crate::flow::Conv;
use crate::pipeline::Analysis;

/// Protocol ids that are remote access: interactive sessions, remote-control tools
/// and VPN tunnels.
pub const REMOTE_ACCESS: &[&str] = &[
    "ssh",
    "telnet",
    "rdp",
    "vnc",
    "x11",
    "rlogin",
    "rsh",
    "rexec",
    "winrm",
    "teamviewer",
    "anydesk",
    "isakmp",
    "ipsec_nat_t",
    "esp",
    "ah",
    "openvpn",
    "wireguard",
    "l2tp",
    "pptp",
];

/// (client, server) text of a conversation: the decoder's server side, else the
/// side that answered the handshake, else side b.
/// Whether the key's `lo` end is the server: the side a decoder identified, else the
/// side that answered the handshake, else side b.
pub(crate) fn server_is_lo(c: &Conv) -> bool {
    let (a, b) = c.ends();
    match (c.app.as_deref(), c.initiator) {
        (Some(s), _) if s.frames > 0 => s.server_is_lo,
        (_, 2) => a.0 == c.key.lo && a.1 == c.key.lo_port,
        _ => b.0 == c.key.lo && b.1 == c.key.lo_port,
    }
}

pub(crate) fn client_server(c: &Conv) -> (String, String, u16) {
    let server_is_lo = server_is_lo(c);
    let (lo, hi) = (
        addr_text(&c.key.lo, c.key.v6),
        addr_text(&c.key.hi, c.key.v6),
    );
    if server_is_lo {
        (hi, lo, c.key.lo_port)
    } else {
        (lo, hi, c.key.hi_port)
    }
}

pub fn observations(path: &Path, a: &Analysis, digits: u8) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record([
        "protocol",
        "client",
        "server",
        "server_port",
        "said_by",
        "kind",
        "value",
        "detail",
        "count",
        "first_seen",
        "last_seen",
        "first_frame",
    ])?;
    let mut rows = Vec::new();
    for c in &a.convs {
        let Some(s) = c.app.as_deref() else { continue };
        for n in &s.notes.list {
            rows.push((n.first.frame, c, s.proto.id(), n));
        }
    }
    rows.sort_by(|x, y| (x.0, x.3.kind, &x.3.value).cmp(&(y.0, y.3.kind, &y.3.value)));
    for (_, c, proto, n) in rows {
        let (client, server, port) = client_server(c);
        w.write_record([
            proto.to_string(),
            client,
            server,
            port.to_string(),
            if n.by_server { "server" } else { "client" }.to_string(),
            n.kind.to_string(),
            safe_cell(&n.value),
            safe_cell(&n.detail),
            n.count.to_string(),
            ts_text(n.first.ts_ns, digits),
            ts_text(n.last_ts, digits),
            n.first.frame.1.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// One row per secret, in frame order; values redacted unless `show_secrets`.
pub fn sensitive_hits(path: &Path, a: &Analysis, digits: u8, show_secrets: bool) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record([
        "frame", "ts", "src", "src_port", "dst", "dst_port", "protocol", "kind", "user", "value",
    ])?;
    let mut rows = Vec::new();
    for c in &a.convs {
        let Some(s) = c.app.as_deref() else { continue };
        for x in &s.notes.secrets {
            rows.push((x.at.frame, c, s, x));
        }
    }
    rows.sort_by_key(|r| (r.0, r.3.kind));
    for (frame, c, s, x) in rows {
        let (client, server, port) = client_server(c);
        let cport = if port == c.key.lo_port {
            c.key.hi_port
        } else {
            c.key.lo_port
        };
        let ((src, sp), (dst, dp)) = if x.from_client {
            ((client, cport), (server, port))
        } else {
            ((server, port), (client, cport))
        };
        let value = if show_secrets {
            x.value.clone()
        } else {
            redact(&x.value)
        };
        w.write_record([
            frame.1.to_string(),
            ts_text(x.at.ts_ns, digits),
            src,
            sp.to_string(),
            dst,
            dp.to_string(),
            s.proto.id().to_string(),
            x.kind.to_string(),
            safe_cell(&x.user),
            safe_cell(&value),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// One row per conversation of a remote-access protocol (decoded, or by port where
/// no dissector decoded it), in order of first packet.
pub fn remote_access(path: &Path, a: &Analysis, digits: u8) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record([
        "tool",
        "transport",
        "client",
        "server",
        "server_port",
        "start",
        "end",
        "duration_s",
        "packets",
        "bytes",
        "user",
        "first_frame",
    ])?;
    for (c, app) in a.convs.iter().zip(&a.conv_app) {
        // Tunnels without ports (ESP, AH) are named by their IP protocol.
        let tool = app
            .clone()
            .or_else(|| (!c.key.has_ports()).then(|| transport_name(c.key.proto)));
        let Some(tool) = tool.filter(|p| REMOTE_ACCESS.contains(&p.as_str())) else {
            continue;
        };
        let (client, server, port) = client_server(c);
        let user = c
            .app
            .as_deref()
            .and_then(|s| s.notes.list.iter().find(|n| n.kind == "user"))
            .map_or(String::new(), |n| safe_cell(&n.value));
        let has_ports = c.key.has_ports();
        w.write_record([
            tool.to_string(),
            transport_name(c.key.proto),
            client,
            server,
            if has_ports {
                port.to_string()
            } else {
                String::new()
            },
            ts_text(c.first_ts, digits),
            ts_text(c.last_ts, digits),
            format!("{:.3}", (c.last_ts - c.first_ts) as f64 / 1e9),
            c.total_packets().to_string(),
            c.total_bytes().to_string(),
            user,
            c.first_frame.1.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
