//! IEC 60870-5-104: the APCI (start octet, length, I/S/U control field) and, in
//! I-format APDUs, the ASDU's data unit identifier and its information objects
//! (IEC 60870-5-104:2006 clause 5 for the APCI, clause 8 for the ASDU field sizes;
//! IEC 60870-5-101:2003 clause 7 for type ids, causes and information elements).
//!
//! One `parse` call reads one APDU at the start of a stream's bytes. The ASDU uses
//! the sizes 104 fixes: two-octet cause of transmission (cause, originator), two-octet
//! common address, three-octet information object address (IOA).

use std::fmt;

use super::Op;
pub use super::OpClass;

/// First octet of every APDU.
pub const START: u8 = 0x68;
/// Start, length and the four control octets.
pub const APCI_LEN: usize = 6;
/// Type id, variable structure qualifier, cause (2), common address (2).
pub const ASDU_HEADER_LEN: usize = 6;
/// Octets of an information object address.
pub const IOA_LEN: usize = 3;
/// Smallest length field: the four control octets alone (clause 5.1).
pub const MIN_LENGTH: u8 = 4;
/// Largest length field: a 255-octet APDU less the start and length octets.
pub const MAX_LENGTH: u8 = 253;
/// Length field of an I-format APDU with an ASDU header and no objects.
pub const MIN_I_LENGTH: u8 = 4 + ASDU_HEADER_LEN as u8;

/// Why bytes are not an IEC 104 APDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the APCI or the length field asks for.
    Short { need: usize, have: usize },
    /// First octet other than 0x68.
    Start(u8),
    /// Length field outside 4..=253, or not what the format needs (S and U: 4;
    /// I: at least 10, room for the ASDU header).
    Length(u8),
    /// First control octet of an S frame other than 0x01, or of a U frame other
    /// than the six defined functions (exactly one of STARTDT/STOPDT/TESTFR act/con).
    Control(u8),
}

/// A U-format function (clause 5.3); the discriminant is the first control octet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UFunction {
    StartDtAct = 0x07,
    StartDtCon = 0x0B,
    StopDtAct = 0x13,
    StopDtCon = 0x23,
    TestFrAct = 0x43,
    TestFrCon = 0x83,
}

impl UFunction {
    /// The function a first control octet names, if it names exactly one.
    pub fn from_octet(c: u8) -> Option<Self> {
        Some(match c {
            0x07 => Self::StartDtAct,
            0x0B => Self::StartDtCon,
            0x13 => Self::StopDtAct,
            0x23 => Self::StopDtCon,
            0x43 => Self::TestFrAct,
            0x83 => Self::TestFrCon,
            _ => return None,
        })
    }
    /// The first control octet.
    pub fn octet(self) -> u8 {
        self as u8
    }
    /// Wireshark's name (`104apci.utype`).
    pub fn name(self) -> &'static str {
        match self {
            Self::StartDtAct => "STARTDT act",
            Self::StartDtCon => "STARTDT con",
            Self::StopDtAct => "STOPDT act",
            Self::StopDtCon => "STOPDT con",
            Self::TestFrAct => "TESTFR act",
            Self::TestFrCon => "TESTFR con",
        }
    }
    /// An activation (the request); the others are confirmations.
    pub fn is_act(self) -> bool {
        matches!(self, Self::StartDtAct | Self::StopDtAct | Self::TestFrAct)
    }
}

/// The control field, by format (clause 5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Control {
    /// Numbered information transfer: send and receive sequence numbers N(S), N(R).
    I { send: u16, recv: u16 },
    /// Numbered supervisory function: acknowledges up to N(R).
    S { recv: u16 },
    /// Unnumbered control function.
    U(UFunction),
}

/// An ASDU type identification; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u8);

// One row per type: constant, value, octets of one information element after its
// IOA (`None`: variable or not known for certain), Wireshark's description.
macro_rules! type_ids {
    ($($id:ident = $v:literal, $len:expr, $desc:literal;)*) => {
        impl TypeId {
            $(pub const $id: Self = Self($v);)*

            /// The standard mnemonic (`C_SC_NA_1`); `None` for an unassigned value.
            pub fn mnemonic(self) -> Option<&'static str> {
                match self.0 {
                    $($v => Some(stringify!($id)),)*
                    _ => None,
                }
            }
            /// Mnemonic and description as Wireshark shows them:
            /// `C_SC_NA_1 (single command)`.
            pub fn name(self) -> &'static str {
                match self.0 {
                    $($v => concat!(stringify!($id), " (", $desc, ")"),)*
                    _ => "Unknown",
                }
            }
            /// Octets of one information element after its IOA; `None` where the
            /// size is variable (file segments) or unknown.
            pub fn element_len(self) -> Option<usize> {
                match self.0 {
                    $($v => $len,)*
                    _ => None,
                }
            }
        }
    };
}

