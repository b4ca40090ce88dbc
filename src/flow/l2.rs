//! Link-layer flows: PROFINET RT and DCP, IEC 61850 GOOSE and Sampled Values, PTP
//! over Ethernet, and the discovery protocols ARP, LLDP and CDP. A flow is one (source
//! MAC, destination MAC, VLAN, protocol); every frame of a flow goes to one shard and
//! is seen there in frame order, so GOOSE state and sequence numbers can be checked.
//! Each flow keeps its operations (as IP flows do, see `app::record`), the identity its
//! sender disclosed (LLDP and CDP: name, model, port...), and per GOOSE control block
//! the last stNum/sqNum with counts of sequence anomalies and test frames. A shard's
//! ARP bindings (`super::arp`, routed by address rather than by flow) live beside its
//! flows.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use super::app::{record, OpId, OpStat};
use super::arp::{ArpBinding, ArpRec, ArpTable};
use crate::dissect::{cdp, goose, lldp, profinet, ptp, sv, OpClass};

/// A link-layer protocol this module decodes. PROFINET is split by frame id class
/// (DCP, alarms, PTCP) as the ethertype names it; the rest of 0x8892 is `ProfinetRt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum L2App {
    ProfinetDcp,
    ProfinetRt,
    ProfinetAlarm,
    ProfinetPtcp,
    Goose,
    Sv,
    Arp,
    Lldp,
    Cdp,
    /// PTP over Ethernet (ethertype 0x88f7).
    Ptp,
}

impl L2App {
    pub fn id(self) -> &'static str {
        match self {
            L2App::ProfinetDcp => "profinet_dcp",
            L2App::ProfinetRt => "profinet_rt",
            L2App::ProfinetAlarm => "profinet_alarm",
            L2App::ProfinetPtcp => "profinet_ptcp",
            L2App::Goose => "goose",
            L2App::Sv => "sv",
            L2App::Arp => "arp",
            L2App::Lldp => "lldp",
            L2App::Cdp => "cdp",
            L2App::Ptp => "ptp",
        }
    }

    /// Its timeline group.
    pub fn group(self) -> u8 {
        crate::aggregate::timeline::group_of(self.id(), "")
    }

    /// Whether it rides on the PROFINET RT frame (counted under `profinet_rt` too, as
    /// tshark's `pn_rt` holds DCP, PTCP and alarms).
    pub fn is_profinet(self) -> bool {
        matches!(
            self,
            L2App::ProfinetDcp | L2App::ProfinetRt | L2App::ProfinetAlarm | L2App::ProfinetPtcp
        )
    }

    pub fn function_name(self, code: u16) -> &'static str {
        match self {
            L2App::ProfinetDcp => profinet::dcp_function_name(code),
            L2App::Goose => goose::function_name(code),
            L2App::Sv => sv::function_name(code),
            L2App::Ptp => ptp::function_name(code),
            // Discovery frames are not operations.
            L2App::Arp | L2App::Lldp | L2App::Cdp => "",
            _ => profinet::rt_function_name(code),
        }
    }

    pub fn function_class(self, code: u16) -> OpClass {
        match self {
            L2App::ProfinetDcp => profinet::dcp_function_class(code),
            L2App::Goose => goose::function_class(code),
            L2App::Sv => sv::function_class(code),
            L2App::Ptp => ptp::function_class(code),
            L2App::Arp | L2App::Lldp | L2App::Cdp => OpClass::Other,
            _ => profinet::rt_function_class(code),
        }
    }

    /// The APPID of GOOSE and SV in hex, as IEC 61850 writes it; the PTP domain;
    /// PROFINET has none.
    pub fn unit_text(self, unit: u64) -> String {
        match self {
            L2App::Goose | L2App::Sv => format!("0x{unit:04x}"),
            L2App::Ptp => unit.to_string(),
            _ => String::new(),
        }
    }
}

