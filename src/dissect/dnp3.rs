//! DNP3 (IEEE 1815-2012) over TCP/UDP 20000: the link frame (header, CRC'd blocks of
//! user data), the transport header, and the application fragment's control, function
//! code, IIN and object headers.
//!
//! Layers are parsed separately because an application fragment may span several link
//! frames: `parse` reads one frame from a stream's bytes, `Frame::copy_fragment_data`
//! appends its share of the fragment (the one copy, at most 249 bytes per frame: the
//! CRCs interleave the data), and `parse_app` reads the reassembled fragment. The
//! reassembly state itself (FIR/FIN/sequence per direction) belongs to `flow/`; the
//! transport sequence counts modulo 64, so a fragment continues from 63 to 0 (where
//! tshark 4.0 drops it).

use std::fmt;

use super::Op;
pub use super::OpClass;

/// Link header: start (2), length, control, destination (2), source (2), CRC (2).
pub const HEADER_LEN: usize = 10;
/// User data per CRC block (IEEE 1815-2012 9.2.4.1.2).
pub const BLOCK_LEN: usize = 16;
/// Most user data in one frame: the length field's 255 less control and addresses.
pub const MAX_USER_DATA: usize = 250;
/// Largest frame: header, 250 bytes of user data and 16 block CRCs.
pub const MAX_FRAME_LEN: usize = HEADER_LEN + MAX_USER_DATA + 2 * MAX_USER_DATA.div_ceil(BLOCK_LEN);
/// The two start octets.
pub const START: [u8; 2] = [0x05, 0x64];

// Link header offsets.
const LENGTH: usize = 2;
const CONTROL: usize = 3;
const DESTINATION: usize = 4;
const SOURCE: usize = 6;
const HEADER_CRC: usize = 8;
/// The length field counts control, destination and source before the user data.
const LENGTH_OVERHEAD: u8 = 5;

// Link control bits (9.2.4.1.3).
const CTL_DIR: u8 = 0x80;
const CTL_PRM: u8 = 0x40;
const CTL_FCB: u8 = 0x20;
const CTL_FCV_DFC: u8 = 0x10;
const CTL_FUNC: u8 = 0x0f;

// Transport header bits (8.2.1).
const TR_FIN: u8 = 0x80;
const TR_FIR: u8 = 0x40;
const TR_SEQ: u8 = 0x3f;

// Application control bits (4.2.2.4).
const AC_FIR: u8 = 0x80;
const AC_FIN: u8 = 0x40;
const AC_CON: u8 = 0x20;
const AC_UNS: u8 = 0x10;
const AC_SEQ: u8 = 0x0f;

/// Internal indications as one `u16`, IIN1 in the high byte (4.2.2.7; Wireshark's
/// layout).
pub const IIN_BROADCAST: u16 = 0x0100;
pub const IIN_CLASS1_EVENTS: u16 = 0x0200;
pub const IIN_CLASS2_EVENTS: u16 = 0x0400;
pub const IIN_CLASS3_EVENTS: u16 = 0x0800;
pub const IIN_NEED_TIME: u16 = 0x1000;
pub const IIN_LOCAL_CONTROL: u16 = 0x2000;
pub const IIN_DEVICE_TROUBLE: u16 = 0x4000;
pub const IIN_DEVICE_RESTART: u16 = 0x8000;
pub const IIN_NO_FUNC_CODE_SUPPORT: u16 = 0x0001;
pub const IIN_OBJECT_UNKNOWN: u16 = 0x0002;
pub const IIN_PARAMETER_ERROR: u16 = 0x0004;
pub const IIN_EVENT_BUFFER_OVERFLOW: u16 = 0x0008;
pub const IIN_ALREADY_EXECUTING: u16 = 0x0010;
pub const IIN_CONFIG_CORRUPT: u16 = 0x0020;
/// IIN2.0-2.2: the outstation rejected the request.
pub const IIN_REJECTED: u16 = IIN_NO_FUNC_CODE_SUPPORT | IIN_OBJECT_UNKNOWN | IIN_PARAMETER_ERROR;

/// DNP3's CRC-16: polynomial 0x3D65, reflected (0xA6BC), initial 0, complemented
/// (9.2.4.1.5; CRC-16/DNP, check value 0xEA82).
pub fn crc(data: &[u8]) -> u16 {
    let mut c = 0u16;
    for &b in data {
        c = (c >> 8) ^ CRC_TABLE[((c ^ b as u16) & 0xff) as usize];
    }
    !c
}

const CRC_TABLE: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u16;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xa6bc
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// Whether `block` ends with the little-endian CRC of the bytes before it.
fn block_ok(block: &[u8]) -> bool {
    match block.split_last_chunk::<2>() {
        Some((data, stored)) => crc(data) == u16::from_le_bytes(*stored),
        None => false,
    }
}

/// An application function code (IEEE 1815-2012 table 4-2); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionCode(pub u8);

impl FunctionCode {
    pub const CONFIRM: Self = Self(0);
    pub const READ: Self = Self(1);
    pub const WRITE: Self = Self(2);
    pub const SELECT: Self = Self(3);
    pub const OPERATE: Self = Self(4);
    pub const DIRECT_OPERATE: Self = Self(5);
    pub const DIRECT_OPERATE_NR: Self = Self(6);
    pub const IMMED_FREEZE: Self = Self(7);
    pub const IMMED_FREEZE_NR: Self = Self(8);
    pub const FREEZE_CLEAR: Self = Self(9);
    pub const FREEZE_CLEAR_NR: Self = Self(10);
    pub const FREEZE_AT_TIME: Self = Self(11);
    pub const FREEZE_AT_TIME_NR: Self = Self(12);
    pub const COLD_RESTART: Self = Self(13);
    pub const WARM_RESTART: Self = Self(14);
    pub const INITIALIZE_DATA: Self = Self(15);
    pub const INITIALIZE_APPL: Self = Self(16);
    pub const START_APPL: Self = Self(17);
    pub const STOP_APPL: Self = Self(18);
    pub const SAVE_CONFIG: Self = Self(19);
    pub const ENABLE_UNSOLICITED: Self = Self(20);
    pub const DISABLE_UNSOLICITED: Self = Self(21);
    pub const ASSIGN_CLASS: Self = Self(22);
    pub const DELAY_MEASURE: Self = Self(23);
    pub const RECORD_CURRENT_TIME: Self = Self(24);
    pub const OPEN_FILE: Self = Self(25);
    pub const CLOSE_FILE: Self = Self(26);
    pub const DELETE_FILE: Self = Self(27);
    pub const GET_FILE_INFO: Self = Self(28);
    pub const AUTHENTICATE_FILE: Self = Self(29);
    pub const ABORT_FILE: Self = Self(30);
    pub const ACTIVATE_CONFIG: Self = Self(31);
    pub const AUTHENTICATE_REQ: Self = Self(32);
    pub const AUTH_REQ_NO_ACK: Self = Self(33);
    pub const RESPONSE: Self = Self(129);
    pub const UNSOLICITED_RESPONSE: Self = Self(130);
    pub const AUTHENTICATE_RESP: Self = Self(131);

