//! Mergeable aggregates: per-chunk counters merged in chunk order, and the tables the
//! writers print (conversations, endpoints, protocols), derived from the merged state.
//! Merges are associative and order-independent in their results, so the thread count
//! never changes an output.

pub mod assets;
pub mod endpoints;
pub mod protocols;
pub mod roles;
pub mod scope;
pub mod timeline;

use std::collections::HashMap;

use crate::dissect::net::{encap, l2::L2Proto, Outcome};

/// Packet and byte counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    pub packets: u64,
    pub bytes: u64,
}

impl Count {
    #[inline]
    pub fn add(&mut self, bytes: u32) {
        self.packets += 1;
        self.bytes += bytes as u64;
    }
    pub fn merge(&mut self, o: Count) {
        self.packets += o.packets;
        self.bytes += o.bytes;
    }
}

/// Traffic of a MAC address in frames that carry no IP.
#[derive(Clone, Debug, Default)]
pub struct MacStat {
    pub sent: Count,
    pub first_ts: i64,
    pub last_ts: i64,
    pub protocols: Vec<L2Proto>,
}

/// Traffic of an IP address in packets that are in no conversation (fragments,
/// packets whose transport header was cut or broken).
#[derive(Clone, Copy, Debug, Default)]
pub struct IpStat {
    pub sent: Count,
    pub received: Count,
    pub first_ts: i64,
    pub last_ts: i64,
}

/// Counters every chunk keeps; merged into one per capture and per run.
#[derive(Clone, Debug)]
pub struct Counters {
    pub accounting: [u64; Outcome::ALL.len()],
    pub total: Count,
    pub captured_bytes: u64,
    pub first_ts: i64,
    pub last_ts: i64,
    pub ipv4: Count,
    pub ipv6: Count,
    pub encap: [Count; encap::NAMES.len()],
    pub l2: HashMap<L2Proto, Count>,
    pub macs: HashMap<[u8; 6], MacStat>,
    pub ip_extra: HashMap<([u8; 16], bool), IpStat>,
    /// Frames with a timestamp that no flow table counts (see `timeline`).
    pub timeline: timeline::Timeline,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            accounting: [0; Outcome::ALL.len()],
            total: Count::default(),
            captured_bytes: 0,
            first_ts: i64::MAX,
            last_ts: i64::MIN,
            ipv4: Count::default(),
            ipv6: Count::default(),
            encap: [Count::default(); encap::NAMES.len()],
            l2: HashMap::new(),
            macs: HashMap::new(),
            ip_extra: HashMap::new(),
            timeline: timeline::Timeline::default(),
        }
    }
}

impl Counters {
    #[inline]
    pub fn frame(&mut self, wire_len: u32, captured: usize, ts_ns: i64) {
        self.total.add(wire_len);
        self.captured_bytes += captured as u64;
        self.first_ts = self.first_ts.min(ts_ns);
        self.last_ts = self.last_ts.max(ts_ns);
    }

    #[inline]
    pub fn encaps(&mut self, bits: u16, wire_len: u32) {
        if bits != 0 {
            for (i, (bit, _)) in encap::NAMES.iter().enumerate() {
                if bits & bit != 0 {
                    self.encap[i].add(wire_len);
                }
            }
        }
    }

    /// Counts a frame without IP under its link-layer protocol and its sender.
    pub fn non_ip(&mut self, proto: L2Proto, mac: Option<[u8; 6]>, wire_len: u32, ts_ns: i64) {
        self.l2.entry(proto).or_default().add(wire_len);
        self.mac_frame(proto, mac, wire_len, ts_ns);
    }

    /// Counts a frame without IP for its sender only (a decoded link-layer frame,
    /// which its flow counts under its protocol).
    pub fn mac_frame(&mut self, proto: L2Proto, mac: Option<[u8; 6]>, wire_len: u32, ts_ns: i64) {
        if let Some(mac) = mac {
            let m = self.macs.entry(mac).or_insert_with(|| MacStat {
                first_ts: ts_ns,
                last_ts: ts_ns,
                ..MacStat::default()
            });
            m.sent.add(wire_len);
            m.first_ts = m.first_ts.min(ts_ns);
            m.last_ts = m.last_ts.max(ts_ns);
            if !m.protocols.contains(&proto) && m.protocols.len() < 32 {
                m.protocols.push(proto);
            }
        }
    }

    /// Counts an IP packet that joins no conversation (or takes one back with `sign` -1).
    pub fn ip_outside(
        &mut self,
        src: [u8; 16],
        dst: [u8; 16],
        v6: bool,
        wire_len: u32,
        ts_ns: i64,
        sign: i64,
    ) {
        for (addr, sending) in [(src, true), (dst, false)] {
            let s = self.ip_extra.entry((addr, v6)).or_insert(IpStat {
                first_ts: ts_ns,
                last_ts: ts_ns,
                ..IpStat::default()
            });
            let c = if sending {
                &mut s.sent
            } else {
                &mut s.received
            };
            c.packets = c.packets.wrapping_add_signed(sign);
            c.bytes = c.bytes.wrapping_add_signed(sign * wire_len as i64);
            s.first_ts = s.first_ts.min(ts_ns);
            s.last_ts = s.last_ts.max(ts_ns);
        }
    }

    pub fn merge(&mut self, o: &Counters) {
        for (a, b) in self.accounting.iter_mut().zip(o.accounting) {
            *a += b;
        }
        self.total.merge(o.total);
        self.captured_bytes += o.captured_bytes;
        self.timeline.merge(&o.timeline);
        self.first_ts = self.first_ts.min(o.first_ts);
        self.last_ts = self.last_ts.max(o.last_ts);
        self.ipv4.merge(o.ipv4);
        self.ipv6.merge(o.ipv6);
        for (a, b) in self.encap.iter_mut().zip(o.encap) {
            a.merge(b);
        }
        for (k, v) in &o.l2 {
            self.l2.entry(*k).or_default().merge(*v);
        }
        for (k, v) in &o.macs {
            let m = self.macs.entry(*k).or_insert_with(|| MacStat {
                first_ts: v.first_ts,
                last_ts: v.last_ts,
                ..MacStat::default()
            });
            m.sent.merge(v.sent);
            m.first_ts = m.first_ts.min(v.first_ts);
            m.last_ts = m.last_ts.max(v.last_ts);
            for p in &v.protocols {
                if !m.protocols.contains(p) && m.protocols.len() < 32 {
                    m.protocols.push(*p);
                }
            }
        }
        for (k, v) in &o.ip_extra {
            let s = self.ip_extra.entry(*k).or_insert(IpStat {
                first_ts: v.first_ts,
                last_ts: v.last_ts,
                ..IpStat::default()
            });
            s.sent.packets = s.sent.packets.wrapping_add(v.sent.packets);
            s.sent.bytes = s.sent.bytes.wrapping_add(v.sent.bytes);
            s.received.packets = s.received.packets.wrapping_add(v.received.packets);
            s.received.bytes = s.received.bytes.wrapping_add(v.received.bytes);
            s.first_ts = s.first_ts.min(v.first_ts);
            s.last_ts = s.last_ts.max(v.last_ts);
        }
    }

    /// Whether every packet is counted under exactly one reason.
    pub fn accounting_adds_up(&self) -> bool {
        self.accounting.iter().sum::<u64>() == self.total.packets
    }
}
