//! Flows: the direction-free flow key, the per-packet record routed to a shard, the
//! per-shard flow tables (processed in capture order), IP fragment reassembly, and the
//! link-layer flows of the protocols without IP (`l2`) and ARP bindings (`arp`).
//!
//! Invariant: every packet of a flow goes to the shard `shard_of(hash)`, and a shard
//! sees its packets in capture (frame) order, so per-flow state machines (TCP
//! reassembly, request/response matching) can rely on order.

pub mod app;
pub mod arp;
pub mod frag;
pub mod it;
pub mod key;
pub mod l2;
pub mod notes;
pub mod sniff;
pub mod stream;
pub mod table;
pub mod timing;

pub use key::{FlowKey, FlowRec};
pub use table::{Conv, ShardTable};

/// Seed of the flow hash: fixed so every run routes flows to the same shards.
pub const HASH_SEED: u64 = 0x6f74_7472_5f66_6c6f;

/// Which shard of `n` owns a flow hash.
#[inline]
pub fn shard_of(hash: u64, n: usize) -> usize {
    // Multiply-shift: uses the high bits, which are the best mixed.
    ((hash as u128 * n as u128) >> 64) as usize
}