    /// The name Wireshark shows (`dnp3.al.func`).
    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "Confirm",
            1 => "Read",
            2 => "Write",
            3 => "Select",
            4 => "Operate",
            5 => "Direct Operate",
            6 => "Direct Operate No Ack",
            7 => "Immediate Freeze",
            8 => "Immediate Freeze No Ack",
            9 => "Freeze and Clear",
            10 => "Freeze and Clear No ACK",
            11 => "Freeze With Time",
            12 => "Freeze With Time No ACK",
            13 => "Cold Restart",
            14 => "Warm Restart",
            15 => "Initialize Data",
            16 => "Initialize Application",
            17 => "Start Application",
            18 => "Stop Application",
            19 => "Save Configuration",
            20 => "Enable Spontaneous Messages",
            21 => "Disable Spontaneous Messages",
            22 => "Assign Classes",
            23 => "Delay Measurement",
            24 => "Record Current Time",
            25 => "Open File",
            26 => "Close File",
            27 => "Delete File",
            28 => "Get File Info",
            29 => "Authenticate File",
            30 => "Abort File",
            31 => "Activate Config",
            32 => "Authentication Request",
            33 => "Authentication Error",
            129 => "Response",
            130 => "Unsolicited Response",
            131 => "Authentication Response",
            _ => "Unknown",
        }
    }

    /// What the operation does to the outstation. Freezes, restarts and starting or
    /// stopping an application change the process, so they are `Control`; saving or
    /// activating a configuration and file transfer are `Program`. Enabling or
    /// disabling unsolicited reporting and confirms shape the master's session
    /// (`Session`); delay measurement and record current time are the steps of time
    /// synchronisation (`Diagnostic`: the clock itself is set by a Write of g50).
    /// Responses carry the outstation's data (`Read`).
    pub fn class(self) -> OpClass {
        match self.0 {
            1 => OpClass::Read,
            2 | 22 => OpClass::Write,
            3..=18 => OpClass::Control,
            19 | 25..=31 => OpClass::Program,
            0 | 20 | 21 | 32 | 33 | 131 => OpClass::Session,
            23 | 24 => OpClass::Diagnostic,
            129 | 130 => OpClass::Read,
            _ => OpClass::Other,
        }
    }

    /// A response (carries IIN).
    pub fn is_response(self) -> bool {
        matches!(self.0, 129..=131)
    }
}

/// Name of a function code as the outputs store it (`Op::function`).
pub fn function_name(code: u16) -> &'static str {
    u8::try_from(code).map_or("Unknown", |c| FunctionCode(c).name())
}

/// Class of a function code as the outputs store it (`Op::function`).
pub fn function_class(code: u16) -> OpClass {
    u8::try_from(code).map_or(OpClass::Other, |c| FunctionCode(c).class())
}

/// Why bytes are not a DNP3 frame or application fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the header or the length field asks for.
    Short { need: usize, have: usize },
    /// The first two bytes are not 0x05 0x64.
    Start,
    /// Length field below 5 (control and addresses).
    Length(u8),
    /// The header's CRC does not match its first 8 bytes.
    HeaderCrc { stored: u16, computed: u16 },
}

/// One link frame, borrowed. Checked once in `parse` (start, length, header CRC);
/// block CRCs are checked by `crc_ok`, so damaged user data is still visible.
#[derive(Clone, Copy)]
pub struct Frame<'a> {
    hdr: &'a [u8; HEADER_LEN],
    /// User data blocks, each followed by its CRC; every block has 1..=16 data bytes.
    body: &'a [u8],
}

/// Bytes a frame whose length field is `len` (>= 5) occupies.
fn frame_len(len: u8) -> usize {
    let ud = (len - LENGTH_OVERHEAD) as usize;
    HEADER_LEN + ud + 2 * ud.div_ceil(BLOCK_LEN)
}

/// Parses the link frame at the start of `data`; `Frame::len` says how many bytes it
/// used.
pub fn parse(data: &[u8]) -> Result<Frame<'_>, Error> {
    // Reject non-DNP3 bytes as early as possible (a stream can resync on them).
    if data.iter().zip(START).any(|(a, b)| *a != b) {
        return Err(Error::Start);
    }
    let total = match data.get(LENGTH) {
        Some(&len) if len < LENGTH_OVERHEAD => return Err(Error::Length(len)),
        Some(&len) => frame_len(len),
        None => HEADER_LEN,
    };
    let (hdr, rest) = data.split_first_chunk::<HEADER_LEN>().ok_or(Error::Short {
        need: total,
        have: data.len(),
    })?;
    let stored = u16::from_le_bytes([hdr[HEADER_CRC], hdr[HEADER_CRC + 1]]);
    let computed = crc(&hdr[..HEADER_CRC]);
    if stored != computed {
        return Err(Error::HeaderCrc { stored, computed });
    }
    let body = rest.get(..total - HEADER_LEN).ok_or(Error::Short {
        need: total,
        have: data.len(),
    })?;
    Ok(Frame { hdr, body })
}