// Sizes: IEC 60870-5-101 clause 7.3 (CP24Time2a 3, CP56Time2a 7, CP16Time2a 2 octets).
type_ids! {
    M_SP_NA_1 = 1, Some(1), "single-point information";
    M_SP_TA_1 = 2, Some(4), "single-point information with time tag";
    M_DP_NA_1 = 3, Some(1), "double-point information";
    M_DP_TA_1 = 4, Some(4), "double-point information with time tag";
    M_ST_NA_1 = 5, Some(2), "step position information";
    M_ST_TA_1 = 6, Some(5), "step position information with time tag";
    M_BO_NA_1 = 7, Some(5), "bitstring of 32 bits";
    M_BO_TA_1 = 8, Some(8), "bitstring of 32 bits with time tag";
    M_ME_NA_1 = 9, Some(3), "measured value, normalized value";
    M_ME_TA_1 = 10, Some(6), "measured value, normalized value with time tag";
    M_ME_NB_1 = 11, Some(3), "measured value, scaled value";
    M_ME_TB_1 = 12, Some(6), "measured value, scaled value with time tag";
    M_ME_NC_1 = 13, Some(5), "measured value, short floating point number";
    M_ME_TC_1 = 14, Some(8), "measured value, short floating point number with time tag";
    M_IT_NA_1 = 15, Some(5), "integrated totals";
    M_IT_TA_1 = 16, Some(8), "integrated totals with time tag";
    M_EP_TA_1 = 17, Some(6), "event of protection equipment with time tag";
    M_EP_TB_1 = 18, Some(7), "packed start events of protection equipment with time tag";
    M_EP_TC_1 = 19, Some(7), "packed output circuit information of protection equipment with time tag";
    M_PS_NA_1 = 20, Some(5), "packed single-point information with status change detection";
    M_ME_ND_1 = 21, Some(2), "measured value, normalized value without quality descriptor";
    M_SP_TB_1 = 30, Some(8), "single-point information with time tag CP56Time2a";
    M_DP_TB_1 = 31, Some(8), "double-point information with time tag CP56Time2a";
    M_ST_TB_1 = 32, Some(9), "step position information with time tag CP56Time2a";
    M_BO_TB_1 = 33, Some(12), "bitstring of 32 bit with time tag CP56Time2a";
    M_ME_TD_1 = 34, Some(10), "measured value, normalized value with time tag CP56Time2a";
    M_ME_TE_1 = 35, Some(10), "measured value, scaled value with time tag CP56Time2a";
    M_ME_TF_1 = 36, Some(12), "measured value, short floating point number with time tag CP56Time2a";
    M_IT_TB_1 = 37, Some(12), "integrated totals with time tag CP56Time2a";
    M_EP_TD_1 = 38, Some(10), "event of protection equipment with time tag CP56Time2a";
    M_EP_TE_1 = 39, Some(11), "packed start events of protection equipment with time tag CP56Time2a";
    M_EP_TF_1 = 40, Some(11), "packed output circuit information of protection equipment with time tag CP56Time2a";
    // IEC 60870-5-7; the element's size differs between Wireshark releases.
    S_IT_TC_1 = 41, None, "integrated totals containing time tagged security statistics";
    C_SC_NA_1 = 45, Some(1), "single command";
    C_DC_NA_1 = 46, Some(1), "double command";
    C_RC_NA_1 = 47, Some(1), "regulating step command";
    C_SE_NA_1 = 48, Some(3), "set point command, normalized value";
    C_SE_NB_1 = 49, Some(3), "set point command, scaled value";
    C_SE_NC_1 = 50, Some(5), "set point command, short floating point number";
    C_BO_NA_1 = 51, Some(4), "bitstring of 32 bits";
    C_SC_TA_1 = 58, Some(8), "single command with time tag CP56Time2a";
    C_DC_TA_1 = 59, Some(8), "double command with time tag CP56Time2a";
    C_RC_TA_1 = 60, Some(8), "regulating step command with time tag CP56Time2a";
    C_SE_TA_1 = 61, Some(10), "set point command, normalized value with time tag CP56Time2a";
    C_SE_TB_1 = 62, Some(10), "set point command, scaled value with time tag CP56Time2a";
    C_SE_TC_1 = 63, Some(12), "set point command, short floating-point number with time tag CP56Time2a";
    C_BO_TA_1 = 64, Some(11), "bitstring of 32 bits with time tag CP56Time2a";
    M_EI_NA_1 = 70, Some(1), "end of initialization";
    // Secure authentication (IEC 60870-5-7, numbering as Wireshark): variable layouts.
    S_CH_NA_1 = 81, None, "authentication challenge";
    S_RP_NA_1 = 82, None, "authentication reply";
    S_AR_NA_1 = 83, None, "aggressive mode authentication request";
    S_KR_NA_1 = 84, None, "session key status request";
    S_KS_NA_1 = 85, None, "session key status";
    S_KC_NA_1 = 86, None, "session key change";
    S_ER_NA_1 = 87, None, "authentication error";
    S_US_NA_1 = 90, None, "user status change";
    S_UQ_NA_1 = 91, None, "update key change request";
    S_UR_NA_1 = 92, None, "update key change reply";
    S_UK_NA_1 = 93, None, "update key change symmetric";
    S_UA_NA_1 = 94, None, "update key change asymmetric";
    S_UC_NA_1 = 95, None, "update key change confirmation";
    C_IC_NA_1 = 100, Some(1), "interrogation command";
    C_CI_NA_1 = 101, Some(1), "counter interrogation command";
    C_RD_NA_1 = 102, Some(0), "read command";
    C_CS_NA_1 = 103, Some(7), "clock synchronization command";
    C_TS_NA_1 = 104, Some(2), "test command";
    C_RP_NA_1 = 105, Some(1), "reset process command";
    C_CD_NA_1 = 106, Some(2), "delay acquisition command";
    C_TS_TA_1 = 107, Some(9), "test command with time tag CP56Time2a";
    P_ME_NA_1 = 110, Some(3), "parameter of measured value, normalized value";
    P_ME_NB_1 = 111, Some(3), "parameter of measured value, scaled value";
    P_ME_NC_1 = 112, Some(5), "parameter of measured value, short floating-point number";
    P_AC_NA_1 = 113, Some(1), "parameter activation";
    F_FR_NA_1 = 120, Some(6), "file ready";
    F_SR_NA_1 = 121, Some(7), "section ready";
    F_SC_NA_1 = 122, Some(4), "call directory, select file, call file, call section";
    F_LS_NA_1 = 123, Some(5), "last section, last segment";
    F_AF_NA_1 = 124, Some(4), "ack file, ack section";
    // Name of file (2), name of section (1), length of segment (1), the segment.
    F_SG_NA_1 = 125, None, "segment";
    F_DR_TA_1 = 126, Some(13), "directory";
    F_SC_NB_1 = 127, Some(16), "Query Log - Request archive file";
}

impl TypeId {
    /// What the ASDU does to the outstation. Clock synchronisation (103) is
    /// `Session`: it keeps the association's time base, it reads and sets no process
    /// data. Test (104, 107) and delay acquisition (106) are `Diagnostic`.
    pub fn class(self) -> OpClass {
        match self.0 {
            _ if self.is_monitor() => OpClass::Read,
            45..=51 | 58..=64 | 105 => OpClass::Control,
            100..=102 => OpClass::Read,
            103 => OpClass::Session,
            104 | 106 | 107 => OpClass::Diagnostic,
            110..=113 => OpClass::Write,
            120..=127 => OpClass::Program,
            81..=95 if self.mnemonic().is_some() => OpClass::Session,
            _ => OpClass::Other,
        }
    }
    /// A known type of the monitor direction (1..=41, 70).
    pub fn is_monitor(self) -> bool {
        matches!(self.0, 1..=44 | 70) && self.mnemonic().is_some()
    }
    /// Whether `Asdu::objects` can walk this type's information objects.
    pub fn is_supported(self) -> bool {
        self.element_len().is_some() || self == Self::F_SG_NA_1
    }
}

