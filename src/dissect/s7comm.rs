//! S7comm over ISO-on-TCP: the TPKT frame (RFC 1006 §6), the COTP TPDU inside it
//! (ISO 8073 / X.224 §13), and inside a DT TPDU either an S7comm PDU (protocol id
//! 0x32) or an S7comm-plus PDU (protocol id 0x72). Offsets follow Wireshark's S7comm
//! dissector (`packet-s7comm.c`) and Thomas Wiens' S7comm-plus plugin; names are
//! Wireshark's.
//!
//! `parse` checks the TPKT header and the COTP fixed part once; everything above is
//! read lazily by accessors that answer `None` for what the frame does not hold, so a
//! truncated S7 parameter still yields its header (`S7::is_truncated`). COTP
//! segmentation (DT without EOT) and S7 userdata fragments are not reassembled here:
//! each TPDU is read on its own, which is what a first (or only) fragment needs.
//!
//! # Operation codes
//! [`ops`] names each frame's operation with one 16-bit code, in ranges that cannot
//! collide, so [`function_name`] and [`function_class`] need only the code:
//!
//! - `0x0000..=0x00FF`: S7 Job / Ack_Data function (parameter byte 0); 4 = Read Var.
//! - `0x0100..=0x01FF`: `0x0100 + ROSCTR`, an S7 PDU without a function; a bare Ack
//!   is `0x0102`.
//! - `0x1000..=0x1FFF`: `0x1000 + group * 0x100 + subfunction`, Userdata; Read SZL is
//!   `0x1401`.
//! - `0x2000..=0x20FF`: `0x2000 + TPDU code`, COTP connection management: CR `0x20E0`,
//!   CC `0x20D0`, DR `0x2080`, DC `0x20C0`, ER `0x2070`.
//! - `0x7200..=0x72FF`: `0x7200 + opcode`, S7comm-plus without a function (Notification
//!   `0x7233`); keep-alives are `0x7200 + version byte` (`0x72FE`, `0x72FF`).
//! - `0x8000..=0xFFFF`: `0x8000 + function`, S7comm-plus request/response function
//!   (SetVariable is `0x84F2`).

use std::fmt;

use super::Op;
pub use super::OpClass;

/// TPKT header: version, reserved, 16-bit length of the whole frame (RFC 1006 §6).
pub const TPKT_HEADER_LEN: usize = 4;
pub const TPKT_VERSION: u8 = 3;
/// Smallest frame: the TPKT header and a class 0 DT header (LI, code, TPDU-NR/EOT).
pub const MIN_TPKT_LEN: u16 = 7;
pub const S7_PROTOCOL_ID: u8 = 0x32;
pub const S7PLUS_PROTOCOL_ID: u8 = 0x72;
/// S7 header of a Job or Userdata PDU; Ack and Ack_Data add error class and code.
pub const S7_HEADER_LEN: usize = 10;
pub const S7_ACK_HEADER_LEN: usize = 12;
/// Userdata parameter head: 3-byte head, length, method, type/group, subfunction, sequence.
pub const USERDATA_HEAD_LEN: usize = 8;

/// First code of each operation-code range (see the module docs).
pub const OP_NO_FUNCTION: u16 = 0x0100;
pub const OP_USERDATA: u16 = 0x1000;
pub const OP_COTP: u16 = 0x2000;
pub const OP_S7PLUS: u16 = 0x7200;
pub const OP_S7PLUS_FUNCTION: u16 = 0x8000;

/// Why bytes are not a TPKT frame carrying a COTP TPDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the TPKT header or its length field asks for.
    Short { need: usize, have: usize },
    /// TPKT version other than 3.
    Version(u8),
    /// TPKT reserved byte other than 0 (Wireshark's TPKT test requires 0).
    Reserved(u8),
    /// TPKT length below 7.
    Length(u16),
    /// COTP length indicator too small for its TPDU type, 255, or past the frame.
    CotpLength(u8),
    /// TPDU code ISO 8073 does not define (the whole code byte).
    CotpType(u8),
}

/// One TPKT frame, borrowed. Checked once in `parse`; accessors are infallible.
#[derive(Clone, Copy)]
pub struct Tpkt<'a> {
    frame: &'a [u8],
    cotp: Cotp<'a>,
}

/// Parses the TPKT frame at the start of `data`; `Tpkt::len` says how many bytes it used.
pub fn parse(data: &[u8]) -> Result<Tpkt<'_>, Error> {
    let hdr = data.first_chunk::<TPKT_HEADER_LEN>().ok_or(Error::Short {
        need: TPKT_HEADER_LEN,
        have: data.len(),
    })?;
    if hdr[0] != TPKT_VERSION {
        return Err(Error::Version(hdr[0]));
    }
    if hdr[1] != 0 {
        return Err(Error::Reserved(hdr[1]));
    }
    let len = u16::from_be_bytes([hdr[2], hdr[3]]);
    if len < MIN_TPKT_LEN {
        return Err(Error::Length(len));
    }
    let frame = data.get(..len as usize).ok_or(Error::Short {
        need: len as usize,
        have: data.len(),
    })?;
    let tpdu = &frame[TPKT_HEADER_LEN..];
    let (li, code) = (tpdu[0], tpdu[1]);
    // Fixed-part lengths of ISO 8073 §13 (normal formats; class 0 DT has LI 2).
    let min_li = match PduType(code & 0xF0) {
        PduType::DT => 2,
        PduType::CR | PduType::CC | PduType::DR => 6,
        PduType::DC => 5,
        PduType::ED | PduType::EA | PduType::AK | PduType::RJ | PduType::ER => 4,
        _ => return Err(Error::CotpType(code)),
    };
    // LI 255 is reserved (§13.2.1).
    if li < min_li || li == 255 || li as usize >= tpdu.len() {
        return Err(Error::CotpLength(li));
    }
    let (hdr, data) = tpdu.split_at(li as usize + 1);
    Ok(Tpkt {
        frame,
        cotp: Cotp { hdr, data },
    })
}

impl<'a> Tpkt<'a> {
    /// Bytes of the frame (the TPKT length field).
    pub fn len(&self) -> usize {
        self.frame.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    pub fn bytes(&self) -> &'a [u8] {
        self.frame
    }
    pub fn cotp(&self) -> Cotp<'a> {
        self.cotp
    }
    /// The S7comm PDU of a DT TPDU whose payload starts with protocol id 0x32.
    pub fn s7(&self) -> Option<S7<'a>> {
        (self.cotp.pdu_type() == PduType::DT)
            .then(|| S7::parse(self.cotp.data))
            .flatten()
    }
    /// The S7comm-plus PDU of a DT TPDU whose payload starts with protocol id 0x72.
    pub fn s7plus(&self) -> Option<S7Plus<'a>> {
        (self.cotp.pdu_type() == PduType::DT)
            .then(|| S7Plus::parse(self.cotp.data))
            .flatten()
    }
}

impl fmt::Debug for Tpkt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tpkt")
            .field("len", &self.len())
            .field("cotp", &self.cotp())
            .field("s7", &self.s7())
            .field("s7plus", &self.s7plus())
            .field("op", &ops(self))
            .finish()
    }
}

/// The operation a frame performs, for `ot_operations.csv` (codes: see the module docs).
/// `None` for DT TPDUs that carry neither S7comm nor S7comm-plus (MMS, continuation
/// fragments) and for COTP TPDUs that are not connection management.
pub fn ops(t: &Tpkt<'_>) -> Option<Op> {
    let op = |function, exception, request| Op {
        unit: 0,
        function,
        exception,
        request,
    };
    let cotp = t.cotp();
    let ty = cotp.pdu_type();
    match ty {
        PduType::DT => {
            if let Some(s) = t.s7() {
                Some(op(s.code(), s.is_exception(), s.is_request()))
            } else {
                let p = t.s7plus()?;
                Some(op(p.code()?, p.is_exception(), p.is_request()))
            }
        }
        PduType::CR | PduType::CC | PduType::DR | PduType::DC | PduType::ER => Some(op(
            OP_COTP | ty.0 as u16,
            ty == PduType::ER,
            match ty {
                PduType::CR => Some(true),
                PduType::CC => Some(false),
                _ => None,
            },
        )),
        _ => None,
    }
}

/// The name of an operation code from any range (see the module docs).
pub fn function_name(code: u16) -> &'static str {
    match code {
        0..=0xFF => Function(code as u8).name(),
        0x0100..=0x01FF => match Rosctr(code as u8) {
            Rosctr::JOB => "Job (no function)",
            Rosctr::ACK => "Ack",
            Rosctr::ACK_DATA => "Ack_Data (no function)",
            Rosctr::USERDATA => "Userdata (no parameter head)",
            _ => "Unknown ROSCTR",
        },
        0x1000..=0x1FFF => userdata_name(FunctionGroup((code >> 8) as u8 & 0x0F), code as u8),
        0x2000..=0x20FF => match PduType(code as u8) {
            PduType::CR => "COTP Connection Request",
            PduType::CC => "COTP Connection Confirm",
            PduType::DR => "COTP Disconnect Request",
            PduType::DC => "COTP Disconnect Confirm",
            PduType::ER => "COTP TPDU Error",
            _ => "COTP",
        },
        0x7200..=0x72FF => match code as u8 {
            0xFE => "S7comm-plus Extended Keep Alive",
            0xFF => "S7comm-plus Keep Alive",
            op => match PlusOpcode(op) {
                PlusOpcode::REQUEST => "S7comm-plus Request",
                PlusOpcode::RESPONSE | PlusOpcode::RESPONSE2 => "S7comm-plus Response",
                PlusOpcode::NOTIFICATION => "S7comm-plus Notification",
                _ => "S7comm-plus",
            },
        },
        0x8000..=0xFFFF => PlusFunction(code & 0x7FFF).name(),
        _ => "Unknown",
    }
}

/// The class of an operation code from any range (see the module docs).
pub fn function_class(code: u16) -> OpClass {
    match code {
        0..=0xFF => Function(code as u8).class(),
        0x1000..=0x1FFF => userdata_class(FunctionGroup((code >> 8) as u8 & 0x0F), code as u8),
        0x2000..=0x20FF => match PduType(code as u8) {
            PduType::CR | PduType::CC | PduType::DR | PduType::DC => OpClass::Session,
            _ => OpClass::Other,
        },
        0x72FE | 0x72FF => OpClass::Session,
        0x8000..=0xFFFF => PlusFunction(code & 0x7FFF).class(),
        _ => OpClass::Other,
    }
}

// ---------------------------------------------------------------------------------
// COTP

/// A COTP TPDU code (ISO 8073 §13.1, high nibble of the code byte); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PduType(pub u8);

impl PduType {
    pub const ED: Self = Self(0x10);
    pub const EA: Self = Self(0x20);
    pub const RJ: Self = Self(0x50);
    pub const AK: Self = Self(0x60);
    pub const ER: Self = Self(0x70);
    pub const DR: Self = Self(0x80);
    pub const DC: Self = Self(0xC0);
    pub const CC: Self = Self(0xD0);
    pub const CR: Self = Self(0xE0);
    pub const DT: Self = Self(0xF0);

    /// Wireshark's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::ED => "ED Expedited Data",
            Self::EA => "EA Expedited Data Acknowledgement",
            Self::RJ => "RJ Reject",
            Self::AK => "AK Data Acknowledgement",
            Self::ER => "ER TPDU Error",
            Self::DR => "DR Disconnect Request",
            Self::DC => "DC Disconnect Confirm",
            Self::CC => "CC Connect Confirm",
            Self::CR => "CR Connect Request",
            Self::DT => "DT Data",
            _ => "Unknown",
        }
    }
}

/// COTP parameter codes of CR/CC (ISO 8073 §13.3.4).
pub const PARAM_TPDU_SIZE: u8 = 0xC0;
pub const PARAM_CALLING_TSAP: u8 = 0xC1;
pub const PARAM_CALLED_TSAP: u8 = 0xC2;

/// One COTP TPDU: the header (LI byte included) and the user data after it.
#[derive(Clone, Copy)]
pub struct Cotp<'a> {
    /// At least 3 bytes: LI, code, and the rest of the fixed and variable parts.
    hdr: &'a [u8],
    data: &'a [u8],
}