impl<'a> Frame<'a> {
    /// Bytes of the frame (header, user data and block CRCs).
    pub fn len(&self) -> usize {
        HEADER_LEN + self.body.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    pub fn control(&self) -> u8 {
        self.hdr[CONTROL]
    }
    /// Sent by the master.
    pub fn dir(&self) -> bool {
        self.control() & CTL_DIR != 0
    }
    /// Sent by the primary (initiating) station.
    pub fn prm(&self) -> bool {
        self.control() & CTL_PRM != 0
    }
    /// Frame count bit (primary frames).
    pub fn fcb(&self) -> bool {
        self.prm() && self.control() & CTL_FCB != 0
    }
    /// Frame count valid (primary frames).
    pub fn fcv(&self) -> bool {
        self.prm() && self.control() & CTL_FCV_DFC != 0
    }
    /// Data flow control: the secondary's buffers are full (secondary frames).
    pub fn dfc(&self) -> bool {
        !self.prm() && self.control() & CTL_FCV_DFC != 0
    }
    /// Link function code (meaning depends on `prm`).
    pub fn link_function(&self) -> u8 {
        self.control() & CTL_FUNC
    }
    /// The link function's name as Wireshark shows it.
    pub fn link_function_name(&self) -> &'static str {
        match (self.prm(), self.link_function()) {
            (true, 0) => "Reset of Remote Link",
            (true, 1) => "Reset of User Process",
            (true, 2) => "Test Function For Link",
            (true, 3) => "User Data",
            (true, 4) => "Unconfirmed User Data",
            (true, 9) => "Request Link Status",
            (false, 0) => "ACK",
            (false, 1) => "NACK",
            (false, 11) => "Status of Link",
            (false, 14) => "Link Service Not Functioning",
            (false, 15) => "Link Service Not Used or Implemented",
            _ => "Unknown",
        }
    }
    pub fn destination(&self) -> u16 {
        u16::from_le_bytes([self.hdr[DESTINATION], self.hdr[DESTINATION + 1]])
    }
    pub fn source(&self) -> u16 {
        u16::from_le_bytes([self.hdr[SOURCE], self.hdr[SOURCE + 1]])
    }
    /// User data bytes (without CRCs): the length field less 5.
    pub fn user_data_len(&self) -> usize {
        self.hdr[LENGTH].saturating_sub(LENGTH_OVERHEAD) as usize
    }
    /// The user data blocks, without their CRCs.
    pub fn user_data_blocks(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.body
            .chunks(BLOCK_LEN + 2)
            .map(|b| b.split_last_chunk::<2>().map_or(&[][..], |(d, _)| d))
    }
    /// Whether every block's CRC matches.
    pub fn crc_ok(&self) -> bool {
        self.body.chunks(BLOCK_LEN + 2).all(block_ok)
    }
    /// Appends the user data without CRCs (at most 250 bytes).
    pub fn copy_user_data(&self, out: &mut Vec<u8>) {
        for b in self.user_data_blocks() {
            out.extend_from_slice(b);
        }
    }
    /// Appends the user data after the transport header: this frame's part of an
    /// application fragment.
    pub fn copy_fragment_data(&self, out: &mut Vec<u8>) {
        let mut blocks = self.user_data_blocks();
        if let Some(first) = blocks.next() {
            out.extend_from_slice(first.get(1..).unwrap_or_default());
        }
        for b in blocks {
            out.extend_from_slice(b);
        }
    }
    /// The transport header (first user data byte); `None` for link-only frames.
    pub fn transport(&self) -> Option<Transport> {
        transport(self.body)
    }
}

impl fmt::Debug for Frame<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Frame")
            .field("len", &self.len())
            .field("dir", &self.dir())
            .field("prm", &self.prm())
            .field("fcb", &self.fcb())
            .field("fcv", &self.fcv())
            .field("dfc", &self.dfc())
            .field("link_function", &self.link_function())
            .field("link_function_name", &self.link_function_name())
            .field("destination", &self.destination())
            .field("source", &self.source())
            .field("user_data_len", &self.user_data_len())
            .field("blocks", &self.user_data_blocks().count())
            .field("crc_ok", &self.crc_ok())
            .field("transport", &self.transport())
            .finish()
    }
}

/// The transport header (IEEE 1815-2012 8.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transport {
    /// Last segment of the fragment.
    pub fin: bool,
    /// First segment of the fragment.
    pub fir: bool,
    pub seq: u8,
}

/// Reads the transport header at the start of a frame's user data.
pub fn transport(user_data: &[u8]) -> Option<Transport> {
    let &b = user_data.first()?;
    Some(Transport {
        fin: b & TR_FIN != 0,
        fir: b & TR_FIR != 0,
        seq: b & TR_SEQ,
    })
}

/// An application fragment, borrowed. Checked once in `parse_app`.
#[derive(Clone, Copy)]
pub struct App<'a> {
    /// Control, function code and, in responses, IIN.
    hdr: &'a [u8],
    objects: &'a [u8],
}

/// Parses a reassembled application fragment (the bytes after the transport headers).
pub fn parse_app(fragment: &[u8]) -> Result<App<'_>, Error> {
    let short = |need| Error::Short {
        need,
        have: fragment.len(),
    };
    let fc = FunctionCode(*fragment.get(1).ok_or(short(2))?);
    let hdr_len = if fc.is_response() { 4 } else { 2 };
    if fragment.len() < hdr_len {
        return Err(short(hdr_len));
    }
    let (hdr, objects) = fragment.split_at(hdr_len);
    Ok(App { hdr, objects })
}

impl<'a> App<'a> {
    pub fn control(&self) -> u8 {
        self.hdr[0]
    }
    pub fn fir(&self) -> bool {
        self.control() & AC_FIR != 0
    }
    pub fn fin(&self) -> bool {
        self.control() & AC_FIN != 0
    }
    /// The sender asks for an application confirm.
    pub fn con(&self) -> bool {
        self.control() & AC_CON != 0
    }
    /// Unsolicited.
    pub fn uns(&self) -> bool {
        self.control() & AC_UNS != 0
    }
    pub fn seq(&self) -> u8 {
        self.control() & AC_SEQ
    }
    pub fn function(&self) -> FunctionCode {
        FunctionCode(self.hdr[1])
    }
    pub fn is_response(&self) -> bool {
        self.function().is_response()
    }
    /// Internal indications of a response, IIN1 in the high byte.
    pub fn iin(&self) -> Option<u16> {
        match self.hdr {
            [_, _, a, b] => Some(u16::from_be_bytes([*a, *b])),
            _ => None,
        }
    }
    /// A response whose IIN2.0-2.2 reject the request (function unsupported, object
    /// unknown, parameter error).
    pub fn is_rejected(&self) -> bool {
        self.iin().is_some_and(|i| i & IIN_REJECTED != 0)
    }
    /// The object headers and their data, undecoded.
    pub fn object_bytes(&self) -> &'a [u8] {
        self.objects
    }
    pub fn objects(&self) -> Objects<'a> {
        Objects {
            rest: self.objects,
            function: self.function(),
            done: false,
        }
    }
}