/// Which decoded protocol a non-IP frame is, from the ethertype's name in the
/// decoder and a parse of its payload; None when it is not one of these or does not
/// parse (it then stays counted by ethertype).
pub fn classify(l2_name: &str, payload: &[u8]) -> Option<L2App> {
    match l2_name {
        // A frame whose header and PDU tag read parses (fields only set flags): the
        // flow phase reads the fields, once.
        "goose" => goose::split(payload, goose::PDU_TAG)
            .ok()
            .map(|_| L2App::Goose),
        "sv" => goose::split(payload, sv::PDU_TAG).ok().map(|_| L2App::Sv),
        "arp" => crate::dissect::arp::parse(payload).ok().map(|_| L2App::Arp),
        "lldp" => lldp::parse(payload).ok().map(|_| L2App::Lldp),
        "cdp" => cdp::parse(payload).ok().map(|_| L2App::Cdp),
        "ptp" => ptp::parse(payload).ok().map(|_| L2App::Ptp),
        n if n.starts_with("profinet") => {
            let f = profinet::parse(payload).ok()?;
            use profinet::FrameClass as C;
            Some(match f.class() {
                c if c.is_dcp() && f.dcp().is_some() => L2App::ProfinetDcp,
                C::AlarmHigh | C::AlarmLow => L2App::ProfinetAlarm,
                C::Ptcp => L2App::ProfinetPtcp,
                _ => L2App::ProfinetRt,
            })
        }
        _ => None,
    }
}

/// A link-layer flow: one sender to one destination on one VLAN with one protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct L2Key {
    pub src: [u8; 6],
    pub dst: [u8; 6],
    pub vlan: u16,
    pub app: L2App,
}

impl L2Key {
    pub fn hash(&self) -> u64 {
        foldhash::fast::FixedState::with_seed(super::HASH_SEED).hash_one(self)
    }
}

/// What a shard needs to know about one decoded link-layer frame.
#[derive(Clone, Copy, Debug)]
pub struct L2Rec {
    pub key: L2Key,
    pub hash: u64,
    /// Chunk-local until the flow phase adds the chunk's frame offset.
    pub frame: u64,
    pub ts_ns: i64,
    pub wire_len: u32,
    /// The ethertype's payload as a range of the wave's bytes.
    pub payload_off: u32,
    pub payload_len: u32,
}

/// A fact the sender of a flow disclosed about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct L2Fact {
    /// `name`, `vendor`, `product`, `model`, `firmware`, `device_role`, `ip`,
    /// `goose_gocb_ref`, `goose_dat_set`, `goose_go_id`, `sv_id`; from LLDP and CDP
    /// also `port`, `capabilities`, `mgmt_ip`, `native_vlan`; from PTP `ptp_clock_id`,
    /// `ptp_domain`, `ptp_grandmaster`.
    pub field: &'static str,
    /// Text from the capture: bounded, control characters replaced.
    pub value: String,
    pub frame: (u32, u64),
}

/// Sequence state of one GOOSE control block (APPID, gocbRef) of a publisher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GooseStream {
    pub appid: u16,
    /// The gocbRef (bounded, lossy UTF-8).
    pub gocb_ref: String,
    pub frames: u64,
    pub last_st: Option<u64>,
    pub last_sq: Option<u64>,
    /// Same stNum, sqNum not the previous plus one (repeats and resets included).
    pub sq_anomalies: u64,
    /// stNum neither the previous nor the previous plus one.
    pub st_jumps: u64,
    /// stNum advanced but sqNum did not restart (0, or 1 as some publishers start).
    pub st_without_sq_reset: u64,
    /// Frames flagged test/simulation (PDU field or reserved1 bit).
    pub test_frames: u64,
    /// First frame with any anomaly.
    pub first_anomaly: Option<(u32, u64)>,
}

/// Most facts and GOOSE control blocks kept per flow; longest fact value.
const MAX_FACTS: usize = 16;
const MAX_GOOSE_STREAMS: usize = 16;
const MAX_FACT_LEN: usize = 128;

/// Per-flow state of a link-layer flow.
#[derive(Clone, Debug)]
pub struct L2Flow {
    pub key: L2Key,
    pub hash: u64,
    pub frames: u64,
    pub bytes: u64,
    pub first_ts: i64,
    pub last_ts: i64,
    pub first_frame: (u32, u64),
    pub ops: Vec<(OpId, OpStat)>,
    pub facts: Vec<L2Fact>,
    pub goose: Vec<GooseStream>,
    /// Test/simulation frames (GOOSE and SV).
    pub test_frames: u64,
}

