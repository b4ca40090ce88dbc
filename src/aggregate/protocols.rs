//! The protocol table: application protocols per conversation (port catalog for now;
//! dissectors mark theirs `decoded`), transports, IP versions, link-layer protocols
//! (decoded, or by ethertype) and encapsulations.

use std::collections::BTreeMap;

use super::{Count, Counters};
use crate::catalog::{Catalog, Protocol};
use crate::dissect::net::encap;
use crate::flow::l2::{L2App, L2Flow};
use crate::flow::Conv;

/// How a protocol was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detection {
    /// A dissector parsed the header or PDU.
    Decoded,
    /// Its registered ethertype, LLC SAP or SNAP id (no payload parsed).
    Ethertype,
    /// Only a transport port matched the catalog.
    Port,
}

impl Detection {
    pub fn name(self) -> &'static str {
        match self {
            Detection::Decoded => "decoded",
            Detection::Ethertype => "ethertype",
            Detection::Port => "port",
        }
    }
}

#[derive(Clone, Debug)]
pub struct ProtocolRow {
    pub protocol: String,
    pub category: &'static str,
    pub count: Count,
    pub flows: u64,
    pub detection: Detection,
}

/// The catalog entry for a conversation's server port. When the handshake tells which
/// side is the server only its port counts, so a client's ephemeral port never names
/// a protocol; otherwise a registered port on either side, the lower one first.
pub fn app_protocol<'c>(c: &Conv, catalog: &'c Catalog) -> Option<&'c Protocol> {
    if !c.key.has_ports() {
        return None;
    }
    let (a, b) = c.ends();
    match c.initiator {
        1 => catalog.by_port(c.key.proto, b.1),
        2 => catalog.by_port(c.key.proto, a.1),
        _ => {
            let (lo, hi) = if a.1 <= b.1 { (a.1, b.1) } else { (b.1, a.1) };
            catalog
                .by_port(c.key.proto, lo)
                .or_else(|| catalog.by_port(c.key.proto, hi))
        }
    }
}

/// Name of an IP protocol number as a transport id.
pub fn transport_name(proto: u8) -> String {
    match proto {
        6 => "tcp".into(),
        17 => "udp".into(),
        1 => "icmp".into(),
        58 => "icmpv6".into(),
        2 => "igmp".into(),
        89 => "ospf".into(),
        112 => "vrrp".into(),
        50 => "esp".into(),
        51 => "ah".into(),
        47 => "gre".into(),
        132 => "sctp".into(),
        n => n.to_string(),
    }
}

/// `l2` are the link-layer flows whose frames a dissector decoded; frames that did not
/// parse stay in `counters.l2`, counted by ethertype.
pub fn build(
    convs: &[Conv],
    catalog: &Catalog,
    counters: &Counters,
    l2: &[L2Flow],
) -> Vec<ProtocolRow> {
    let mut rows: BTreeMap<(String, Detection), ProtocolRow> = BTreeMap::new();
    let mut add = |id: String, det: Detection, count: Count, flows: u64| {
        let category = catalog.category(&id);
        let r = rows.entry((id.clone(), det)).or_insert(ProtocolRow {
            protocol: id,
            category,
            count: Count::default(),
            flows: 0,
            detection: det,
        });
        r.count.merge(count);
        r.flows += flows;
    };
    for c in convs {
        let count = Count {
            packets: c.total_packets(),
            bytes: c.total_bytes(),
        };
        add(transport_name(c.key.proto), Detection::Decoded, count, 1);
        if let Some(a) = c.decoded() {
            // As tshark's hierarchy: the frames in which a PDU was decoded.
            add(
                a.proto.id().to_string(),
                Detection::Decoded,
                Count {
                    packets: a.frames,
                    bytes: a.bytes,
                },
                1,
            );
        } else if let Some(p) = app_protocol(c, catalog) {
            add(p.id.clone(), Detection::Port, count, 1);
        }
    }
    add("ipv4".into(), Detection::Decoded, counters.ipv4, 0);
    add("ipv6".into(), Detection::Decoded, counters.ipv6, 0);
    for (i, (_, name)) in encap::NAMES.iter().enumerate() {
        add((*name).into(), Detection::Decoded, counters.encap[i], 0);
    }
    for f in l2 {
        let count = Count {
            packets: f.frames,
            bytes: f.bytes,
        };
        add(f.key.app.id().into(), Detection::Decoded, count, 1);
        // DCP, alarms and PTCP ride on the RT frame (tshark's `pn_rt` holds them all).
        if f.key.app.is_profinet() && f.key.app != L2App::ProfinetRt {
            add(L2App::ProfinetRt.id().into(), Detection::Decoded, count, 1);
        }
    }
    for (p, count) in &counters.l2 {
        add(p.id(), Detection::Ethertype, *count, 0);
    }
    let mut out: Vec<ProtocolRow> = rows.into_values().filter(|r| r.count.packets > 0).collect();
    out.sort_by(|a, b| {
        b.count
            .packets
            .cmp(&a.count.packets)
            .then_with(|| a.protocol.cmp(&b.protocol))
    });
    out
}
