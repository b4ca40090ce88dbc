//! A shard's flow table: one [`Conv`] per flow key, updated in capture order.

use hashbrown::HashTable;

use super::app::{self, AppState, OpKey, OpStat};
use super::arp::{ArpBinding, ArpRec};
use super::l2::{L2Flow, L2Rec, L2Table};
use super::sniff::{self, Sender, MAX_SNIFFS};
use super::timing::Timing;
use super::{FlowKey, FlowRec};
use crate::aggregate::timeline::{self, Timeline};
use crate::dissect::net::transport::tcp_flags;

/// A conversation's counters. Side `a` is the sender of the first packet seen.
#[derive(Clone, Debug)]
pub struct Conv {
    pub key: FlowKey,
    pub hash: u64,
    /// Whether `a` is the key's `lo` endpoint.
    pub a_is_lo: bool,
    /// Index 0: a to b; 1: b to a.
    pub packets: [u64; 2],
    pub bytes: [u64; 2],
    pub first_ts: i64,
    pub last_ts: i64,
    /// (capture index, frame) of the first packet.
    pub first_frame: (u32, u64),
    /// Who opened the connection: 0 unknown, 1 a, 2 b.
    pub initiator: u8,
    /// First source MAC seen for a and b.
    pub mac: [Option<[u8; 6]>; 2],
    /// State of the application protocol the flow may carry.
    pub app: Option<Box<AppState>>,
    /// Payload packets looked at for a protocol no port claimed (see `flow::sniff`).
    sniffs: u8,
    /// What the transport said along the way: [`signal::RESET`], [`signal::UNREACHABLE`].
    pub signals: u8,
    /// Timeline group its packets count under (`aggregate::timeline`).
    pub group: u8,
}

/// Bits of [`Conv::signals`].
pub mod signal {
    /// A TCP segment with RST.
    pub const RESET: u8 = 1;
    /// An ICMP destination unreachable (ICMPv6 type 1).
    pub const UNREACHABLE: u8 = 2;

    /// The bit a packet's flags (TCP) or type (ICMP) sets.
    #[inline]
    pub fn of(proto: u8, flags: u8) -> u8 {
        match (proto, flags) {
            (6, f) if f & crate::dissect::net::transport::tcp_flags::RST != 0 => RESET,
            (1, 3) | (58, 1) => UNREACHABLE,
            _ => 0,
        }
    }
}

impl Conv {
    fn new(r: &FlowRec, capture: u32, frame: u64, dissect: Dissect) -> Conv {
        let mut c = Conv {
            key: r.key,
            hash: r.hash,
            a_is_lo: r.from_lo,
            packets: [0; 2],
            bytes: [0; 2],
            first_ts: r.ts_ns,
            last_ts: r.ts_ns,
            first_frame: (capture, frame),
            initiator: 0,
            mac: [None; 2],
            app: app::candidate(&r.key)
                .filter(|(p, _, _)| dissect.runs(*p))
                .map(|(p, server_is_lo, port)| {
                    Box::new(super::it::app_state(p, &r.key, server_is_lo, port))
                }),
            // A flow not dissected is never sniffed.
            sniffs: if dissect.app { 0 } else { MAX_SNIFFS },
            signals: 0,
            group: 0,
        };
        c.set_group();
        c
    }

    /// The timeline group: the protocol its dissector (port or content) speaks, else
    /// the catalog entry of its ports.
    fn set_group(&mut self) {
        self.group = match self.app.as_deref() {
            Some(a) => timeline::group_of(a.proto.id(), ""),
            None => timeline::group_of_ports(self.key.proto, self.key.lo_port, self.key.hi_port),
        };
    }

    /// The protocol a dissector decoded in this flow, if any PDU parsed.
    pub fn decoded(&self) -> Option<&AppState> {
        self.app.as_deref().filter(|a| a.frames > 0)
    }

