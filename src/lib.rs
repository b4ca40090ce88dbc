//! ottr: offline, passive triage of OT/ICS packet captures.
//!
//! # Architecture
//! Data flows one way through stages, each in its own module:
//!
//! 1. [`capture`]: memory-map (or read) each file, find its format by magic number,
//!    and scan its record headers once, sequentially, validating every length and
//!    cutting waves of chunks at record boundaries. Damage is recorded with its byte
//!    offset and reading resumes at the next plausible record.
//! 2. [`dissect`]: chunk workers decode every packet in parallel (rayon). Dissectors
//!    are pure functions over borrowed bytes. Each packet ends with one accounting
//!    outcome.
//! 3. [`flow`]: decoded packets become compact flow records routed to shards by a
//!    fixed-seed hash of the direction-free flow key. Each shard updates its own flow
//!    table in frame order, so per-flow state sees packets in capture order. IP
//!    fragments are reassembled on one thread between the two parallel phases.
//! 4. [`aggregate`]: per-chunk counters merge in chunk order; conversations, endpoints
//!    and protocols are derived from the merged state.
//! 5. [`report`]: writers format the tables; they compute nothing.
//!
//! [`pipeline`] is the only module that knows this order and the threading.
//!
//! # Invariants
//! - Every packet is counted under exactly one accounting reason; the reasons add up
//!   to the packet total.
//! - Outputs are byte-identical for any thread count, chunk size and read mode
//!   (`run.json`'s timings aside).
//! - Bad input never panics: damage is data.

pub mod aggregate;
pub mod capture;
pub mod catalog;
pub mod cli;
pub mod dissect;
pub mod flow;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod run;
pub mod site;
