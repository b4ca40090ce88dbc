//! Application protocols that need a flow's packets in order: detection per flow, TCP
//! streams per direction, and the operations each PDU performs, aggregated per
//! (flow, protocol, unit, direction, function).

use super::it::{self, ItProto, ItState};
use super::notes::{At, Notes};
use super::stream::Stream;
use super::timing::{FlowTiming, Timing};
use super::FlowKey;
use crate::dissect::{
    bacnet, dnp3, enip, iec104, mms, modbus, opcua, pnio_cm, s7comm, Op, OpClass,
};

/// A decoded application protocol of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AppProto {
    Modbus,
    Iec104,
    Dnp3,
    S7comm,
    /// A flow on the S7 port that carried S7comm-plus.
    S7commPlus,
    /// A flow on the S7 port whose COTP data are ISO session SPDUs: MMS (IEC 61850).
    Mms,
    Enip,
    /// EtherNet/IP class-1 (implicit) I/O on UDP 2222: CPF items, reported as `enip`
    /// (the encapsulation it uses), as Wireshark counts it.
    CipIo,
    Bacnet,
    /// OPC UA binary (UA TCP / Secure Conversation).
    OpcUa,
    /// PROFINET IO context management: DCE/RPC connectionless on UDP 34964.
    PnioCm,
    /// An IT protocol (`flow::it`).
    It(ItProto),
}

impl AppProto {
    pub fn id(self) -> &'static str {
        match self {
            AppProto::Modbus => "modbus",
            AppProto::Iec104 => "iec104",
            AppProto::Dnp3 => "dnp3",
            AppProto::S7comm => "s7comm",
            AppProto::S7commPlus => "s7comm_plus",
            AppProto::Mms => "mms",
            AppProto::Enip | AppProto::CipIo => "enip",
            AppProto::Bacnet => "bacnet",
            AppProto::It(p) => p.id(),
            AppProto::OpcUa => "opcua",
            AppProto::PnioCm => "profinet_cm",
        }
    }

    /// The protocol's code tables: name and class of a function code.
    fn codes(self) -> CodeTables {
        match self {
            AppProto::Modbus => (modbus::function_name, modbus::function_class),
            AppProto::Iec104 => (iec104::function_name, iec104::function_class),
            AppProto::Dnp3 => (dnp3::function_name, dnp3::function_class),
            AppProto::S7comm | AppProto::S7commPlus => {
                (s7comm::function_name, s7comm::function_class)
            }
            AppProto::Enip | AppProto::CipIo => (enip::function_name, enip::function_class),
            AppProto::Bacnet => (bacnet::function_name, bacnet::function_class),
            AppProto::It(p) => p.codes(),
            AppProto::OpcUa => (opcua::function_name, opcua::function_class),
            AppProto::Mms => (mms::function_name, mms::function_class),
            AppProto::PnioCm => (pnio_cm::function_name, pnio_cm::function_class),
        }
    }

    pub fn function_name(self, code: u16) -> &'static str {
        (self.codes().0)(code)
    }

    pub fn function_class(self, code: u16) -> OpClass {
        (self.codes().1)(code)
    }

    pub fn unit_text(self, unit: u64) -> String {
        match self {
            AppProto::Modbus | AppProto::Iec104 | AppProto::Dnp3 => unit.to_string(),
            // Rack and slot from the COTP connection request, when it was seen.
            AppProto::S7comm | AppProto::S7commPlus if unit & S7_UNIT_KNOWN != 0 => {
                format!("{}/{}", (unit >> 8) & 0xff, unit & 0xff)
            }
            AppProto::S7comm | AppProto::S7commPlus | AppProto::Mms => String::new(),
            AppProto::Enip | AppProto::CipIo => enip::unit_text(unit),
            AppProto::Bacnet => bacnet::unit_text(unit),
            AppProto::It(_) if unit == 0 => String::new(),
            AppProto::It(_) => unit.to_string(),
            AppProto::OpcUa | AppProto::PnioCm => String::new(),
        }
    }
}

/// A dissector's name and class lookups for its function codes.
pub(crate) type CodeTables = (fn(u16) -> &'static str, fn(u16) -> OpClass);

/// A packet's payload summarised in the decode phase, while its bytes are in cache:
/// for a segment holding exactly one whole, self-contained PDU, the flow phase needs
/// no payload bytes. Packed in a `u64`:
///
/// | bits | field |
/// |---|---|
/// | 63 | set |
/// | 62 | the PDU performs an operation (the fields below are meaningful) |
/// | 61 | exception |
/// | 59..61 | direction the PDU states: 0 none, 1 request, 2 response |
/// | 57..59 | transaction id width: 0 none, 1 eight bits, 2 sixteen bits |
/// | 41..57 | function code |
/// | 0..41 | transaction id in the top 0, 8 or 16 bits, the unit below it (25 to 41 bits: a Modbus unit id, a BACnet object, a CIP class and instance) |
///
/// A PDU whose unit or transaction id does not fit gets no hint (the flow phase reads
/// its bytes). PDUs that change flow state (S7 connection requests and identification
/// answers, S7comm-plus, Modbus identification answers, DNP3 transport segments) get
/// none either.
pub struct Hint;

impl Hint {
    const SET: u64 = 1 << 63;
    const OP: u64 = 1 << 62;
    const EXCEPTION: u64 = 1 << 61;
    const ROOM: u32 = 41;

    /// The hint of a PDU with `op` and transaction `txn`; 0 when they do not fit.
    fn pack(op: Option<Op>, txn: Option<u32>) -> u64 {
        let Some(op) = op else { return Self::SET };
        let dir = match op.request {
            None => 0u64,
            Some(true) => 1,
            Some(false) => 2,
        };
        let (width, code, txn) = match txn {
            None => (0, 0u64, 0u64),
            Some(t) if t <= 0xff => (8, 1, t as u64),
            Some(t) if t <= 0xffff => (16, 2, t as u64),
            Some(_) => return 0,
        };
        let unit_bits = Self::ROOM - width;
        if op.unit >> unit_bits != 0 {
            return 0;
        }
        Self::SET
            | Self::OP
            | if op.exception { Self::EXCEPTION } else { 0 }
            | dir << 59
            | code << 57
            | (op.function as u64) << Self::ROOM
            | txn << unit_bits
            | op.unit
    }

    fn unpack(h: u64) -> (Option<Op>, Option<u32>) {
        if h & Self::OP == 0 {
            return (None, None);
        }
        let width = match (h >> 57) & 3 {
            1 => 8,
            2 => 16,
            _ => 0,
        };
        let unit_bits = Self::ROOM - width;
        let op = Op {
            unit: h & ((1 << unit_bits) - 1),
            function: ((h >> Self::ROOM) & 0xffff) as u16,
            exception: h & Self::EXCEPTION != 0,
            request: match (h >> 59) & 3 {
                1 => Some(true),
                2 => Some(false),
                _ => None,
            },
        };
        let txn = (width > 0).then(|| ((h >> unit_bits) & ((1 << width) - 1)) as u32);
        (Some(op), txn)
    }

    /// Summarises a payload of a flow that may carry `proto`; 0 when it cannot.
    #[inline]
    pub fn of(proto: AppProto, payload: &[u8]) -> u64 {
        match proto {
            AppProto::Modbus => match modbus::parse(payload) {
                Ok(adu)
                    if adu.len() == payload.len()
                        && adu.function() != modbus::FunctionCode::ENCAPSULATED_INTERFACE
                        && adu.function() != modbus::FunctionCode::REPORT_SERVER_ID =>
                {
                    Self::pack(Some(modbus::op(&adu)), Some(adu.transaction() as u32))
                }
                _ => 0,
            },
            AppProto::S7comm => match s7comm::parse(payload) {
                Ok(t) if t.len() == payload.len() && t.s7plus().is_none() => match t.s7() {
                    Some(s7) if s7.szl().is_none() => {
                        Self::pack(s7comm::ops(&t), Some(s7.pdu_ref() as u32))
                    }
                    _ => 0,
                },
                _ => 0,
            },
            AppProto::CipIo => match enip::parse_io(payload) {
                Some(_) => Self::pack(None, None),
                None => 0,
            },
            AppProto::Enip => match enip::parse(payload) {
                Ok(e) if e.len() == payload.len() && e.identity().is_none() => {
                    let (mut n, mut first) = (0, None);
                    enip::ops(&e, |op| {
                        n += 1;
                        first.get_or_insert(op);
                    });
                    match first {
                        Some(op) if n == 1 => Self::pack(Some(op), None),
                        None => Self::pack(None, None),
                        _ => 0,
                    }
                }
                _ => 0,
            },
            AppProto::Bacnet => match bacnet::parse_lax(payload) {
                Ok(m) if m.apdu().and_then(|a| a.i_am()).is_none() => match bacnet::op(&m) {
                    Some(op) => Self::pack(
                        Some(op),
                        m.apdu().and_then(|a| a.invoke_id()).map(u32::from),
                    ),
                    None => Self::pack(None, None),
                },
                _ => 0,
            },
            AppProto::OpcUa => Self::opcua(payload),
            AppProto::Iec104 => match iec104::parse(payload) {
                Ok(a) if a.len() == payload.len() => match iec104::op(&a) {
                    Some(op) => Self::pack(Some(op), None),
                    None => Self::pack(None, None),
                },
                _ => 0,
            },
            _ => 0,
        }
    }

    /// OPC UA: ACK, ERR, and a whole single-chunk MSG whose body names a standard
    /// service (read as on a channel of unknown security, which on a readable channel
    /// gives what the bytes give; `AppState::hinted` refuses the hint on a channel
    /// that is encrypted, undecided, or inside a multi-chunk message). HEL, OPN, CLO
    /// and the services that disclose facts (ActivateSession, CreateSession and
    /// GetEndpoints responses) change flow state and get none.
    fn opcua(payload: &[u8]) -> u64 {
        use opcua::{FunctionCode as F, MessageType as T};
        let Ok(c) = opcua::parse(payload) else {
            return 0;
        };
        if c.len() != payload.len() || c.chunk_type() != b'F' {
            return 0;
        }
        let s = opcua::summarize(&c, opcua::Protection::Unknown, false);
        match c.message_type() {
            T::ACKNOWLEDGE | T::ERROR => Self::pack(s.op, None),
            T::MESSAGE => match s.secured.and_then(|x| x.body).map(|b| b.function()) {
                Some(F::ACTIVATE_SESSION_REQUEST | F::CREATE_SESSION_RESPONSE)
                | Some(F::GET_ENDPOINTS_RESPONSE)
                | None => 0,
                Some(_) => Self::pack(s.op, s.txn),
            },
            _ => 0,
        }
    }
}

/// Per-flow state of a decoded protocol. Laid out in this order (`repr(C)`): what
/// every PDU touches first, in as few cache lines as can be.
#[derive(Clone, Debug)]
#[repr(C)]
pub struct AppState {
    pub proto: AppProto,
    /// Whether the server is the flow key's `lo` endpoint.
    pub server_is_lo: bool,
    /// Found by the flow's first bytes (`flow::sniff`), not by its registered port.
    pub by_content: bool,
    /// Both ends use the same port, so the port did not tell the server (see `settle`).
    pub(crate) symmetric: bool,
    pub server_port: u16,
    /// S7: rack and slot from the COTP connection request (see `S7_UNIT_KNOWN`).
    s7_unit: u64,
    /// Row of `ops` the last PDU counted under.
    last_op: u32,
    /// Frames and bytes in which at least one PDU was decoded.
    pub frames: u64,
    pub bytes: u64,
    /// Operations of this flow: few per flow (units x functions x directions), so a
    /// short list beats hashing the flow key for every PDU.
    pub ops: Vec<(OpId, OpStat)>,
    pub timing: FlowTiming,
    /// Further operations of the last PDU (EtherNet/IP reports several per message).
    more_ops: Vec<Op>,
    /// Index 0: client to server; 1: server to client.
    streams: [Stream; 2],
    /// OPC UA: what the secure channel allows reading.
    opcua: OpcUaFlow,
    /// Segments whose bytes were not this protocol.
    pub errors: u64,
    /// Per direction, an application fragment being reassembled from transport
    /// segments (DNP3) or a TSDU from COTP DT TPDUs (MMS).
    fragments: [Vec<u8>; 2],
    mms: MmsFlow,
    /// What the devices said about themselves (identity), with the frame that said it.
    pub facts: Vec<Fact>,
    /// What IT protocols observed in this flow, and the secrets they carried.
    pub notes: Notes,
    /// The packet being fed (for notes and secrets).
    at: At,
    /// State an IT protocol keeps between PDUs.
    pub(crate) it: ItState,
}

/// A fact a device disclosed about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// Disclosed by the server side of the flow (else by the client).
    pub by_server: bool,
    /// `vendor`, `product`, `model`, `order_number`, `firmware`, `serial`, `name`, ...
    pub field: &'static str,
    /// Text from the capture: untrusted, bounded, control characters replaced.
    pub value: String,
    /// (capture index, frame) that disclosed it.
    pub frame: (u32, u64),
}

