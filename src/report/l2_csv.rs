//! Link-layer tables: `arp.csv`, one row per (address, VLAN, MAC) that ARP bound.

use std::path::Path;

use anyhow::Result;

use super::csv_out::writer;
use super::{mac_text, ts_text};
use crate::pipeline::Analysis;

pub fn arp(path: &Path, a: &Analysis, digits: u8) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record([
        "ip",
        "mac",
        "vendor",
        "vlan",
        "first_seen",
        "last_seen",
        "frames",
        "gratuitous",
        "took_over",
        "conflict",
        "first_frame",
    ])?;
    for b in &a.arp {
        w.write_record([
            std::net::Ipv4Addr::from(b.ip).to_string(),
            mac_text(&b.mac),
            String::new(),
            b.vlan.to_string(),
            ts_text(b.first_ts, digits),
            ts_text(b.last_ts, digits),
            b.frames.to_string(),
            b.gratuitous.to_string(),
            b.took_over.to_string(),
            b.conflict.to_string(),
            b.first_frame.1.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