impl<'a> Cotp<'a> {
    pub fn length_indicator(&self) -> u8 {
        self.hdr[0]
    }
    pub fn pdu_type(&self) -> PduType {
        PduType(self.hdr[1] & 0xF0)
    }
    /// Low nibble of the code byte (CDT: credit, in CR/CC/AK/RJ).
    pub fn credit(&self) -> u8 {
        self.hdr[1] & 0x0F
    }
    fn be16(&self, at: usize) -> Option<u16> {
        self.hdr
            .get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
    fn is_connection(&self) -> bool {
        matches!(
            self.pdu_type(),
            PduType::CR | PduType::CC | PduType::DR | PduType::DC
        )
    }
    /// Class 0/1 DT header (LI 2) has no reference; normal formats do.
    fn dt_normal(&self) -> bool {
        self.pdu_type() == PduType::DT && self.hdr.len() > 3
    }
    pub fn dst_ref(&self) -> Option<u16> {
        match self.pdu_type() {
            PduType::DT if !self.dt_normal() => None,
            _ => self.be16(2),
        }
    }
    pub fn src_ref(&self) -> Option<u16> {
        self.is_connection().then(|| self.be16(4)).flatten()
    }
    /// Protocol class (high nibble of the class/option byte of CR/CC).
    pub fn class(&self) -> Option<u8> {
        matches!(self.pdu_type(), PduType::CR | PduType::CC)
            .then(|| self.hdr.get(6).map(|b| b >> 4))
            .flatten()
    }
    /// Disconnect reason of a DR (§13.5.3 e).
    pub fn reason(&self) -> Option<u8> {
        (self.pdu_type() == PduType::DR)
            .then(|| self.hdr.get(6).copied())
            .flatten()
    }
    /// Reject cause of an ER (§13.12.3 c).
    pub fn reject_cause(&self) -> Option<u8> {
        (self.pdu_type() == PduType::ER)
            .then(|| self.hdr.get(4).copied())
            .flatten()
    }
    /// EOT flag of a DT: the last TPDU of a TSDU.
    pub fn eot(&self) -> Option<bool> {
        self.dt_nr_byte().map(|b| b & 0x80 != 0)
    }
    /// TPDU-NR of a DT (7 bits in class 0/1 and normal format).
    pub fn tpdu_number(&self) -> Option<u8> {
        self.dt_nr_byte().map(|b| b & 0x7F)
    }
    fn dt_nr_byte(&self) -> Option<u8> {
        if self.pdu_type() != PduType::DT {
            return None;
        }
        self.hdr.get(if self.dt_normal() { 4 } else { 2 }).copied()
    }
    /// Variable-part parameters (code, value) of CR, CC, DR, DC and ER.
    pub fn params(&self) -> Params<'a> {
        let start = match self.pdu_type() {
            PduType::CR | PduType::CC | PduType::DR => 7,
            PduType::DC => 6,
            PduType::ER => 5,
            _ => self.hdr.len(),
        };
        Params {
            rest: self.hdr.get(start..).unwrap_or(&[]),
        }
    }
    pub fn param(&self, code: u8) -> Option<&'a [u8]> {
        self.params().find(|&(c, _)| c == code).map(|(_, v)| v)
    }
    /// Calling TSAP (parameter 0xC1) as sent; S7comm-plus uses strings here.
    pub fn src_tsap_bytes(&self) -> Option<&'a [u8]> {
        self.param(PARAM_CALLING_TSAP)
    }
    /// Called TSAP (parameter 0xC2) as sent.
    pub fn dst_tsap_bytes(&self) -> Option<&'a [u8]> {
        self.param(PARAM_CALLED_TSAP)
    }
    /// Calling TSAP when it is 2 bytes long (S7: connection type, rack/slot).
    pub fn src_tsap(&self) -> Option<u16> {
        tsap16(self.src_tsap_bytes()?)
    }
    /// Called TSAP when it is 2 bytes long.
    pub fn dst_tsap(&self) -> Option<u16> {
        tsap16(self.dst_tsap_bytes()?)
    }
    /// (rack, slot) from the called TSAP's second byte, rack * 32 + slot (as Wireshark
    /// and plcscan read it).
    pub fn rack_slot(&self) -> Option<(u8, u8)> {
        let b = self.dst_tsap()? as u8;
        Some((b >> 5, b & 0x1F))
    }
    /// Maximum TPDU size in bytes (parameter 0xC0: its base-2 logarithm).
    pub fn tpdu_size(&self) -> Option<u32> {
        match self.param(PARAM_TPDU_SIZE)? {
            &[exp] if exp < 32 => Some(1 << exp),
            _ => None,
        }
    }
    /// User data after the header (the S7 PDU of a DT).
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
}

fn tsap16(b: &[u8]) -> Option<u16> {
    match *b {
        [hi, lo] => Some(u16::from_be_bytes([hi, lo])),
        _ => None,
    }
}

impl fmt::Debug for Cotp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cotp")
            .field("li", &self.length_indicator())
            .field("type", &self.pdu_type())
            .field("name", &self.pdu_type().name())
            .field("credit", &self.credit())
            .field("dst_ref", &self.dst_ref())
            .field("src_ref", &self.src_ref())
            .field("class", &self.class())
            .field("reason", &self.reason())
            .field("reject_cause", &self.reject_cause())
            .field("eot", &self.eot())
            .field("tpdu_number", &self.tpdu_number())
            .field("params", &self.params())
            .field("src_tsap", &self.src_tsap_bytes())
            .field("dst_tsap", &self.dst_tsap_bytes())
            .field("rack_slot", &self.rack_slot())
            .field("tpdu_size", &self.tpdu_size())
            .field("data_len", &self.data().len())
            .finish()
    }
}

/// Iterator over COTP variable-part parameters; stops at the first one that overruns.
#[derive(Clone)]
pub struct Params<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Params<'a> {
    type Item = (u8, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        let [code, len, rest @ ..] = self.rest else {
            self.rest = &[];
            return None;
        };
        let Some((value, rest)) = rest.split_at_checked(*len as usize) else {
            self.rest = &[];
            return None;
        };
        self.rest = rest;
        Some((*code, value))
    }
}

impl fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

// ---------------------------------------------------------------------------------
// S7comm wire numbers

/// S7 PDU type (ROSCTR, header byte 1); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rosctr(pub u8);

impl Rosctr {
    pub const JOB: Self = Self(1);
    pub const ACK: Self = Self(2);
    pub const ACK_DATA: Self = Self(3);
    pub const USERDATA: Self = Self(7);

    pub fn name(self) -> &'static str {
        match self {
            Self::JOB => "Job",
            Self::ACK => "Ack",
            Self::ACK_DATA => "Ack_Data",
            Self::USERDATA => "Userdata",
            _ => "Unknown",
        }
    }
}

/// Job / Ack_Data function (parameter byte 0); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Function(pub u8);

impl Function {
    pub const CPU_SERVICES: Self = Self(0x00);
    pub const READ_VAR: Self = Self(0x04);
    pub const WRITE_VAR: Self = Self(0x05);
    pub const REQUEST_DOWNLOAD: Self = Self(0x1A);
    pub const DOWNLOAD_BLOCK: Self = Self(0x1B);
    pub const DOWNLOAD_ENDED: Self = Self(0x1C);
    pub const START_UPLOAD: Self = Self(0x1D);
    pub const UPLOAD: Self = Self(0x1E);
    pub const END_UPLOAD: Self = Self(0x1F);
    /// PI service (program invocation): start, compress, copy RAM to ROM, insert/delete blocks.
    pub const PLC_CONTROL: Self = Self(0x28);
    pub const PLC_STOP: Self = Self(0x29);
    pub const SETUP_COMMUNICATION: Self = Self(0xF0);

    /// Wireshark's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::CPU_SERVICES => "CPU services",
            Self::READ_VAR => "Read Var",
            Self::WRITE_VAR => "Write Var",
            Self::REQUEST_DOWNLOAD => "Request download",
            Self::DOWNLOAD_BLOCK => "Download block",
            Self::DOWNLOAD_ENDED => "Download ended",
            Self::START_UPLOAD => "Start upload",
            Self::UPLOAD => "Upload",
            Self::END_UPLOAD => "End upload",
            Self::PLC_CONTROL => "PI-Service",
            Self::PLC_STOP => "PLC Stop",
            Self::SETUP_COMMUNICATION => "Setup communication",
            _ => "Unknown",
        }
    }

    /// What the operation does to the device.
    pub fn class(self) -> OpClass {
        match self {
            Self::READ_VAR => OpClass::Read,
            Self::WRITE_VAR => OpClass::Write,
            Self::PLC_CONTROL | Self::PLC_STOP => OpClass::Control,
            Self(0x1A..=0x1F) => OpClass::Program,
            Self::SETUP_COMMUNICATION => OpClass::Session,
            _ => OpClass::Other,
        }
    }
}

/// Header error class of Ack / Ack_Data (byte 10); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorClass(pub u8);

impl ErrorClass {
    pub const NONE: Self = Self(0x00);
    pub const APPLICATION_RELATIONSHIP: Self = Self(0x81);
    pub const OBJECT_DEFINITION: Self = Self(0x82);
    pub const NO_RESOURCES: Self = Self(0x83);
    pub const SERVICE_PROCESSING: Self = Self(0x84);
    pub const SUPPLIES: Self = Self(0x85);
    pub const ACCESS: Self = Self(0x87);

    pub fn name(self) -> &'static str {
        match self {
            Self::NONE => "No error",
            Self::APPLICATION_RELATIONSHIP => "Application relationship",
            Self::OBJECT_DEFINITION => "Object definition",
            Self::NO_RESOURCES => "No resources available",
            Self::SERVICE_PROCESSING => "Error on service processing",
            Self::SUPPLIES => "Error on supplies",
            Self::ACCESS => "Access error",
            _ => "Unknown",
        }
    }
}

/// Per-item return code in response data and userdata data; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReturnCode(pub u8);

impl ReturnCode {
    pub const RESERVED: Self = Self(0x00);
    pub const HARDWARE_ERROR: Self = Self(0x01);
    pub const ACCESS_DENIED: Self = Self(0x03);
    pub const INVALID_ADDRESS: Self = Self(0x05);
    pub const TYPE_NOT_SUPPORTED: Self = Self(0x06);
    pub const TYPE_INCONSISTENT: Self = Self(0x07);
    pub const OBJECT_DOES_NOT_EXIST: Self = Self(0x0A);
    pub const SUCCESS: Self = Self(0xFF);

    pub fn name(self) -> &'static str {
        match self {
            Self::RESERVED => "Reserved",
            Self::HARDWARE_ERROR => "Hardware error",
            Self::ACCESS_DENIED => "Accessing the object not allowed",
            Self::INVALID_ADDRESS => "Invalid address",
            Self::TYPE_NOT_SUPPORTED => "Data type not supported",
            Self::TYPE_INCONSISTENT => "Data type inconsistent",
            Self::OBJECT_DOES_NOT_EXIST => "Object does not exist",
            Self::SUCCESS => "Success",
            _ => "Unknown",
        }
    }
}

/// Variable item addressing mode (syntax id); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SyntaxId(pub u8);

impl SyntaxId {
    pub const S7ANY: Self = Self(0x10);
    pub const NCK: Self = Self(0x82);
    pub const DRIVEESANY: Self = Self(0xA2);
    pub const DBREAD: Self = Self(0xB0);
    pub const SYM1200: Self = Self(0xB2);

    pub fn name(self) -> &'static str {
        match self.0 {
            0x10 => "S7ANY",
            0x13 => "PBC-R_ID",
            0x15 => "ALARM_LOCKFREE",
            0x16 => "ALARM_IND",
            0x19 => "ALARM_ACK",
            0x1A => "ALARM_QUERYREQ",
            0x1C => "NOTIFY_IND",
            0x82 => "NCK",
            0x83 => "NCK_M",
            0x84 => "NCK_I",
            0xA2 => "DRIVEESANY",
            0xB0 => "DBREAD",
            0xB2 => "1200SYM",
            _ => "Unknown",
        }
    }
}

/// Memory area of an S7ANY item; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Area(pub u8);