    /// Adds another part of the same conversation (another capture of a batch).
    pub fn merge(&mut self, o: &Conv) {
        let flip = (o.a_is_lo != self.a_is_lo) as usize;
        for d in 0..2 {
            self.packets[d ^ flip] += o.packets[d];
            self.bytes[d ^ flip] += o.bytes[d];
            if self.mac[d ^ flip].is_none() {
                self.mac[d ^ flip] = o.mac[d];
            }
        }
        if self.initiator == 0 && o.initiator != 0 {
            self.initiator = if flip == 1 {
                3 - o.initiator
            } else {
                o.initiator
            };
        }
        self.first_ts = self.first_ts.min(o.first_ts);
        self.last_ts = self.last_ts.max(o.last_ts);
        self.first_frame = self.first_frame.min(o.first_frame);
        self.signals |= o.signals;
        match (&mut self.app, &o.app) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.app = Some(b.clone()),
            _ => {}
        }
    }

    pub fn total_packets(&self) -> u64 {
        self.packets[0] + self.packets[1]
    }

    pub fn total_bytes(&self) -> u64 {
        self.bytes[0] + self.bytes[1]
    }

    /// The (address, port) of side a and side b.
    pub fn ends(&self) -> (([u8; 16], u16), ([u8; 16], u16)) {
        let lo = (self.key.lo, self.key.lo_port);
        let hi = (self.key.hi, self.key.hi_port);
        if self.a_is_lo {
            (lo, hi)
        } else {
            (hi, lo)
        }
    }
}

/// The application state of a flow whose payload `b`, sent by side `d`, gives its
/// protocol away.
fn sniffed(c: &Conv, r: &FlowRec, d: usize, b: &[u8]) -> Option<Box<AppState>> {
    let (proto, sender) = sniff::sniff(r.key.proto, b)?;
    let from_server = match sender {
        Sender::Client => false,
        Sender::Server => true,
        // Banners: the end that did not open the connection is the server; when the
        // handshake was not captured, the first to speak (servers announce first).
        Sender::Either => c.initiator == 0 || c.initiator as usize != d + 1,
        Sender::Unknown if c.initiator != 0 => c.initiator as usize != d + 1,
        Sender::Unknown => {
            let (own, other) = if r.from_lo {
                (r.key.lo_port, r.key.hi_port)
            } else {
                (r.key.hi_port, r.key.lo_port)
            };
            own < other
        }
    };
    let server_is_lo = r.from_lo == from_server;
    let port = if server_is_lo {
        r.key.lo_port
    } else {
        r.key.hi_port
    };
    let mut a = super::it::app_state(proto, &r.key, server_is_lo, port);
    a.by_content = true;
    Some(Box::new(a))
}

/// What a shard hands to the merge: conversations, operations, timing rows,
/// link-layer flows and ARP bindings.
pub type ShardParts = (
    Vec<Conv>,
    Vec<(OpKey, OpStat)>,
    Vec<(OpKey, Timing)>,
    Vec<L2Flow>,
    Vec<ArpBinding>,
);

/// Which application dissectors run: all of them, except when measuring what they
/// cost (`--no-dissect`, `--no-it-dissect`).
#[derive(Clone, Copy, Debug)]
pub struct Dissect {
    /// Any application dissector (off: the engine alone).
    pub app: bool,
    /// The IT protocols' (by port and by content).
    pub it: bool,
}

impl Dissect {
    pub const ALL: Dissect = Dissect {
        app: true,
        it: true,
    };

    /// Whether flows of `p` are dissected.
    pub fn runs(self, p: app::AppProto) -> bool {
        self.app && (self.it || !matches!(p, app::AppProto::It(_)))
    }
}

/// The flows one shard owns.
pub struct ShardTable {
    table: HashTable<Conv>,
    /// Flows of the link-layer industrial protocols.
    l2: L2Table,
    dissect: Dissect,
    /// Packets per minute per group of the flows counted here.
    timeline: Timeline,
}

impl Default for ShardTable {
    fn default() -> Self {
        ShardTable::new(Dissect::ALL)
    }
}

impl ShardTable {
    /// An empty table running the dissectors `dissect` names.
    pub fn new(dissect: Dissect) -> ShardTable {
        ShardTable {
            table: HashTable::new(),
            l2: L2Table::default(),
            dissect,
            timeline: Timeline::default(),
        }
    }

    /// Counts one packet; `frame_offset` turns the record's chunk-local frame number
    /// into the capture's, and `data` holds the payload the record points into.
    #[inline]
    pub fn update(&mut self, r: &FlowRec, capture: u32, frame_offset: u64, data: &[u8]) {
        let g = self.count(r, capture, frame_offset, data);
        self.timeline.add(r.ts_ns, g);
    }