impl fmt::Debug for App<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct List<'a>(Objects<'a>);
        impl fmt::Debug for List<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.0.clone()).finish()
            }
        }
        let mut rest = self.objects();
        rest.by_ref().for_each(drop);
        f.debug_struct("App")
            .field("fir", &self.fir())
            .field("fin", &self.fin())
            .field("con", &self.con())
            .field("uns", &self.uns())
            .field("seq", &self.seq())
            .field("function", &self.function())
            .field("name", &self.function().name())
            .field("class", &self.function().class())
            .field("iin", &self.iin().map(|i| Hex(i, 6)))
            .field("rejected", &self.is_rejected())
            .field("object_bytes", &self.object_bytes().len())
            .field("objects", &List(self.objects()))
            .field("unparsed", &rest.rest().len())
            .finish()
    }
}

/// A number in `Debug` output as hex of a given width (with the `0x`).
struct Hex(u16, usize);

impl fmt::Debug for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#0w$x}", self.0, w = self.1)
    }
}

/// An object header's range field (IEEE 1815-2012 4.2.2.7.3, qualifier codes 0-11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    /// Codes 0-5: start and stop indices (or virtual addresses).
    StartStop { start: u32, stop: u32 },
    /// Codes 7-9 and 11: a count of objects.
    Count(u32),
    /// Code 6: no range field (all objects of the type).
    All,
}

impl Range {
    /// Objects the range spans; `None` for `All` or a stop before its start.
    pub fn count(self) -> Option<u32> {
        match self {
            Range::StartStop { start, stop } => stop.checked_sub(start)?.checked_add(1),
            Range::Count(n) => Some(n),
            Range::All => None,
        }
    }
}

/// One object header and the objects that follow it.
#[derive(Clone, Copy)]
pub struct ObjectHeader<'a> {
    pub group: u8,
    pub variation: u8,
    pub qualifier: u8,
    pub range: Range,
    /// The objects (with their prefixes) when `sized`; otherwise the rest of the
    /// fragment, and the header is the iterator's last.
    pub data: &'a [u8],
    pub sized: bool,
}

impl ObjectHeader<'_> {
    /// Qualifier bits 4-6: what prefixes each object (index or size).
    pub fn prefix_code(&self) -> u8 {
        (self.qualifier >> 4) & 0x07
    }
    /// Qualifier bits 0-3: the range field's form.
    pub fn range_code(&self) -> u8 {
        self.qualifier & 0x0f
    }
    /// Control relay output block (g12v1), pattern control block (g12v2) or mask.
    pub fn is_binary_command(&self) -> bool {
        self.group == 12
    }
    /// Analog output block (g41): a setpoint command.
    pub fn is_analog_command(&self) -> bool {
        self.group == 41
    }
    /// File-control objects (g70).
    pub fn is_file(&self) -> bool {
        self.group == 70
    }
}

impl fmt::Debug for ObjectHeader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectHeader")
            .field("group", &self.group)
            .field("variation", &self.variation)
            .field("qualifier", &Hex(self.qualifier as u16, 4))
            .field("prefix_code", &self.prefix_code())
            .field("range_code", &self.range_code())
            .field("range", &self.range)
            .field("count", &self.range.count())
            .field("data_len", &self.data.len())
            .field("sized", &self.sized)
            .field("binary_command", &self.is_binary_command())
            .field("analog_command", &self.is_analog_command())
            .field("file", &self.is_file())
            .finish()
    }
}

/// Object headers of a fragment. Stops at a header it cannot read (truncated,
/// reserved qualifier), after yielding one whose objects it cannot size; `rest` then
/// holds what was not consumed. Every header consumes at least 3 bytes.
#[derive(Clone)]
pub struct Objects<'a> {
    rest: &'a [u8],
    function: FunctionCode,
    done: bool,
}

impl<'a> Objects<'a> {
    /// Bytes not yet consumed; non-empty after the end means the walk stopped early.
    pub fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// Whether headers of `group` carry no objects in this function's requests: reads,
    /// freezes, (un)solicited enables and class assignments name points without data.
    /// Freeze-at-time carries its time and interval (g50) first (4.4.7).
    fn header_only(&self, group: u8) -> bool {
        match self.function.0 {
            1 | 7..=10 | 20..=22 => true,
            11 | 12 => group != 50,
            _ => group == 60,
        }
    }
}

/// How big one object of a group and variation is (IEEE 1815-2012 annex A).
#[derive(Clone, Copy)]
enum Size {
    Bytes(usize),
    /// Packed bits without a prefix; one byte each behind an index (Wireshark).
    Bits(usize),
    /// Device attributes (g0): data type, length, value.
    Attribute,
}

fn object_size(group: u8, var: u8) -> Option<Size> {
    use Size::{Bits, Bytes};
    Some(match (group, var) {
        (0, 1..=255) => Size::Attribute,
        (1, 1) | (10, 1) | (12, 3) | (80, 1) => Bits(1),
        (3, 1) => Bits(2),
        (1, 2) | (3, 2) | (10, 2) | (102, 1) => Bytes(1),
        (2 | 4, 1) | (11 | 13, 1) => Bytes(1),
        (2 | 4, 2) | (11 | 13, 2) => Bytes(7),
        (2 | 4, 3) => Bytes(3),
        (12, 1 | 2) => Bytes(11),
        (20, 1 | 3) => Bytes(5),
        (20, 2 | 4) => Bytes(3),
        (20, 5 | 7) => Bytes(4),
        (20, 6 | 8) => Bytes(2),
        (21..=23, 1 | 3) => Bytes(5),
        (21..=23, 2 | 4) => Bytes(3),
        (21..=23, 5 | 7) => Bytes(11),
        (21..=23, 6 | 8) => Bytes(9),
        (21, 9 | 11) => Bytes(4),
        (21, 10 | 12) => Bytes(2),
        (30, 1 | 5) => Bytes(5),
        (30, 2) => Bytes(3),
        (30, 3) => Bytes(4),
        (30, 4) => Bytes(2),
        (30, 6) => Bytes(9),
        (31, 1 | 7) => Bytes(5),
        (31, 2) => Bytes(3),
        (31, 3) => Bytes(11),
        (31, 4 | 8) => Bytes(9),
        (31, 5) => Bytes(4),
        (31, 6) => Bytes(2),
        (32 | 33 | 42 | 43, 1 | 5) => Bytes(5),
        (32 | 33 | 42 | 43, 2) => Bytes(3),
        (32 | 33 | 42 | 43, 3 | 7) => Bytes(11),
        (32 | 33 | 42 | 43, 4 | 6) => Bytes(9),
        (32 | 33 | 42 | 43, 8) => Bytes(15),
        (34, 1) => Bytes(2),
        (34, 2 | 3) => Bytes(4),
        (40 | 41, 1 | 3) => Bytes(5),
        (40 | 41, 2) => Bytes(3),
        (40 | 41, 4) => Bytes(9),
        (50, 1 | 3) | (51, 1 | 2) => Bytes(6),
        (50, 2) => Bytes(10),
        (50, 4) => Bytes(11),
        (52, 1 | 2) => Bytes(2),
        (101, 1) => Bytes(2),
        (101, 2) => Bytes(4),
        (101, 3) => Bytes(8),
        // Octet strings and virtual terminal data: the variation is the length.
        (110..=113, 1..=255) => Bytes(var as usize),
        (120, 3) => Bytes(6),
        (120, 4) => Bytes(2),
        (121, 1) | (122, 1) => Bytes(7),
        (122, 2) => Bytes(13),
        _ => return None,
    })
}