fn lines(raw: &[u8]) -> impl Iterator<Item = &[u8]> {
    raw.split(|&c| c == b'\n' || c == b'\r')
        .filter(|l| l.iter().any(|c| !c.is_ascii_whitespace()))
}

/// The first non-empty line (a system description may be several lines).
fn first_line(raw: &[u8]) -> &[u8] {
    lines(raw).next().unwrap_or(&[])
}

/// The first line that names a version, else the first line: Cisco software versions
/// start with a line like "Cisco Internetwork Operating System Software".
fn version_line(raw: &[u8]) -> &[u8] {
    lines(raw)
        .find(|l| l.windows(7).any(|w| w.eq_ignore_ascii_case(b"version")))
        .unwrap_or(first_line(raw))
}

/// An address worth naming as a management address (not 0.0.0.0 or ::).
fn mgmt_ip(a: Option<lldp::Address<'_>>) -> Option<String> {
    match a? {
        lldp::Address::V4(x) if x == [0; 4] => None,
        lldp::Address::V6(x) if x == [0; 16] => None,
        a => a.ip_text(),
    }
}

fn text(raw: &[u8]) -> String {
    let v: String = String::from_utf8_lossy(raw)
        .chars()
        .take(MAX_FACT_LEN)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    v.trim().to_string()
}

/// Whether `x` follows `prev` in a 32-bit counter that rolls over (to 0 or 1).
fn next_of(prev: u64, x: u64) -> bool {
    x == prev + 1 || (prev >= u32::MAX as u64 && x <= 1)
}

impl L2Flow {
    fn new(r: &L2Rec, frame: (u32, u64)) -> L2Flow {
        L2Flow {
            key: r.key,
            hash: r.hash,
            frames: 0,
            bytes: 0,
            first_ts: r.ts_ns,
            last_ts: r.ts_ns,
            first_frame: frame,
            ops: Vec::new(),
            facts: Vec::new(),
            goose: Vec::new(),
            test_frames: 0,
        }
    }

    /// Keeps the first value of each field.
    fn fact(&mut self, field: &'static str, raw: &[u8], frame: (u32, u64)) {
        if self.facts.len() >= MAX_FACTS || self.facts.iter().any(|f| f.field == field) {
            return;
        }
        let value = text(raw);
        if !value.is_empty() {
            self.facts.push(L2Fact {
                field,
                value,
                frame,
            });
        }
    }

    fn op(&mut self, op: crate::dissect::Op, ts_ns: i64, frame: (u32, u64)) {
        let id = OpId {
            unit: op.unit,
            request: op.request.unwrap_or(true),
            function: op.function,
        };
        record(&mut self.ops, 0, id, op.exception, ts_ns, frame);
    }

    /// Counts one frame; `payload` is the ethertype's payload.
    pub fn frame(&mut self, payload: &[u8], ts_ns: i64, frame: (u32, u64), wire_len: u32) {
        self.frames += 1;
        self.bytes += wire_len as u64;
        self.first_ts = self.first_ts.min(ts_ns);
        self.last_ts = self.last_ts.max(ts_ns);
        match self.key.app {
            L2App::Goose => {
                if let Ok(g) = goose::parse(payload) {
                    self.goose_frame(&g, ts_ns, frame);
                }
            }
            L2App::Sv => {
                if let Ok(s) = sv::parse(payload) {
                    self.op(sv::op(&s), ts_ns, frame);
                    self.test_frames += s.header.simulated() as u64;
                    if let Some(id) = s.asdus().find_map(|a| a.sv_id) {
                        self.fact("sv_id", id, frame);
                    }
                }
            }
            // Bindings are kept by address (`super::arp`); the flow only counts.
            L2App::Arp => {}
            L2App::Lldp => {
                if let Ok(v) = lldp::parse(payload) {
                    self.lldp_identity(&v.info(), frame);
                }
            }
            L2App::Cdp => {
                if let Ok(v) = cdp::parse(payload) {
                    self.cdp_identity(&v.info(), frame);
                }
            }
            L2App::Ptp => {
                if let Ok(v) = ptp::parse(payload) {
                    self.op(ptp::op(&v), ts_ns, frame);
                    self.fact(
                        "ptp_clock_id",
                        ptp::clock_text(&v.clock_identity()).as_bytes(),
                        frame,
                    );
                    self.fact("ptp_domain", v.domain().to_string().as_bytes(), frame);
                    if let Some(a) = v.announce() {
                        self.fact(
                            "ptp_grandmaster",
                            ptp::clock_text(&a.grandmaster).as_bytes(),
                            frame,
                        );
                    }
                }
            }
            _ => {
                if let Ok(f) = profinet::parse(payload) {
                    match f.dcp() {
                        Some(d) if self.key.app == L2App::ProfinetDcp => {
                            self.op(profinet::dcp_op(&d), ts_ns, frame);
                            self.dcp_identity(&d, frame);
                        }
                        _ => self.op(profinet::rt_op(&f), ts_ns, frame),
                    }
                }
            }
        }
    }

