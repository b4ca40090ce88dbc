//! The flow key and the compact per-packet record sent to the flow shards.

use std::hash::{BuildHasher, Hash, Hasher};

use crate::dissect::net::{IpInfo, L4};

/// A transport conversation, independent of direction: the lower (address, port)
/// endpoint first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlowKey {
    pub lo: [u8; 16],
    pub hi: [u8; 16],
    pub lo_port: u16,
    pub hi_port: u16,
    /// IP protocol number of the transport.
    pub proto: u8,
    pub v6: bool,
    pub vlan: u16,
}

impl FlowKey {
    /// Builds the key and says whether the packet goes from `lo` to `hi`.
    #[inline]
    pub fn new(ip: &IpInfo<'_>, l4: &L4<'_>, vlan: u16) -> (FlowKey, bool) {
        let s = (ip.src, l4.sport);
        let d = (ip.dst, l4.dport);
        let from_lo = s <= d;
        let (lo, hi) = if from_lo { (s, d) } else { (d, s) };
        let key = FlowKey {
            lo: lo.0,
            hi: hi.0,
            lo_port: lo.1,
            hi_port: hi.1,
            proto: l4.proto,
            v6: ip.v6,
            vlan,
        };
        (key, from_lo)
    }

    #[inline]
    pub fn hash(&self) -> u64 {
        foldhash::fast::FixedState::with_seed(super::HASH_SEED).hash_one(self)
    }

    /// Whether this transport has ports.
    pub fn has_ports(&self) -> bool {
        matches!(self.proto, 6 | 17 | 33 | 132 | 136)
    }
}

impl Hash for FlowKey {
    /// Five machine words instead of a field-by-field walk: this runs once per packet.
    #[inline]
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u128(u128::from_ne_bytes(self.lo));
        h.write_u128(u128::from_ne_bytes(self.hi));
        h.write_u64(
            self.lo_port as u64
                | (self.hi_port as u64) << 16
                | (self.proto as u64) << 32
                | (self.v6 as u64) << 40
                | (self.vlan as u64) << 48,
        );
    }
}

/// What a shard needs to know about one packet of a flow.
#[derive(Clone, Copy, Debug)]
pub struct FlowRec {
    pub key: FlowKey,
    pub hash: u64,
    /// 1-based frame number in the capture (global in `--combine` mode).
    pub frame: u64,
    pub ts_ns: i64,
    pub wire_len: u32,
    pub from_lo: bool,
    /// TCP flags; the ICMP or ICMPv6 type for those.
    pub tcp_flags: u8,
    /// TCP sequence number of the segment.
    pub seq: u32,
    pub src_mac: Option<[u8; 6]>,
    /// Transport payload as a range of the wave's bytes (empty when not in the wave).
    pub payload_off: u32,
    pub payload_len: u32,
    /// What a stateless parse of the payload found while its bytes were hot in the
    /// decode phase (see [`super::app::Hint`]); 0 when nothing.
    pub hint: u64,
}

impl FlowRec {
    /// The record of a packet whose innermost headers are `ip` and `l4`; `payload` is
    /// the transport payload's range in the wave (empty when it is not there).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub fn new(
        ip: &IpInfo<'_>,
        l4: &L4<'_>,
        vlan: u16,
        frame: u64,
        ts_ns: i64,
        wire_len: u32,
        src_mac: Option<[u8; 6]>,
        payload: (u32, u32),
    ) -> FlowRec {
        let (key, from_lo) = FlowKey::new(ip, l4, vlan);
        FlowRec {
            key,
            hash: key.hash(),
            frame,
            ts_ns,
            wire_len,
            from_lo,
            tcp_flags: if matches!(l4.proto, 6 | 1 | 58) {
                l4.flags
            } else {
                0
            },
            seq: l4.seq,
            src_mac,
            payload_off: payload.0,
            payload_len: payload.1,
            hint: 0,
        }
    }
}