/// Most facts kept per flow, and longest value.
const MAX_FACTS: usize = 32;
const MAX_FACT_LEN: usize = 128;

impl AppState {
    /// Holes the two TCP streams skipped (segments the capture missed).
    pub fn stream_gaps(&self) -> u64 {
        self.streams.iter().map(|s| s.gaps as u64).sum()
    }
}

impl AppState {
    /// Counts an observation of an IT protocol in the packet being fed
    /// (`observations.csv`): aggregated per (kind, side, value, detail).
    pub(crate) fn note(
        &mut self,
        kind: &'static str,
        by_server: bool,
        value: &[u8],
        detail: &[u8],
    ) {
        let at = self.at;
        self.notes.note(kind, by_server, value, detail, at);
    }

    /// Keeps a cleartext credential or secret seen in the packet being fed
    /// (`sensitive_hits_redacted.csv`); `user` is the account where the protocol says.
    pub(crate) fn secret(
        &mut self,
        kind: &'static str,
        from_client: bool,
        user: &[u8],
        value: &[u8],
    ) {
        let at = self.at;
        self.notes.secret(kind, from_client, user, value, at);
    }

    /// Where the packet being fed is.
    pub(crate) fn at(&self) -> At {
        self.at
    }

    /// Keeps the first value of each (side, field) a flow disclosed.
    pub(crate) fn fact(
        &mut self,
        by_server: bool,
        field: &'static str,
        raw: &[u8],
        frame: (u32, u64),
    ) {
        let value: String = String::from_utf8_lossy(raw)
            .chars()
            .take(MAX_FACT_LEN)
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .collect();
        let value = value.trim().to_string();
        if value.is_empty() || self.facts.len() >= MAX_FACTS {
            return;
        }
        if !self
            .facts
            .iter()
            .any(|f| f.by_server == by_server && f.field == field)
        {
            self.facts.push(Fact {
                by_server,
                field,
                value,
                frame,
            });
        }
    }
}

/// A Modbus server id as text: its printable runs (vendors put model names there),
/// else its bytes in hex.
fn server_id_text(id: &[u8]) -> String {
    let words: Vec<&str> = id
        .split(|b| !(0x20..0x7f).contains(b))
        .filter_map(|w| std::str::from_utf8(w).ok())
        .map(str::trim)
        .filter(|w| w.len() >= 3)
        .collect();
    if words.is_empty() {
        id.iter().take(32).map(|b| format!("{b:02x}")).collect()
    } else {
        words.join(" ")
    }
}

/// Marks an S7 unit as known: rack in bits 8..16, slot in bits 0..8.
const S7_UNIT_KNOWN: u64 = 1 << 16;

/// Largest DNP3 application fragment reassembled (IEEE 1815 allows up to 2048 by
/// default; devices may configure more).
const MAX_FRAGMENT: usize = 8192;

/// An operation within a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpId {
    pub unit: u64,
    pub request: bool,
    pub function: u16,
}

/// The registered ports of the industrial protocols, per transport; a flow counts as
/// decoded only once its bytes parse.
pub(crate) const OT_PORTS: [(u8, u16, u16, AppProto); 11] = [
    (17, 47808, 47823, AppProto::Bacnet),
    (6, 44818, 44818, AppProto::Enip),
    (17, 44818, 44818, AppProto::Enip),
    (17, 2222, 2222, AppProto::CipIo),
    (6, 502, 502, AppProto::Modbus),
    (6, 102, 102, AppProto::S7comm),
    (6, 2404, 2404, AppProto::Iec104),
    (6, 20000, 20000, AppProto::Dnp3),
    (17, 20000, 20000, AppProto::Dnp3),
    (6, 4840, 4840, AppProto::OpcUa),
    (17, 34964, 34964, AppProto::PnioCm),
];

/// For TCP (0) and UDP (1), per port: 1 + the index of the first `OT_PORTS` entry
/// owning it in the low byte, of the first `it::PORTS` entry in the high byte (0:
/// none). The decode phase asks for every packet, so a lookup, not a scan.
static PORT_MAP: [[u16; 65536]; 2] = port_map();

