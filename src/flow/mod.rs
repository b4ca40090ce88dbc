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
pub use table::{Conv, Dissect, ShardTable};

/// Seed of the flow hash: fixed so every run routes flows to the same shards.
pub const HASH_SEED: u64 = 0x6f74_7472_5f66_6c6f;

/// Which shard of `n` owns a flow hash.
#[inline]
pub fn shard_of(hash: u64, n: usize) -> usize {
    // Multiply-shift: uses the high bits, which are the best mixed.
    ((hash as u128 * n as u128) >> 64) as usize
}

/// The index of the first item `is` accepts, trying first the one after `last` (the
/// first after the end): a polling flow repeats a cycle of operations, so its rows are
/// mostly met in turn.
#[inline]
pub fn cyclic_position<T>(items: &[T], last: usize, is: impl Fn(&T) -> bool) -> Option<usize> {
    let next = if last + 1 < items.len() { last + 1 } else { 0 };
    match items.get(next) {
        Some(t) if is(t) => Some(next),
        _ => items.iter().position(is),
    }
}