impl Area {
    pub const COUNTER: Self = Self(0x1C);
    pub const TIMER: Self = Self(0x1D);
    pub const PERIPHERAL: Self = Self(0x80);
    pub const INPUTS: Self = Self(0x81);
    pub const OUTPUTS: Self = Self(0x82);
    pub const FLAGS: Self = Self(0x83);
    pub const DB: Self = Self(0x84);
    pub const DI: Self = Self(0x85);
    pub const LOCAL: Self = Self(0x86);
    pub const V: Self = Self(0x87);

    pub fn name(self) -> &'static str {
        match self.0 {
            0x01 => "Data record",
            0x03 => "System info of 200 family",
            0x05 => "System flags of 200 family",
            0x06 => "Analog inputs of 200 family",
            0x07 => "Analog outputs of 200 family",
            0x1C => "S7 counters (C)",
            0x1D => "S7 timers (T)",
            0x1E => "IEC counters (200 family)",
            0x1F => "IEC timers (200 family)",
            0x80 => "Direct peripheral access (P)",
            0x81 => "Inputs (I)",
            0x82 => "Outputs (Q)",
            0x83 => "Flags (M)",
            0x84 => "Data blocks (DB)",
            0x85 => "Instance data blocks (DI)",
            0x86 => "Local data (L)",
            0x87 => "Unknown yet (V)",
            _ => "Unknown",
        }
    }
}

/// Transport size (element type) of an S7ANY item; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransportSize(pub u8);

impl TransportSize {
    pub const BIT: Self = Self(1);
    pub const BYTE: Self = Self(2);
    pub const WORD: Self = Self(4);

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "BIT",
            2 => "BYTE",
            3 => "CHAR",
            4 => "WORD",
            5 => "INT",
            6 => "DWORD",
            7 => "DINT",
            8 => "REAL",
            10 => "TOD",
            11 => "TIME",
            12 => "S5TIME",
            15 => "DATE_AND_TIME",
            28 => "COUNTER",
            29 => "TIMER",
            30 => "IEC TIMER",
            31 => "IEC COUNTER",
            32 => "HS COUNTER",
            _ => "Unknown",
        }
    }
}

/// Block type as its two ASCII characters ("0A" = DB); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockType(pub u16);

impl BlockType {
    pub const OB: Self = Self(0x3038);
    pub const DB: Self = Self(0x3041);
    pub const SDB: Self = Self(0x3042);
    pub const FC: Self = Self(0x3043);
    pub const SFC: Self = Self(0x3044);
    pub const FB: Self = Self(0x3045);
    pub const SFB: Self = Self(0x3046);

    pub fn name(self) -> &'static str {
        match self {
            Self::OB => "OB",
            Self::DB => "DB",
            Self::SDB => "SDB",
            Self::FC => "FC",
            Self::SFC => "SFC",
            Self::FB => "FB",
            Self::SFB => "SFB",
            _ => "Unknown",
        }
    }
}

/// Userdata type (high nibble of parameter byte 5); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserdataType(pub u8);

impl UserdataType {
    pub const PUSH: Self = Self(0);
    pub const NC_PUSH: Self = Self(3);
    pub const REQUEST: Self = Self(4);
    pub const NC_REQUEST: Self = Self(7);
    pub const RESPONSE: Self = Self(8);
    pub const NC_RESPONSE: Self = Self(11);

    pub fn name(self) -> &'static str {
        match self {
            Self::PUSH => "Push",
            Self::NC_PUSH => "NC Push",
            Self::REQUEST => "Request",
            Self::NC_REQUEST => "NC Request",
            Self::RESPONSE => "Response",
            Self::NC_RESPONSE => "NC Response",
            _ => "Unknown",
        }
    }
    /// `Some(true)` for requests; pushes travel like responses (from the CPU).
    pub fn is_request(self) -> Option<bool> {
        match self {
            Self::REQUEST | Self::NC_REQUEST => Some(true),
            Self::RESPONSE | Self::NC_RESPONSE | Self::PUSH | Self::NC_PUSH => Some(false),
            _ => None,
        }
    }
}

/// Userdata function group (low nibble of parameter byte 5); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionGroup(pub u8);

impl FunctionGroup {
    pub const MODE_TRANSITION: Self = Self(0);
    pub const PROGRAMMER: Self = Self(1);
    pub const CYCLIC: Self = Self(2);
    pub const BLOCK: Self = Self(3);
    pub const CPU: Self = Self(4);
    pub const SECURITY: Self = Self(5);
    pub const PBC: Self = Self(6);
    pub const TIME: Self = Self(7);
    pub const NC: Self = Self(15);

    pub fn name(self) -> &'static str {
        match self {
            Self::MODE_TRANSITION => "Mode-transition",
            Self::PROGRAMMER => "Programmer commands",
            Self::CYCLIC => "Cyclic services",
            Self::BLOCK => "Block functions",
            Self::CPU => "CPU functions",
            Self::SECURITY => "Security",
            Self::PBC => "PBC BSEND/BRECV",
            Self::TIME => "Time functions",
            Self::NC => "NC programming",
            _ => "Userdata",
        }
    }
}

/// Read SZL subfunction of the CPU functions group.
pub const SUBFUNCTION_READ_SZL: u8 = 1;

/// Wireshark's subfunction names per group; the group's name for unknown ones.
fn userdata_name(group: FunctionGroup, sub: u8) -> &'static str {
    let name = match (group, sub) {
        (FunctionGroup::MODE_TRANSITION, _) => match sub {
            0 => "Mode-transition STOP",
            1 => "Mode-transition Warm Restart",
            2 => "Mode-transition RUN",
            3 => "Mode-transition Hot Restart",
            4 => "Mode-transition HOLD",
            6 => "Mode-transition Cold Restart",
            9 => "Mode-transition RUN_R (H-System redundant)",
            11 => "Mode-transition LINK-UP",
            12 => "Mode-transition UPDATE",
            _ => "",
        },
        (FunctionGroup::PROGRAMMER, _) => match sub {
            1 => "Block status",
            2 => "Variable status",
            3 => "Output ISTACK",
            4 => "Output BSTACK",
            5 => "Output LSTACK",
            6 => "Time measurement from to",
            7 => "Force selection",
            8 => "Modify variable",
            9 => "Force",
            10 => "Breakpoint",
            11 => "Exit HOLD",
            12 => "Memory reset",
            13 => "Disable job",
            14 => "Enable job",
            15 => "Delete job",
            16 => "Read job list",
            17 => "Read job",
            18 => "Replace job",
            19 => "Block status v2",
            22 => "Flash LED",
            _ => "",
        },
        (FunctionGroup::CYCLIC, _) => match sub {
            1 => "Cyclic transfer",
            4 => "Unsubscribe",
            5 => "Change driven transfer",
            7 => "Change driven transfer modify",
            8 => "RDREC",
            _ => "",
        },
        (FunctionGroup::BLOCK, _) => match sub {
            1 => "List blocks",
            2 => "List blocks of type",
            3 => "Get block info",
            _ => "",
        },
        (FunctionGroup::CPU, _) => match sub {
            1 => "Read SZL",
            2 => "Message service",
            3 => "Diagnostic message",
            5 => "ALARM_8 indication",
            6 => "NOTIFY indication",
            7 => "ALARM_8 lock",
            8 => "ALARM_8 unlock",
            9 => "SCAN indication",
            11 => "ALARM ack",
            12 => "ALARM ack indication",
            13 => "ALARM lock indication",
            14 => "ALARM unlock indication",
            17 => "ALARM_SQ indication",
            18 => "ALARM_S indication",
            19 => "ALARM query",
            22 => "NOTIFY_8 indication",
            _ => "",
        },
        (FunctionGroup::SECURITY, 1) => "PLC password",
        (FunctionGroup::TIME, _) => match sub {
            1 => "Read clock",
            2 | 4 => "Set clock",
            3 => "Read clock (following)",
            _ => "",
        },
        // NC programming reuses download/upload names; prefixed to tell them from Jobs.
        (FunctionGroup::NC, _) => match sub {
            1 => "NC Request download",
            2 => "NC Download block",
            3 => "NC Continue download",
            4 => "NC Download ended",
            6 => "NC Start upload",
            7 => "NC Upload",
            8 => "NC Continue upload",
            _ => "",
        },
        _ => "",
    };
    if name.is_empty() {
        group.name()
    } else {
        name
    }
}

/// SZL reads identify the device; programming-device monitoring is diagnostics;
/// forcing and modifying variables write; the password is the session's.
fn userdata_class(group: FunctionGroup, sub: u8) -> OpClass {
    match (group, sub) {
        (FunctionGroup::CPU, SUBFUNCTION_READ_SZL) => OpClass::Identity,
        (FunctionGroup::PROGRAMMER, 7..=9) => OpClass::Write,
        (FunctionGroup::PROGRAMMER, 10..=12) => OpClass::Control,
        (FunctionGroup::CYCLIC, _) => OpClass::Read,
        (FunctionGroup::SECURITY, _) => OpClass::Session,
        (FunctionGroup::TIME, 2 | 4) => OpClass::Write,
        (FunctionGroup::NC, 1..=8) => OpClass::Program,
        (
            FunctionGroup::MODE_TRANSITION
            | FunctionGroup::PROGRAMMER
            | FunctionGroup::BLOCK
            | FunctionGroup::CPU
            | FunctionGroup::TIME,
            _,
        ) => OpClass::Diagnostic,
        _ => OpClass::Other,
    }
}

/// SZL (system status list) id; the low byte is the partial list number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SzlId(pub u16);

impl SzlId {
    pub const ALL_IDS: Self = Self(0x0000);
    pub const MODULE_ID: Self = Self(0x0011);
    pub const COMPONENT_ID: Self = Self(0x001C);

    /// Partial list number (low byte): 0x11 for 0x0011 and 0x0111 alike.
    pub fn list(self) -> u8 {
        self.0 as u8
    }
    /// Wireshark's name of the partial list.
    pub fn name(self) -> &'static str {
        match self.list() {
            0x00 => "List of all the SZL-IDs of a module",
            0x11 => "Module identification",
            0x12 => "CPU characteristics",
            0x13 => "User memory areas",
            0x14 => "System areas",
            0x15 => "Block types",
            0x16 | 0x23 => "Priority classes",
            0x17 => "List of the permitted SDBs with a number < 1000",
            0x18 => "Maximum S7-300 I/O configuration",
            0x19 | 0x74 => "Status of the module LEDs",
            0x1C => "Component Identification",
            0x21 => "Interrupt / error assignment",
            0x22 => "Interrupt status",
            0x24 => "Modes",
            0x25 => "Assignment between process image partitions and OBs",
            0x31 => "Communication capability parameters",
            0x32 => "Communication status data",
            0x33 => "Diagnostics: device logon list",
            0x37 => "Ethernet - Details of a Module",
            0x71 => "H CPU group information",
            0x75 => "Switched DP slaves in the H-system",
            0x81 => "Start information list",
            0x82 => "Start event list",
            0x90 => "DP Master System Information",
            0x91 => "Module status information",
            0x92 | 0x94 => "Rack / station status information",
            0x95 => "Extended DP master system information",
            0x96 => "Module status information, PROFINET IO and PROFIBUS DP",
            0xA0 => "Diagnostic buffer of the CPU",
            0xB1 => "Module diagnostic information (data record 0)",
            0xB2 => "Module diagnostic information (data record 1), geographical address",
            0xB3 => "Module diagnostic information (data record 1), logical address",
            0xB4 => "Diagnostic data of a DP slave",
            _ => "Unknown",
        }
    }
}

// ---------------------------------------------------------------------------------
// S7comm PDU

/// One S7comm PDU, borrowed: header, and parameter and data parts as far as present.
#[derive(Clone, Copy)]
pub struct S7<'a> {
    hdr: &'a [u8; S7_HEADER_LEN],
    /// Error class and code of Ack / Ack_Data.
    err: Option<[u8; 2]>,
    param: &'a [u8],
    data: &'a [u8],
    truncated: bool,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