const fn port_map() -> [[u16; 65536]; 2] {
    assert!(OT_PORTS.len() < 256 && it::PORTS.len() < 256);
    let mut m = [[0u16; 65536]; 2];
    // Last entry first, so that the first entry owning a port is the one left.
    let mut i = OT_PORTS.len();
    while i > 0 {
        i -= 1;
        let (t, lo, hi) = (
            OT_PORTS[i].0,
            OT_PORTS[i].1 as usize,
            OT_PORTS[i].2 as usize,
        );
        let map = &mut m[(t == 17) as usize];
        let mut p = lo;
        while p <= hi {
            map[p] = (map[p] & 0xff00) | (i as u16 + 1);
            p += 1;
        }
    }
    let mut i = it::PORTS.len();
    while i > 0 {
        i -= 1;
        let (t, lo, hi) = (
            it::PORTS[i].0,
            it::PORTS[i].1 as usize,
            it::PORTS[i].2 as usize,
        );
        let map = &mut m[(t == 17) as usize];
        let mut p = lo;
        while p <= hi {
            map[p] = (map[p] & 0x00ff) | ((i as u16 + 1) << 8);
            p += 1;
        }
    }
    m
}

/// Which protocol a new flow may carry, from its ports: (protocol, server is `lo`,
/// server port); the first payload then has to parse for the flow to count as
/// decoded. An industrial protocol's port wins over an IT one's; between two
/// industrial entries the earlier in `OT_PORTS`, between two IT ports the lower.
#[inline]
pub fn candidate(key: &FlowKey) -> Option<(AppProto, bool, u16)> {
    let map = match key.proto {
        6 => &PORT_MAP[0],
        17 => &PORT_MAP[1],
        _ => return None,
    };
    let (lo, hi) = (map[key.lo_port as usize], map[key.hi_port as usize]);
    if lo | hi == 0 {
        return None;
    }
    let (ot_lo, ot_hi) = (lo & 0xff, hi & 0xff);
    if ot_lo | ot_hi != 0 {
        let on_lo = ot_lo != 0 && (ot_hi == 0 || ot_lo <= ot_hi);
        let (i, port) = if on_lo {
            (ot_lo, key.lo_port)
        } else {
            (ot_hi, key.hi_port)
        };
        return Some((OT_PORTS[i as usize - 1].3, on_lo, port));
    }
    let (it_lo, it_hi) = (lo >> 8, hi >> 8);
    let on_lo = it_lo != 0 && (it_hi == 0 || key.lo_port <= key.hi_port);
    let (i, port) = if on_lo {
        (it_lo, key.lo_port)
    } else {
        (it_hi, key.hi_port)
    };
    Some((AppProto::It(it::PORTS[i as usize - 1].3), on_lo, port))
}

impl AppState {
    pub fn new(proto: AppProto, server_is_lo: bool, server_port: u16) -> AppState {
        AppState {
            proto,
            server_is_lo,
            server_port,
            by_content: false,
            symmetric: false,
            streams: Default::default(),
            frames: 0,
            bytes: 0,
            errors: 0,
            ops: Vec::new(),
            timing: FlowTiming::default(),
            fragments: Default::default(),
            mms: MmsFlow::default(),
            s7_unit: 0,
            last_op: 0,
            facts: Vec::new(),
            more_ops: Vec::new(),
            opcua: OpcUaFlow::default(),
            notes: Notes::default(),
            at: At::default(),
            it: ItState::default(),
        }
    }

    /// Counts a PDU's operation (and any further ones it reported); `request` is the
    /// TCP side's direction, used when the PDU does not state its own.
    fn count_pdu(
        &mut self,
        op: Option<Op>,
        txn: Option<u32>,
        request: bool,
        ts_ns: i64,
        frame: (u32, u64),
    ) {
        self.settle(op.and_then(|o| o.request), request);
        let more = std::mem::take(&mut self.more_ops);
        for (op, txn) in op
            .map(|o| (o, txn))
            .into_iter()
            .chain(more.iter().map(|o| (*o, None)))
        {
            let id = OpId {
                unit: op.unit,
                request: op.request.unwrap_or(request),
                function: op.function,
            };
            self.count(id, op.exception, txn, ts_ns, frame);
        }
        self.more_ops = more;
        self.more_ops.clear();
    }

    /// On a flow whose ends share the port, the first PDU that states its direction
    /// (a DNP3 request, a Modbus response) decides which end is the server, instead of
    /// the lower address assumed at the start; `side` is the direction the current
    /// assumption gives the PDU. Decided once, before the first operation counts.
    fn settle(&mut self, stated: Option<bool>, side: bool) -> bool {
        let flip = self.symmetric && self.ops.is_empty() && stated.is_some_and(|r| r != side);
        if flip {
            self.server_is_lo = !self.server_is_lo;
            // What each side's stream and reassembly hold follows the side.
            self.streams.swap(0, 1);
            self.fragments.swap(0, 1);
        }
        if stated.is_some() && self.ops.is_empty() {
            self.symmetric = false;
        }
        flip
    }

    /// For IT glue on a flow whose ends share the port (NTP 123, IKE 500): the PDU in
    /// direction `dir` (0 client to server as assumed so far) says whether it is a
    /// request; the first one that says so settles the server. Returns the PDU's
    /// direction after settling.
    pub(crate) fn stated(&mut self, request: bool, dir: usize) -> usize {
        if self.settle(Some(request), dir == 0) {
            1 - dir
        } else {
            dir
        }
    }

    /// Counts a PDU's operation and its timing.
    fn count(
        &mut self,
        id: OpId,
        exception: bool,
        txn: Option<u32>,
        ts_ns: i64,
        frame: (u32, u64),
    ) {
        self.last_op = record(
            &mut self.ops,
            self.last_op as usize,
            id,
            exception,
            ts_ns,
            frame,
        ) as u32;
        if id.request {
            self.timing.request(id.unit, id.function, txn, ts_ns);
        } else {
            self.timing.response(txn, ts_ns);
        }
    }

    /// Feeds one TCP segment of the flow summarised by a [`Hint`]; false when the
    /// segment needs its bytes after all (out of order, or a PDU is being carried).
    #[allow(clippy::too_many_arguments)]
    pub fn hinted(
        &mut self,
        from_lo: bool,
        seq: Option<u32>,
        len: usize,
        hint: u64,
        ts_ns: i64,
        frame: (u32, u64),
        wire_len: u32,
    ) -> bool {
        let request = from_lo != self.server_is_lo;
        // A flow that turned out to be S7comm-plus or MMS reads its bytes; a UDP
        // datagram (`seq` None) has no stream to keep in order.
        if hint & Hint::SET == 0
            || matches!(self.proto, AppProto::S7commPlus | AppProto::Mms)
            || (self.proto == AppProto::OpcUa && !self.opcua.hintable(!request as usize))
            || seq.is_some_and(|seq| {
                !self.streams[if request { 0 } else { 1 }].skip_in_order(seq, len)
            })
        {
            return false;
        }
        let (op, txn) = Hint::unpack(hint);
        self.settle(op.and_then(|o| o.request), request);
        if let Some(op) = op {
            let unit = if self.proto == AppProto::S7comm {
                self.s7_unit
            } else {
                op.unit
            };
            let id = OpId {
                unit,
                request: op.request.unwrap_or(request),
                function: op.function,
            };
            self.count(id, op.exception, txn, ts_ns, frame);
        }
        self.frames += 1;
        self.bytes += wire_len as u64;
        true
    }

    /// Feeds one TCP segment of the flow.
    pub fn segment(
        &mut self,
        from_lo: bool,
        seq: u32,
        payload: &[u8],
        ts_ns: i64,
        frame: (u32, u64),
        wire_len: u32,
    ) {
        let dir = (from_lo == self.server_is_lo) as usize;
        self.at = At { frame, ts_ns };
        let mut decoded = 0u32;
        let mut stream = std::mem::take(&mut self.streams[dir]);
        // A retransmitted segment's bytes were counted when first seen.
        let _retransmitted = stream.push(seq, payload, |mut b| {
            let mut used = 0;
            loop {
                // Asked each time: the first PDU may settle which end is the server.
                let request = from_lo != self.server_is_lo;
                let dir = (!request) as usize;
                match self.next_pdu(b, dir, frame) {
                    Pdu::Done {
                        len,
                        op,
                        txn,
                        counts,
                    } => {
                        self.count_pdu(op, txn, request, ts_ns, frame);
                        // A PDU counts the frame as decoded even when it completes no
                        // operation (a DNP3 link frame carrying a middle segment).
                        decoded += counts as u32;
                        used += len;
                        b = &b[len..];
                    }
                    Pdu::Short => return Some(used),
                    Pdu::NotMine => {
                        self.errors += 1;
                        return if used > 0 { Some(used) } else { None };
                    }
                }
            }
        });
        self.streams[(from_lo == self.server_is_lo) as usize] = stream;
        if decoded > 0 {
            self.frames += 1;
            self.bytes += wire_len as u64;
        }
    }