/// Cause of transmission, six bits (IEC 60870-5-101 clause 7.2.3); unknown values
/// survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cause(pub u8);

impl Cause {
    pub const PERIODIC: Self = Self(1);
    pub const BACKGROUND: Self = Self(2);
    pub const SPONTANEOUS: Self = Self(3);
    pub const INITIALIZED: Self = Self(4);
    pub const REQUEST: Self = Self(5);
    pub const ACTIVATION: Self = Self(6);
    pub const ACTIVATION_CON: Self = Self(7);
    pub const DEACTIVATION: Self = Self(8);
    pub const DEACTIVATION_CON: Self = Self(9);
    pub const ACTIVATION_TERM: Self = Self(10);
    pub const RETURN_REMOTE: Self = Self(11);
    pub const RETURN_LOCAL: Self = Self(12);
    pub const FILE_TRANSFER: Self = Self(13);
    pub const AUTHENTICATION: Self = Self(14);
    pub const SESSION_KEY: Self = Self(15);
    pub const USER_KEY: Self = Self(16);
    /// Station interrogation; 21..=36 are groups 1..=16.
    pub const INTERROGATED: Self = Self(20);
    /// General counter request; 38..=41 are groups 1..=4.
    pub const COUNTER_REQUEST: Self = Self(37);
    pub const UNKNOWN_TYPE: Self = Self(44);
    pub const UNKNOWN_CAUSE: Self = Self(45);
    pub const UNKNOWN_COMMON_ADDRESS: Self = Self(46);
    pub const UNKNOWN_IOA: Self = Self(47);

    /// The standard's description.
    pub fn name(self) -> &'static str {
        const GROUPS: [&str; 16] = [
            "interrogated by group 1 interrogation",
            "interrogated by group 2 interrogation",
            "interrogated by group 3 interrogation",
            "interrogated by group 4 interrogation",
            "interrogated by group 5 interrogation",
            "interrogated by group 6 interrogation",
            "interrogated by group 7 interrogation",
            "interrogated by group 8 interrogation",
            "interrogated by group 9 interrogation",
            "interrogated by group 10 interrogation",
            "interrogated by group 11 interrogation",
            "interrogated by group 12 interrogation",
            "interrogated by group 13 interrogation",
            "interrogated by group 14 interrogation",
            "interrogated by group 15 interrogation",
            "interrogated by group 16 interrogation",
        ];
        const COUNTER_GROUPS: [&str; 4] = [
            "requested by group 1 counter request",
            "requested by group 2 counter request",
            "requested by group 3 counter request",
            "requested by group 4 counter request",
        ];
        match self.0 {
            1 => "periodic, cyclic",
            2 => "background scan",
            3 => "spontaneous",
            4 => "initialized",
            5 => "request or requested",
            6 => "activation",
            7 => "activation confirmation",
            8 => "deactivation",
            9 => "deactivation confirmation",
            10 => "activation termination",
            11 => "return information caused by a remote command",
            12 => "return information caused by a local command",
            13 => "file transfer",
            14 => "authentication",
            15 => "maintenance of authentication session key",
            16 => "maintenance of user role and update key",
            20 => "interrogated by station interrogation",
            21..=36 => GROUPS[(self.0 - 21) as usize],
            37 => "requested by general counter request",
            38..=41 => COUNTER_GROUPS[(self.0 - 38) as usize],
            44 => "unknown type identification",
            45 => "unknown cause of transmission",
            46 => "unknown common address of ASDU",
            47 => "unknown information object address",
            _ => "Unknown",
        }
    }
    /// The outstation mirrors an ASDU it cannot handle (44..=47).
    pub fn is_unknown_reply(self) -> bool {
        matches!(self.0, 44..=47)
    }
}

/// One APDU, borrowed. Checked once in `parse`; accessors are infallible.
#[derive(Clone, Copy)]
pub struct Apdu<'a> {
    apci: &'a [u8; APCI_LEN],
    /// The ASDU's bytes: empty for S and U frames, at least the header for I frames.
    asdu: &'a [u8],
}

/// Parses the APDU at the start of `data`; `Apdu::len` says how many bytes it used.
pub fn parse(data: &[u8]) -> Result<Apdu<'_>, Error> {
    let short = |need| Error::Short {
        need,
        have: data.len(),
    };
    let (&start, &length) = match data {
        [s, l, ..] => (s, l),
        _ => return Err(short(APCI_LEN)),
    };
    if start != START {
        return Err(Error::Start(start));
    }
    if !(MIN_LENGTH..=MAX_LENGTH).contains(&length) {
        return Err(Error::Length(length));
    }
    // The first control octet fixes the format; judge it as soon as it is there, so
    // a stream of garbage does not wait for bytes it will never use.
    if let Some(&c) = data.get(2) {
        check_control(c, length)?;
    }
    let total = 2 + length as usize;
    let apdu = data.get(..total).ok_or(short(total))?;
    let (apci, asdu) = apdu.split_first_chunk::<APCI_LEN>().ok_or(short(total))?;
    Ok(Apdu { apci, asdu })
}

/// Checks the first control octet against the format's rules and length.
fn check_control(c: u8, length: u8) -> Result<(), Error> {
    if c & 0x01 == 0 {
        return if length >= MIN_I_LENGTH {
            Ok(())
        } else {
            Err(Error::Length(length))
        };
    }
    let known = if c & 0x03 == 0x01 {
        c == 0x01
    } else {
        UFunction::from_octet(c).is_some()
    };
    if !known {
        Err(Error::Control(c))
    } else if length != MIN_LENGTH {
        Err(Error::Length(length))
    } else {
        Ok(())
    }
}