    /// What an LLDP sender says it is (802.1AB basic TLVs).
    fn lldp_identity(&mut self, i: &lldp::Info<'_>, frame: (u32, u64)) {
        if let Some(n) = i.system_name {
            self.fact("name", n, frame);
        }
        if let Some(d) = i.system_description {
            self.fact("model", first_line(d), frame);
        }
        // A port id that is the sender's own MAC names no port.
        let own_mac = i.port_id.is_some_and(|p| p.value == self.key.src);
        if let Some(p) = i.port_text().filter(|_| !own_mac) {
            self.fact("port", p.as_bytes(), frame);
        }
        if let Some((supported, enabled)) = i.capabilities {
            // Enabled ones; a device enabling none still says what it is.
            let bits = if enabled != 0 { enabled } else { supported };
            self.fact(
                "capabilities",
                lldp::capability_names(bits).as_bytes(),
                frame,
            );
        }
        if let Some(ip) = mgmt_ip(i.management_address) {
            self.fact("mgmt_ip", ip.as_bytes(), frame);
        }
    }

    /// What a CDP sender says it is.
    fn cdp_identity(&mut self, i: &cdp::Info<'_>, frame: (u32, u64)) {
        if let Some(n) = i.device_id {
            self.fact("name", n, frame);
        }
        if let Some(p) = i.platform {
            self.fact("model", p, frame);
        }
        if let Some(v) = i.software_version {
            self.fact("firmware", version_line(v), frame);
        }
        if let Some(p) = i.port_id {
            self.fact("port", p, frame);
        }
        if let Some(c) = i.capabilities {
            self.fact("capabilities", cdp::capability_names(c).as_bytes(), frame);
        }
        if let Some(ip) = mgmt_ip(i.management_address).or_else(|| mgmt_ip(i.address)) {
            self.fact("mgmt_ip", ip.as_bytes(), frame);
        }
        if let Some(v) = i.native_vlan {
            self.fact("native_vlan", v.to_string().as_bytes(), frame);
        }
    }

    /// Identity from an Identify response or a Hello: what the sender says it is.
    fn dcp_identity(&mut self, d: &profinet::Dcp<'_>, frame: (u32, u64)) {
        let about_self = (!d.is_request() && d.service_id() == profinet::ServiceId::IDENTIFY)
            || d.service_id() == profinet::ServiceId::HELLO;
        if !about_self || d.not_supported() {
            return;
        }
        if let Some(n) = d.name_of_station() {
            self.fact("name", n, frame);
        }
        if let Some((vendor, device)) = d.device_id() {
            self.fact(
                "vendor",
                format!("PROFINET vendor 0x{vendor:04x}").as_bytes(),
                frame,
            );
            self.fact(
                "product",
                format!("device 0x{device:04x}").as_bytes(),
                frame,
            );
        }
        if let Some(v) = d.vendor_value() {
            self.fact("model", v, frame);
        }
        if let Some(r) = d.device_role() {
            self.fact("device_role", profinet::role_text(r).as_bytes(), frame);
        }
        if let Some((ip, mask, gw)) = d.ip_parameter() {
            let ip4 = |a: [u8; 4]| std::net::Ipv4Addr::from(a).to_string();
            self.fact("ip", ip4(ip).as_bytes(), frame);
            if mask != [0; 4] {
                self.fact("ip_mask", ip4(mask).as_bytes(), frame);
            }
            if gw != [0; 4] {
                self.fact("ip_gateway", ip4(gw).as_bytes(), frame);
            }
        }
    }