    /// Feeds one UDP datagram of the flow: each datagram holds whole PDUs.
    pub fn datagram(
        &mut self,
        from_lo: bool,
        mut b: &[u8],
        ts_ns: i64,
        frame: (u32, u64),
        wire_len: u32,
    ) {
        self.at = At { frame, ts_ns };
        let mut decoded = false;
        while !b.is_empty() {
            // Asked each time: the first PDU may settle which end is the server.
            let request = from_lo != self.server_is_lo;
            let dir = (!request) as usize;
            match self.next_pdu(b, dir, frame) {
                Pdu::Done {
                    len,
                    op,
                    txn,
                    counts,
                } => {
                    self.count_pdu(op, txn, request, ts_ns, frame);
                    decoded |= counts;
                    b = &b[len.clamp(1, b.len())..];
                }
                Pdu::Short | Pdu::NotMine => {
                    self.errors += (!decoded) as u64;
                    break;
                }
            }
        }
        if decoded {
            self.frames += 1;
            self.bytes += wire_len as u64;
        }
    }

    /// The next PDU at the start of a stream's bytes, in direction `dir`.
    fn next_pdu(&mut self, b: &[u8], dir: usize, frame: (u32, u64)) -> Pdu {
        match self.proto {
            AppProto::It(p) => it::next_pdu(self, p, b, dir),
            AppProto::Modbus => match modbus::parse(b) {
                Ok(adu) => {
                    self.modbus_identity(&adu, dir == 1, frame);
                    Pdu::Done {
                        len: adu.len(),
                        op: Some(modbus::op(&adu)),
                        txn: Some(adu.transaction() as u32),
                        counts: true,
                    }
                }
                Err(modbus::Error::Short { .. }) => Pdu::Short,
                Err(_) => Pdu::NotMine,
            },
            AppProto::S7comm | AppProto::S7commPlus => match s7comm::parse(b) {
                // Only before any S7 PDU: a later DT may continue a segmented S7 PDU.
                Ok(t) if self.proto == AppProto::S7comm && self.frames == 0 && is_mms(&t) => {
                    self.become_mms();
                    self.mms_tpkt(&t, dir, frame)
                }
                Ok(t) => {
                    if let Some((rack, slot)) = t.cotp().rack_slot() {
                        self.s7_unit = S7_UNIT_KNOWN | (rack as u64) << 8 | slot as u64;
                    }
                    let s7 = t.s7();
                    if let Some(szl) = s7.and_then(|s| s.szl()) {
                        self.s7_identity(&szl, dir == 1, frame);
                    }
                    if t.s7plus().is_some() {
                        self.proto = AppProto::S7commPlus;
                    }
                    let op = s7comm::ops(&t).map(|op| Op {
                        unit: self.s7_unit,
                        ..op
                    });
                    // Only S7 PDUs make the frame S7's: ISO-on-TCP also carries MMS.
                    let counts = s7.is_some() || t.s7plus().is_some();
                    Pdu::Done {
                        len: t.len(),
                        op,
                        txn: s7.map(|s| s.pdu_ref() as u32),
                        counts,
                    }
                }
                Err(s7comm::Error::Short { .. }) => Pdu::Short,
                Err(_) => Pdu::NotMine,
            },
            AppProto::Mms => match s7comm::parse(b) {
                Ok(t) => self.mms_tpkt(&t, dir, frame),
                Err(s7comm::Error::Short { .. }) => Pdu::Short,
                Err(_) => Pdu::NotMine,
            },
            AppProto::Enip => match enip::parse(b) {
                Ok(e) => {
                    if let Some(id) = e.identity() {
                        self.enip_identity(&id, dir == 1, frame);
                    }
                    let mut more = std::mem::take(&mut self.more_ops);
                    enip::ops(&e, |op| more.push(op));
                    self.more_ops = more;
                    Pdu::Done {
                        len: e.len(),
                        op: None,
                        txn: None,
                        counts: true,
                    }
                }
                Err(enip::Error::Short { .. }) => Pdu::Short,
                Err(_) => Pdu::NotMine,
            },
            // One datagram is one message; a BVLC length longer than the datagram is
            // taken as cut (Wireshark decodes those too).
            AppProto::Bacnet => match bacnet::parse_lax(b) {
                Ok(m) => {
                    if let Some(i_am) = m.apdu().and_then(|a| a.i_am()) {
                        self.fact(
                            dir == 1,
                            "vendor",
                            format!("BACnet vendor {}", i_am.vendor_id).as_bytes(),
                            frame,
                        );
                        self.fact(
                            dir == 1,
                            "name",
                            format!("device {}", i_am.device_instance).as_bytes(),
                            frame,
                        );
                    }
                    let txn = m.apdu().and_then(|a| a.invoke_id()).map(u32::from);
                    Pdu::Done {
                        len: b.len(),
                        op: bacnet::op(&m),
                        txn,
                        counts: true,
                    }
                }
                Err(_) => Pdu::NotMine,
            },
            AppProto::CipIo => match enip::parse_io(b) {
                Some(_) => Pdu::Done {
                    len: b.len(),
                    op: None,
                    txn: None,
                    counts: true,
                },
                None => Pdu::NotMine,
            },
            AppProto::Dnp3 => match dnp3::parse(b) {
                Ok(frame) => {
                    let len = frame.len();
                    let op = self.dnp3_frame(&frame, dir);
                    Pdu::Done {
                        len,
                        op: op.map(|(op, _)| op),
                        txn: op.map(|(_, seq)| seq),
                        counts: true,
                    }
                }
                Err(dnp3::Error::Short { .. }) => Pdu::Short,
                Err(_) => Pdu::NotMine,
            },
            AppProto::OpcUa => match opcua::parse(b) {
                Ok(c) => {
                    let (op, txn) = self.opcua_chunk(&c, dir, frame);
                    Pdu::Done {
                        len: c.len(),
                        op,
                        txn,
                        counts: true,
                    }
                }
                Err(opcua::Error::Short { .. }) => Pdu::Short,
                Err(_) => Pdu::NotMine,
            },
            AppProto::Iec104 => match iec104::parse(b) {
                Ok(apdu) => Pdu::Done {
                    len: apdu.len(),
                    op: iec104::op(&apdu),
                    txn: None,
                    counts: true,
                },
                Err(iec104::Error::Short { .. }) => Pdu::Short,
                Err(_) => Pdu::NotMine,
            },
            // One datagram is one PDU; a multi-fragment call counts on its first
            // fragment (`pnio_cm::op`).
            AppProto::PnioCm => match pnio_cm::parse(b) {
                Ok(p) => {
                    if let Some(ar) = p.pnio().and_then(|x| x.ar()) {
                        // The CMInitiator (the sender of the Connect) names itself.
                        self.fact(dir == 1, "name", ar.station_name, frame);
                    }
                    if let Some(name) = p.pnio().and_then(|x| x.responder_name()) {
                        // The CMResponder (the sender of the Connect response).
                        self.fact(dir == 1, "name", name, frame);
                    }
                    let op = pnio_cm::op(&p);
                    Pdu::Done {
                        len: b.len(),
                        txn: op
                            .filter(|o| o.function < pnio_cm::PACKET_BASE)
                            .map(|_| p.txn()),
                        op,
                        counts: true,
                    }
                }
                Err(_) => Pdu::NotMine,
            },
        }
    }
}

impl AppState {
    /// Identity from a Read Device Identification answer (only a server sends one).
    fn modbus_identity(&mut self, adu: &modbus::Adu<'_>, by_server: bool, frame: (u32, u64)) {
        for (id, v) in adu.device_id_objects() {
            let field = match id {
                0 => "vendor",
                1 => "product_code",
                2 => "firmware",
                4 => "product",
                5 => "model",
                6 => "application",
                _ => continue,
            };
            self.fact(by_server, field, v, frame);
        }
        if let Some(id) = adu.server_id() {
            self.fact(by_server, "server_id", server_id_text(id).as_bytes(), frame);
        }
    }

    /// Identity from a ListIdentity reply: numbers as the device states them (vendor
    /// and device type names need the ODVA tables, not shipped yet).
    fn enip_identity(&mut self, id: &enip::Identity<'_>, by_server: bool, frame: (u32, u64)) {
        self.fact(by_server, "product", id.product_name, frame);
        self.fact(
            by_server,
            "vendor",
            format!("ODVA vendor {}", id.vendor).as_bytes(),
            frame,
        );
        self.fact(
            by_server,
            "model",
            format!(
                "device type {}, product code {}",
                id.device_type, id.product_code
            )
            .as_bytes(),
            frame,
        );
        self.fact(by_server, "firmware", id.revision_text().as_bytes(), frame);
        self.fact(
            by_server,
            "serial",
            format!("0x{:08x}", id.serial).as_bytes(),
            frame,
        );
    }