impl<'a> Apdu<'a> {
    /// Bytes of the APDU: the start octet, the length octet and what it counts.
    pub fn len(&self) -> usize {
        2 + self.apci[1] as usize
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    /// The four control octets.
    pub fn control_octets(&self) -> [u8; 4] {
        [self.apci[2], self.apci[3], self.apci[4], self.apci[5]]
    }
    pub fn control(&self) -> Control {
        let c = self.control_octets();
        let recv = u16::from_le_bytes([c[2], c[3]]) >> 1;
        if c[0] & 0x01 == 0 {
            Control::I {
                send: u16::from_le_bytes([c[0], c[1]]) >> 1,
                recv,
            }
        } else {
            match UFunction::from_octet(c[0]) {
                Some(u) => Control::U(u),
                // `parse` let no other octet through than 0x01.
                None => Control::S { recv },
            }
        }
    }
    /// The ASDU of an I-format APDU.
    pub fn asdu(&self) -> Option<Asdu<'a>> {
        if self.apci[2] & 0x01 != 0 {
            return None;
        }
        let (hdr, body) = self.asdu.split_first_chunk::<ASDU_HEADER_LEN>()?;
        Some(Asdu { hdr, body })
    }
}

/// The ASDU of an I-format APDU, borrowed.
#[derive(Clone, Copy)]
pub struct Asdu<'a> {
    hdr: &'a [u8; ASDU_HEADER_LEN],
    /// The information objects.
    body: &'a [u8],
}

impl<'a> Asdu<'a> {
    pub fn type_id(&self) -> TypeId {
        TypeId(self.hdr[0])
    }
    /// SQ bit: one IOA, then `count` elements at consecutive addresses.
    pub fn is_sequence(&self) -> bool {
        self.hdr[1] & 0x80 != 0
    }
    /// Number of information objects (or elements, in a sequence).
    pub fn count(&self) -> u8 {
        self.hdr[1] & 0x7f
    }
    pub fn cause(&self) -> Cause {
        Cause(self.hdr[2] & 0x3f)
    }
    /// P/N bit: a negative confirmation.
    pub fn is_negative(&self) -> bool {
        self.hdr[2] & 0x40 != 0
    }
    /// T bit: generated under test conditions.
    pub fn is_test(&self) -> bool {
        self.hdr[2] & 0x80 != 0
    }
    pub fn originator(&self) -> u8 {
        self.hdr[3]
    }
    /// Common address of ASDU (station address); 0xFFFF is the global address.
    pub fn common_address(&self) -> u16 {
        u16::from_le_bytes([self.hdr[4], self.hdr[5]])
    }
    /// The information objects' bytes.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }
    /// The information objects. Empty for a type without a known element size; ends
    /// early where the body is too short for `count` objects.
    pub fn objects(&self) -> Objects<'a> {
        Objects {
            type_id: self.type_id(),
            sequence: self.is_sequence(),
            left: self.count(),
            next_ioa: None,
            rest: self.body,
        }
    }
    /// Whether the body holds exactly `count` objects; `None` for a type
    /// `objects` cannot walk.
    pub fn fits(&self) -> Option<bool> {
        if !self.type_id().is_supported() {
            return None;
        }
        let mut it = self.objects();
        for _ in it.by_ref() {}
        Some(it.left == 0 && it.rest.is_empty())
    }
    /// The command the first object carries, for command types (45..=51, 58..=64).
    pub fn command(&self) -> Option<Command> {
        self.objects().next()?.command()
    }
}

/// Iterator over an ASDU's information objects.
#[derive(Clone)]
pub struct Objects<'a> {
    type_id: TypeId,
    sequence: bool,
    left: u8,
    /// In a sequence, the next element's address once the one IOA is read.
    next_ioa: Option<u32>,
    rest: &'a [u8],
}

impl<'a> Iterator for Objects<'a> {
    type Item = Object<'a>;

    fn next(&mut self) -> Option<Object<'a>> {
        if self.left == 0 {
            return None;
        }
        // Work on a copy and commit only a whole object, so a short body stops the
        // iterator where it is.
        let mut rest = self.rest;
        let ioa = match self.next_ioa {
            Some(ioa) => ioa,
            None => {
                let (a, r) = rest.split_first_chunk::<IOA_LEN>()?;
                rest = r;
                u32::from_le_bytes([a[0], a[1], a[2], 0])
            }
        };
        let n = match self.type_id.element_len() {
            Some(n) => n,
            // Segment: name of file (2), name of section (1), length (1), the segment.
            None if self.type_id == TypeId::F_SG_NA_1 => 4 + *rest.get(3)? as usize,
            None => return None,
        };
        let (element, rest) = rest.split_at_checked(n)?;
        self.rest = rest;
        self.left -= 1;
        if self.sequence {
            // At most 0xFF_FFFF + 127: no overflow.
            self.next_ioa = Some(ioa + 1);
        }
        Some(Object {
            ioa,
            type_id: self.type_id,
            element,
        })
    }
}

impl fmt::Debug for Objects<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// One information object: its address and its element's bytes.
#[derive(Clone, Copy)]
pub struct Object<'a> {
    ioa: u32,
    type_id: TypeId,
    element: &'a [u8],
}

impl<'a> Object<'a> {
    /// Information object address (24 bits).
    pub fn ioa(&self) -> u32 {
        self.ioa
    }
    pub fn type_id(&self) -> TypeId {
        self.type_id
    }
    /// The element's bytes (value, qualifier, time tag), `type_id().element_len()` long.
    pub fn element(&self) -> &'a [u8] {
        self.element
    }
    /// The command this object carries, for command types (45..=51, 58..=64).
    pub fn command(&self) -> Option<Command> {
        let e = self.element;
        // SCO, DCO, RCO: S/E bit 7, qualifier of command bits 2..=6, state bits 0..=1.
        let coded = |value: fn(u8) -> CommandValue| {
            let b = *e.first()?;
            Some(Command {
                select: b & 0x80 != 0,
                qualifier: (b >> 2) & 0x1f,
                value: value(b),
            })
        };
        // Set points: the value, then QOS (S/E bit 7, QL bits 0..=6).
        let set_point = |value: CommandValue, qos: Option<&u8>| {
            let q = *qos?;
            Some(Command {
                select: q & 0x80 != 0,
                qualifier: q & 0x7f,
                value,
            })
        };
        let i16_at = |i: usize| e.get(i..i + 2).map(|b| i16::from_le_bytes([b[0], b[1]]));
        match self.type_id.0 {
            45 | 58 => coded(|b| CommandValue::Single(b & 0x01 != 0)),
            46 | 59 => coded(|b| CommandValue::Double(b & 0x03)),
            47 | 60 => coded(|b| CommandValue::Step(b & 0x03)),
            48 | 61 => set_point(CommandValue::Normalized(i16_at(0)?), e.get(2)),
            49 | 62 => set_point(CommandValue::Scaled(i16_at(0)?), e.get(2)),
            50 | 63 => {
                let v = f32::from_le_bytes(*e.first_chunk::<4>()?);
                set_point(CommandValue::Float(v), e.get(4))
            }
            // Bitstring commands have no qualifier: they execute directly.
            51 | 64 => Some(Command {
                select: false,
                qualifier: 0,
                value: CommandValue::Bits(u32::from_le_bytes(*e.first_chunk::<4>()?)),
            }),
            _ => None,
        }
    }
}