    fn goose_frame(&mut self, g: &goose::Frame<'_>, ts_ns: i64, frame: (u32, u64)) {
        self.op(goose::op(g), ts_ns, frame);
        let test = g.is_test();
        self.test_frames += test as u64;
        let p = &g.pdu;
        for (field, v) in [
            ("goose_gocb_ref", p.gocb_ref),
            ("goose_dat_set", p.dat_set),
            ("goose_go_id", p.go_id),
        ] {
            if let Some(v) = v {
                self.fact(field, v, frame);
            }
        }
        let gocb = p.gocb_ref.map(text).unwrap_or_default();
        let appid = g.header.appid();
        let i = match self
            .goose
            .iter()
            .position(|s| s.appid == appid && s.gocb_ref == gocb)
        {
            Some(i) => i,
            None if self.goose.len() < MAX_GOOSE_STREAMS => {
                self.goose.push(GooseStream {
                    appid,
                    gocb_ref: gocb,
                    frames: 0,
                    last_st: None,
                    last_sq: None,
                    sq_anomalies: 0,
                    st_jumps: 0,
                    st_without_sq_reset: 0,
                    test_frames: 0,
                    first_anomaly: None,
                });
                self.goose.len() - 1
            }
            None => return,
        };
        let s = &mut self.goose[i];
        s.frames += 1;
        s.test_frames += test as u64;
        let (Some(st), Some(sq)) = (p.st_num, p.sq_num) else {
            return;
        };
        let before = s.sq_anomalies + s.st_jumps + s.st_without_sq_reset;
        if let (Some(pst), Some(psq)) = (s.last_st, s.last_sq) {
            if st == pst {
                s.sq_anomalies += !next_of(psq, sq) as u64;
            } else if next_of(pst, st) {
                s.st_without_sq_reset += (sq > 1) as u64;
            } else {
                s.st_jumps += 1;
            }
        }
        if s.first_anomaly.is_none() && s.sq_anomalies + s.st_jumps + s.st_without_sq_reset > before
        {
            s.first_anomaly = Some(frame);
        }
        s.last_st = Some(st);
        s.last_sq = Some(sq);
    }

    /// Adds another part of the same flow (another capture of a batch): sequence
    /// state is not carried across captures, counts add up.
    pub fn merge(&mut self, o: &L2Flow) {
        self.frames += o.frames;
        self.bytes += o.bytes;
        self.first_ts = self.first_ts.min(o.first_ts);
        self.last_ts = self.last_ts.max(o.last_ts);
        self.first_frame = self.first_frame.min(o.first_frame);
        self.test_frames += o.test_frames;
        for (id, st) in &o.ops {
            match self.ops.iter_mut().find(|(k, _)| k == id) {
                Some((_, x)) => x.merge(st),
                None => self.ops.push((*id, st.clone())),
            }
        }
        for f in &o.facts {
            if self.facts.len() < MAX_FACTS && !self.facts.iter().any(|x| x.field == f.field) {
                self.facts.push(f.clone());
            }
        }
        for g in &o.goose {
            let room = self.goose.len() < MAX_GOOSE_STREAMS;
            match self
                .goose
                .iter_mut()
                .find(|x| x.appid == g.appid && x.gocb_ref == g.gocb_ref)
            {
                Some(x) => {
                    x.frames += g.frames;
                    x.sq_anomalies += g.sq_anomalies;
                    x.st_jumps += g.st_jumps;
                    x.st_without_sq_reset += g.st_without_sq_reset;
                    x.test_frames += g.test_frames;
                    x.first_anomaly = match (x.first_anomaly, g.first_anomaly) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    x.last_st = g.last_st.or(x.last_st);
                    x.last_sq = g.last_sq.or(x.last_sq);
                }
                None if room => self.goose.push(g.clone()),
                None => {}
            }
        }
    }