    /// Identity from a Read SZL answer: module identification (0x0011) and component
    /// identification (0x001C). S7comm is Siemens' protocol, so its vendor is known.
    fn s7_identity(&mut self, szl: &s7comm::Szl<'_>, by_server: bool, frame: (u32, u64)) {
        let mut any = false;
        if let Some(o) = szl.order_number() {
            self.fact(by_server, "order_number", o, frame);
            any = true;
        }
        for m in szl.module_ids() {
            if m.index == 7 {
                let fw = format!(
                    "V{}.{}.{}",
                    m.version[0] & 0xff,
                    m.version[1] >> 8,
                    m.version[1] & 0xff
                );
                self.fact(by_server, "firmware", fw.as_bytes(), frame);
                any = true;
            }
        }
        for (index, field) in [
            (s7comm::COMPONENT_SYSTEM_NAME, "name"),
            (s7comm::COMPONENT_MODULE_NAME, "module_name"),
            (s7comm::COMPONENT_PLANT_ID, "plant_id"),
            (s7comm::COMPONENT_SERIAL, "serial"),
            (s7comm::COMPONENT_MODULE_TYPE, "model"),
        ] {
            if let Some(v) = szl.component(index) {
                self.fact(by_server, field, v, frame);
                any = true;
            }
        }
        if any {
            self.fact(by_server, "vendor", b"Siemens", frame);
        }
    }

    /// Joins a DNP3 link frame's transport segment to its direction's fragment; a
    /// finished fragment gives its operation and application sequence number. The
    /// transport sequence is not checked: it wraps from 63 to 0 in valid traffic.
    fn dnp3_frame(&mut self, frame: &dnp3::Frame<'_>, dir: usize) -> Option<(Op, u32)> {
        let t = frame.transport()?;
        if !frame.crc_ok() {
            self.fragments[dir].clear();
            return None;
        }
        let buf = &mut self.fragments[dir];
        if t.fir {
            buf.clear();
        } else if buf.is_empty() {
            // The start of this fragment was not seen.
            return None;
        }
        if buf.len() + frame.user_data_len() > MAX_FRAGMENT {
            buf.clear();
            return None;
        }
        frame.copy_fragment_data(buf);
        if !t.fin {
            return None;
        }
        let found = dnp3::parse_app(buf)
            .ok()
            .map(|app| (dnp3::op(&app, frame), app.seq() as u32));
        buf.clear();
        found
    }
}

/// OPC UA per-flow state: whether the secure channel's bodies can be read (learnt
/// from its OPN and its first message) and, per direction, whether a multi-chunk
/// message is being continued.
#[derive(Clone, Copy, Debug, Default)]
struct OpcUaFlow {
    protection: opcua::Protection,
    /// An OPN with a policy other than None was seen and no MSG has yet told Sign
    /// (readable) from SignAndEncrypt.
    mode_pending: bool,
    /// Per direction: a `C` chunk was seen and its message has not ended.
    continuing: [bool; 2],
}

impl OpcUaFlow {
    /// Whether a hint (read as on a channel of unknown security) means in direction
    /// `dir` what the bytes would.
    fn hintable(&self, dir: usize) -> bool {
        !self.continuing[dir]
            && !self.mode_pending
            && self.protection != opcua::Protection::Encrypted
    }
}

impl AppState {
    /// One OPC UA chunk: its operation and transaction, the channel's security and
    /// the facts it discloses. Fact values are stable lowercase words where the
    /// protocol has an enumeration (`security_mode` `none`/`sign`/`sign_and_encrypt`,
    /// `user_token` `anonymous`/`username`/`x509`/`issued`/`other`).
    fn opcua_chunk(
        &mut self,
        c: &opcua::Chunk<'_>,
        dir: usize,
        frame: (u32, u64),
    ) -> (Option<Op>, Option<u32>) {
        use opcua::{MessageType as T, Protection, SecurityMode, SecurityPolicy};
        let by_server = dir == 1;
        let ty = c.message_type();
        let st = self.opcua;
        let continuing = st.continuing[dir];
        let s = opcua::summarize(c, st.protection, continuing);
        let body = s.secured.and_then(|x| x.body);
        if let Some(h) = c.hello() {
            self.fact(by_server, "endpoint_url", h.endpoint_url, frame);
        }
        match c.asymmetric() {
            Some(a) if !continuing => {
                let policy = a.policy();
                self.fact(true, "security_policy", policy.word().as_bytes(), frame);
                if policy == SecurityPolicy::None {
                    self.opcua.protection = Protection::Plain;
                    self.opcua.mode_pending = false;
                    let mode = body
                        .and_then(|b| b.open_request())
                        .map_or(SecurityMode::NONE, |(_, m)| m);
                    self.fact(true, "security_mode", mode.word().as_bytes(), frame);
                } else if st.protection == Protection::Unknown {
                    // A renewal keeps what the channel's messages already showed.
                    self.opcua.mode_pending = true;
                }
            }
            _ => {}
        }
        if st.mode_pending && matches!(ty, T::MESSAGE | T::CLOSE) && !continuing {
            let readable = s.secured.is_some();
            let word: &[u8] = if readable {
                b"sign"
            } else {
                b"sign_and_encrypt"
            };
            self.fact(true, "security_mode", word, frame);
            self.opcua.protection = if readable {
                Protection::Plain
            } else {
                Protection::Encrypted
            };
            self.opcua.mode_pending = false;
        }
        if let Some(b) = body {
            if let Some(t) = b.user_token() {
                self.fact(by_server, "user_token", t.word().as_bytes(), frame);
            }
            if let Some(app) = b.server_application() {
                self.fact(by_server, "name", app.name, frame);
                self.fact(by_server, "application", app.uri, frame);
                self.fact(by_server, "product", app.product_uri, frame);
            }
        }
        self.opcua.continuing[dir] = ty.is_secure() && c.chunk_type() == b'C';
        (s.op, s.txn)
    }
}

/// Largest MMS TSDU joined from COTP DT TPDUs (MMS negotiates its largest PDU in
/// initiate; IEC 61850 servers offer well under this).
const MAX_TSDU: usize = 64 * 1024;
/// Confirmed MMS requests remembered per flow while awaiting an answer.
const MAX_MMS_PENDING: usize = 64;

/// MMS state of a flow (the TSDUs being joined are in `AppState::fragments`).
#[derive(Clone, Debug, Default)]
struct MmsFlow {
    /// Per direction: a TSDU too long to keep is being dropped until its last DT.
    skipping: [bool; 2],
    /// (invokeID, service) of confirmed requests awaiting an answer, oldest first: a
    /// confirmed-ErrorPDU does not name its service.
    pending: Vec<(u32, u16)>,
}

/// A COTP DT whose user data start with a session SPDU (S7's protocol ids 0x32 and
/// 0x72 are no SPDU identifier).
fn is_mms(t: &s7comm::Tpkt<'_>) -> bool {
    let cotp = t.cotp();
    cotp.pdu_type() == s7comm::PduType::DT && mms::probe(cotp.data())
}

impl AppState {
    /// The S7 flow carries MMS: the rack/slot a COTP connection request gave is S7's,
    /// so what was counted before moves to unit 0.
    fn become_mms(&mut self) {
        self.proto = AppProto::Mms;
        self.s7_unit = 0;
        for (id, st) in std::mem::take(&mut self.ops) {
            let id = OpId { unit: 0, ..id };
            match self.ops.iter_mut().find(|(k, _)| *k == id) {
                Some((_, x)) => x.merge(&st),
                None => self.ops.push((id, st)),
            }
        }
        self.timing.set_unit(0);
    }

    /// One ISO-on-TCP frame of an MMS flow: COTP connection management is counted
    /// as S7's; DT user data are joined per direction until EOT, then read as a TSDU.
    fn mms_tpkt(&mut self, t: &s7comm::Tpkt<'_>, dir: usize, frame: (u32, u64)) -> Pdu {
        let cotp = t.cotp();
        let len = t.len();
        let done = |op, txn, counts| Pdu::Done {
            len,
            op,
            txn,
            counts,
        };
        if cotp.pdu_type() != s7comm::PduType::DT {
            return done(s7comm::ops(t), None, false);
        }
        let data = cotp.data();
        let mut joined = std::mem::take(&mut self.fragments[dir]);
        let too_long = joined.len() + data.len() > MAX_TSDU;
        if !cotp.eot().unwrap_or(true) {
            // The TSDU goes on in the next DT.
            if too_long || self.mms.skipping[dir] {
                joined.clear();
                self.mms.skipping[dir] = true;
            } else {
                joined.extend_from_slice(data);
            }
            self.fragments[dir] = joined;
            return done(None, None, false);
        }
        let skipped = std::mem::take(&mut self.mms.skipping[dir]) || too_long;
        let (op, txn, counts) = if skipped {
            (None, None, false)
        } else if joined.is_empty() {
            self.mms_tsdu(data, dir, frame)
        } else {
            joined.extend_from_slice(data);
            self.mms_tsdu(&joined, dir, frame)
        };
        joined.clear();
        self.fragments[dir] = joined;
        done(op, txn, counts)
    }