impl<'a> S7<'a> {
    /// Wireshark's heuristic: protocol id 0x32, ROSCTR 1..=7, the whole header.
    fn parse(pdu: &'a [u8]) -> Option<S7<'a>> {
        let (hdr, rest) = pdu.split_first_chunk::<S7_HEADER_LEN>()?;
        if hdr[0] != S7_PROTOCOL_ID || !(1..=7).contains(&hdr[1]) {
            return None;
        }
        let (err, rest) = match Rosctr(hdr[1]) {
            Rosctr::ACK | Rosctr::ACK_DATA => {
                let (e, rest) = rest.split_first_chunk::<2>()?;
                (Some(*e), rest)
            }
            _ => (None, rest),
        };
        let plen = u16::from_be_bytes([hdr[6], hdr[7]]) as usize;
        let dlen = u16::from_be_bytes([hdr[8], hdr[9]]) as usize;
        let (param, rest) = rest.split_at(plen.min(rest.len()));
        let data = &rest[..dlen.min(rest.len())];
        Some(S7 {
            hdr,
            err,
            param,
            data,
            truncated: param.len() < plen || data.len() < dlen,
        })
    }

    pub fn rosctr(&self) -> Rosctr {
        Rosctr(self.hdr[1])
    }
    pub fn redundancy_id(&self) -> u16 {
        u16::from_be_bytes([self.hdr[2], self.hdr[3]])
    }
    /// PDU reference: a request's and its response's are equal.
    pub fn pdu_ref(&self) -> u16 {
        u16::from_be_bytes([self.hdr[4], self.hdr[5]])
    }
    /// Parameter length as declared.
    pub fn param_len(&self) -> u16 {
        u16::from_be_bytes([self.hdr[6], self.hdr[7]])
    }
    /// Data length as declared.
    pub fn data_len(&self) -> u16 {
        u16::from_be_bytes([self.hdr[8], self.hdr[9]])
    }
    pub fn header_len(&self) -> usize {
        if self.err.is_some() {
            S7_ACK_HEADER_LEN
        } else {
            S7_HEADER_LEN
        }
    }
    /// The TPDU holds less than the declared parameter and data (a COTP fragment).
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }
    pub fn error_class(&self) -> ErrorClass {
        ErrorClass(self.err.map_or(0, |e| e[0]))
    }
    pub fn error_code(&self) -> u8 {
        self.err.map_or(0, |e| e[1])
    }
    /// Error class and code (class * 256 + code) of an Ack / Ack_Data, when not 0.
    pub fn error(&self) -> Option<u16> {
        self.err.map(u16::from_be_bytes).filter(|&e| e != 0)
    }
    /// Parameter part, as far as present.
    pub fn parameter(&self) -> &'a [u8] {
        self.param
    }
    /// Data part, as far as present.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Function of a Job or Ack_Data (Wireshark reads no parameter in a bare Ack).
    pub fn function(&self) -> Option<Function> {
        match self.rosctr() {
            Rosctr::JOB | Rosctr::ACK_DATA => self.param.first().map(|&f| Function(f)),
            _ => None,
        }
    }
    fn job(&self, f: &[Function]) -> bool {
        self.rosctr() == Rosctr::JOB && self.function().is_some_and(|x| f.contains(&x))
    }
    fn is_var(&self) -> bool {
        matches!(
            self.function(),
            Some(Function::READ_VAR | Function::WRITE_VAR)
        )
    }
    /// Item count of a Read Var / Write Var Job or Ack_Data.
    pub fn item_count(&self) -> Option<u8> {
        self.is_var().then(|| self.param.get(1).copied()).flatten()
    }
    /// Variable specifications of a Read Var / Write Var Job.
    pub fn items(&self) -> Items<'a> {
        let listed = self.job(&[Function::READ_VAR, Function::WRITE_VAR]);
        Items {
            rest: if listed {
                self.param.get(2..).unwrap_or(&[])
            } else {
                &[]
            },
            left: if listed {
                self.item_count().unwrap_or(0)
            } else {
                0
            },
        }
    }
    pub fn first_item(&self) -> Option<Item<'a>> {
        self.items().next()
    }
    /// Return code of the first data item of a Read Var / Write Var Ack_Data.
    pub fn first_return_code(&self) -> Option<ReturnCode> {
        (self.rosctr() == Rosctr::ACK_DATA && self.is_var())
            .then(|| self.data.first().map(|&r| ReturnCode(r)))
            .flatten()
    }
    /// Setup Communication parameters (Job or Ack_Data).
    pub fn setup(&self) -> Option<Setup> {
        if self.function() != Some(Function::SETUP_COMMUNICATION) {
            return None;
        }
        Some(Setup {
            max_amq_calling: be16(self.param, 2)?,
            max_amq_called: be16(self.param, 4)?,
            pdu_len: be16(self.param, 6)?,
        })
    }
    /// PI service of a PLC Control (0x28) or PLC Stop (0x29) Job.
    pub fn pi_service(&self) -> Option<PiService<'a>> {
        let p = self.param;
        let (argument, at) = match self.function()? {
            _ if self.rosctr() != Rosctr::JOB => return None,
            // Function, 7 unknown bytes, 2-byte parameter block length and block.
            Function::PLC_CONTROL => {
                let n = be16(p, 8)? as usize;
                (p.get(10..10 + n)?, 10 + n)
            }
            // Function, 5 unknown bytes.
            Function::PLC_STOP => (&p[..0], 6),
            _ => return None,
        };
        let n = *p.get(at)? as usize;
        Some(PiService {
            stop: self.function() == Some(Function::PLC_STOP),
            argument,
            service: p.get(at + 1..at + 1 + n)?,
        })
    }
    /// File name of a Request download, Download block, Download ended or Start upload Job.
    pub fn file_name(&self) -> Option<&'a [u8]> {
        if !self.job(&[
            Function::REQUEST_DOWNLOAD,
            Function::DOWNLOAD_BLOCK,
            Function::DOWNLOAD_ENDED,
            Function::START_UPLOAD,
        ]) {
            return None;
        }
        // Function, status, 2 unknown (error code), 4 unknown, name length, name.
        let n = *self.param.get(8)? as usize;
        self.param.get(9..9 + n)
    }
    /// The block a download/upload Job names (`_` + type + 5-digit number + file system).
    pub fn block(&self) -> Option<BlockId> {
        match self.file_name()? {
            [b'_', rest @ ..] if rest.len() == 8 => {
                let b = BlockId::from_ascii(rest)?;
                (BlockType::OB.0..=BlockType::SFB.0)
                    .contains(&b.block_type.0)
                    .then_some(b)
            }
            _ => None,
        }
    }
    /// Upload id of an Upload / End upload Job or a Start upload Ack_Data.
    pub fn upload_id(&self) -> Option<u32> {
        let f = self.function()?;
        let at = match (self.rosctr(), f) {
            (Rosctr::JOB, Function::UPLOAD | Function::END_UPLOAD) => 4,
            (Rosctr::ACK_DATA, Function::START_UPLOAD) => 4,
            _ => return None,
        };
        be32(self.param, at)
    }
    /// Userdata parameter head and data (ROSCTR 7 with at least an 8-byte parameter).
    pub fn userdata(&self) -> Option<Userdata<'a>> {
        if self.rosctr() != Rosctr::USERDATA {
            return None;
        }
        let (head, _) = self.param.split_first_chunk::<USERDATA_HEAD_LEN>()?;
        Some(Userdata {
            head,
            param: self.param,
            data: self.data,
        })
    }
    /// SZL id, index and (in a response) records of a Read SZL userdata PDU.
    pub fn szl(&self) -> Option<Szl<'a>> {
        self.userdata()?.szl()
    }

    /// Operation code (see the module docs).
    pub fn code(&self) -> u16 {
        if let Some(f) = self.function() {
            f.0 as u16
        } else if let Some(u) = self.userdata() {
            u.code()
        } else {
            OP_NO_FUNCTION | self.rosctr().0 as u16
        }
    }
    /// The direction the PDU states: Job and userdata requests are requests.
    pub fn is_request(&self) -> Option<bool> {
        match self.rosctr() {
            Rosctr::JOB => Some(true),
            Rosctr::ACK | Rosctr::ACK_DATA => Some(false),
            Rosctr::USERDATA => self.userdata().and_then(|u| u.kind().is_request()),
            _ => None,
        }
    }
    /// A header error, or a userdata error code or failed return code.
    pub fn is_exception(&self) -> bool {
        self.error().is_some() || self.userdata().is_some_and(|u| u.is_exception())
    }
}

impl fmt::Debug for S7<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S7")
            .field("rosctr", &self.rosctr())
            .field("rosctr_name", &self.rosctr().name())
            .field("redundancy_id", &self.redundancy_id())
            .field("pdu_ref", &self.pdu_ref())
            .field("param_len", &self.param_len())
            .field("data_len", &self.data_len())
            .field("header_len", &self.header_len())
            .field("truncated", &self.is_truncated())
            .field("error_class", &self.error_class().name())
            .field("error", &self.error())
            .field("function", &self.function())
            .field("name", &function_name(self.code()))
            .field("class", &function_class(self.code()))
            .field("item_count", &self.item_count())
            .field("items", &self.items())
            .field("first_return_code", &self.first_return_code())
            .field("setup", &self.setup())
            .field("pi_service", &self.pi_service())
            .field("file_name", &self.file_name().map(Ascii))
            .field("block", &self.block())
            .field("upload_id", &self.upload_id())
            .field("userdata", &self.userdata())
            .field("request", &self.is_request())
            .field("exception", &self.is_exception())
            .field("parameter_len", &self.parameter().len())
            .field("data_part_len", &self.data().len())
            .finish()
    }
}

/// Bytes shown as text where printable (file names, SZL strings).
struct Ascii<'a>(&'a [u8]);

impl fmt::Debug for Ascii<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}

/// Setup Communication: parallel jobs each side accepts and the negotiated PDU size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setup {
    pub max_amq_calling: u16,
    pub max_amq_called: u16,
    pub pdu_len: u16,
}

/// Iterator over the variable specifications of a Read Var / Write Var Job; stops at
/// the item count or at the first item that overruns the parameter.
#[derive(Clone)]
pub struct Items<'a> {
    rest: &'a [u8],
    left: u8,
}

impl<'a> Iterator for Items<'a> {
    type Item = Item<'a>;
    fn next(&mut self) -> Option<Item<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        // Spec type, length of the rest, then the rest.
        let item = self
            .rest
            .get(1)
            .and_then(|&n| self.rest.split_at_checked(2 + n as usize));
        let Some((bytes, rest)) = item else {
            self.left = 0;
            return None;
        };
        self.rest = rest;
        Some(Item { bytes })
    }
}

impl fmt::Debug for Items<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// One variable specification (at least spec type and length bytes).
#[derive(Clone, Copy)]
pub struct Item<'a> {
    bytes: &'a [u8],
}

impl<'a> Item<'a> {
    /// Variable specification type (0x12).
    pub fn spec_type(&self) -> u8 {
        self.bytes[0]
    }
    pub fn syntax_id(&self) -> Option<SyntaxId> {
        self.bytes.get(2).map(|&s| SyntaxId(s))
    }
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
    /// The S7ANY address: transport size, count, DB, area, bit address.
    pub fn any(&self) -> Option<AnyAddress> {
        if self.syntax_id() != Some(SyntaxId::S7ANY) {
            return None;
        }
        let b = self.bytes.get(3..12)?;
        Some(AnyAddress {
            transport_size: TransportSize(b[0]),
            count: u16::from_be_bytes([b[1], b[2]]),
            db: u16::from_be_bytes([b[3], b[4]]),
            area: Area(b[5]),
            address: u32::from_be_bytes([0, b[6], b[7], b[8]]),
        })
    }
}

impl fmt::Debug for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Item")
            .field("spec_type", &self.spec_type())
            .field("syntax_id", &self.syntax_id().map(|s| s.name()))
            .field("any", &self.any())
            .field("len", &self.bytes().len())
            .finish()
    }
}

/// An S7ANY item address.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AnyAddress {
    pub transport_size: TransportSize,
    /// Number of elements of `transport_size`.
    pub count: u16,
    /// DB number (0 outside DB/DI).
    pub db: u16,
    pub area: Area,
    /// Bit address: byte * 8 + bit (24 bits on the wire).
    pub address: u32,
}

impl AnyAddress {
    pub fn byte(&self) -> u32 {
        self.address >> 3
    }
    pub fn bit(&self) -> u8 {
        (self.address & 7) as u8
    }
}

impl fmt::Debug for AnyAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyAddress")
            .field("transport_size", &self.transport_size.name())
            .field("count", &self.count)
            .field("db", &self.db)
            .field("area", &self.area.name())
            .field("byte", &self.byte())
            .field("bit", &self.bit())
            .finish()
    }
}