    /// This flow's operations as output rows: the requester or publisher is the
    /// client, the responder or destination the server.
    pub fn op_rows(&self) -> impl Iterator<Item = (L2OpKey, OpStat)> + '_ {
        self.ops.iter().map(move |(id, s)| {
            let (client, server) = if id.request {
                (self.key.src, self.key.dst)
            } else {
                (self.key.dst, self.key.src)
            };
            let k = L2OpKey {
                app: self.key.app,
                client,
                server,
                vlan: self.key.vlan,
                unit: id.unit,
                request: id.request,
                function: id.function,
            };
            (k, s.clone())
        })
    }
}

/// One `ot_operations.csv` row of a link-layer protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct L2OpKey {
    pub app: L2App,
    pub client: [u8; 6],
    pub server: [u8; 6],
    pub vlan: u16,
    pub unit: u64,
    pub request: bool,
    pub function: u16,
}

impl L2OpKey {
    pub fn function_name(&self) -> &'static str {
        self.app.function_name(self.function)
    }
    pub fn class(&self) -> OpClass {
        self.app.function_class(self.function)
    }
    pub fn unit_text(&self) -> String {
        self.app.unit_text(self.unit)
    }
}

/// The link-layer flows one shard owns, and the ARP bindings of its addresses.
#[derive(Default)]
pub struct L2Table {
    table: HashTable<L2Flow>,
    arp: ArpTable,
}

impl L2Table {
    /// Counts one frame; `frame_offset` makes the record's frame number the
    /// capture's, and `data` holds the bytes its payload range points into.
    pub fn update(&mut self, r: &L2Rec, capture: u32, frame_offset: u64, data: &[u8]) {
        let frame = (capture, r.frame + frame_offset);
        let f = match self.table.find_mut(r.hash, |f| f.key == r.key) {
            Some(f) => f,
            None => self
                .table
                .insert_unique(r.hash, L2Flow::new(r, frame), |f| f.hash)
                .into_mut(),
        };
        let (s, e) = (
            r.payload_off as usize,
            r.payload_off as usize + r.payload_len as usize,
        );
        f.frame(data.get(s..e).unwrap_or(&[]), r.ts_ns, frame, r.wire_len);
    }

    /// Counts one ARP claim or question about an address this shard owns.
    pub fn update_arp(&mut self, r: &ArpRec, capture: u32, frame_offset: u64) {
        self.arp.update(r, capture, frame_offset);
    }

    pub fn into_flows(self) -> Vec<L2Flow> {
        self.into_parts().0
    }

    /// The flows and the ARP bindings (both unordered).
    pub fn into_parts(self) -> (Vec<L2Flow>, Vec<ArpBinding>) {
        (self.table.into_iter().collect(), self.arp.into_bindings())
    }
}

/// Sorts flows into output order: first frame, then key.
pub fn sort_flows(flows: &mut [L2Flow]) {
    flows.sort_by(|a, b| {
        a.first_frame
            .cmp(&b.first_frame)
            .then_with(|| a.key.cmp(&b.key))
    });
}

/// Merges the flows of several analyses (a batch roll-up) into output order;
/// `parts` are (capture index, flows).
pub fn rollup<'a>(parts: impl Iterator<Item = (u32, &'a [L2Flow])>) -> Vec<L2Flow> {
    let mut by_key: hashbrown::HashMap<L2Key, L2Flow> = hashbrown::HashMap::new();
    for (i, flows) in parts {
        for f in flows {
            let mut f = f.clone();
            f.first_frame.0 = i;
            for (_, s) in &mut f.ops {
                s.set_capture(i);
            }
            by_key.entry(f.key).and_modify(|x| x.merge(&f)).or_insert(f);
        }
    }
    let mut out: Vec<L2Flow> = by_key.into_values().collect();
    sort_flows(&mut out);
    out
}