    /// A whole TSDU of an MMS flow: its operation, transaction id, and whether it held
    /// an MMS PDU (what makes the frame MMS's, as tshark counts it).
    fn mms_tsdu(
        &mut self,
        tsdu: &[u8],
        dir: usize,
        frame: (u32, u64),
    ) -> (Option<Op>, Option<u32>, bool) {
        let Ok(s) = mms::parse(tsdu) else {
            self.errors += 1;
            return (None, None, false);
        };
        let m = s.mms();
        if let Some(id) = m.and_then(|m| m.identify()) {
            self.fact(dir == 1, "vendor", id.vendor, frame);
            self.fact(dir == 1, "model", id.model, frame);
            self.fact(dir == 1, "firmware", id.revision, frame);
        }
        let mut op = mms::op(&s);
        if let (Some(o), Some(m), Some(invoke)) = (op.as_mut(), m, m.and_then(|m| m.invoke_id())) {
            let pending = &mut self.mms.pending;
            match m.kind() {
                mms::PduType::CONFIRMED_REQUEST => {
                    if pending.len() >= MAX_MMS_PENDING {
                        pending.remove(0);
                    }
                    pending.push((invoke, o.function));
                }
                mms::PduType::CONFIRMED_RESPONSE | mms::PduType::CONFIRMED_ERROR => {
                    if let Some(i) = pending.iter().rposition(|p| p.0 == invoke) {
                        let (_, service) = pending.remove(i);
                        if o.function == mms::OP_CONFIRMED_ERROR {
                            o.function = service;
                        }
                    }
                }
                _ => {}
            }
        }
        (op, mms::transaction(&s), m.is_some())
    }
}

/// What a protocol found at the start of a stream's bytes.
pub(crate) enum Pdu {
    /// A PDU of `len` bytes, the operation it performs if it completes one, and the
    /// transaction id that pairs a request with its response.
    /// `counts`: the PDU is this protocol's own, not a lower layer it shares (COTP
    /// carries MMS as well as S7).
    Done {
        len: usize,
        op: Option<Op>,
        txn: Option<u32>,
        counts: bool,
    },
    /// More bytes are needed.
    Short,
    /// The bytes are not this protocol.
    NotMine,
}

impl Pdu {
    /// A PDU of `len` bytes that performs no operation; `counts` as in `Done`.
    pub(crate) fn plain(len: usize, counts: bool) -> Pdu {
        Pdu::Done {
            len,
            op: None,
            txn: None,
            counts,
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
    /// The (address, is IPv6) of the client and of the server.
    pub fn ends(&self) -> (([u8; 16], bool), ([u8; 16], bool)) {
        let (lo, hi) = ((self.flow.lo, self.flow.v6), (self.flow.hi, self.flow.v6));
        if self.server_is_lo {
            (hi, lo)
        } else {
            (lo, hi)
        }
    }

    pub fn function_name(&self) -> &'static str {
        self.proto.function_name(self.function)
    }
    pub fn class(&self) -> OpClass {
        self.proto.function_class(self.function)
    }
    /// The unit as outputs print it.
    pub fn unit_text(&self) -> String {
        self.proto.unit_text(self.unit)
    }
}

/// Frames kept per operation row as evidence (the first ones; `--max-evidence` picks
/// from them).
pub const EVIDENCE_KEPT: usize = 32;

#[derive(Clone, Debug)]
pub struct OpStat {
    pub pdus: u64,
    pub exceptions: u64,
    pub first_ts: i64,
    pub last_ts: i64,
    /// (capture index, frame) of the first PDU.
    pub first_frame: (u32, u64),
    /// ((capture index, frame), time) of the first `EVIDENCE_KEPT` PDUs, in order.
    pub evidence: Vec<((u32, u64), i64)>,
}

impl OpStat {
    pub fn merge(&mut self, o: &OpStat) {
        self.pdus += o.pdus;
        self.exceptions += o.exceptions;
        self.first_ts = self.first_ts.min(o.first_ts);
        self.last_ts = self.last_ts.max(o.last_ts);
        self.first_frame = self.first_frame.min(o.first_frame);
        self.evidence.extend_from_slice(&o.evidence);
        self.evidence.sort_unstable();
        self.evidence.dedup();
        self.evidence.truncate(EVIDENCE_KEPT);
    }

    /// Sets the capture index of every frame (the batch roll-up numbers captures).
    pub fn set_capture(&mut self, i: u32) {
        self.first_frame.0 = i;
        self.evidence.iter_mut().for_each(|e| e.0 .0 = i);
    }
}

/// Counts one PDU of a flow's operation (link-layer flows count theirs here too);
/// `last` is the row the previous PDU counted under. Returns the operation's row.
#[inline]
pub fn record(
    ops: &mut Vec<(OpId, OpStat)>,
    last: usize,
    id: OpId,
    exception: bool,
    ts_ns: i64,
    frame: (u32, u64),
) -> usize {
    let found = super::cyclic_position(ops, last, |(k, _)| *k == id);
    let row = found.unwrap_or(ops.len());
    let s = match found {
        Some(i) => &mut ops[i].1,
        None => {
            ops.push((
                id,
                OpStat {
                    pdus: 0,
                    exceptions: 0,
                    first_ts: ts_ns,
                    last_ts: ts_ns,
                    first_frame: frame,
                    evidence: Vec::new(),
                },
            ));
            &mut ops.last_mut().expect("just pushed").1
        }
    };
    if s.evidence.len() < EVIDENCE_KEPT {
        s.evidence.push((frame, ts_ns));
    }
    s.pdus += 1;
    s.exceptions += exception as u64;
    s.first_ts = s.first_ts.min(ts_ns);
    s.last_ts = s.last_ts.max(ts_ns);
    row
}

impl AppState {
    /// Sets the capture index of every frame the flow's notes, secrets and facts
    /// point at (the batch roll-up numbers captures).
    pub fn set_capture(&mut self, i: u32) {
        self.notes.list.iter_mut().for_each(|n| n.first.frame.0 = i);
        self.notes.secrets.iter_mut().for_each(|x| x.at.frame.0 = i);
        self.facts.iter_mut().for_each(|f| f.frame.0 = i);
    }

    /// This flow's operations as output rows.
    pub fn op_rows(&self, flow: &FlowKey) -> impl Iterator<Item = (OpKey, OpStat)> + '_ {
        let flow = *flow;
        self.ops.iter().map(move |(id, s)| {
            let k = OpKey {
                flow,
                server_is_lo: self.server_is_lo,
                server_port: self.server_port,
                proto: self.proto,
                unit: id.unit,
                request: id.request,
                function: id.function,
            };
            (k, s.clone())
        })
    }

    /// This flow's timing rows: keys are those of the requests.
    /// The flow's timing rows, moved out of the flow.
    pub fn take_timing_rows(&mut self, flow: &FlowKey) -> Vec<(OpKey, Timing)> {
        let flow = *flow;
        let (server_is_lo, server_port, proto) = (self.server_is_lo, self.server_port, self.proto);
        self.timing
            .take_rows()
            .into_iter()
            .map(|t| {
                let k = OpKey {
                    flow,
                    server_is_lo,
                    server_port,
                    proto,
                    unit: t.unit,
                    request: true,
                    function: t.function,
                };
                (k, t)
            })
            .collect()
    }