/// A block named in a download/upload file name or a PI service argument:
/// two ASCII type characters, a 5-digit number, a file system letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockId {
    pub block_type: BlockType,
    /// `None` when the five characters are not all digits.
    pub number: Option<u32>,
    /// 'P' passive, 'A' active, 'B' both.
    pub filesystem: u8,
}

impl BlockId {
    fn from_ascii(b: &[u8]) -> Option<BlockId> {
        let &[t0, t1, ref num @ .., fs] = b.get(..8)? else {
            return None;
        };
        let number = num.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + (d - b'0') as u32)
        });
        Some(BlockId {
            block_type: BlockType(u16::from_be_bytes([t0, t1])),
            number,
            filesystem: fs,
        })
    }
}

/// What a PI service (PLC Control / PLC Stop) asks the CPU to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlcAction {
    Stop,
    /// `P_PROGRAM` without argument (warm/hot restart).
    HotStart,
    /// `P_PROGRAM` with argument "C ".
    ColdStart,
    /// `_INSE` / `_INS2`: activate downloaded blocks.
    InsertBlocks,
    /// `_DELE`: delete blocks.
    DeleteBlocks,
    /// `_GARB`: compress memory.
    Compress,
    /// `_MODU`: copy RAM to ROM.
    CopyRamToRom,
    Other,
}

impl PlcAction {
    pub fn name(self) -> &'static str {
        match self {
            PlcAction::Stop => "PLC stop",
            PlcAction::HotStart => "Hot start",
            PlcAction::ColdStart => "Cold start",
            PlcAction::InsertBlocks => "Activate blocks",
            PlcAction::DeleteBlocks => "Delete blocks",
            PlcAction::Compress => "Compress memory",
            PlcAction::CopyRamToRom => "Copy RAM to ROM",
            PlcAction::Other => "Other PI service",
        }
    }
}

/// The PI service of a PLC Control / PLC Stop Job: service name and parameter block.
#[derive(Clone, Copy)]
pub struct PiService<'a> {
    stop: bool,
    argument: &'a [u8],
    service: &'a [u8],
}

impl<'a> PiService<'a> {
    /// Service name, e.g. `P_PROGRAM`, `_DELE`.
    pub fn service(&self) -> &'a [u8] {
        self.service
    }
    /// Parameter block (empty for PLC Stop).
    pub fn argument(&self) -> &'a [u8] {
        self.argument
    }
    pub fn action(&self) -> PlcAction {
        if self.stop {
            return PlcAction::Stop;
        }
        match (self.service, self.argument) {
            (b"P_PROGRAM", b"") => PlcAction::HotStart,
            (b"P_PROGRAM", b"C " | b"C") => PlcAction::ColdStart,
            (b"_INSE" | b"_INS2", _) => PlcAction::InsertBlocks,
            (b"_DELE", _) => PlcAction::DeleteBlocks,
            (b"_GARB", _) => PlcAction::Compress,
            (b"_MODU", _) => PlcAction::CopyRamToRom,
            _ => PlcAction::Other,
        }
    }
    /// Blocks listed by `_INSE` / `_DELE`: count, one unknown byte, 8-byte names.
    pub fn blocks(&self) -> impl Iterator<Item = BlockId> + 'a {
        let listed = matches!(
            self.action(),
            PlcAction::InsertBlocks | PlcAction::DeleteBlocks
        );
        let (count, names) = match self.argument {
            [n, _, names @ ..] if listed => (*n as usize, names),
            _ => (0, &[][..]),
        };
        names
            .chunks_exact(8)
            .take(count)
            .filter_map(BlockId::from_ascii)
    }
}

impl fmt::Debug for PiService<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Blocks<'a>(PiService<'a>);
        impl fmt::Debug for Blocks<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.0.blocks()).finish()
            }
        }
        f.debug_struct("PiService")
            .field("service", &Ascii(self.service()))
            .field("argument", &Ascii(self.argument()))
            .field("action", &self.action())
            .field("blocks", &Blocks(*self))
            .finish()
    }
}

// ---------------------------------------------------------------------------------
// Userdata

/// A Userdata PDU's parameter head and data part.
#[derive(Clone, Copy)]
pub struct Userdata<'a> {
    head: &'a [u8; USERDATA_HEAD_LEN],
    param: &'a [u8],
    data: &'a [u8],
}

impl<'a> Userdata<'a> {
    /// Declared length of the parameter after the 4-byte head (4 or 8).
    pub fn head_len(&self) -> u8 {
        self.head[3]
    }
    /// 0x11 request, 0x12 response.
    pub fn method(&self) -> u8 {
        self.head[4]
    }
    pub fn kind(&self) -> UserdataType {
        UserdataType(self.head[5] >> 4)
    }
    pub fn group(&self) -> FunctionGroup {
        FunctionGroup(self.head[5] & 0x0F)
    }
    pub fn subfunction(&self) -> u8 {
        self.head[6]
    }
    pub fn sequence(&self) -> u8 {
        self.head[7]
    }
    /// Data unit reference: the fragments of one answer share it (12-byte parameters).
    pub fn data_unit_ref(&self) -> Option<u8> {
        (self.param.len() >= 12).then(|| self.param[8])
    }
    /// Whether this is the last data unit (12-byte parameters).
    pub fn last_data_unit(&self) -> Option<bool> {
        (self.param.len() >= 12).then(|| self.param[9] == 0)
    }
    /// Error code of a response parameter (12-byte parameters).
    pub fn error_code(&self) -> Option<u16> {
        (self.param.len() >= 12)
            .then(|| be16(self.param, 10))
            .flatten()
    }
    pub fn return_code(&self) -> Option<ReturnCode> {
        self.data.first().map(|&r| ReturnCode(r))
    }
    pub fn transport_size(&self) -> Option<u8> {
        self.data.get(1).copied()
    }
    /// The data after return code, transport size and length, as far as present.
    pub fn payload(&self) -> &'a [u8] {
        let n = be16(self.data, 2).unwrap_or(0) as usize;
        let rest = self.data.get(4..).unwrap_or(&[]);
        &rest[..n.min(rest.len())]
    }
    /// Operation code: 0x1000 + group * 256 + subfunction.
    pub fn code(&self) -> u16 {
        OP_USERDATA | (self.group().0 as u16) << 8 | self.subfunction() as u16
    }
    /// A response or push with an error code, or a return code other than success.
    pub fn is_exception(&self) -> bool {
        self.kind().is_request() == Some(false)
            && (self.error_code().is_some_and(|e| e != 0)
                || self.return_code().is_some_and(|r| r != ReturnCode::SUCCESS))
    }
    /// The Read SZL view (CPU functions group, subfunction 1, payload with id and index).
    /// An answer split over several PDUs starts with the id only in its first fragment;
    /// a response counts as one only when its record length is plausible and its record
    /// count fits the fragment flag: all records present in the last (or only) data
    /// unit, more than present in an earlier one. Continuation fragments give `None`.
    pub fn szl(&self) -> Option<Szl<'a>> {
        if (self.group(), self.subfunction()) != (FunctionGroup::CPU, SUBFUNCTION_READ_SZL) {
            return None;
        }
        let (head, rest) = self.payload().split_first_chunk::<4>()?;
        if !matches!(
            self.kind(),
            UserdataType::RESPONSE | UserdataType::NC_RESPONSE
        ) {
            return Some(Szl {
                head,
                list: None,
                records: &[],
            });
        }
        let (list, records) = rest.split_first_chunk::<4>()?;
        let len = u16::from_be_bytes([list[0], list[1]]) as usize;
        let total = len * u16::from_be_bytes([list[2], list[3]]) as usize;
        let fits = if self.last_data_unit() == Some(false) {
            total > records.len()
        } else {
            total <= records.len()
        };
        (len <= MAX_SZL_RECORD_LEN && fits).then_some(Szl {
            head,
            list: Some(list),
            records,
        })
    }
}

impl fmt::Debug for Userdata<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Userdata")
            .field("head_len", &self.head_len())
            .field("method", &self.method())
            .field("type", &self.kind().name())
            .field("group", &self.group().name())
            .field("subfunction", &self.subfunction())
            .field("name", &function_name(self.code()))
            .field("sequence", &self.sequence())
            .field("data_unit_ref", &self.data_unit_ref())
            .field("last_data_unit", &self.last_data_unit())
            .field("error_code", &self.error_code())
            .field("return_code", &self.return_code())
            .field("transport_size", &self.transport_size())
            .field("payload_len", &self.payload().len())
            .field("szl", &self.szl())
            .finish()
    }
}

/// Longest SZL record accepted (the longest Siemens documents are under 100 bytes).
pub const MAX_SZL_RECORD_LEN: usize = 1024;
/// Record length of SZL 0x0011: index, 20-character order number, type, two version words.
pub const SZL_MODULE_ID_LEN: usize = 28;
/// Record length of SZL 0x001C: index and a 32-character text.
pub const SZL_COMPONENT_ID_LEN: usize = 34;

/// Component identification (SZL 0x001C) record indexes.
pub const COMPONENT_SYSTEM_NAME: u16 = 1;
pub const COMPONENT_MODULE_NAME: u16 = 2;
pub const COMPONENT_PLANT_ID: u16 = 3;
pub const COMPONENT_COPYRIGHT: u16 = 4;
pub const COMPONENT_SERIAL: u16 = 5;
pub const COMPONENT_MODULE_TYPE: u16 = 7;

/// A Read SZL request (id, index) or response (and the records it holds).
#[derive(Clone, Copy)]
pub struct Szl<'a> {
    head: &'a [u8; 4],
    /// Record length and count of a response.
    list: Option<&'a [u8; 4]>,
    records: &'a [u8],
}

impl<'a> Szl<'a> {
    pub fn id(&self) -> SzlId {
        SzlId(u16::from_be_bytes([self.head[0], self.head[1]]))
    }
    pub fn index(&self) -> u16 {
        u16::from_be_bytes([self.head[2], self.head[3]])
    }
    /// Record length of a response.
    pub fn record_len(&self) -> Option<u16> {
        self.list.map(|l| u16::from_be_bytes([l[0], l[1]]))
    }
    /// Record count of a response.
    pub fn record_count(&self) -> Option<u16> {
        self.list.map(|l| u16::from_be_bytes([l[2], l[3]]))
    }
    /// The records present (whole ones only).
    pub fn records(&self) -> Records<'a> {
        Records {
            rest: self.records,
            len: self.record_len().unwrap_or(0) as usize,
            left: self.record_count().unwrap_or(0),
        }
    }
    /// Module identification records (SZL xy11).
    pub fn module_ids(&self) -> impl Iterator<Item = ModuleId<'a>> + 'a {
        let ok = self.id().list() == 0x11;
        self.records()
            .filter(move |_| ok)
            .filter_map(ModuleId::from_record)
    }
    /// Component identification records (SZL xy1C): index and text.
    pub fn components(&self) -> impl Iterator<Item = (u16, &'a [u8])> + 'a {
        let ok = self.id().list() == 0x1C;
        self.records().filter(move |_| ok).filter_map(|r| {
            let (index, text) = r.split_first_chunk::<2>()?;
            let text = text.get(..32)?;
            Some((u16::from_be_bytes(*index), trim(text)))
        })
    }
    /// Order number (MLFB) of the module record (SZL 0x0011 index 1).
    pub fn order_number(&self) -> Option<&'a [u8]> {
        self.module_ids()
            .find(|m| m.index == 1)
            .map(|m| m.order_number)
    }
    /// Text of a component identification record (see the `COMPONENT_*` indexes).
    pub fn component(&self, index: u16) -> Option<&'a [u8]> {
        self.components().find(|&(i, _)| i == index).map(|(_, t)| t)
    }
}

impl fmt::Debug for Szl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Modules<'a>(Szl<'a>);
        impl fmt::Debug for Modules<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.0.module_ids()).finish()
            }
        }
        struct Components<'a>(Szl<'a>);
        impl fmt::Debug for Components<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list()
                    .entries(self.0.components().map(|(i, t)| (i, Ascii(t))))
                    .finish()
            }
        }
        f.debug_struct("Szl")
            .field("id", &self.id())
            .field("name", &self.id().name())
            .field("index", &self.index())
            .field("record_len", &self.record_len())
            .field("record_count", &self.record_count())
            .field("records", &self.records().count())
            .field("module_ids", &Modules(*self))
            .field("components", &Components(*self))
            .finish()
    }
}

