//! ARP bindings: which MAC claimed which IPv4 address, when, how often, and whether
//! unasked. Records go to the shard of the address they are about (not of their
//! link-layer flow), so all claims on one address are seen in one shard in frame
//! order: that is what lets a change of MAC be seen as it happens.
//!
//! A request binds its sender and asks for its target; a reply binds its sender. A
//! claim is gratuitous when the sender announces its own address (sender IP = target
//! IP, RFC 5227 announcements) or when a reply answers no request for that address
//! seen in the previous [`ASK_WINDOW_NS`] (an unsolicited reply, the ARP spoofing
//! pattern). Probes (sender 0.0.0.0) bind nothing.

use std::hash::BuildHasher;

use hashbrown::HashMap;

use crate::dissect::arp;

/// How long a request makes a reply from its target expected.
pub const ASK_WINDOW_NS: i64 = 10_000_000_000;
/// Most MACs kept per address (the rest are counted in `extra_macs`).
const MAX_MACS: usize = 16;

/// What one record says about its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArpKind {
    /// The sender of a request; `announce`: sender IP = target IP.
    Request { announce: bool },
    /// The sender of a reply.
    Reply { announce: bool },
    /// The target of a request: someone asked who has it.
    Asked,
}

/// One claim or question about an address, routed to the address's shard.
#[derive(Clone, Copy, Debug)]
pub struct ArpRec {
    pub ip: [u8; 4],
    pub vlan: u16,
    /// The claiming MAC (for `Asked`, the asker's).
    pub mac: [u8; 6],
    pub kind: ArpKind,
    /// Chunk-local until the flow phase adds the chunk's frame offset.
    pub frame: u64,
    pub ts_ns: i64,
}

impl ArpRec {
    /// The shard key: the address (and VLAN), so a binding's history stays together.
    pub fn hash(&self) -> u64 {
        foldhash::fast::FixedState::with_seed(super::HASH_SEED).hash_one((self.ip, self.vlan))
    }
}

/// The records of one ARP packet (Ethernet/IPv4 requests and replies only).
pub fn records(payload: &[u8], vlan: u16, frame: u64, ts_ns: i64) -> impl Iterator<Item = ArpRec> {
    let mut out = [None, None];
    if let Some((v, a)) = arp::parse(payload)
        .ok()
        .and_then(|v| Some((v, v.ether_ipv4()?)))
    {
        let rec = |ip, mac, kind| {
            Some(ArpRec {
                ip,
                vlan,
                mac,
                kind,
                frame,
                ts_ns,
            })
        };
        let announce = a.is_announcement();
        match v.operation() {
            arp::Operation::REQUEST => {
                if !a.is_probe() {
                    out[0] = rec(a.sender_ip, a.sender_mac, ArpKind::Request { announce });
                }
                if !announce {
                    out[1] = rec(a.target_ip, a.sender_mac, ArpKind::Asked);
                }
            }
            arp::Operation::REPLY if !a.is_probe() => {
                out[0] = rec(a.sender_ip, a.sender_mac, ArpKind::Reply { announce });
            }
            _ => {}
        }
    }
    out.into_iter().flatten()
}

/// One (address, MAC) binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArpBinding {
    pub ip: [u8; 4],
    pub vlan: u16,
    pub mac: [u8; 6],
    pub first_ts: i64,
    pub last_ts: i64,
    pub first_frame: (u32, u64),
    /// Requests and replies in which this MAC claimed the address.
    pub frames: u64,
    /// Announcements and unsolicited replies among them.
    pub gratuitous: u64,
    /// Times the address moved to this MAC from another one, in frame order.
    pub took_over: u64,
    /// The address has more than one MAC (set by [`finish`]).
    pub conflict: bool,
}

#[derive(Default)]
struct IpState {
    bindings: Vec<ArpBinding>,
    last_mac: Option<[u8; 6]>,
    last_asked: Option<i64>,
}

/// The addresses one shard owns.
#[derive(Default)]
pub struct ArpTable {
    ips: HashMap<([u8; 4], u16), IpState>,
    /// Claims by MACs beyond the per-address bound (not kept).
    pub extra_macs: u64,
}

impl ArpTable {
    pub fn update(&mut self, r: &ArpRec, capture: u32, frame_offset: u64) {
        let frame = (capture, r.frame + frame_offset);
        let s = self.ips.entry((r.ip, r.vlan)).or_default();
        let (announce, reply) = match r.kind {
            ArpKind::Asked => {
                s.last_asked = Some(r.ts_ns);
                return;
            }
            ArpKind::Request { announce } => (announce, false),
            ArpKind::Reply { announce } => (announce, true),
        };
        let asked = s
            .last_asked
            .is_some_and(|t| r.ts_ns.saturating_sub(t) <= ASK_WINDOW_NS);
        let gratuitous = announce || (reply && !asked);
        let moved = s.last_mac.is_some_and(|m| m != r.mac);
        s.last_mac = Some(r.mac);
        let b = match s.bindings.iter_mut().position(|b| b.mac == r.mac) {
            Some(i) => &mut s.bindings[i],
            None if s.bindings.len() < MAX_MACS => {
                s.bindings.push(ArpBinding {
                    ip: r.ip,
                    vlan: r.vlan,
                    mac: r.mac,
                    first_ts: r.ts_ns,
                    last_ts: r.ts_ns,
                    first_frame: frame,
                    frames: 0,
                    gratuitous: 0,
                    took_over: 0,
                    conflict: false,
                });
                s.bindings.last_mut().expect("just pushed")
            }
            None => {
                self.extra_macs += 1;
                return;
            }
        };
        b.frames += 1;
        b.gratuitous += gratuitous as u64;
        b.took_over += moved as u64;
        b.first_ts = b.first_ts.min(r.ts_ns);
        b.last_ts = b.last_ts.max(r.ts_ns);
    }

