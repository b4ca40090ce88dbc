//! Application protocols that need a flow's packets in order: detection per flow, TCP
//! streams per direction, and the operations each PDU performs, aggregated per
//! (flow, protocol, unit, direction, function).

use std::collections::HashMap;

use super::stream::Stream;
use super::FlowKey;
use crate::dissect::{modbus, OpClass};

/// A decoded application protocol of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AppProto {
    Modbus,
}

impl AppProto {
    pub fn id(self) -> &'static str {
        match self {
            AppProto::Modbus => "modbus",
        }
    }
}

/// Per-flow state of a decoded protocol.
#[derive(Clone, Debug)]
pub struct AppState {
    pub proto: AppProto,
    /// Whether the server is the flow key's `lo` endpoint.
    pub server_is_lo: bool,
    pub server_port: u16,
    /// Index 0: client to server; 1: server to client.
    streams: [Stream; 2],
    /// Frames and bytes in which at least one PDU was decoded.
    pub frames: u64,
    pub bytes: u64,
    /// Segments whose bytes were not this protocol.
    pub errors: u64,
}

/// Which protocol a new TCP flow may carry, from its ports; the first payload then
/// has to parse for the flow to count as decoded.
pub fn candidate(key: &FlowKey) -> Option<(AppProto, bool, u16)> {
    if key.proto != 6 {
        return None;
    }
    match (key.lo_port, key.hi_port) {
        (502, _) => Some((AppProto::Modbus, true, 502)),
        (_, 502) => Some((AppProto::Modbus, false, 502)),
        _ => None,
    }
}

impl AppState {
    pub fn new(proto: AppProto, server_is_lo: bool, server_port: u16) -> AppState {
        AppState {
            proto,
            server_is_lo,
            server_port,
            streams: Default::default(),
            frames: 0,
            bytes: 0,
            errors: 0,
        }
    }

    /// Feeds one TCP segment; operations go to `ops`.
    #[allow(clippy::too_many_arguments)]
    pub fn segment(
        &mut self,
        key: &FlowKey,
        from_lo: bool,
        seq: u32,
        payload: &[u8],
        ts_ns: i64,
        frame: (u32, u64),
        wire_len: u32,
        ops: &mut OpTable,
    ) {
        let request = from_lo != self.server_is_lo;
        let dir = if request { 0 } else { 1 };
        let mut decoded = 0u32;
        let mut errors = 0u64;
        let server_is_lo = self.server_is_lo;
        let server_port = self.server_port;
        self.streams[dir].push(seq, payload, |mut b| {
            let mut used = 0;
            loop {
                match modbus::parse(b) {
                    Ok(adu) => {
                        let k = OpKey {
                            flow: *key,
                            server_is_lo,
                            server_port,
                            proto: AppProto::Modbus,
                            unit: adu.unit() as u64,
                            request,
                            function: adu.function().0 as u16,
                        };
                        ops.record(k, adu.is_exception(), ts_ns, frame);
                        decoded += 1;
                        used += adu.len();
                        b = &b[adu.len()..];
                    }
                    Err(modbus::Error::Short { .. }) => return Some(used),
                    Err(_) => {
                        errors += 1;
                        return if used > 0 { Some(used) } else { None };
                    }
                }
            }
        });
        self.errors += errors;
        if decoded > 0 {
            self.frames += 1;
            self.bytes += wire_len as u64;
        }
    }
}

/// One row of `ot_operations.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpKey {
    pub flow: FlowKey,
    pub server_is_lo: bool,
    pub server_port: u16,
    pub proto: AppProto,
    pub unit: u64,
    pub request: bool,
    pub function: u16,
}

impl OpKey {
    pub fn function_name(&self) -> &'static str {
        match self.proto {
            AppProto::Modbus => modbus::FunctionCode(self.function as u8).name(),
        }
    }
    pub fn class(&self) -> OpClass {
        match self.proto {
            AppProto::Modbus => modbus::FunctionCode(self.function as u8).class(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct OpStat {
    pub pdus: u64,
    pub exceptions: u64,
    pub first_ts: i64,
    pub last_ts: i64,
    /// (capture index, frame) of the first PDU.
    pub first_frame: (u32, u64),
}

impl OpStat {
    pub fn merge(&mut self, o: &OpStat) {
        self.pdus += o.pdus;
        self.exceptions += o.exceptions;
        self.first_ts = self.first_ts.min(o.first_ts);
        self.last_ts = self.last_ts.max(o.last_ts);
        self.first_frame = self.first_frame.min(o.first_frame);
    }
}

/// Operations of the flows a shard owns.
#[derive(Clone, Debug, Default)]
pub struct OpTable {
    pub map: HashMap<OpKey, OpStat>,
}

impl OpTable {
    fn record(&mut self, k: OpKey, exception: bool, ts_ns: i64, frame: (u32, u64)) {
        let s = self.map.entry(k).or_insert(OpStat {
            pdus: 0,
            exceptions: 0,
            first_ts: ts_ns,
            last_ts: ts_ns,
            first_frame: frame,
        });
        s.pdus += 1;
        s.exceptions += exception as u64;
        s.first_ts = s.first_ts.min(ts_ns);
        s.last_ts = s.last_ts.max(ts_ns);
    }
}