/// Iterator over whole SZL records; stops at the count or the end of the bytes.
#[derive(Clone)]
pub struct Records<'a> {
    rest: &'a [u8],
    len: usize,
    left: u16,
}

impl<'a> Iterator for Records<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.left == 0 || self.len == 0 {
            return None;
        }
        self.left -= 1;
        let Some((r, rest)) = self.rest.split_at_checked(self.len) else {
            self.left = 0;
            return None;
        };
        self.rest = rest;
        Some(r)
    }
}

/// One module identification record (SZL xy11).
#[derive(Clone, Copy)]
pub struct ModuleId<'a> {
    /// 1 module, 6 basic hardware, 7 basic firmware, 0x81 firmware extension.
    pub index: u16,
    /// Order number (MLFB), trailing spaces and NULs removed.
    pub order_number: &'a [u8],
    pub module_type: u16,
    /// Version words (Ausbg, Ausbe).
    pub version: [u16; 2],
}

impl<'a> ModuleId<'a> {
    fn from_record(r: &'a [u8]) -> Option<ModuleId<'a>> {
        let r = r.get(..SZL_MODULE_ID_LEN)?;
        Some(ModuleId {
            index: u16::from_be_bytes([r[0], r[1]]),
            order_number: trim(&r[2..22]),
            module_type: u16::from_be_bytes([r[22], r[23]]),
            version: [
                u16::from_be_bytes([r[24], r[25]]),
                u16::from_be_bytes([r[26], r[27]]),
            ],
        })
    }
}

impl fmt::Debug for ModuleId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModuleId")
            .field("index", &self.index)
            .field("order_number", &Ascii(self.order_number))
            .field("module_type", &self.module_type)
            .field("version", &self.version)
            .finish()
    }
}

/// Drops trailing NULs and spaces (SZL texts are padded with either).
fn trim(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .rposition(|&c| c != 0 && c != b' ')
        .map_or(0, |i| i + 1);
    &b[..end]
}

// ---------------------------------------------------------------------------------
// S7comm-plus

/// S7comm-plus opcode (first byte of the data part); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlusOpcode(pub u8);

impl PlusOpcode {
    pub const REQUEST: Self = Self(0x31);
    pub const RESPONSE: Self = Self(0x32);
    pub const NOTIFICATION: Self = Self(0x33);
    /// A response form seen from HMIs with cyclic data.
    pub const RESPONSE2: Self = Self(0x02);

    pub fn name(self) -> &'static str {
        match self {
            Self::REQUEST => "Request",
            Self::RESPONSE => "Response",
            Self::NOTIFICATION => "Notification",
            Self::RESPONSE2 => "Response2",
            _ => "Unknown",
        }
    }
}

/// S7comm-plus function code of a request or response; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlusFunction(pub u16);

impl PlusFunction {
    pub const ERROR: Self = Self(0x04B1);
    pub const EXPLORE: Self = Self(0x04BB);
    pub const CREATE_OBJECT: Self = Self(0x04CA);
    pub const DELETE_OBJECT: Self = Self(0x04D4);
    pub const SET_VARIABLE: Self = Self(0x04F2);
    pub const GET_VARIABLE: Self = Self(0x04FC);
    pub const ADD_LINK: Self = Self(0x0506);
    pub const REMOVE_LINK: Self = Self(0x051A);
    pub const GET_LINK: Self = Self(0x0524);
    pub const SET_MULTI_VARIABLES: Self = Self(0x0542);
    pub const GET_MULTI_VARIABLES: Self = Self(0x054C);
    pub const BEGIN_SEQUENCE: Self = Self(0x0556);
    pub const END_SEQUENCE: Self = Self(0x0560);
    pub const INVOKE: Self = Self(0x056B);
    pub const SET_VAR_SUBSTREAMED: Self = Self(0x057C);
    pub const GET_VAR_SUBSTREAMED: Self = Self(0x0586);
    pub const GET_VARIABLES_ADDRESS: Self = Self(0x0590);
    pub const ABORT: Self = Self(0x059A);
    pub const ERROR2: Self = Self(0x05A9);
    pub const INIT_SSL: Self = Self(0x05B3);

    /// The S7comm-plus plugin's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::ERROR | Self::ERROR2 => "Error",
            Self::EXPLORE => "Explore",
            Self::CREATE_OBJECT => "CreateObject",
            Self::DELETE_OBJECT => "DeleteObject",
            Self::SET_VARIABLE => "SetVariable",
            Self::GET_VARIABLE => "GetVariable",
            Self::ADD_LINK => "AddLink",
            Self::REMOVE_LINK => "RemoveLink",
            Self::GET_LINK => "GetLink",
            Self::SET_MULTI_VARIABLES => "SetMultiVariables",
            Self::GET_MULTI_VARIABLES => "GetMultiVariables",
            Self::BEGIN_SEQUENCE => "BeginSequence",
            Self::END_SEQUENCE => "EndSequence",
            Self::INVOKE => "Invoke",
            Self::SET_VAR_SUBSTREAMED => "SetVarSubStreamed",
            Self::GET_VAR_SUBSTREAMED => "GetVarSubStreamed",
            Self::GET_VARIABLES_ADDRESS => "GetVariablesAddress",
            Self::ABORT => "Abort",
            Self::INIT_SSL => "InitSsl",
            _ => "Unknown S7comm-plus function",
        }
    }

    /// Get*/Set* read and write; CreateObject/DeleteObject open and close sessions.
    pub fn class(self) -> OpClass {
        match self {
            Self::GET_VARIABLE
            | Self::GET_MULTI_VARIABLES
            | Self::GET_VAR_SUBSTREAMED
            | Self::GET_VARIABLES_ADDRESS
            | Self::GET_LINK => OpClass::Read,
            Self::SET_VARIABLE | Self::SET_MULTI_VARIABLES | Self::SET_VAR_SUBSTREAMED => {
                OpClass::Write
            }
            Self::CREATE_OBJECT | Self::DELETE_OBJECT | Self::INIT_SSL => OpClass::Session,
            _ => OpClass::Other,
        }
    }
}

/// One S7comm-plus PDU (a DT payload starting with 0x72, at least the 4-byte header).
#[derive(Clone, Copy)]
pub struct S7Plus<'a> {
    hdr: &'a [u8; 4],
    /// Everything after the header (data part, then the trailer when present).
    rest: &'a [u8],
}

impl<'a> S7Plus<'a> {
    fn parse(pdu: &'a [u8]) -> Option<S7Plus<'a>> {
        let (hdr, rest) = pdu.split_first_chunk::<4>()?;
        (hdr[0] == S7PLUS_PROTOCOL_ID).then_some(S7Plus { hdr, rest })
    }
    /// Protocol version: 1, 2, 3 (integrity part first); 0xFE/0xFF keep-alive.
    pub fn version(&self) -> u8 {
        self.hdr[1]
    }
    pub fn is_keepalive(&self) -> bool {
        self.version() >= 0xFE
    }
    /// Declared data length (not in keep-alives).
    pub fn data_len(&self) -> Option<u16> {
        (!self.is_keepalive()).then(|| u16::from_be_bytes([self.hdr[2], self.hdr[3]]))
    }
    /// A trailer follows the data: the PDU is whole, or the last fragment.
    pub fn has_trailer(&self) -> bool {
        self.data_len()
            .is_some_and(|n| self.rest.len() >= n as usize + 4)
    }
    /// The data part as far as present.
    fn data(&self) -> &'a [u8] {
        let n = self.data_len().unwrap_or(0) as usize;
        &self.rest[..n.min(self.rest.len())]
    }
    /// Integrity digest of a version 3 PDU (length byte, then the digest).
    pub fn digest(&self) -> Option<&'a [u8]> {
        if self.version() != 3 {
            return None;
        }
        let (&n, rest) = self.data().split_first()?;
        rest.get(..n as usize)
    }
    /// Data after the integrity part: opcode first.
    fn body(&self) -> &'a [u8] {
        let d = self.data();
        if self.version() != 3 {
            return d;
        }
        let skip = 1 + d.first().map_or(0, |&n| n as usize);
        d.get(skip..).unwrap_or(&[])
    }
    pub fn opcode(&self) -> Option<PlusOpcode> {
        self.body().first().map(|&o| PlusOpcode(o))
    }
    fn is_req_or_res(&self) -> bool {
        matches!(
            self.opcode(),
            Some(PlusOpcode::REQUEST | PlusOpcode::RESPONSE | PlusOpcode::RESPONSE2)
        )
    }
    /// Function of a request or response (after opcode and 2 reserved bytes).
    pub fn function(&self) -> Option<PlusFunction> {
        self.is_req_or_res()
            .then(|| be16(self.body(), 3).map(PlusFunction))
            .flatten()
    }
    /// Sequence number of a request or response.
    pub fn sequence(&self) -> Option<u16> {
        self.is_req_or_res().then(|| be16(self.body(), 7)).flatten()
    }
    /// Session id of a request.
    pub fn session_id(&self) -> Option<u32> {
        (self.opcode() == Some(PlusOpcode::REQUEST))
            .then(|| be32(self.body(), 9))
            .flatten()
    }
    /// Operation code (see the module docs); `None` for an unknown opcode, which is
    /// what a continuation fragment usually shows.
    pub fn code(&self) -> Option<u16> {
        if self.is_keepalive() {
            return Some(OP_S7PLUS | self.version() as u16);
        }
        let op = self.opcode()?;
        if !matches!(
            op,
            PlusOpcode::REQUEST
                | PlusOpcode::RESPONSE
                | PlusOpcode::RESPONSE2
                | PlusOpcode::NOTIFICATION
        ) {
            return None;
        }
        Some(match self.function() {
            Some(f) if f.0 < 0x8000 => OP_S7PLUS_FUNCTION | f.0,
            _ => OP_S7PLUS | op.0 as u16,
        })
    }
    pub fn is_request(&self) -> Option<bool> {
        match self.opcode()? {
            _ if self.is_keepalive() => None,
            PlusOpcode::REQUEST => Some(true),
            PlusOpcode::RESPONSE | PlusOpcode::RESPONSE2 | PlusOpcode::NOTIFICATION => Some(false),
            _ => None,
        }
    }
    pub fn is_exception(&self) -> bool {
        matches!(
            self.function(),
            Some(PlusFunction::ERROR | PlusFunction::ERROR2)
        )
    }
}