    /// Counts a datagram reassembled from fragments (whose frames the timeline has
    /// counted already).
    pub fn update_reassembled(&mut self, r: &FlowRec, capture: u32) {
        self.count(r, capture, 0, &[]);
    }

    /// Counts one packet in its conversation; returns the conversation's group.
    #[inline]
    fn count(&mut self, r: &FlowRec, capture: u32, frame_offset: u64, data: &[u8]) -> u8 {
        let c = match self.table.find_mut(r.hash, |c| c.key == r.key) {
            Some(c) => c,
            None => {
                let conv = Conv::new(r, capture, r.frame + frame_offset, self.dissect);
                self.table
                    .insert_unique(r.hash, conv, |c| c.hash)
                    .into_mut()
            }
        };
        let d = (r.from_lo != c.a_is_lo) as usize;
        c.packets[d] += 1;
        c.bytes[d] += r.wire_len as u64;
        c.first_ts = c.first_ts.min(r.ts_ns);
        c.last_ts = c.last_ts.max(r.ts_ns);
        if c.mac[d].is_none() {
            c.mac[d] = r.src_mac;
        }
        if r.tcp_flags != 0 {
            c.signals |= signal::of(r.key.proto, r.tcp_flags);
        }
        if r.key.proto == 6 && c.initiator == 0 && r.tcp_flags & tcp_flags::SYN != 0 {
            // SYN alone comes from the client; SYN+ACK from the server.
            let from_a = d == 0;
            let client_is_a = (r.tcp_flags & tcp_flags::ACK == 0) == from_a;
            c.initiator = if client_is_a { 1 } else { 2 };
        }
        if r.payload_len > 0 {
            let (s, e) = (
                r.payload_off as usize,
                r.payload_off as usize + r.payload_len as usize,
            );
            if c.app.is_none() && c.sniffs < MAX_SNIFFS {
                c.sniffs += 1;
                let dissect = self.dissect;
                c.app = data
                    .get(s..e)
                    .and_then(|b| sniffed(c, r, d, b))
                    .filter(|a| dissect.runs(a.proto));
                if c.app.is_some() {
                    c.set_group();
                }
            }
            if let Some(a) = c.app.as_deref_mut() {
                let frame = (capture, r.frame + frame_offset);
                let len = r.payload_len as usize;
                let udp = r.key.proto == 17;
                let seq = (!udp).then_some(r.seq);
                if a.hinted(r.from_lo, seq, len, r.hint, r.ts_ns, frame, r.wire_len) {
                    // Summarised in the decode phase.
                } else if udp {
                    if let Some(payload) = data.get(s..e) {
                        a.datagram(r.from_lo, payload, r.ts_ns, frame, r.wire_len);
                    }
                } else {
                    if let Some(payload) = data.get(s..e) {
                        a.segment(r.from_lo, r.seq, payload, r.ts_ns, frame, r.wire_len);
                    }
                }
            }
        }
        c.group
    }

    /// Counts one decoded link-layer frame (see [`L2Table::update`]).
    pub fn update_l2(&mut self, r: &L2Rec, capture: u32, frame_offset: u64, data: &[u8]) {
        self.l2.update(r, capture, frame_offset, data);
    }

    /// Counts one ARP record of an address this shard owns.
    pub fn update_arp(&mut self, r: &ArpRec, capture: u32, frame_offset: u64) {
        self.l2.update_arp(r, capture, frame_offset);
    }

    /// The timeline counted so far (left empty).
    pub fn take_timeline(&mut self) -> Timeline {
        std::mem::take(&mut self.timeline)
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The shard's conversations, their operations and their timing, and its
    /// link-layer flows.
    pub fn into_parts(self) -> ShardParts {
        let mut convs: Vec<Conv> = self.table.into_iter().collect();
        let (l2, arp) = self.l2.into_parts();
        let ops = convs
            .iter()
            .filter_map(|c| c.app.as_deref().map(|a| a.op_rows(&c.key)))
            .flatten()
            .collect();
        // The timing rows take the histograms: conversations do not need them after.
        let timing = convs
            .iter_mut()
            .filter_map(|c| {
                let key = c.key;
                c.app.as_deref_mut().map(|a| a.take_timing_rows(&key))
            })
            .flatten()
            .collect();
        (convs, ops, timing, l2, arp)
    }
}