/// Reads a little-endian unsigned integer of `width` (1, 2 or 4) bytes at `at`.
fn le(b: &[u8], at: usize, width: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(width)?)?;
    Some(match *s {
        [a] => a as u32,
        [a, b] => u16::from_le_bytes([a, b]) as u32,
        [a, b, c, d] => u32::from_le_bytes([a, b, c, d]),
        _ => return None,
    })
}

/// Width of the object-size prefix: prefix codes 4-6, and with the free-format range
/// (11) also 1-3 (IEEE 1815-2012 4.2.2.7.3.2).
fn size_prefix(prefix: u8, range_code: u8) -> Option<usize> {
    match (prefix, range_code) {
        (4, _) | (1, 11) => Some(1),
        (5, _) | (2, 11) => Some(2),
        (6, _) | (3, 11) => Some(4),
        _ => None,
    }
}

/// Bytes of `n` objects that start `body`, or `None` if they cannot be sized within it.
fn objects_len(
    group: u8,
    var: u8,
    prefix: u8,
    range_code: u8,
    n: u32,
    body: &[u8],
) -> Option<usize> {
    if let Some(w) = size_prefix(prefix, range_code) {
        // Each object is at least its prefix, so the loop ends within `body`.
        let mut at = 0usize;
        for _ in 0..n {
            let size = le(body, at, w)? as usize;
            at = at.checked_add(w + size).filter(|&e| e <= body.len())?;
        }
        return Some(at);
    }
    let index = match prefix {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 4,
        _ => return None,
    };
    let n = n as usize;
    let len = match object_size(group, var)? {
        Size::Bytes(s) => n.checked_mul(index + s)?,
        Size::Bits(bits) if index == 0 => n.checked_mul(bits)?.div_ceil(8),
        Size::Bits(_) => n.checked_mul(index + 1)?,
        Size::Attribute => {
            let mut at = 0usize;
            for _ in 0..n {
                // `at` stays within `body`, so the sum cannot overflow.
                let value = *body.get(at + index + 1)? as usize;
                at += index + 2 + value;
                if at > body.len() {
                    return None;
                }
            }
            at
        }
    };
    (len <= body.len()).then_some(len)
}

impl<'a> Iterator for Objects<'a> {
    type Item = ObjectHeader<'a>;

    fn next(&mut self) -> Option<ObjectHeader<'a>> {
        if self.done {
            return None;
        }
        let (&[group, variation, qualifier], after) = self.rest.split_first_chunk::<3>()?;
        let range_code = qualifier & 0x0f;
        let (range, range_len) = match range_code {
            0..=5 => {
                let w = [1, 2, 4][range_code as usize % 3];
                let (start, stop) = (le(after, 0, w), le(after, w, w));
                match start.zip(stop) {
                    Some((start, stop)) => (Range::StartStop { start, stop }, 2 * w),
                    None => return self.stop(),
                }
            }
            6 => (Range::All, 0),
            7..=9 | 11 => {
                let w = match range_code {
                    8 => 2,
                    9 => 4,
                    _ => 1,
                };
                match le(after, 0, w) {
                    Some(n) => (Range::Count(n), w),
                    None => return self.stop(),
                }
            }
            _ => return self.stop(),
        };
        let body = after.get(range_len..).unwrap_or_default();
        let prefix = (qualifier >> 4) & 0x07;
        // Size-prefixed objects carry data even in a read (file transport, g70v5).
        let len = if range == Range::All
            || (self.header_only(group) && size_prefix(prefix, range_code).is_none())
        {
            Some(0)
        } else {
            range
                .count()
                .and_then(|n| objects_len(group, variation, prefix, range_code, n, body))
        };
        let (data, sized) = match len.and_then(|len| body.split_at_checked(len)) {
            Some((data, rest)) => {
                self.rest = rest;
                (data, true)
            }
            None => {
                self.rest = &[];
                self.done = true;
                (body, false)
            }
        };
        Some(ObjectHeader {
            group,
            variation,
            qualifier,
            range,
            data,
            sized,
        })
    }
}

impl Objects<'_> {
    /// Ends the walk at an unreadable header, leaving it in `rest`.
    fn stop<T>(&mut self) -> Option<T> {
        self.done = true;
        None
    }
}