impl fmt::Debug for S7Plus<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S7Plus")
            .field("version", &self.version())
            .field("keepalive", &self.is_keepalive())
            .field("data_len", &self.data_len())
            .field("trailer", &self.has_trailer())
            .field("digest_len", &self.digest().map(<[u8]>::len))
            .field("opcode", &self.opcode().map(|o| o.name()))
            .field("function", &self.function())
            .field("sequence", &self.sequence())
            .field("session_id", &self.session_id())
            .field("code", &self.code())
            .field("name", &self.code().map(function_name))
            .field("request", &self.is_request())
            .field("exception", &self.is_exception())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tpkt(tpdu: &[u8]) -> Vec<u8> {
        let mut v = vec![3, 0];
        v.extend(((tpdu.len() + 4) as u16).to_be_bytes());
        v.extend(tpdu);
        v
    }

    /// A class 0 DT TPDU (EOT set) carrying `payload`.
    fn dt(payload: &[u8]) -> Vec<u8> {
        let mut t = vec![2, 0xF0, 0x80];
        t.extend(payload);
        tpkt(&t)
    }

    fn s7(rosctr: u8, pdu_ref: u16, err: Option<u16>, param: &[u8], data: &[u8]) -> Vec<u8> {
        let mut v = vec![0x32, rosctr, 0, 0];
        v.extend(pdu_ref.to_be_bytes());
        v.extend((param.len() as u16).to_be_bytes());
        v.extend((data.len() as u16).to_be_bytes());
        if let Some(e) = err {
            v.extend(e.to_be_bytes());
        }
        v.extend(param);
        v.extend(data);
        dt(&v)
    }

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    fn op(frame: &[u8]) -> Op {
        ops(&parse(frame).unwrap()).unwrap()
    }

    fn cr() -> Vec<u8> {
        tpkt(&[
            0x11, 0xE0, 0x00, 0x00, 0x00, 0x01, 0x00, // LI, CR, dst ref, src ref, class 0
            0xC0, 0x01, 0x0A, // TPDU size 1024
            0xC1, 0x02, 0x01, 0x00, // calling TSAP
            0xC2, 0x02, 0x01, 0x02, // called TSAP: PG, rack 0 slot 2
        ])
    }

    fn setup_job() -> Vec<u8> {
        s7(1, 0x0400, None, &[0xF0, 0, 0, 1, 0, 1, 0x01, 0xE0], &[])
    }

    fn read_var_job() -> Vec<u8> {
        let item = [
            0x12, 0x0A, 0x10, 0x02, 0x00, 0x02, 0x00, 0x01, 0x84, 0, 0, 0,
        ];
        s7(1, 7, None, &cat(&[&[0x04, 0x01], &item]), &[])
    }

    fn szl_response() -> Vec<u8> {
        let mut record = vec![0x00, 0x01];
        record.extend(b"6ES7 315-2EH14-0AB0 ");
        record.extend([0x00, 0xC0, 0x00, 0x04, 0x00, 0x01]);
        let mut payload = vec![0x00, 0x11, 0x00, 0x00, 0x00, 28, 0x00, 0x01];
        payload.extend(&record);
        let mut data = vec![0xFF, 0x09];
        data.extend((payload.len() as u16).to_be_bytes());
        data.extend(&payload);
        let param = [
            0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01, 0x01, 0x00, 0x00, 0, 0,
        ];
        s7(7, 1, None, &param, &data)
    }

    fn s7plus_v3_request() -> Vec<u8> {
        let mut data = vec![0x20];
        data.extend([0xAB; 32]);
        data.extend([0x31, 0x00, 0x00, 0x04, 0xF2, 0x00, 0x00, 0x83, 0x1A]);
        data.extend([0x70, 0x00, 0x0E, 0x4D, 0x00, 0x01, 0x02]);
        let mut v = vec![0x72, 0x03];
        v.extend((data.len() as u16).to_be_bytes());
        v.extend(&data);
        v.extend([0x72, 0x03, 0x00, 0x00]);
        dt(&v)
    }

    #[test]
    fn cotp_connection_request_and_confirm() {
        let f = cr();
        let t = parse(&f).unwrap();
        let c = t.cotp();
        assert_eq!(t.len(), f.len());
        assert_eq!(c.pdu_type(), PduType::CR);
        assert_eq!(
            (c.dst_ref(), c.src_ref(), c.class()),
            (Some(0), Some(1), Some(0))
        );
        assert_eq!((c.src_tsap(), c.dst_tsap()), (Some(0x0100), Some(0x0102)));
        assert_eq!(c.rack_slot(), Some((0, 2)));
        assert_eq!(c.tpdu_size(), Some(1024));
        assert!(t.s7().is_none() && t.s7plus().is_none());
        let o = op(&f);
        assert_eq!(
            (o.function, o.request, o.exception),
            (0x20E0, Some(true), false)
        );
        assert_eq!(function_name(o.function), "COTP Connection Request");
        assert_eq!(function_class(o.function), OpClass::Session);

        let mut cc = f.clone();
        cc[5] = 0xD0;
        let o = op(&cc);
        assert_eq!((o.function, o.request), (0x20D0, Some(false)));
        assert_eq!(function_name(o.function), "COTP Connection Confirm");
        // Rack 1 slot 3; an S7comm-plus style string TSAP has no rack/slot.
        let mut r = f.clone();
        r[21] = 0x23;
        assert_eq!(parse(&r).unwrap().cotp().rack_slot(), Some((1, 3)));
        let s = tpkt(&cat(&[
            &[0x15, 0xE0, 0, 0, 0, 1, 0, 0xC2, 0x0D],
            b"SIMATIC-ROOT-",
        ]));
        let t = parse(&s).unwrap();
        assert_eq!(t.cotp().dst_tsap_bytes(), Some(&b"SIMATIC-ROOT-"[..]));
        assert_eq!(t.cotp().rack_slot(), None);
        // Disconnect request: no direction stated.
        let dr = tpkt(&[6, 0x80, 0, 1, 0, 2, 0x80]);
        let o = op(&dr);
        assert_eq!((o.function, o.request), (0x2080, None));
        assert_eq!(parse(&dr).unwrap().cotp().reason(), Some(0x80));
        assert_eq!(function_name(0x2080), "COTP Disconnect Request");
    }

    #[test]
    fn setup_communication_job_and_ack() {
        let f = setup_job();
        let t = parse(&f).unwrap();
        let s = t.s7().unwrap();
        assert_eq!((s.rosctr(), s.pdu_ref()), (Rosctr::JOB, 0x0400));
        assert_eq!(s.function(), Some(Function::SETUP_COMMUNICATION));
        assert_eq!(
            s.setup(),
            Some(Setup {
                max_amq_calling: 1,
                max_amq_called: 1,
                pdu_len: 480
            })
        );
        assert_eq!(t.cotp().eot(), Some(true));
        let o = op(&f);
        assert_eq!(
            (o.unit, o.function, o.request, o.exception),
            (0, 0xF0, Some(true), false)
        );
        assert_eq!(function_name(0xF0), "Setup communication");
        assert_eq!(function_class(0xF0), OpClass::Session);

        let ack = s7(3, 0x0400, Some(0), &[0xF0, 0, 0, 1, 0, 1, 0, 240], &[]);
        let s = parse(&ack).unwrap().s7().unwrap();
        assert_eq!(
            (s.header_len(), s.error(), s.setup().unwrap().pdu_len),
            (12, None, 240)
        );
        let o = op(&ack);
        assert_eq!(
            (o.function, o.request, o.exception),
            (0xF0, Some(false), false)
        );
    }

    #[test]
    fn read_var_job_with_s7any_item() {
        let f = read_var_job();
        let s = parse(&f).unwrap().s7().unwrap();
        assert_eq!(s.function(), Some(Function::READ_VAR));
        assert_eq!(s.item_count(), Some(1));
        let item = s.first_item().unwrap();
        assert_eq!(
            (item.spec_type(), item.syntax_id()),
            (0x12, Some(SyntaxId::S7ANY))
        );
        let a = item.any().unwrap();
        assert_eq!((a.area, a.db, a.address), (Area::DB, 1, 0));
        assert_eq!((a.transport_size, a.count), (TransportSize::BYTE, 2));
        assert_eq!(s.items().count(), 1);
        assert_eq!(function_class(op(&f).function), OpClass::Read);
        assert_eq!(Function::READ_VAR.name(), "Read Var");

        let resp = s7(
            3,
            7,
            Some(0),
            &[0x04, 0x01],
            &[0xFF, 0x04, 0x00, 0x10, 0x12, 0x34],
        );
        let s = parse(&resp).unwrap().s7().unwrap();
        assert_eq!(
            (s.item_count(), s.first_return_code()),
            (Some(1), Some(ReturnCode::SUCCESS))
        );
        assert!(s.first_item().is_none(), "responses list no specifications");
    }

    #[test]
    fn write_var_job() {
        let item = [
            0x12, 0x0A, 0x10, 0x02, 0x00, 0x01, 0x00, 0x00, 0x83, 0x00, 0x00, 0x13,
        ];
        let f = s7(
            1,
            8,
            None,
            &cat(&[&[0x05, 0x01], &item]),
            &[0x00, 0x04, 0x00, 0x08, 0x2A],
        );
        let s = parse(&f).unwrap().s7().unwrap();
        let a = s.first_item().unwrap().any().unwrap();
        assert_eq!((a.area, a.byte(), a.bit()), (Area::FLAGS, 2, 3));
        let o = op(&f);
        assert_eq!(
            (o.function, function_class(o.function)),
            (5, OpClass::Write)
        );
        assert_eq!(function_name(5), "Write Var");
    }

    #[test]
    fn plc_stop_and_control() {
        let stop = s7(
            1,
            9,
            None,
            &cat(&[&[0x29, 0, 0, 0, 0, 0, 9], b"P_PROGRAM"]),
            &[],
        );
        let s = parse(&stop).unwrap().s7().unwrap();
        let pi = s.pi_service().unwrap();
        assert_eq!(
            (pi.service(), pi.action()),
            (&b"P_PROGRAM"[..], PlcAction::Stop)
        );
        assert_eq!(function_class(op(&stop).function), OpClass::Control);
        assert_eq!(function_name(0x29), "PLC Stop");

        let head = [0x28, 0, 0, 0, 0, 0, 0, 0xFD];
        let hot = s7(1, 10, None, &cat(&[&head, &[0, 0, 9], b"P_PROGRAM"]), &[]);
        let cold = s7(
            1,
            11,
            None,
            &cat(&[&head, &[0, 2], b"C ", &[9], b"P_PROGRAM"]),
            &[],
        );
        let action = |f: &[u8]| {
            parse(f)
                .unwrap()
                .s7()
                .unwrap()
                .pi_service()
                .unwrap()
                .action()
        };
        assert_eq!(action(&hot), PlcAction::HotStart);
        assert_eq!(action(&cold), PlcAction::ColdStart);
        let o = op(&cold);
        assert_eq!(
            (o.function, function_class(o.function)),
            (0x28, OpClass::Control)
        );
        assert_eq!(function_name(0x28), "PI-Service");

        // Delete DB 1 and OB 35 from the passive file system.
        let arg = cat(&[&[2, 0], b"0A00001P", b"0800035P"]);
        let dele = s7(
            1,
            12,
            None,
            &cat(&[&head, &[0, 18], &arg, &[5], b"_DELE"]),
            &[],
        );
        let pi = parse(&dele).unwrap().s7().unwrap().pi_service().unwrap();
        assert_eq!(pi.action(), PlcAction::DeleteBlocks);
        let blocks: Vec<_> = pi.blocks().collect();
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            (blocks[0].block_type, blocks[0].number),
            (BlockType::DB, Some(1))
        );
        assert_eq!(
            (blocks[1].block_type, blocks[1].number),
            (BlockType::OB, Some(35))
        );
        assert_eq!(blocks[1].filesystem, b'P');
        // The acknowledgement names the function only.
        let ack = s7(3, 12, Some(0), &[0x28], &[]);
        let o = op(&ack);
        assert_eq!((o.function, o.request), (0x28, Some(false)));
    }

    #[test]
    fn download_and_upload() {
        let req = s7(
            1,
            13,
            None,
            &cat(&[
                &[0x1A, 0, 1, 0, 0, 0, 0, 0, 9],
                b"_0A00001P",
                &[0x0D],
                b"1000010000026",
            ]),
            &[],
        );
        let s = parse(&req).unwrap().s7().unwrap();
        assert_eq!(s.function(), Some(Function::REQUEST_DOWNLOAD));
        assert_eq!(s.file_name(), Some(&b"_0A00001P"[..]));
        let b = s.block().unwrap();
        assert_eq!(
            (b.block_type, b.number, b.filesystem),
            (BlockType::DB, Some(1), b'P')
        );
        let o = op(&req);
        assert_eq!(
            (o.function, function_class(o.function)),
            (0x1A, OpClass::Program)
        );
        assert_eq!(function_name(0x1A), "Request download");

        let start = s7(
            1,
            14,
            None,
            &cat(&[&[0x1D, 0, 0, 0, 0, 0, 0, 0, 9], b"_0B00000A"]),
            &[],
        );
        let b = parse(&start).unwrap().s7().unwrap().block().unwrap();
        assert_eq!((b.block_type, b.filesystem), (BlockType::SDB, b'A'));
        let started = s7(3, 14, Some(0), &[0x1D, 0, 1, 0, 0, 0, 0, 7, 1, b'9'], &[]);
        assert_eq!(parse(&started).unwrap().s7().unwrap().upload_id(), Some(7));
        let upload = s7(1, 15, None, &[0x1E, 0, 0, 0, 0, 0, 0, 7], &[]);
        assert_eq!(parse(&upload).unwrap().s7().unwrap().upload_id(), Some(7));
        for f in 0x1A..=0x1F {
            assert_eq!(function_class(f), OpClass::Program, "{f:#x}");
        }
    }

    #[test]
    fn userdata_szl_read() {
        let param = [0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01, 0x00];
        let req = s7(
            7,
            1,
            None,
            &param,
            &[0xFF, 0x09, 0x00, 0x04, 0x00, 0x11, 0x00, 0x00],
        );
        let s = parse(&req).unwrap().s7().unwrap();
        let u = s.userdata().unwrap();
        assert_eq!(
            (u.kind(), u.group(), u.subfunction()),
            (UserdataType::REQUEST, FunctionGroup::CPU, 1)
        );
        let z = s.szl().unwrap();
        assert_eq!(
            (z.id(), z.index(), z.record_count()),
            (SzlId::MODULE_ID, 0, None)
        );
        let o = op(&req);
        assert_eq!(
            (o.function, o.request, o.exception),
            (0x1401, Some(true), false)
        );
        assert_eq!(function_name(0x1401), "Read SZL");
        assert_eq!(function_class(0x1401), OpClass::Identity);

        let resp = szl_response();
        let s = parse(&resp).unwrap().s7().unwrap();
        let u = s.userdata().unwrap();
        assert_eq!(
            (u.data_unit_ref(), u.last_data_unit(), u.error_code()),
            (Some(0), Some(true), Some(0))
        );
        let z = s.szl().unwrap();
        assert_eq!((z.record_len(), z.record_count()), (Some(28), Some(1)));
        assert_eq!(z.order_number(), Some(&b"6ES7 315-2EH14-0AB0"[..]));
        let m = z.module_ids().next().unwrap();
        assert_eq!((m.index, m.module_type, m.version), (1, 0x00C0, [4, 1]));
        let o = op(&resp);
        assert_eq!(
            (o.function, o.request, o.exception),
            (0x1401, Some(false), false)
        );
    }

    #[test]
    fn userdata_component_identification() {
        let mut records = Vec::new();
        for (i, text) in [
            (1u16, &b"SNAP7-SERVER"[..]),
            (2, b"CPU 315-2 PN/DP"),
            (5, b"S C-C2UR28922012"),
        ] {
            records.extend(i.to_be_bytes());
            let mut t = text.to_vec();
            t.resize(32, 0);
            records.extend(t);
        }
        let payload = cat(&[&[0x00, 0x1C, 0x00, 0x00, 0x00, 34, 0x00, 0x03], &records]);
        let data = cat(&[
            &[0xFF, 0x09],
            &(payload.len() as u16).to_be_bytes(),
            &payload,
        ]);
        let param = [
            0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01, 0x02, 0x00, 0x00, 0, 0,
        ];
        let f = s7(7, 2, None, &param, &data);
        let z = parse(&f).unwrap().s7().unwrap().szl().unwrap();
        assert_eq!(z.id(), SzlId::COMPONENT_ID);
        assert_eq!(
            z.component(COMPONENT_SYSTEM_NAME),
            Some(&b"SNAP7-SERVER"[..])
        );
        assert_eq!(
            z.component(COMPONENT_MODULE_NAME),
            Some(&b"CPU 315-2 PN/DP"[..])
        );
        assert_eq!(
            z.component(COMPONENT_SERIAL),
            Some(&b"S C-C2UR28922012"[..])
        );
        assert_eq!(z.component(COMPONENT_PLANT_ID), None);
        assert_eq!(z.order_number(), None);
        // A failed answer (object does not exist) is an exception.
        let bad = s7(7, 3, None, &param, &[0x0A, 0x00, 0x00, 0x00]);
        let o = op(&bad);
        assert!(o.exception);
        assert!(parse(&bad).unwrap().s7().unwrap().szl().is_none());
    }

    #[test]
    fn userdata_szl_fragments() {
        // Ten 34-byte records announced, three in the first data unit (not the last).
        let mut records = Vec::new();
        for i in 1u16..=3 {
            records.extend(i.to_be_bytes());
            records.extend([b'x'; 32]);
        }
        let payload = cat(&[&[0x00, 0x1C, 0x00, 0x00, 0x00, 34, 0x00, 10], &records]);
        let data = cat(&[
            &[0xFF, 0x09],
            &(payload.len() as u16).to_be_bytes(),
            &payload,
        ]);
        let first = [
            0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01, 0x02, 0xD5, 0x01, 0, 0,
        ];
        let f = s7(7, 2, None, &first, &data);
        let z = parse(&f).unwrap().s7().unwrap().szl().unwrap();
        assert_eq!((z.record_count(), z.records().count()), (Some(10), 3));
        assert_eq!(z.component(3), Some(&[b'x'; 32][..]));
        // The last data unit continues the records: no SZL header to read.
        let rest = cat(&[b"MMC 4A1AC019", &[0; 20], &[0, 9, 0, 0x2A]]);
        let data = cat(&[&[0xFF, 0x09], &(rest.len() as u16).to_be_bytes(), &rest]);
        let last = [
            0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01, 0x02, 0xD5, 0x00, 0, 0,
        ];
        let f = s7(7, 3, None, &last, &data);
        let s = parse(&f).unwrap().s7().unwrap();
        assert!(s.szl().is_none());
        assert_eq!(op(&f).function, 0x1401, "still a Read SZL response");
    }

    #[test]
    fn other_userdata_codes() {
        // Time functions: read clock request; block functions: list blocks response.
        let clock = s7(
            7,
            4,
            None,
            &[0, 1, 0x12, 4, 0x11, 0x47, 0x01, 0],
            &[0x0A, 0, 0, 0],
        );
        let o = op(&clock);
        assert_eq!((o.function, o.request), (0x1701, Some(true)));
        assert_eq!(function_name(0x1701), "Read clock");
        assert_eq!(function_class(0x1701), OpClass::Diagnostic);
        assert_eq!(function_class(0x1702), OpClass::Write);
        assert_eq!(function_name(0x1301), "List blocks");
        assert_eq!(function_name(0x14EE), "CPU functions");
        assert_eq!(function_class(0x1501), OpClass::Session);
        assert_eq!(function_name(0x1F01), "NC Request download");
        // A userdata PDU too short for the parameter head.
        let short = s7(7, 5, None, &[0, 1, 0x12], &[]);
        assert_eq!(op(&short).function, 0x0107);
    }

    #[test]
    fn ack_data_with_error_class() {
        let f = s7(3, 20, Some(0x8104), &[0x04, 0x00], &[]);
        let s = parse(&f).unwrap().s7().unwrap();
        assert_eq!(s.error(), Some(0x8104));
        assert_eq!(
            (s.error_class(), s.error_code()),
            (ErrorClass::APPLICATION_RELATIONSHIP, 4)
        );
        let o = op(&f);
        assert_eq!((o.function, o.request, o.exception), (4, Some(false), true));
        // A bare Ack with an error has no function.
        let ack = s7(2, 21, Some(0xD241), &[], &[]);
        let o = op(&ack);
        assert_eq!(
            (o.function, o.request, o.exception),
            (0x0102, Some(false), true)
        );
        assert_eq!(function_name(0x0102), "Ack");
    }

    #[test]
    fn s7comm_plus() {
        let f = s7plus_v3_request();
        let t = parse(&f).unwrap();
        assert!(t.s7().is_none());
        let p = t.s7plus().unwrap();
        assert_eq!(
            (p.version(), p.has_trailer(), p.digest().map(<[u8]>::len)),
            (3, true, Some(32))
        );
        assert_eq!(
            (p.opcode(), p.function()),
            (Some(PlusOpcode::REQUEST), Some(PlusFunction::SET_VARIABLE))
        );
        assert_eq!(
            (p.sequence(), p.session_id()),
            (Some(0x831A), Some(0x70000E4D))
        );
        let o = op(&f);
        assert_eq!((o.function, o.request), (0x84F2, Some(true)));
        assert_eq!(function_name(0x84F2), "SetVariable");
        assert_eq!(function_class(0x84F2), OpClass::Write);
        assert_eq!(function_class(0x854C), OpClass::Read);

        // Version 1 CreateObject response (no integrity part), then a notification.
        let v1 = dt(&[
            0x72, 0x01, 0x00, 0x09, 0x32, 0, 0, 0x04, 0xCA, 0, 0, 0, 1, 0x72, 0x01, 0, 0,
        ]);
        let o = op(&v1);
        assert_eq!((o.function, o.request), (0x84CA, Some(false)));
        assert_eq!(function_class(o.function), OpClass::Session);
        let note = dt(&[0x72, 0x02, 0x00, 0x05, 0x33, 0, 0, 0, 0]);
        let o = op(&note);
        assert_eq!((o.function, o.request), (0x7233, Some(false)));
        assert_eq!(function_name(0x7233), "S7comm-plus Notification");
        let keep = dt(&[0x72, 0xFF, 0x05, 0x00]);
        assert_eq!(op(&keep).function, 0x72FF);
        // Neither protocol: an MMS-style session payload has no operation.
        let other = dt(&[0x01, 0x00, 0x01, 0x00]);
        assert!(ops(&parse(&other).unwrap()).is_none());
    }

    #[test]
    fn not_tpkt() {
        let f = setup_job();
        let mut b = f.clone();
        b[0] = 4;
        assert_eq!(parse(&b).err(), Some(Error::Version(4)));
        let mut b = f.clone();
        b[1] = 1;
        assert_eq!(parse(&b).err(), Some(Error::Reserved(1)));
        assert_eq!(parse(&[3, 0, 0, 6, 2, 0xF0]).err(), Some(Error::Length(6)));
        assert_eq!(
            parse(&tpkt(&[5, 0xF0, 0x80])).err(),
            Some(Error::CotpLength(5))
        );
        assert_eq!(
            parse(&tpkt(&[2, 0x30, 0x80])).err(),
            Some(Error::CotpType(0x30))
        );
        assert_eq!(
            parse(&tpkt(&[2, 0xE0, 0x80])).err(),
            Some(Error::CotpLength(2)),
            "CR needs LI 6"
        );
    }

    fn frames() -> Vec<Vec<u8>> {
        vec![
            cr(),
            setup_job(),
            read_var_job(),
            szl_response(),
            s7plus_v3_request(),
            s7(2, 21, Some(0xD241), &[], &[]),
        ]
    }

    #[test]
    fn every_prefix_is_handled() {
        for f in frames() {
            for cut in 0..f.len() {
                let r = parse(&f[..cut]);
                assert!(matches!(r, Err(Error::Short { .. })), "cut {cut}: {r:?}");
            }
            // Longer input: the frame ends where its length says.
            let mut longer = f.clone();
            longer.extend(&f);
            for extra in f.len()..=longer.len() {
                assert_eq!(parse(&longer[..extra]).unwrap().len(), f.len());
            }
        }
    }

    #[test]
    fn inner_truncation_and_mutation_never_panic() {
        for f in frames() {
            // Shrink the TPKT length so the S7 parts end early: still parses, no panic.
            for len in 7..f.len() {
                let mut b = f[..len].to_vec();
                b[2..4].copy_from_slice(&(len as u16).to_be_bytes());
                if let Ok(t) = parse(&b) {
                    let _ = format!("{t:?} {:?}", ops(&t));
                }
            }
            // Every byte set to a few values, the length field kept.
            for i in 4..f.len() {
                for v in [0x00, 0x01, 0x0A, 0x11, 0x7F, 0x80, 0xFF] {
                    let mut b = f.clone();
                    b[i] = v;
                    if let Ok(t) = parse(&b) {
                        let _ = format!("{t:?}");
                        if let Some(o) = ops(&t) {
                            let _ = (function_name(o.function), function_class(o.function));
                        }
                    }
                }
            }
        }
        let trunc = read_var_job();
        let mut b = trunc[..trunc.len() - 5].to_vec();
        b[3] -= 5;
        let s = parse(&b).unwrap().s7().unwrap();
        assert!(s.is_truncated());
        assert_eq!(s.function(), Some(Function::READ_VAR));
        assert!(s.first_item().is_none());
    }

    #[test]
    fn codes_do_not_collide() {
        // Every range names its own codes; unknown codes name something.
        for code in [
            0x04u16, 0x0102, 0x1401, 0x20E0, 0x7233, 0x72FF, 0x84F2, 0x3000, 0x0200,
        ] {
            assert!(!function_name(code).is_empty());
        }
        assert_eq!(function_name(0x0042), "Unknown");
        assert_eq!(function_name(0x3000), "Unknown");
        assert_eq!(function_class(0x3000), OpClass::Other);
    }
}