impl fmt::Debug for Object<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Object")
            .field("ioa", &self.ioa())
            .field("type_id", &self.type_id().0)
            .field("element", &self.element())
            .field("command", &self.command())
            .finish()
    }
}

/// A command's select/execute bit, qualifier and value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Command {
    /// S/E bit: select (true) or execute (false).
    pub select: bool,
    /// QU for single, double and step commands; QL for set points; 0 for bitstrings.
    pub qualifier: u8,
    pub value: CommandValue,
}

/// The value a command sets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CommandValue {
    /// SCS: on (true) or off.
    Single(bool),
    /// DCS: 1 off, 2 on (0 and 3 not permitted).
    Double(u8),
    /// RCS: 1 next step lower, 2 next step higher (0 and 3 not permitted).
    Step(u8),
    /// NVA, in units of 2^-15.
    Normalized(i16),
    /// SVA.
    Scaled(i16),
    Float(f32),
    /// BSI.
    Bits(u32),
}

/// Function codes outside the type id range: S frames and U frames (0x100 | octet).
pub const FUNCTION_S: u16 = 0x101;
/// `op`'s function code for a U frame: 0x100 | its first control octet, so STARTDT
/// act is 263, STARTDT con 267, STOPDT act 275, STOPDT con 291, TESTFR act 323,
/// TESTFR con 387.
pub fn u_function_code(u: UFunction) -> u16 {
    0x100 | u.octet() as u16
}

/// The operation an APDU performs. I frames: the type id, addressed to the common
/// address; exception for a negative confirmation or an unknown-* cause (44..=47).
/// S frames: function 0x101. U frames: 0x100 | the control octet.
pub fn op(a: &Apdu<'_>) -> Option<Op> {
    match a.control() {
        Control::I { .. } => {
            let asdu = a.asdu()?;
            let cause = asdu.cause();
            Some(Op {
                unit: asdu.common_address() as u64,
                function: asdu.type_id().0 as u16,
                exception: asdu.is_negative() || cause.is_unknown_reply(),
                request: request(asdu.type_id(), cause),
            })
        }
        Control::S { .. } => Some(Op {
            unit: 0,
            function: FUNCTION_S,
            exception: false,
            request: None,
        }),
        Control::U(u) => Some(Op {
            unit: 0,
            function: u_function_code(u),
            exception: false,
            request: Some(u.is_act()),
        }),
    }
}

/// The direction an I frame's cause states: activation and deactivation are
/// requests; confirmations, terminations and the monitor direction's causes are not.
/// "Request or requested" (5) goes both ways: a read command (102) is the request,
/// monitor data answering it is not.
fn request(t: TypeId, c: Cause) -> Option<bool> {
    match c.0 {
        6 | 8 => Some(true),
        7 | 9 | 10 => Some(false),
        1..=4 | 11 | 12 | 20..=41 | 44..=47 => Some(false),
        5 if t == TypeId::C_RD_NA_1 => Some(true),
        5 if t.is_monitor() => Some(false),
        _ => None,
    }
}

/// Name of an `Op::function` code: a type id's name, or the S/U frame's.
pub fn function_name(code: u16) -> &'static str {
    match code {
        0..=0xff => TypeId(code as u8).name(),
        FUNCTION_S => "S-format (acknowledge)",
        _ => u_function(code).map_or("Unknown", UFunction::name),
    }
}

/// The U function an `Op::function` code of 0x100 | octet stands for.
fn u_function(code: u16) -> Option<UFunction> {
    (code >> 8 == 1).then(|| UFunction::from_octet(code as u8))?
}

/// Class of an `Op::function` code: the type id's class; S and U frames are `Session`.
pub fn function_class(code: u16) -> OpClass {
    match code {
        0..=0xff => TypeId(code as u8).class(),
        FUNCTION_S => OpClass::Session,
        _ if u_function(code).is_some() => OpClass::Session,
        _ => OpClass::Other,
    }
}

impl fmt::Debug for Asdu<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.type_id();
        f.debug_struct("Asdu")
            .field("type_id", &t.0)
            .field("name", &t.name())
            .field("class", &t.class())
            .field("sequence", &self.is_sequence())
            .field("count", &self.count())
            .field("cause", &self.cause().0)
            .field("cause_name", &self.cause().name())
            .field("negative", &self.is_negative())
            .field("test", &self.is_test())
            .field("originator", &self.originator())
            .field("common_address", &self.common_address())
            .field("body_len", &self.body().len())
            .field("fits", &self.fits())
            .field("objects", &self.objects())
            .finish()
    }
}