/// The operation an application fragment performs, for `ot_operations.csv`. The unit
/// is the outstation: the destination of a master's frame (DIR set), else the source.
pub fn op(app: &App<'_>, frame: &Frame<'_>) -> Op {
    let outstation = if frame.dir() {
        frame.destination()
    } else {
        frame.source()
    };
    Op {
        unit: outstation as u64,
        function: app.function().0 as u16,
        exception: app.is_rejected(),
        request: Some(frame.dir()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A link frame: control, destination, source and user data, with correct CRCs.
    fn frame(control: u8, dst: u16, src: u16, user: &[u8]) -> Vec<u8> {
        assert!(user.len() <= MAX_USER_DATA);
        let mut v = START.to_vec();
        v.push(user.len() as u8 + 5);
        v.push(control);
        v.extend(dst.to_le_bytes());
        v.extend(src.to_le_bytes());
        let c = crc(&v);
        v.extend(c.to_le_bytes());
        for b in user.chunks(BLOCK_LEN) {
            v.extend(b);
            v.extend(crc(b).to_le_bytes());
        }
        v
    }

    const MASTER: u16 = 1;
    const OUTSTATION: u16 = 10;

    /// A one-segment request from the master (DIR, PRM, unconfirmed user data).
    fn request(app: &[u8]) -> Vec<u8> {
        let mut user = vec![0xc0]; // FIN, FIR, seq 0
        user.extend(app);
        frame(0xc4, OUTSTATION, MASTER, &user)
    }

    /// A one-segment response from the outstation.
    fn response(app: &[u8]) -> Vec<u8> {
        let mut user = vec![0xc1];
        user.extend(app);
        frame(0x44, MASTER, OUTSTATION, &user)
    }

    /// Parses a one-frame fragment: frame, app bytes and the op.
    fn decode(bytes: &[u8]) -> (Vec<u8>, Op) {
        let f = parse(bytes).unwrap();
        assert_eq!(f.len(), bytes.len());
        assert!(f.crc_ok());
        let t = f.transport().unwrap();
        assert!(t.fir && t.fin);
        let mut frag = Vec::new();
        f.copy_fragment_data(&mut frag);
        let op = op(&parse_app(&frag).unwrap(), &f);
        (frag, op)
    }

    fn headers(app: &App<'_>) -> Vec<(u8, u8, u8, Range, usize, bool)> {
        app.objects()
            .map(|h| {
                (
                    h.group,
                    h.variation,
                    h.qualifier,
                    h.range,
                    h.data.len(),
                    h.sized,
                )
            })
            .collect()
    }

    #[test]
    fn crc_check_value() {
        assert_eq!(crc(b"123456789"), 0xea82);
        // A reset link states frame from the standard's examples.
        let f = [0x05, 0x64, 0x05, 0xc0, 0x01, 0x00, 0x00, 0x04];
        assert_eq!(crc(&f), u16::from_le_bytes([0xe9, 0x21]));
    }

    #[test]
    fn read_class0_and_response() {
        // Read g60v1 (class 0), qualifier 0x06.
        let req = request(&[0xc3, 0x01, 60, 1, 0x06]);
        let (frag, o) = decode(&req);
        let a = parse_app(&frag).unwrap();
        assert_eq!(
            (a.function(), a.seq(), a.fir(), a.fin()),
            (FunctionCode::READ, 3, true, true)
        );
        assert_eq!(a.iin(), None);
        assert_eq!(headers(&a), [(60, 1, 0x06, Range::All, 0, true)]);
        assert_eq!(
            o,
            Op {
                unit: OUTSTATION as u64,
                function: 1,
                exception: false,
                request: Some(true)
            }
        );
        assert_eq!(FunctionCode::READ.class(), OpClass::Read);

        // Response: IIN restart + class 1; g1v2 0..2 (3 flags), g30v1 0..1 (2 x 5 bytes).
        let resp = response(&[
            0xc3, 0x81, 0x82, 0x00, 1, 2, 0x00, 0, 2, 0x01, 0x01, 0x81, 30, 1, 0x01, 0, 0, 1, 0,
            0x01, 1, 0, 0, 0, 0x01, 2, 0, 0, 0,
        ]);
        let f = parse(&resp).unwrap();
        assert_eq!(f.user_data_len(), 30);
        assert_eq!(
            f.user_data_blocks().map(<[u8]>::len).collect::<Vec<_>>(),
            [16, 14]
        );
        let (frag, o) = decode(&resp);
        let a = parse_app(&frag).unwrap();
        assert_eq!(a.function(), FunctionCode::RESPONSE);
        assert_eq!(a.iin(), Some(IIN_DEVICE_RESTART | IIN_CLASS1_EVENTS));
        assert!(!a.is_rejected());
        assert_eq!(
            headers(&a),
            [
                (1, 2, 0x00, Range::StartStop { start: 0, stop: 2 }, 3, true),
                (
                    30,
                    1,
                    0x01,
                    Range::StartStop { start: 0, stop: 1 },
                    10,
                    true
                ),
            ]
        );
        assert_eq!(
            (o.unit, o.function, o.exception, o.request),
            (10, 129, false, Some(false))
        );
    }

    #[test]
    fn write_clears_restart() {
        // Write g80v1 index 7 = 0 (clear IIN1.7), then g50v1 time.
        let w = request(&[
            0xc4, 0x02, 80, 1, 0x00, 7, 7, 0x00, 50, 1, 0x07, 1, 1, 2, 3, 4, 5, 6,
        ]);
        let (frag, o) = decode(&w);
        let a = parse_app(&frag).unwrap();
        assert_eq!(a.function().class(), OpClass::Write);
        assert_eq!(
            headers(&a),
            [
                (80, 1, 0x00, Range::StartStop { start: 7, stop: 7 }, 1, true),
                (50, 1, 0x07, Range::Count(1), 6, true),
            ]
        );
        assert_eq!(a.objects().last().unwrap().data, &[1, 2, 3, 4, 5, 6]);
        assert_eq!((o.function, o.request), (2, Some(true)));
    }

    /// A g12v1 CROB for index 3: latch on, count 1, on 100 ms, off 0, status 0.
    const CROB: [u8; 18] = [
        12, 1, 0x28, 1, 0, 3, 0, 0x03, 1, 100, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    #[test]
    fn select_operate_crob() {
        for fc in [FunctionCode::SELECT, FunctionCode::OPERATE] {
            let mut app = vec![0xc5, fc.0];
            app.extend(CROB);
            let (frag, o) = decode(&request(&app));
            let a = parse_app(&frag).unwrap();
            let h: Vec<_> = a.objects().collect();
            assert_eq!(h.len(), 1);
            assert!(h[0].is_binary_command() && h[0].sized);
            assert_eq!(
                (h[0].prefix_code(), h[0].range_code(), h[0].range),
                (2, 8, Range::Count(1))
            );
            assert_eq!(h[0].data, &CROB[5..]);
            assert_eq!(fc.class(), OpClass::Control);
            assert_eq!(o.function, fc.0 as u16);
        }
        // The outstation echoes the CROB with status 4 (not supported) and IIN2.2.
        let mut app = vec![0xc5, 0x81, 0x00, 0x04];
        app.extend(CROB);
        *app.last_mut().unwrap() = 4;
        let (frag, o) = decode(&response(&app));
        let a = parse_app(&frag).unwrap();
        assert!(a.is_rejected());
        assert!(o.exception && o.request == Some(false));
        assert_eq!(a.objects().count(), 1);
    }

    #[test]
    fn direct_operate_analog() {
        // g41v2 (16-bit setpoint) index 5 = 1000, then g41v3 (float) index 6 = 1.5.
        let mut app = vec![
            0xc6, 0x05, 41, 2, 0x17, 1, 5, 0xe8, 0x03, 0, 41, 3, 0x28, 1, 0, 6, 0,
        ];
        app.extend(1.5f32.to_le_bytes());
        app.push(0);
        let (frag, o) = decode(&request(&app));
        let a = parse_app(&frag).unwrap();
        assert_eq!(
            headers(&a),
            [
                (41, 2, 0x17, Range::Count(1), 4, true),
                (41, 3, 0x28, Range::Count(1), 7, true),
            ]
        );
        assert!(a.objects().all(|h| h.is_analog_command()));
        assert_eq!((o.function, FunctionCode(6).class()), (5, OpClass::Control));
        assert_eq!(FunctionCode::DIRECT_OPERATE.name(), "Direct Operate");
    }

    #[test]
    fn restarts_and_application_control() {
        for (fc, name) in [
            (FunctionCode::COLD_RESTART, "Cold Restart"),
            (FunctionCode::WARM_RESTART, "Warm Restart"),
        ] {
            let (frag, o) = decode(&request(&[0xc7, fc.0]));
            let a = parse_app(&frag).unwrap();
            assert_eq!(a.objects().count(), 0);
            assert_eq!(
                (o.function, fc.name(), fc.class()),
                (fc.0 as u16, name, OpClass::Control)
            );
        }
        // The response carries the time delay (g52v2).
        let (frag, _) = decode(&response(&[
            0xc7, 0x81, 0x00, 0x00, 52, 2, 0x07, 1, 0x10, 0x27,
        ]));
        let a = parse_app(&frag).unwrap();
        assert_eq!(headers(&a), [(52, 2, 0x07, Range::Count(1), 2, true)]);
        // Stop application g90v1 "app" (size-prefixed, free format).
        let (frag, o) = decode(&request(&[
            0xc8, 18, 90, 1, 0x5b, 1, 3, 0, b'a', b'p', b'p',
        ]));
        let a = parse_app(&frag).unwrap();
        assert_eq!(headers(&a), [(90, 1, 0x5b, Range::Count(1), 5, true)]);
        assert_eq!(
            (o.function, function_name(18), function_class(18)),
            (18, "Stop Application", OpClass::Control)
        );
    }

    #[test]
    fn enable_unsolicited() {
        let (frag, o) = decode(&request(&[0xc9, 20, 60, 2, 0x06, 60, 3, 0x06, 60, 4, 0x06]));
        let a = parse_app(&frag).unwrap();
        let mut it = a.objects();
        assert_eq!(
            it.by_ref().map(|h| h.variation).collect::<Vec<_>>(),
            [2, 3, 4]
        );
        assert!(it.rest().is_empty());
        assert_eq!(
            (o.function, function_class(20), function_name(20)),
            (20, OpClass::Session, "Enable Spontaneous Messages")
        );
        // An unsolicited null response asks for a confirm.
        let (frag, o) = decode(&response(&[0xf0, 130, 0x00, 0x00]));
        let a = parse_app(&frag).unwrap();
        assert!(a.uns() && a.con());
        assert_eq!((o.function, o.unit), (130, OUTSTATION as u64));
        let (frag, _) = decode(&request(&[0xd0, 0x00]));
        assert_eq!(
            parse_app(&frag).unwrap().function().class(),
            OpClass::Session
        );
    }

    #[test]
    fn open_file() {
        // g70v3 file command: 2-byte size prefix, 1 object of 26 + name bytes.
        let name = b"/cfg/settings.xml";
        let mut obj = vec![0u8; 26];
        obj[0..2].copy_from_slice(&26u16.to_le_bytes()); // name offset
        obj[2..4].copy_from_slice(&(name.len() as u16).to_le_bytes());
        obj.extend(name);
        let mut app = vec![0xca, 25, 70, 3, 0x5b, 1];
        app.extend((obj.len() as u16).to_le_bytes());
        app.extend(&obj);
        let (frag, o) = decode(&request(&app));
        let a = parse_app(&frag).unwrap();
        let h: Vec<_> = a.objects().collect();
        assert_eq!(h.len(), 1);
        assert!(h[0].is_file() && h[0].sized);
        assert_eq!(h[0].data.len(), 2 + obj.len());
        assert_eq!(
            (o.function, function_class(25), function_name(25)),
            (25, OpClass::Program, "Open File")
        );
        // Reading a file block: g70v5 (handle, block number) is size-prefixed even in a
        // read, and the class read before it is header only.
        let (frag, _) = decode(&request(&[
            0xcb, 1, 60, 2, 0x06, 70, 5, 0x5b, 1, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0,
        ]));
        let a = parse_app(&frag).unwrap();
        assert_eq!(
            headers(&a),
            [
                (60, 2, 0x06, Range::All, 0, true),
                (70, 5, 0x5b, Range::Count(1), 10, true)
            ]
        );
    }

    #[test]
    fn multi_frame_fragment() {
        // A response of 40 g30v5 float analogs (5 bytes each): 204 bytes of fragment,
        // sent in two segments.
        let mut app = vec![0xc2, 0x81, 0x00, 0x00, 30, 5, 0x00, 0, 39];
        for i in 0..40u8 {
            app.push(0x01);
            app.extend((i as f32).to_le_bytes());
        }
        let (a, b) = app.split_at(150);
        let mut u1 = vec![0x40 | 5]; // FIR, seq 5
        u1.extend(a);
        let mut u2 = vec![0x80 | 6]; // FIN, seq 6
        u2.extend(b);
        let mut stream = frame(0x44, MASTER, OUTSTATION, &u1);
        stream.extend(frame(0x44, MASTER, OUTSTATION, &u2));

        let mut frag = Vec::new();
        let mut user = Vec::new();
        let mut rest = &stream[..];
        let mut segs = Vec::new();
        while !rest.is_empty() {
            let f = parse(rest).unwrap();
            assert!(f.crc_ok());
            segs.push(f.transport().unwrap());
            f.copy_user_data(&mut user);
            f.copy_fragment_data(&mut frag);
            rest = &rest[f.len()..];
        }
        assert_eq!(
            segs,
            [
                Transport {
                    fin: false,
                    fir: true,
                    seq: 5
                },
                Transport {
                    fin: true,
                    fir: false,
                    seq: 6
                }
            ]
        );
        assert_eq!(user.len(), app.len() + 2);
        assert_eq!(frag, app);
        let a = parse_app(&frag).unwrap();
        assert_eq!(
            headers(&a),
            [(
                30,
                5,
                0x00,
                Range::StartStop { start: 0, stop: 39 },
                200,
                true
            )]
        );
        // The first frame alone is a truncated fragment: the header is unsized.
        let first = parse(&stream).unwrap();
        let mut part = Vec::new();
        first.copy_fragment_data(&mut part);
        let h: Vec<_> = parse_app(&part).unwrap().objects().collect();
        assert_eq!((h.len(), h[0].sized, h[0].data.len()), (1, false, 150 - 9));
    }

    #[test]
    fn crc_failures() {
        let good = request(&[0xc3, 0x01, 60, 1, 0x06]);
        let mut bad = good.clone();
        bad[HEADER_CRC] ^= 1;
        assert!(matches!(parse(&bad), Err(Error::HeaderCrc { .. })));
        let mut bad = good.clone();
        bad[5] ^= 0x10; // destination
        assert!(matches!(parse(&bad), Err(Error::HeaderCrc { .. })));
        // A damaged user data byte: the frame parses, its CRC check fails.
        let mut bad = good.clone();
        bad[HEADER_LEN + 2] ^= 0x40;
        let f = parse(&bad).unwrap();
        assert!(!f.crc_ok());
        assert!(parse(&good).unwrap().crc_ok());
        let mut bad = good;
        let n = bad.len();
        bad[n - 1] ^= 0xff;
        assert!(!parse(&bad).unwrap().crc_ok());
    }

    #[test]
    fn not_dnp3() {
        assert_eq!(parse(&[0x05, 0x65]).err(), Some(Error::Start));
        assert_eq!(parse(&[0x06]).err(), Some(Error::Start));
        assert_eq!(parse(&[0x05, 0x64, 4]).err(), Some(Error::Length(4)));
        assert_eq!(parse(&[]).err(), Some(Error::Short { need: 10, have: 0 }));
        assert_eq!(
            parse(&[0x05, 0x64, 255]).err(),
            Some(Error::Short {
                need: MAX_FRAME_LEN,
                have: 3
            })
        );
        assert_eq!(MAX_FRAME_LEN, 292);
        // A link-only frame (reset link states) has no transport header.
        let f = frame(0xc0, OUTSTATION, MASTER, &[]);
        let p = parse(&f).unwrap();
        assert_eq!((p.len(), p.user_data_len(), p.transport()), (10, 0, None));
        assert_eq!(
            (p.link_function_name(), p.fcb(), p.dfc()),
            ("Reset of Remote Link", false, false)
        );
        assert!(parse_app(&[0xc0]).is_err());
        assert_eq!(
            parse_app(&[0xc0, 0x81, 0]).err(),
            Some(Error::Short { need: 4, have: 3 })
        );
    }

    #[test]
    fn objects_stop_where_they_cannot_size() {
        // Unknown group 99 in a response: yielded unsized, then the walk ends.
        let a = [
            0xc0, 0x81, 0, 0, 1, 2, 0x00, 0, 0, 0x01, 99, 1, 0x00, 0, 3, 1, 2, 3,
        ];
        let app = parse_app(&a).unwrap();
        let h: Vec<_> = app.objects().collect();
        assert_eq!(h.len(), 2);
        assert!(h[0].sized && !h[1].sized);
        assert_eq!(h[1].data, &[1, 2, 3]);
        // Reserved qualifier code: nothing yielded; rest keeps the header.
        let a = [0xc0, 0x02, 1, 2, 0x0a, 0, 0];
        let app = parse_app(&a).unwrap();
        let mut it = app.objects();
        assert!(it.next().is_none());
        assert_eq!(it.rest().len(), 5);
        // Huge counts and stop < start never loop or overflow.
        let a = [0xc0, 0x81, 0, 0, 30, 1, 0x09, 0xff, 0xff, 0xff, 0xff, 1];
        assert_eq!(
            parse_app(&a).unwrap().objects().filter(|h| h.sized).count(),
            0
        );
        let a = [0xc0, 0x81, 0, 0, 0, 240, 0x5b, 0xff, 1, 0];
        assert_eq!(parse_app(&a).unwrap().objects().count(), 1);
        let a = [0xc0, 0x81, 0, 0, 30, 1, 0x00, 5, 1];
        assert!(!parse_app(&a).unwrap().objects().next().unwrap().sized);
        // Device attributes (g0): type, length, value.
        let a = [
            0xc0, 0x81, 0, 0, 0, 250, 0x00, 250, 250, 1, 3, b'a', b'b', b'c', 1, 2, 0x07, 0, 0,
        ];
        let h: Vec<_> = parse_app(&a).unwrap().objects().collect();
        assert_eq!((h[0].data.len(), h[0].sized, h.len()), (5, true, 2));
        assert_eq!((h[1].group, h[1].range), (1, Range::Count(0)));
    }

    #[test]
    fn debug_touches_everything() {
        let mut app = vec![0xc5, 0x81, 0x00, 0x04];
        app.extend(CROB);
        let f = response(&app);
        let p = parse(&f).unwrap();
        let s = format!("{p:?}");
        assert!(
            s.contains("source: 10") && s.contains("crc_ok: true"),
            "{s}"
        );
        let mut frag = Vec::new();
        p.copy_fragment_data(&mut frag);
        let s = format!("{:?}", parse_app(&frag).unwrap());
        assert!(
            s.contains("group: 12") && s.contains("rejected: true") && s.contains("0x0004"),
            "{s}"
        );
    }

    #[test]
    fn every_prefix_is_handled() {
        let mut app = vec![0xc5, 0x03];
        app.extend(CROB);
        app.extend([41, 2, 0x17, 1, 5, 0xe8, 0x03, 0]);
        let f = request(&app);
        assert!(f.len() > HEADER_LEN + 18);
        for cut in 0..f.len() {
            let r = parse(&f[..cut]);
            assert!(matches!(r, Err(Error::Short { .. })), "cut {cut}: {r:?}");
        }
        let mut long = f.clone();
        long.extend(&f[..7]);
        for s in [&f[..], &long[..]] {
            let p = parse(s).unwrap();
            assert_eq!(p.len(), f.len());
        }
        for cut in 0..=app.len() {
            if let Ok(a) = parse_app(&app[..cut]) {
                let _ = format!("{a:?}");
                assert!(a.objects().count() <= 2);
            }
        }
    }
}