    /// Adds another part of the same flow (another capture of a batch).
    pub fn merge(&mut self, o: &AppState) {
        // Both parts are the same flow key, so their server side is the same.
        self.notes.merge(&o.notes, false);
        for f in &o.facts {
            if self.facts.len() < MAX_FACTS
                && !self
                    .facts
                    .iter()
                    .any(|x| x.by_server == f.by_server && x.field == f.field)
            {
                self.facts.push(f.clone());
            }
        }
        self.timing.merge(&o.timing);
        self.frames += o.frames;
        self.bytes += o.bytes;
        self.errors += o.errors;
        for (id, st) in &o.ops {
            match self.ops.iter_mut().find(|(k, _)| k == id) {
                Some((_, x)) => x.merge(st),
                None => self.ops.push((*id, st.clone())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The port rules `candidate` implements, as a scan of the two lists.
    fn candidate_by_scan(key: &FlowKey) -> Option<(AppProto, bool, u16)> {
        let ot = OT_PORTS.iter().find_map(|&(t, lo, hi, p)| {
            if key.proto != t {
                None
            } else if (lo..=hi).contains(&key.lo_port) {
                Some((p, true, key.lo_port))
            } else if (lo..=hi).contains(&key.hi_port) {
                Some((p, false, key.hi_port))
            } else {
                None
            }
        });
        let find = |port: u16| {
            it::PORTS
                .iter()
                .find(|&&(t, lo, hi, _)| t == key.proto && (lo..=hi).contains(&port))
                .map(|p| AppProto::It(p.3))
        };
        ot.or(match (find(key.lo_port), find(key.hi_port)) {
            (Some(_), Some(q)) if key.hi_port < key.lo_port => Some((q, false, key.hi_port)),
            (Some(p), _) => Some((p, true, key.lo_port)),
            (None, Some(q)) => Some((q, false, key.hi_port)),
            (None, None) => None,
        })
    }

    #[test]
    fn port_map_follows_the_port_rules() {
        // Every registered port, its neighbours and a few others, in all pairs.
        let mut ports: Vec<u16> = vec![0, 1, 1024, 40000, 65535];
        for &(_, lo, hi, _) in OT_PORTS.iter() {
            ports.extend([lo.saturating_sub(1), lo, hi, hi.saturating_add(1)]);
        }
        for &(_, lo, hi, _) in it::PORTS.iter() {
            ports.extend([lo.saturating_sub(1), lo, hi, hi.saturating_add(1)]);
        }
        for proto in [6, 17, 1, 132] {
            for &a in &ports {
                for &b in &ports {
                    let key = FlowKey {
                        lo: [0; 16],
                        hi: [1; 16],
                        lo_port: a,
                        hi_port: b,
                        proto,
                        v6: false,
                        vlan: 0,
                    };
                    assert_eq!(candidate(&key), candidate_by_scan(&key), "{key:?}");
                }
            }
        }
    }

    fn adu(unit: u8, pdu: &[u8]) -> Vec<u8> {
        let mut v = vec![0, 1, 0, 0];
        v.extend(((pdu.len() + 1) as u16).to_be_bytes());
        v.push(unit);
        v.extend(pdu);
        v
    }

    /// Segments of one flow: (from client, seq, payload). A request split in two, a
    /// retransmitted response, an exception and a write.
    fn segments() -> Vec<(bool, u32, Vec<u8>)> {
        let read = adu(1, &[3, 0, 0, 0, 2]);
        let resp = adu(1, &[3, 4, 0, 1, 0, 2]);
        let exc = adu(2, &[0x86, 2]);
        let write = adu(2, &[6, 0, 9, 0, 1]);
        vec![
            (true, 100, read.clone()),
            (false, 500, resp.clone()),
            (false, 500, resp.clone()),
            (true, 112, read[..5].to_vec()),
            (true, 117, read[5..].to_vec()),
            (false, 500 + resp.len() as u32, exc.clone()),
            (true, 124, write),
        ]
    }

    fn run(use_hints: bool) -> (Vec<(OpId, OpStat)>, u64) {
        let mut a = AppState::new(AppProto::Modbus, true, 502);
        for (i, (client, seq, p)) in segments().into_iter().enumerate() {
            let from_lo = !client; // the server is `lo`
            let hint = if use_hints {
                Hint::of(AppProto::Modbus, &p)
            } else {
                0
            };
            let frame = (0, i as u64 + 1);
            if !a.hinted(from_lo, Some(seq), p.len(), hint, i as i64, frame, 60) {
                a.segment(from_lo, seq, &p, i as i64, frame, 60);
            }
        }
        (a.ops, a.frames)
    }

    /// An OPC UA chunk: type, chunk type, body after the header.
    fn ua(ty: &[u8; 3], c: u8, body: &[u8]) -> Vec<u8> {
        let mut v = ty.to_vec();
        v.push(c);
        v.extend(((body.len() + 8) as u32).to_le_bytes());
        v.extend(body);
        v
    }

    fn ua_str(v: &mut Vec<u8>, s: &[u8]) {
        v.extend((s.len() as i32).to_le_bytes());
        v.extend(s);
    }

    /// A MSG chunk (channel 1, token 1) with request id `req` and service `svc`:
    /// a request or response header and a few bytes.
    fn ua_msg(c: u8, req: u32, svc: u16) -> Vec<u8> {
        let mut b = vec![1, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0];
        b.extend(req.to_le_bytes());
        b.extend([1, 0]);
        b.extend(svc.to_le_bytes());
        if opcua::FunctionCode(svc).request() == Some(true) {
            b.extend([0, 0]); // null authentication token
            b.extend([0; 8]);
            b.extend(req.to_le_bytes());
            b.extend([0; 4]);
            b.extend((-1i32).to_le_bytes());
            b.extend([0; 4]);
            b.extend([0, 0, 0]);
        } else {
            b.extend([0; 8]);
            b.extend(req.to_le_bytes());
            b.extend([0; 4]);
            b.push(0);
            b.extend((-1i32).to_le_bytes());
            b.extend([0, 0, 0]);
        }
        b.extend([0; 4]);
        ua(b"MSG", c, &b)
    }

    fn ua_open(policy: &[u8]) -> Vec<u8> {
        let mut b = vec![0, 0, 0, 0];
        ua_str(&mut b, policy);
        ua_str(&mut b, &[0x30; 8]);
        ua_str(&mut b, &[0x11; 20]);
        b.extend([0x5a; 48]); // encrypted sequence header and body
        ua(b"OPN", b'F', &b)
    }

    /// Runs OPC UA segments (from client, payload) through a flow, with or without
    /// hints.
    fn run_ua(segs: &[(bool, Vec<u8>)], use_hints: bool) -> AppState {
        let mut a = AppState::new(AppProto::OpcUa, true, 4840);
        let mut seq = [1000u32, 5000u32];
        for (i, (client, p)) in segs.iter().enumerate() {
            let from_lo = !client;
            let d = !client as usize;
            let hint = if use_hints {
                Hint::of(AppProto::OpcUa, p)
            } else {
                0
            };
            let frame = (0, i as u64 + 1);
            if !a.hinted(from_lo, Some(seq[d]), p.len(), hint, i as i64, frame, 60) {
                a.segment(from_lo, seq[d], p, i as i64, frame, 60);
            }
            seq[d] += p.len() as u32;
        }
        a
    }

    fn fact<'a>(a: &'a AppState, field: &str) -> Option<&'a str> {
        a.facts
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.value.as_str())
    }

    #[test]
    fn opcua_hints_give_what_the_bytes_give() {
        let segs = vec![
            (true, ua_msg(b'F', 1, 631)),
            (false, ua_msg(b'F', 1, 634)),
            // A two-chunk write: the second chunk has no type id of its own.
            (true, ua_msg(b'C', 2, 673)),
            (true, ua_msg(b'F', 2, 631)),
            (false, ua_msg(b'F', 2, 676)),
            (true, ua_msg(b'F', 3, 712)),
            (false, ua_msg(b'F', 3, 397)),
        ];
        assert_ne!(Hint::of(AppProto::OpcUa, &segs[0].1), 0);
        assert_eq!(Hint::of(AppProto::OpcUa, &segs[2].1), 0, "a first chunk");
        let with = run_ua(&segs, true);
        let without = run_ua(&segs, false);
        assert_eq!(format!("{:?}", with.ops), format!("{:?}", without.ops));
        assert_eq!(with.frames, 7);
        let reads = &with.ops.iter().find(|(k, _)| k.function == 631).unwrap().1;
        assert_eq!(reads.pdus, 1, "the write's last chunk is not a read");
        let fault = with.ops.iter().find(|(k, _)| k.function == 397).unwrap();
        assert_eq!((fault.0.request, fault.1.exceptions), (false, 1));
        assert_eq!(with.timing.ops.iter().map(|t| t.matched).sum::<u64>(), 3);
    }

    #[test]
    fn opcua_channel_security_from_open_and_first_message() {
        let policy = b"http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256";
        // SignAndEncrypt: the first message after the OPN does not parse.
        let mut enc = ua_msg(b'F', 1, 631);
        for b in &mut enc[16..] {
            *b ^= 0xa5;
        }
        let segs = vec![(true, ua_open(policy)), (true, enc.clone()), (true, enc)];
        for hints in [false, true] {
            let a = run_ua(&segs, hints);
            assert_eq!(fact(&a, "security_policy"), Some("basic256sha256"));
            assert_eq!(fact(&a, "security_mode"), Some("sign_and_encrypt"));
            let e = a
                .ops
                .iter()
                .find(|(k, _)| k.function == opcua::FunctionCode::ENCRYPTED.0)
                .unwrap();
            assert_eq!(e.1.pdus, 2);
        }
        // Sign: the first message reads.
        let segs = vec![(true, ua_open(policy)), (true, ua_msg(b'F', 1, 631))];
        let a = run_ua(&segs, true);
        assert_eq!(fact(&a, "security_mode"), Some("sign"));
        assert!(a.ops.iter().any(|(k, _)| k.function == 631));
    }

    #[test]
    fn report_server_id_is_a_fact_of_the_server() {
        let resp = adu(
            1,
            &[17, 9, 0x42, 0xff, b'B', b'M', b'X', b' ', b'P', b'3', b'4'],
        );
        for hinted in [false, true] {
            let mut a = AppState::new(AppProto::Modbus, true, 502);
            let hint = if hinted {
                Hint::of(AppProto::Modbus, &resp)
            } else {
                0
            };
            if !a.hinted(true, Some(1), resp.len(), hint, 0, (0, 1), 60) {
                a.segment(true, 1, &resp, 0, (0, 1), 60);
            }
            let f = &a.facts[0];
            assert_eq!(
                (f.by_server, f.field, f.value.as_str()),
                (true, "server_id", "BMX P34")
            );
        }
        assert_eq!(server_id_text(&[1, 0xff]), "01ff");
    }

    #[test]
    fn hints_round_trip() {
        for request in [None, Some(true), Some(false)] {
            for exception in [false, true] {
                for (unit, txn) in [
                    (0xbeef, Some(0xfffe)),
                    (0xbeef, None),
                    (0x1_ffff_ffff, Some(0x7f)),
                    ((1 << 25) - 1, Some(0x100)),
                    ((1 << 41) - 1, None),
                    (0, Some(0)),
                ] {
                    let op = Op {
                        unit,
                        function: 0x84f2,
                        exception,
                        request,
                    };
                    assert_eq!(Hint::unpack(Hint::pack(Some(op), txn)), (Some(op), txn));
                }
                // What does not fit gets no hint.
                for (unit, txn) in [
                    (1 << 25, Some(0x100)),
                    (1 << 33, Some(1)),
                    (1 << 41, None),
                    (1, Some(0x1_0000)),
                ] {
                    let op = Op {
                        unit,
                        function: 1,
                        exception,
                        request,
                    };
                    assert_eq!(Hint::pack(Some(op), txn), 0, "{unit:#x} {txn:?}");
                }
            }
        }
        assert_eq!(Hint::unpack(Hint::pack(None, None)), (None, None));
    }

    #[test]
    fn hints_give_what_the_bytes_give() {
        let (with, frames_with) = run(true);
        let (without, frames_without) = run(false);
        assert_eq!(format!("{with:?}"), format!("{without:?}"));
        assert_eq!(frames_with, frames_without);
        let reads = &with
            .iter()
            .find(|(k, _)| k.function == 3 && k.request)
            .unwrap()
            .1;
        assert_eq!(reads.pdus, 2, "the split request is joined");
        let resp = &with
            .iter()
            .find(|(k, _)| k.function == 3 && !k.request)
            .unwrap()
            .1;
        assert_eq!(resp.pdus, 1, "the retransmission is not counted twice");
        let exc = &with
            .iter()
            .find(|(k, _)| k.function == 6 && !k.request)
            .unwrap()
            .1;
        assert_eq!((exc.pdus, exc.exceptions), (1, 1));
        assert_eq!(
            frames_with, 5,
            "frames holding a whole or the last part of a PDU"
        );
    }

    /// A BER TLV (short lengths only).
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag, content.len() as u8];
        v.extend(content);
        v
    }

    /// TPKT + COTP DT (class 0) around `data`.
    fn dt(data: &[u8], eot: bool) -> Vec<u8> {
        let mut v = vec![3, 0];
        v.extend(((data.len() + 7) as u16).to_be_bytes());
        v.extend([2, 0xF0, if eot { 0x80 } else { 0 }]);
        v.extend(data);
        v
    }

    /// GIVE TOKENS + DATA TRANSFER, fully-encoded-data in presentation context 3.
    fn mms_tsdu(mms: &[u8]) -> Vec<u8> {
        let pdv = [&tlv(0x02, &[3])[..], &tlv(0xA0, mms)].concat();
        [&[1, 0, 1, 0][..], &tlv(0x61, &tlv(0x30, &pdv))].concat()
    }

    fn confirmed(tag: u8, invoke: u8, service: &[u8]) -> Vec<u8> {
        tlv(tag, &[&tlv(0x02, &[invoke])[..], service].concat())
    }

    #[test]
    fn mms_on_the_s7_port() {
        // COTP CR with a called TSAP that S7 would read as rack 0 slot 1.
        let cr = vec![
            3, 0, 0, 22, 17, 0xE0, 0, 0, 0, 1, 0, 0xC1, 2, 0, 1, 0xC2, 2, 0, 1, 0xC0, 1, 10,
        ];
        let identify = mms_tsdu(&confirmed(0xA0, 1, &[0x82, 0]));
        let id = [
            &tlv(0x80, b"Vendor X")[..],
            &tlv(0x81, b"IED 1"),
            &tlv(0x82, b"1.2"),
        ]
        .concat();
        let identified = mms_tsdu(&confirmed(0xA1, 1, &tlv(0xA2, &id)));
        let read = mms_tsdu(&confirmed(
            0xA0,
            2,
            &tlv(0xA4, &tlv(0xA1, &tlv(0xA1, &tlv(0x80, b"DS1")))),
        ));
        // confirmed-ErrorPDU for invokeID 2: its service comes from the request.
        let error = mms_tsdu(&tlv(
            0xA2,
            &[
                &tlv(0x80, &[2])[..],
                &tlv(0xA2, &tlv(0xA0, &tlv(0x87, &[2]))),
            ]
            .concat(),
        ));
        // The read request in two DT TPDUs, the first without EOT, and the two
        // TPKTs split across TCP segments at an odd place.
        let (a, b) = read.split_at(9);
        let two = [dt(a, false), dt(b, true)].concat();
        let (s1, s2) = two.split_at(11);
        let segments: Vec<(bool, Vec<u8>)> = vec![
            (true, cr),
            (true, dt(&identify, true)),
            (false, dt(&identified, true)),
            (true, s1.to_vec()),
            (true, s2.to_vec()),
            (false, dt(&error, true)),
        ];
        let mut a = AppState::new(AppProto::S7comm, true, 102);
        let (mut cseq, mut sseq) = (100u32, 900u32);
        for (i, (client, p)) in segments.iter().enumerate() {
            let seq = if *client { &mut cseq } else { &mut sseq };
            let hint = Hint::of(AppProto::S7comm, p);
            let frame = (0, i as u64 + 1);
            if !a.hinted(!client, Some(*seq), p.len(), hint, i as i64, frame, 60) {
                a.segment(!client, *seq, p, i as i64, frame, 60);
            }
            *seq += p.len() as u32;
        }
        assert_eq!(a.proto, AppProto::Mms);
        let rows: Vec<_> = a
            .ops
            .iter()
            .map(|(k, s)| (k.unit, k.request, k.function, s.pdus, s.exceptions))
            .collect();
        assert_eq!(
            rows,
            vec![
                (0, true, 0x20E0, 1, 0),
                (0, true, 2, 1, 0),
                (0, false, 2, 1, 0),
                (0, true, 4, 1, 0),
                (0, false, 4, 1, 1),
            ]
        );
        assert_eq!(a.frames, 4, "frames completing an MMS PDU");
        assert_eq!(a.errors, 0);
        let facts: Vec<_> = a
            .facts
            .iter()
            .map(|f| (f.by_server, f.field, f.value.as_str()))
            .collect();
        assert_eq!(
            facts,
            vec![
                (true, "vendor", "Vendor X"),
                (true, "model", "IED 1"),
                (true, "firmware", "1.2"),
            ]
        );
        let read = a.timing.ops.iter().find(|t| t.function == 4).unwrap();
        assert_eq!((read.requests, read.matched), (1, 1));
    }

    #[test]
    fn an_s7_flow_stays_s7() {
        // S7 Setup Communication, then a DT whose bytes happen to look like MMS.
        let setup = [
            0x32, 1, 0, 0, 0, 1, 0, 8, 0, 0, 0xF0, 0, 0, 1, 0, 1, 0x01, 0xE0,
        ];
        let mut a = AppState::new(AppProto::S7comm, true, 102);
        a.segment(false, 1, &dt(&setup, true), 0, (0, 1), 60);
        let odd = dt(&mms_tsdu(&confirmed(0xA0, 5, &[0x82, 0])), true);
        a.segment(false, 100, &odd, 0, (0, 2), 60);
        assert_eq!(a.proto, AppProto::S7comm);
        assert_eq!(a.frames, 1);
    }

    #[test]
    fn mms_tsdu_over_the_bound_is_dropped() {
        let mut a = AppState::new(AppProto::Mms, true, 102);
        let mut seq = 1u32;
        let mut send = |a: &mut AppState, p: &[u8]| {
            a.segment(false, seq, p, 0, (0, 1), 60);
            seq += p.len() as u32;
        };
        // A first DT that starts a session SPDU, then 70 KB more without EOT.
        send(&mut a, &dt(&[1, 0, 1, 0, 0x61, 0x82, 0xFF, 0xFF], false));
        for _ in 0..70 {
            send(&mut a, &dt(&[0x30; 1000], false));
        }
        assert!(a.fragments[0].len() <= MAX_TSDU);
        send(&mut a, &dt(&[0x30; 10], true));
        assert!(a.fragments[0].is_empty() && a.ops.is_empty());
        // The next TSDU is read again.
        send(
            &mut a,
            &dt(&mms_tsdu(&confirmed(0xA0, 5, &[0x82, 0])), true),
        );
        assert_eq!(a.ops.len(), 1);
        assert_eq!(a.frames, 1);
    }
}