impl fmt::Debug for Apdu<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Apdu")
            .field("len", &self.len())
            .field("control", &self.control())
            .field("asdu", &self.asdu())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An I frame with sequence numbers (send, recv) around an ASDU.
    fn i_frame(send: u16, recv: u16, asdu: &[u8]) -> Vec<u8> {
        let mut v = vec![START, (4 + asdu.len()) as u8];
        v.extend((send << 1).to_le_bytes());
        v.extend((recv << 1).to_le_bytes());
        v.extend(asdu);
        v
    }

    /// An ASDU header: type, VSQ, cause octet, originator, common address.
    fn asdu(t: u8, vsq: u8, cot: u8, ca: u16, objects: &[u8]) -> Vec<u8> {
        let mut v = vec![t, vsq, cot, 0];
        v.extend(ca.to_le_bytes());
        v.extend(objects);
        v
    }

    fn op_of(b: &[u8]) -> Op {
        op(&parse(b).unwrap()).unwrap()
    }

    #[test]
    fn u_frames() {
        for (c, u, code, act) in [
            (0x07, UFunction::StartDtAct, 263, true),
            (0x0B, UFunction::StartDtCon, 267, false),
            (0x13, UFunction::StopDtAct, 275, true),
            (0x23, UFunction::StopDtCon, 291, false),
            (0x43, UFunction::TestFrAct, 323, true),
            (0x83, UFunction::TestFrCon, 387, false),
        ] {
            let b = [START, 4, c, 0, 0, 0];
            let a = parse(&b).unwrap();
            assert_eq!((a.len(), a.control()), (6, Control::U(u)));
            assert!(a.asdu().is_none());
            let o = op(&a).unwrap();
            assert_eq!((o.function, o.request, o.unit), (code, Some(act), 0));
            assert_eq!(function_name(code), u.name());
            assert_eq!(function_class(code), OpClass::Session);
        }
        assert_eq!(function_name(0x107), "STARTDT act");
        assert_eq!(function_name(0x207), "Unknown");
        assert_eq!(function_class(0x10F), OpClass::Other);
    }

    #[test]
    fn s_frame() {
        let b = [START, 4, 0x01, 0x00, 0x2a, 0x01];
        let a = parse(&b).unwrap();
        assert_eq!(a.control(), Control::S { recv: 0x95 });
        let o = op(&a).unwrap();
        assert_eq!((o.function, o.request), (FUNCTION_S, None));
        assert_eq!(function_class(o.function), OpClass::Session);
        assert_eq!(function_name(o.function), "S-format (acknowledge)");
    }

    #[test]
    fn bad_apci() {
        assert_eq!(
            parse(&[0x67, 4, 7, 0, 0, 0]).err(),
            Some(Error::Start(0x67))
        );
        assert_eq!(parse(&[START, 3, 7, 0, 0]).err(), Some(Error::Length(3)));
        assert_eq!(parse(&[START, 254]).err(), Some(Error::Length(254)));
        // U frame naming two functions; S frame with reserved bits set.
        assert_eq!(parse(&[START, 4, 0x0F]).err(), Some(Error::Control(0x0F)));
        assert_eq!(parse(&[START, 4, 0x03]).err(), Some(Error::Control(0x03)));
        assert_eq!(parse(&[START, 4, 0x05]).err(), Some(Error::Control(0x05)));
        // S and U frames carry no ASDU; an I frame has at least its header.
        assert_eq!(parse(&[START, 5, 0x43]).err(), Some(Error::Length(5)));
        assert_eq!(parse(&[START, 6, 0x01]).err(), Some(Error::Length(6)));
        assert_eq!(parse(&[START, 9, 0x00]).err(), Some(Error::Length(9)));
        assert_eq!(
            parse(&[START, 4]).err(),
            Some(Error::Short { need: 6, have: 2 })
        );
    }

    #[test]
    fn interrogation_act_con_term() {
        // C_IC_NA_1, IOA 0, QOI 20 (station interrogation).
        let obj = [0, 0, 0, 20];
        let act = i_frame(0, 0, &asdu(100, 1, 6, 1, &obj));
        let a = parse(&act).unwrap();
        assert_eq!(a.control(), Control::I { send: 0, recv: 0 });
        let d = a.asdu().unwrap();
        assert_eq!(d.type_id(), TypeId::C_IC_NA_1);
        assert_eq!(d.type_id().name(), "C_IC_NA_1 (interrogation command)");
        assert_eq!(d.type_id().class(), OpClass::Read);
        assert_eq!(d.cause(), Cause::ACTIVATION);
        assert_eq!(d.fits(), Some(true));
        let o: Vec<_> = d.objects().map(|o| (o.ioa(), o.element())).collect();
        assert_eq!(o, [(0, &[20u8][..])]);
        assert_eq!(
            op(&a),
            Some(Op {
                unit: 1,
                function: 100,
                exception: false,
                request: Some(true)
            })
        );
        let con = i_frame(1, 1, &asdu(100, 1, 7, 1, &obj));
        assert_eq!(op_of(&con).request, Some(false));
        let term = i_frame(2, 1, &asdu(100, 1, 10, 1, &obj));
        let a = parse(&term).unwrap();
        assert_eq!(a.control(), Control::I { send: 2, recv: 1 });
        assert_eq!(a.asdu().unwrap().cause().name(), "activation termination");
        assert_eq!(op_of(&term).request, Some(false));
        assert_eq!(function_name(100), "C_IC_NA_1 (interrogation command)");
    }

    #[test]
    fn measured_floats_spontaneous() {
        // Two M_ME_NC_1 objects, each with its own IOA: float then QDS.
        let mut objs = vec![0x01, 0x10, 0x00];
        objs.extend(1.5f32.to_le_bytes());
        objs.push(0);
        objs.extend([0x02, 0x10, 0x00]);
        objs.extend((-2.0f32).to_le_bytes());
        objs.push(0x80);
        let b = i_frame(7, 3, &asdu(13, 2, 3, 0x1234, &objs));
        let a = parse(&b).unwrap();
        assert_eq!(a.len(), b.len());
        let d = a.asdu().unwrap();
        assert_eq!((d.is_sequence(), d.count()), (false, 2));
        assert_eq!(d.cause(), Cause::SPONTANEOUS);
        assert_eq!(d.common_address(), 0x1234);
        assert_eq!(d.fits(), Some(true));
        let o: Vec<_> = d.objects().collect();
        assert_eq!((o[0].ioa(), o[1].ioa()), (0x1001, 0x1002));
        assert_eq!(o[1].element()[..4], (-2.0f32).to_le_bytes());
        assert!(o[0].command().is_none());
        let op = op_of(&b);
        assert_eq!(
            (op.unit, op.function, op.request),
            (0x1234, 13, Some(false))
        );
        assert_eq!(function_class(13), OpClass::Read);

        // The same two values as a sequence: one IOA, consecutive addresses.
        let mut seq = vec![0x01, 0x10, 0x00];
        seq.extend(1.5f32.to_le_bytes());
        seq.push(0);
        seq.extend((-2.0f32).to_le_bytes());
        seq.push(0);
        let b = i_frame(8, 3, &asdu(13, 0x82, 20, 0x1234, &seq));
        let d = parse(&b).unwrap().asdu().unwrap();
        assert_eq!(
            (d.is_sequence(), d.count(), d.fits()),
            (true, 2, Some(true))
        );
        let ioas: Vec<_> = d.objects().map(|o| o.ioa()).collect();
        assert_eq!(ioas, [0x1001, 0x1002]);
        assert_eq!(op_of(&b).request, Some(false));

        // Count says three, the body holds two: the iterator stops, `fits` says so.
        let b = i_frame(9, 3, &asdu(13, 0x83, 3, 1, &seq));
        let d = parse(&b).unwrap().asdu().unwrap();
        assert_eq!((d.objects().count(), d.fits()), (2, Some(false)));
    }

    #[test]
    fn single_command_select_then_execute() {
        // C_SC_NA_1 IOA 5000: SCO select + on, then execute + on.
        let sel = i_frame(0, 0, &asdu(45, 1, 6, 3, &[0x88, 0x13, 0x00, 0x81]));
        let d = parse(&sel).unwrap().asdu().unwrap();
        assert_eq!(d.type_id().name(), "C_SC_NA_1 (single command)");
        assert_eq!(d.type_id().class(), OpClass::Control);
        assert_eq!(d.objects().next().unwrap().ioa(), 5000);
        assert_eq!(
            d.command(),
            Some(Command {
                select: true,
                qualifier: 0,
                value: CommandValue::Single(true)
            })
        );
        let exe = i_frame(1, 0, &asdu(45, 1, 6, 3, &[0x88, 0x13, 0x00, 0x05]));
        let c = parse(&exe).unwrap().asdu().unwrap().command().unwrap();
        assert_eq!(
            (c.select, c.qualifier, c.value),
            (false, 1, CommandValue::Single(true))
        );
        let o = op_of(&exe);
        assert_eq!((o.unit, o.function, o.request), (3, 45, Some(true)));
        assert_eq!(function_class(45), OpClass::Control);
        // Double command, time tagged: DCO on, execute.
        let mut obj = vec![1, 0, 0, 0x02];
        obj.extend([0; 7]);
        let dc = i_frame(2, 0, &asdu(59, 1, 6, 3, &obj));
        let c = parse(&dc).unwrap().asdu().unwrap().command().unwrap();
        assert_eq!((c.select, c.value), (false, CommandValue::Double(2)));
    }

    #[test]
    fn set_point_scaled() {
        // C_SE_NB_1 IOA 0x000102: value -300, QOS select with QL 0.
        let mut obj = vec![0x02, 0x01, 0x00];
        obj.extend((-300i16).to_le_bytes());
        obj.push(0x80);
        let b = i_frame(4, 4, &asdu(49, 1, 6, 9, &obj));
        let d = parse(&b).unwrap().asdu().unwrap();
        assert_eq!(d.type_id(), TypeId::C_SE_NB_1);
        assert_eq!(d.type_id().class(), OpClass::Control);
        assert_eq!(d.objects().next().unwrap().ioa(), 0x102);
        assert_eq!(
            d.command(),
            Some(Command {
                select: true,
                qualifier: 0,
                value: CommandValue::Scaled(-300)
            })
        );
        // Float set point, execute, QL 3.
        let mut obj = vec![1, 0, 0];
        obj.extend(0.25f32.to_le_bytes());
        obj.push(3);
        let b = i_frame(5, 4, &asdu(50, 1, 6, 9, &obj));
        let c = parse(&b).unwrap().asdu().unwrap().command().unwrap();
        assert_eq!(
            (c.select, c.qualifier, c.value),
            (false, 3, CommandValue::Float(0.25))
        );
    }

    #[test]
    fn clock_sync_and_reset_process() {
        // C_CS_NA_1: IOA 0 and a CP56Time2a (frame 139 of nDPI's iec60780-5-104.pcap).
        let b = [
            0x68, 0x14, 0x0c, 0x00, 0x16, 0x00, 0x67, 0x01, 0x06, 0x04, 0x0d, 0x91, 0x00, 0x00,
            0x00, 0xc8, 0x32, 0x39, 0x08, 0x1d, 0x08, 0x08,
        ];
        let a = parse(&b).unwrap();
        assert_eq!(a.control(), Control::I { send: 6, recv: 11 });
        let d = a.asdu().unwrap();
        assert_eq!(d.type_id(), TypeId::C_CS_NA_1);
        assert_eq!((d.originator(), d.common_address()), (4, 0x910d));
        assert_eq!(d.fits(), Some(true));
        assert_eq!(d.objects().next().unwrap().element().len(), 7);
        assert_eq!(d.type_id().class(), OpClass::Session);
        assert_eq!(function_class(103), OpClass::Session);
        let o = op_of(&b);
        assert_eq!((o.unit, o.function, o.request), (0x910d, 103, Some(true)));

        // C_RP_NA_1, QRP 1 (general reset).
        let b = i_frame(0, 0, &asdu(105, 1, 6, 1, &[0, 0, 0, 1]));
        let d = parse(&b).unwrap().asdu().unwrap();
        assert_eq!(d.type_id().name(), "C_RP_NA_1 (reset process command)");
        assert_eq!(d.type_id().class(), OpClass::Control);
        assert_eq!(d.fits(), Some(true));
        assert_eq!(op_of(&b).request, Some(true));
    }

    #[test]
    fn negative_confirm_and_unknown_replies() {
        // Frame 118 of nDPI's iec60780-5-104.pcap: C_DC_NA_1 act con, P/N set.
        let b = [
            0x68, 0x0e, 0x0a, 0x00, 0x04, 0x00, 0x2e, 0x01, 0x47, 0x01, 0x0d, 0x91, 0x98, 0x3a,
            0x00, 0x82,
        ];
        let d = parse(&b).unwrap().asdu().unwrap();
        assert!(d.is_negative() && !d.is_test());
        assert_eq!(d.cause(), Cause::ACTIVATION_CON);
        assert_eq!(d.originator(), 1);
        let o = op_of(&b);
        assert_eq!(
            (o.function, o.exception, o.request),
            (46, true, Some(false))
        );
        // Frame 133: test bit, activation.
        let b = [
            0x68, 0x0e, 0x08, 0x00, 0x14, 0x00, 0x2d, 0x01, 0x86, 0x02, 0x0d, 0x91, 0xce, 0x56,
            0x00, 0x81,
        ];
        let d = parse(&b).unwrap().asdu().unwrap();
        assert!(d.is_test() && !d.is_negative());
        assert!(!op_of(&b).exception);
        // Unknown common address mirrored back.
        let b = i_frame(0, 0, &asdu(100, 1, 46, 7, &[0, 0, 0, 20]));
        let o = op_of(&b);
        assert!(o.exception);
        assert_eq!(o.request, Some(false));
        assert!(Cause(46).is_unknown_reply());
    }

    #[test]
    fn unknown_type_keeps_header() {
        let b = i_frame(0, 0, &asdu(200, 2, 3, 5, &[1, 2, 3, 4, 5, 6, 7, 8]));
        let d = parse(&b).unwrap().asdu().unwrap();
        assert_eq!(d.type_id(), TypeId(200));
        assert_eq!((d.count(), d.common_address()), (2, 5));
        assert_eq!(d.objects().count(), 0);
        assert_eq!(d.fits(), None);
        assert_eq!(d.type_id().name(), "Unknown");
        assert_eq!(d.type_id().mnemonic(), None);
        assert_eq!(d.type_id().class(), OpClass::Other);
        assert_eq!(function_class(200), OpClass::Other);
        let o = op_of(&b);
        assert_eq!((o.function, o.unit, o.exception), (200, 5, false));
        assert!(format!("{:?}", parse(&b).unwrap()).contains("Unknown"));
    }

    #[test]
    fn classes() {
        let class = |t: u8| TypeId(t).class();
        assert_eq!(class(1), OpClass::Read);
        assert_eq!(class(36), OpClass::Read);
        assert_eq!(class(37), OpClass::Read);
        assert_eq!(class(70), OpClass::Read);
        assert_eq!(class(25), OpClass::Other);
        for t in [45, 46, 47, 48, 49, 50, 51, 58, 64, 105] {
            assert_eq!(class(t), OpClass::Control, "{t}");
        }
        assert_eq!(class(101), OpClass::Read);
        assert_eq!(class(102), OpClass::Read);
        assert_eq!(class(104), OpClass::Diagnostic);
        assert_eq!(class(106), OpClass::Diagnostic);
        assert_eq!(class(107), OpClass::Diagnostic);
        assert_eq!(class(112), OpClass::Write);
        assert_eq!(class(113), OpClass::Write);
        assert_eq!(class(120), OpClass::Program);
        assert_eq!(class(127), OpClass::Program);
        assert_eq!(class(81), OpClass::Session);
        assert_eq!(class(88), OpClass::Other);
        assert_eq!(
            TypeId::M_ME_TF_1.name(),
            "M_ME_TF_1 (measured value, short floating point number with time tag CP56Time2a)"
        );
        assert_eq!(Cause(21).name(), "interrogated by group 1 interrogation");
        assert_eq!(Cause(41).name(), "requested by group 4 counter request");
    }

    #[test]
    fn file_segment_and_read() {
        // F_SG_NA_1: NOF 1, NOS 1, LOS 3, three octets.
        let b = i_frame(
            0,
            0,
            &asdu(125, 1, 13, 1, &[9, 0, 0, 1, 0, 1, 3, 0xaa, 0xbb, 0xcc]),
        );
        let d = parse(&b).unwrap().asdu().unwrap();
        assert_eq!(d.fits(), Some(true));
        assert_eq!(d.objects().next().unwrap().element().len(), 7);
        assert_eq!(d.type_id().class(), OpClass::Program);
        assert_eq!(op_of(&b).request, None);
        // C_RD_NA_1: the IOA alone, cause 5 is the request.
        let b = i_frame(0, 0, &asdu(102, 1, 5, 1, &[7, 0, 0]));
        let d = parse(&b).unwrap().asdu().unwrap();
        assert_eq!(
            (d.fits(), d.objects().next().unwrap().ioa()),
            (Some(true), 7)
        );
        assert_eq!(op_of(&b).request, Some(true));
    }

    #[test]
    fn several_apdus_in_one_segment() {
        // Frame 110 of nDPI's iec60780-5-104.pcap: S frame, C_IC_NA_1 con,
        // M_SP_NA_1 sequence of 9, M_DP_NA_1 sequence of 3.
        let seg: &[u8] = &[
            0x68, 0x04, 0x01, 0x00, 0x02, 0x00, 0x68, 0x0e, 0x02, 0x00, 0x02, 0x00, 0x64, 0x01,
            0x07, 0x00, 0x0d, 0x91, 0x00, 0x00, 0x00, 0x14, 0x68, 0x16, 0x04, 0x00, 0x02, 0x00,
            0x01, 0x89, 0x14, 0x00, 0x0d, 0x91, 0x1a, 0x27, 0x00, 0xd0, 0x80, 0x80, 0x80, 0xc0,
            0x80, 0x80, 0x80, 0x80, 0x68, 0x10, 0x06, 0x00, 0x02, 0x00, 0x03, 0x83, 0x14, 0x00,
            0x0d, 0x91, 0x2a, 0x4e, 0x00, 0x80, 0x80, 0x80,
        ];
        let mut b = seg;
        let mut seen = vec![];
        while let Ok(a) = parse(b) {
            let d = a.asdu();
            seen.push((d.map(|d| d.type_id().0), d.and_then(|d| d.fits())));
            if let Some(d) = d.filter(|d| d.type_id() == TypeId::M_SP_NA_1) {
                let ioas: Vec<_> = d.objects().map(|o| o.ioa()).collect();
                assert_eq!(ioas, (10010..10019).collect::<Vec<_>>());
            }
            b = &b[a.len()..];
        }
        assert!(b.is_empty());
        assert_eq!(
            seen,
            [
                (None, None),
                (Some(100), Some(true)),
                (Some(1), Some(true)),
                (Some(3), Some(true))
            ]
        );
    }

    #[test]
    fn every_prefix_is_handled() {
        let mut objs = vec![0x01, 0x10, 0x00];
        objs.extend(1.5f32.to_le_bytes());
        objs.push(0);
        let frames = [
            vec![START, 4, 0x43, 0, 0, 0],
            vec![START, 4, 0x01, 0, 8, 0],
            i_frame(1, 2, &asdu(13, 1, 3, 1, &objs)),
            i_frame(1, 2, &asdu(200, 1, 3, 1, &[])),
        ];
        for f in frames {
            for cut in 0..f.len() {
                let r = parse(&f[..cut]);
                assert!(matches!(r, Err(Error::Short { .. })), "cut {cut}: {r:?}");
            }
            let mut longer = f.clone();
            longer.extend([0x68, 0x04]);
            for b in [&f[..], &longer[..]] {
                let a = parse(b).unwrap();
                assert_eq!(a.len(), f.len());
                assert!(!format!("{a:?}").is_empty());
                assert!(op(&a).is_some());
            }
        }
    }
}
