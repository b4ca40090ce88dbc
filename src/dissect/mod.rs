//! Stateless dissectors: pure functions over a byte slice, zero-copy, that never panic.
//! `net` is the link/network/tunnel decoder every packet goes through; application
//! protocols get one file each.

pub mod net;