/// The operation rows of all flows, in order of their first frame, then key.
pub fn op_rows(flows: &[L2Flow]) -> Vec<(L2OpKey, OpStat)> {
    let mut rows: std::collections::BTreeMap<L2OpKey, OpStat> = Default::default();
    for f in flows {
        for (k, s) in f.op_rows() {
            rows.entry(k).and_modify(|x| x.merge(&s)).or_insert(s);
        }
    }
    let mut out: Vec<(L2OpKey, OpStat)> = rows.into_iter().collect();
    out.sort_by(|a, b| {
        a.1.first_frame
            .cmp(&b.1.first_frame)
            .then_with(|| a.0.cmp(&b.0))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::goose::tests::frame as goose_frame;
    use crate::dissect::profinet::tests::{dcp, identify_response};

    fn feed(app: L2App, frames: &[Vec<u8>]) -> L2Flow {
        let key = L2Key {
            src: [0, 1, 2, 3, 4, 5],
            dst: [1, 0x0c, 0xcd, 1, 0, 1],
            vlan: 0,
            app,
        };
        let mut t = L2Table::default();
        let mut data = Vec::new();
        for (i, f) in frames.iter().enumerate() {
            let r = L2Rec {
                key,
                hash: key.hash(),
                frame: i as u64 + 1,
                ts_ns: i as i64,
                wire_len: 60,
                payload_off: data.len() as u32,
                payload_len: f.len() as u32,
            };
            data.extend(f);
            t.update(&r, 0, 0, &data);
        }
        let mut flows = t.into_flows();
        assert_eq!(flows.len(), 1);
        flows.pop().unwrap()
    }

    #[test]
    fn goose_sequence_checks() {
        let frames = vec![
            goose_frame(1, 1, 10, false, 0),
            goose_frame(1, 1, 11, false, 0),
            goose_frame(1, 1, 11, false, 0), // repeat
            goose_frame(1, 1, 1, false, 0),  // reset without a new state
            goose_frame(1, 2, 0, false, 0),  // new state
            goose_frame(1, 3, 5, false, 0),  // new state, sqNum not reset
            goose_frame(1, 7, 0, true, 0),   // jump, test frame
        ];
        let f = feed(L2App::Goose, &frames);
        assert_eq!(f.goose.len(), 1);
        let s = &f.goose[0];
        assert_eq!(
            (
                s.sq_anomalies,
                s.st_without_sq_reset,
                s.st_jumps,
                s.test_frames
            ),
            (2, 1, 1, 1)
        );
        assert_eq!(s.first_anomaly, Some((0, 3)));
        assert_eq!((s.last_st, s.last_sq), (Some(7), Some(0)));
        assert_eq!(f.test_frames, 1);
        assert_eq!(f.ops.len(), 1);
        assert_eq!(f.ops[0].1.pdus, 7);
        let facts: Vec<_> = f
            .facts
            .iter()
            .map(|x| (x.field, x.value.as_str()))
            .collect();
        assert!(facts.contains(&("goose_gocb_ref", "IED1/LLN0$GO$gcb01")));
        assert!(facts.contains(&("goose_go_id", "IED1_GO1")));
        let rows: Vec<_> = f.op_rows().collect();
        assert_eq!(rows[0].0.unit_text(), "0x0001");
        assert_eq!(rows[0].0.client, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn dcp_identity_and_directions() {
        let f = feed(L2App::ProfinetDcp, &[identify_response()]);
        let get = |k: &str| {
            f.facts
                .iter()
                .find(|x| x.field == k)
                .map(|x| x.value.clone())
        };
        assert_eq!(get("name").as_deref(), Some("plc-7"));
        assert_eq!(get("vendor").as_deref(), Some("PROFINET vendor 0x002a"));
        assert_eq!(get("product").as_deref(), Some("device 0x0101"));
        assert_eq!(get("model").as_deref(), Some("S7-1500"));
        assert_eq!(get("ip").as_deref(), Some("192.168.0.7"));
        assert_eq!(get("device_role").as_deref(), Some("IO-Device"));
        let (k, _) = f.op_rows().next().unwrap();
        assert!(
            !k.request && k.server == [0, 1, 2, 3, 4, 5],
            "the responder serves"
        );
        assert_eq!(
            (k.function_name(), k.class()),
            ("Identify", OpClass::Identity)
        );
        // A Set request writes; it discloses nothing about its sender.
        let set = dcp(0xfefd, 4, 0, &[2, 2, 0, 5, 0, 1, b'a', b'b', b'c', 0]);
        let f = feed(L2App::ProfinetDcp, &[set]);
        assert!(f.facts.is_empty());
        assert_eq!(f.op_rows().next().unwrap().0.class(), OpClass::Write);
    }

    #[test]
    fn classify_frames() {
        assert_eq!(
            classify("goose", &goose_frame(1, 1, 1, false, 0)),
            Some(L2App::Goose)
        );
        assert_eq!(classify("goose", &[0; 4]), None);
        assert_eq!(
            classify("profinet_dcp", &identify_response()),
            Some(L2App::ProfinetDcp)
        );
        assert_eq!(
            classify("profinet_dcp", &[0xfe, 0xfe, 5]),
            Some(L2App::ProfinetRt)
        );
        assert_eq!(
            classify("profinet_rt", &[0xc0, 0x00, 0, 0, 0, 0]),
            Some(L2App::ProfinetRt)
        );
        assert_eq!(
            classify("profinet_alarm", &[0xfe, 0x01]),
            Some(L2App::ProfinetAlarm)
        );
        assert_eq!(
            classify("profinet_ptcp", &[0xff, 0x40]),
            Some(L2App::ProfinetPtcp)
        );
        assert_eq!(classify("profinet_rt", &[0xc0]), None);
        assert_eq!(classify("lldp", &[0; 40]), None);
    }

    fn facts(f: &L2Flow) -> Vec<(&'static str, &str)> {
        f.facts
            .iter()
            .map(|x| (x.field, x.value.as_str()))
            .collect()
    }

    #[test]
    fn discovery_and_time_facts() {
        let f = feed(L2App::Lldp, &[crate::dissect::lldp::tests::lldpdu()]);
        assert_eq!(
            facts(&f),
            vec![
                ("name", "scalance-x204"),
                (
                    "model",
                    "SCALANCE X204-2, 6GK5 204-2BB10-2AA3, HW: 1, FW: V5.2.1"
                ),
                ("port", "port-003"),
                ("capabilities", "bridge"),
                ("mgmt_ip", "192.168.0.10"),
            ]
        );
        assert!(f.ops.is_empty(), "discovery frames are not operations");
        let f = feed(L2App::Cdp, &[crate::dissect::cdp::tests::packet()]);
        assert_eq!(
            facts(&f),
            vec![
                ("name", "sw-core-1.plant.local"),
                ("model", "cisco WS-C2960-24TT-L"),
                (
                    "firmware",
                    "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE5"
                ),
                ("port", "GigabitEthernet0/1"),
                ("capabilities", "switch,igmp"),
                ("mgmt_ip", "10.1.2.4"),
                ("native_vlan", "10"),
            ]
        );
        use crate::dissect::ptp::tests::message;
        let f = feed(
            L2App::Ptp,
            &[message(0, 24), message(0xb, 24), message(8, 24)],
        );
        assert_eq!(
            facts(&f),
            vec![
                ("ptp_clock_id", "00:1b:19:ff:fe:00:00:01"),
                ("ptp_domain", "24"),
                ("ptp_grandmaster", "ec:46:70:ff:fe:0a:0b:0c"),
            ]
        );
        let rows: Vec<_> = f
            .op_rows()
            .map(|(k, s)| (k.function_name(), k.unit_text(), s.pdus))
            .collect();
        assert_eq!(rows.len(), 3);
        assert!(rows.contains(&("Announce", "24".to_string(), 1)));
        assert_eq!(classify("ptp", &message(0, 0)), Some(L2App::Ptp));
        assert_eq!(classify("cdp", &[2, 180]), None);
        assert_eq!(first_line(b"\r\n  \nIOS\nx"), b"IOS");
        assert_eq!(
            version_line(b"Cisco IOS\nC2940, Version 12.1\n"),
            b"C2940, Version 12.1"
        );
        assert_eq!(version_line(b"Hirschmann MAR"), b"Hirschmann MAR");
    }

    #[test]
    fn merge_adds_up() {
        let a = feed(
            L2App::Goose,
            &[
                goose_frame(1, 1, 1, false, 0),
                goose_frame(1, 1, 3, false, 0),
            ],
        );
        let mut m = a.clone();
        m.merge(&a);
        assert_eq!(
            (m.frames, m.ops[0].1.pdus, m.goose[0].sq_anomalies),
            (4, 4, 2)
        );
        assert_eq!(m.facts.len(), a.facts.len());
    }
}