    pub fn into_bindings(self) -> Vec<ArpBinding> {
        self.ips.into_values().flat_map(|s| s.bindings).collect()
    }
}

/// Puts bindings into output order (address, VLAN, first frame, MAC) and flags the
/// addresses claimed by more than one MAC.
pub fn finish(mut b: Vec<ArpBinding>) -> Vec<ArpBinding> {
    b.sort_by(|x, y| {
        (x.ip, x.vlan, x.first_frame, x.mac).cmp(&(y.ip, y.vlan, y.first_frame, y.mac))
    });
    let mut i = 0;
    while i < b.len() {
        let j = i + b[i..]
            .iter()
            .take_while(|x| (x.ip, x.vlan) == (b[i].ip, b[i].vlan))
            .count();
        let conflict = j - i > 1;
        b[i..j].iter_mut().for_each(|x| x.conflict = conflict);
        i = j;
    }
    b
}

/// Merges the bindings of several analyses (a batch roll-up); `parts` are (capture
/// index, bindings). Counts add up; a change of MAC across captures is not counted.
pub fn rollup<'a>(parts: impl Iterator<Item = (u32, &'a [ArpBinding])>) -> Vec<ArpBinding> {
    let mut by_key: HashMap<([u8; 4], u16, [u8; 6]), ArpBinding> = HashMap::new();
    for (i, bs) in parts {
        for b in bs {
            let mut b = b.clone();
            b.first_frame.0 = i;
            by_key
                .entry((b.ip, b.vlan, b.mac))
                .and_modify(|x| {
                    x.frames += b.frames;
                    x.gratuitous += b.gratuitous;
                    x.took_over += b.took_over;
                    x.first_ts = x.first_ts.min(b.first_ts);
                    x.last_ts = x.last_ts.max(b.last_ts);
                    x.first_frame = x.first_frame.min(b.first_frame);
                })
                .or_insert(b);
        }
    }
    finish(by_key.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::arp::tests::arp;

    const A: [u8; 6] = [0, 0x0e, 0x8c, 0, 0, 1];
    const B: [u8; 6] = [0, 0x0e, 0x8c, 0, 0, 2];
    const EVIL: [u8; 6] = [0x02, 0, 0, 0, 0, 0x66];
    const IP_A: [u8; 4] = [10, 0, 0, 1];
    const IP_B: [u8; 4] = [10, 0, 0, 2];
    const S: i64 = 1_000_000_000;

    /// Feeds packets (at t seconds) through two shards, as the pipeline routes them.
    fn run(packets: &[(i64, Vec<u8>)]) -> Vec<ArpBinding> {
        let mut shards = [ArpTable::default(), ArpTable::default()];
        for (i, (t, p)) in packets.iter().enumerate() {
            for r in records(p, 0, i as u64 + 1, t * S) {
                shards[(r.hash() % 2) as usize].update(&r, 0, 0);
            }
        }
        let [x, y] = shards;
        let mut all = x.into_bindings();
        all.extend(y.into_bindings());
        finish(all)
    }

    #[test]
    fn request_reply_spoof_and_announcement() {
        let b = run(&[
            (0, arp(1, A, IP_A, [0; 6], IP_B)),    // A asks for B
            (0, arp(2, B, IP_B, A, IP_A)),         // B answers: asked
            (1, arp(1, B, IP_B, [0; 6], IP_B)),    // B announces itself
            (20, arp(2, EVIL, IP_B, A, IP_A)),     // nobody asked for 10 s: unsolicited
            (21, arp(2, EVIL, IP_B, A, IP_A)),     // again
            (22, arp(1, A, [0; 4], [0; 6], IP_A)), // a probe binds nothing
        ]);
        let rows: Vec<_> = b
            .iter()
            .map(|x| {
                (
                    x.ip,
                    x.mac,
                    x.frames,
                    x.gratuitous,
                    x.took_over,
                    x.conflict,
                    x.first_frame.1,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (IP_A, A, 1, 0, 0, false, 1),
                (IP_B, B, 2, 1, 0, true, 2),
                (IP_B, EVIL, 2, 2, 1, true, 4),
            ]
        );
        assert_eq!(b[2].first_ts, 20 * S);
        assert_eq!(b[2].last_ts, 21 * S);
    }

    #[test]
    fn vlans_apart_and_rollup() {
        let p = arp(1, A, IP_A, [0; 6], IP_B);
        let mut t = ArpTable::default();
        for (vlan, mac) in [(1, A), (2, B)] {
            let mut p = p.clone();
            p[8..14].copy_from_slice(&mac);
            for r in records(&p, vlan, 1, 0) {
                t.update(&r, 0, 0);
            }
        }
        let b = finish(t.into_bindings());
        assert_eq!(b.len(), 2);
        assert!(b.iter().all(|x| !x.conflict));
        let r = rollup([(0, b.as_slice()), (1, b.as_slice())].into_iter());
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].frames, r[0].first_frame), (2, (0, 1)));
        // Not Ethernet/IPv4, or cut: no records.
        assert_eq!(records(&p[..20], 0, 1, 0).count(), 0);
        assert_eq!(records(&[], 0, 1, 0).count(), 0);
    }

    #[test]
    fn bounded_macs() {
        let mut t = ArpTable::default();
        for i in 0..40u8 {
            let p = arp(2, [2, 0, 0, 0, 0, i], IP_A, A, IP_B);
            for r in records(&p, 0, i as u64, 0) {
                t.update(&r, 0, 0);
            }
        }
        assert_eq!(t.extra_macs, 40 - MAX_MACS as u64);
        assert_eq!(t.into_bindings().len(), MAX_MACS);
    }
}
