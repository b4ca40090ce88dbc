//! IPv4 and IPv6 fragment reassembly. Runs on one thread over the fragments of a wave
//! in frame order (fragments are rare and their flow is unknown until reassembled); a
//! completed datagram is then decoded and joins its flow's shard at the frame that
//! completed it, as Wireshark attributes it.

use std::collections::HashMap;

/// Bytes of fragment data held at once; beyond it the oldest datagrams are dropped.
const MAX_HELD: usize = 64 << 20;
/// Largest datagram accepted (IPv4 limit; IPv6 jumbograms are not fragmented).
const MAX_DATAGRAM: u32 = 65_535;
/// A datagram not completed within this much capture time is dropped.
const TIMEOUT_NS: i64 = 60_000_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FragKey {
    pub src: [u8; 16],
    pub dst: [u8; 16],
    pub proto: u8,
    pub id: u32,
    pub v6: bool,
}

/// A fragment as the worker saw it, with its data copied out of the wave.
#[derive(Clone, Debug)]
pub struct FragRec {
    pub key: FragKey,
    pub frame: u64,
    pub ts_ns: i64,
    pub wire_len: u32,
    pub offset: u32,
    pub more: bool,
    pub vlan: u16,
    pub src_mac: Option<[u8; 6]>,
    pub data: Vec<u8>,
}

struct Pending {
    parts: Vec<(u32, Vec<u8>)>,
    total: Option<u32>,
    first_ts: i64,
    held: usize,
    seq: u64,
}

/// A reassembled datagram.
pub struct Datagram {
    pub key: FragKey,
    pub last: FragRec,
    pub payload: Vec<u8>,
}

#[derive(Default)]
pub struct Reassembler {
    pending: HashMap<FragKey, Pending>,
    held: usize,
    seq: u64,
    /// Datagrams given up (timeout, memory bound, overlap beyond the limit).
    pub dropped: u64,
}

impl Reassembler {
    pub fn feed(&mut self, f: FragRec) -> Option<Datagram> {
        let end = f.offset.saturating_add(f.data.len() as u32);
        if end > MAX_DATAGRAM {
            self.dropped += 1;
            return None;
        }
        self.expire(f.ts_ns);
        self.seq += 1;
        let p = self.pending.entry(f.key).or_insert_with(|| Pending {
            parts: Vec::new(),
            total: None,
            first_ts: f.ts_ns,
            held: 0,
            seq: 0,
        });
        p.seq = self.seq;
        if !f.more {
            p.total = Some(end);
        }
        p.held += f.data.len();
        self.held += f.data.len();
        p.parts.push((f.offset, f.data.clone()));
        let done = p.total.filter(|&t| covered(&mut p.parts, t));
        if let Some(total) = done {
            let p = self.pending.remove(&f.key).expect("entry exists");
            self.held -= p.held;
            let mut buf = vec![0u8; total as usize];
            // Later fragments overwrite earlier ones where they overlap.
            for (off, data) in &p.parts {
                let s = *off as usize;
                let e = (s + data.len()).min(buf.len());
                if s < e {
                    buf[s..e].copy_from_slice(&data[..e - s]);
                }
            }
            return Some(Datagram {
                key: f.key,
                last: FragRec {
                    data: Vec::new(),
                    ..f
                },
                payload: buf,
            });
        }
        while self.held > MAX_HELD {
            self.evict_oldest();
        }
        None
    }

    fn expire(&mut self, now: i64) {
        let before = self.pending.len();
        let mut freed = 0;
        self.pending.retain(|_, p| {
            let keep = now.saturating_sub(p.first_ts) <= TIMEOUT_NS;
            if !keep {
                freed += p.held;
            }
            keep
        });
        self.held -= freed;
        self.dropped += (before - self.pending.len()) as u64;
    }

    fn evict_oldest(&mut self) {
        if let Some(k) = self
            .pending
            .iter()
            .min_by_key(|(_, p)| p.seq)
            .map(|(k, _)| *k)
        {
            let p = self.pending.remove(&k).expect("entry exists");
            self.held -= p.held;
            self.dropped += 1;
        }
    }

    /// Datagrams still incomplete.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

/// Whether the parts cover `[0, total)` without a gap.
fn covered(parts: &mut [(u32, Vec<u8>)], total: u32) -> bool {
    parts.sort_by_key(|p| p.0);
    let mut reach = 0u32;
    for (off, d) in parts.iter() {
        if *off > reach {
            return false;
        }
        reach = reach.max(off + d.len() as u32);
    }
    reach >= total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(offset: u32, more: bool, data: &[u8], frame: u64) -> FragRec {
        FragRec {
            key: FragKey {
                src: [1; 16],
                dst: [2; 16],
                proto: 17,
                id: 7,
                v6: false,
            },
            frame,
            ts_ns: frame as i64,
            wire_len: 100,
            offset,
            more,
            vlan: 0,
            src_mac: None,
            data: data.to_vec(),
        }
    }

    #[test]
    fn out_of_order_fragments_complete_on_the_last_missing_piece() {
        let mut r = Reassembler::default();
        assert!(r.feed(rec(8, false, &[2; 4], 1)).is_none());
        let d = r.feed(rec(0, true, &[1; 8], 2)).expect("complete");
        assert_eq!(d.payload, [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
        assert_eq!(d.last.frame, 2);
        assert_eq!(r.pending(), 0);
    }

    #[test]
    fn gaps_keep_waiting() {
        let mut r = Reassembler::default();
        assert!(r.feed(rec(0, true, &[1; 8], 1)).is_none());
        assert!(r.feed(rec(16, false, &[1; 8], 2)).is_none());
        assert_eq!(r.pending(), 1);
    }
}
