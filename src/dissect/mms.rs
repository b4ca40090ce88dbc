//! MMS (ISO 9506, the transport of IEC 61850 client/server services) over the OSI upper
//! layers on ISO-on-TCP: given the user data of a COTP DT TSDU (TPKT and COTP are read
//! by `s7comm`), this module reads the session SPDU (ISO 8327-1 / X.225), the
//! presentation PPDU (ISO 8823-1 / X.226, BER), the ACSE APDU (ISO 8650-1 / X.227) and
//! the MMS PDU (ISO 9506-2), all through the shared BER reader `ber`.
//!
//! [`parse`] checks the session layer once; the layers above are read lazily by
//! accessors that answer `None` for what the TSDU does not hold, so a PDU whose
//! presentation or MMS part is cut off still yields its session SPDU. COTP segments
//! (DT without EOT) are joined by the flow layer before this is called.
//!
//! # Operation codes
//! [`op`] names each TSDU's operation with one 16-bit code, in ranges that cannot
//! collide, so [`function_name`] and [`function_class`] need only the code:
//!
//! - `0x0000..=0x00FF`: the ConfirmedService choice (ISO 9506-2 §7.2: read = 4,
//!   write = 5, identify = 2, fileOpen = 72), for requests, responses and errors
//!   (a confirmed-ErrorPDU does not name its service: the flow takes it from the
//!   request with the same invokeID, else it stays `0x0202`).
//! - `0x0100..=0x01FF`: `0x0100 + UnconfirmedService choice` (informationReport
//!   `0x0100`).
//! - `0x0200..=0x020F`: `0x0200 + MMSpdu choice` for PDUs without a service: reject
//!   `0x0204`, cancel `0x0205`, initiate `0x0208`, conclude `0x020B` (request,
//!   response and error share the code; the direction tells them apart), and
//!   confirmed PDUs whose service could not be read (`0x0200..=0x0203`).
//! - `0x2000..=0x20FF`: `0x2000 + TPDU code`, COTP connection management, the same
//!   codes as `s7comm` (CR `0x20E0`).
//! - `0x3000..=0x30FF`: `0x3000 + SPDU identifier`, a session SPDU that carries no
//!   ACSE or MMS PDU (abort `0x3019`, refuse `0x300C`).
//! - `0x3100..=0x3104`: `0x3100 + ACSE APDU tag`, an ACSE APDU without an MMS PDU:
//!   associate (AARQ/AARE) `0x3100`, release (RLRQ/RLRE) `0x3102`, abort `0x3104`.

use std::fmt;

use super::ber::{self, Class, Oid, Tag, Tlv};
pub use super::OpClass;
use super::{s7comm, Op};

/// First code of each operation-code range (see the module docs).
pub const OP_UNCONFIRMED: u16 = 0x0100;
pub const OP_PDU: u16 = 0x0200;
pub const OP_COTP: u16 = s7comm::OP_COTP;
pub const OP_SESSION: u16 = 0x3000;
pub const OP_ACSE: u16 = 0x3100;
/// A confirmed-ErrorPDU whose request was not seen.
pub const OP_CONFIRMED_ERROR: u16 = OP_PDU + PduType::CONFIRMED_ERROR.0 as u16;

/// Transaction ids for PDUs without an invokeID, so the flow can time a request
/// against its answer: `TXN_NO_INVOKE + MMSpdu choice of the request` (initiate,
/// conclude; ACSE without MMS: see [`transaction`]). An invokeID this large is
/// possible but not seen in practice.
pub const TXN_NO_INVOKE: u32 = 0xFFFF_FF00;

/// Why bytes are not a session SPDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the SPDU header or its length indicator asks for.
    Short { need: usize, have: usize },
    /// An SPDU identifier ISO 8327-1 does not define.
    Spdu(u8),
}

// ---------------------------------------------------------------------------------
// Session (ISO 8327-1 §8)

/// A session SPDU identifier (ISO 8327-1 §8.3, SI field); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpduType(pub u8);

impl SpduType {
    /// DATA TRANSFER; the same code is GIVE TOKENS, which precedes it in basic
    /// concatenation (§7.37).
    pub const DATA_TRANSFER: Self = Self(1);
    pub const PLEASE_TOKENS: Self = Self(2);
    pub const EXPEDITED: Self = Self(5);
    pub const PREPARE: Self = Self(7);
    pub const NOT_FINISHED: Self = Self(8);
    pub const FINISH: Self = Self(9);
    pub const DISCONNECT: Self = Self(10);
    pub const REFUSE: Self = Self(12);
    pub const CONNECT: Self = Self(13);
    pub const ACCEPT: Self = Self(14);
    pub const CONNECT_DATA_OVERFLOW: Self = Self(15);
    pub const OVERFLOW_ACCEPT: Self = Self(16);
    pub const GIVE_TOKENS_CONFIRM: Self = Self(21);
    pub const GIVE_TOKENS_ACK: Self = Self(22);
    pub const ABORT: Self = Self(25);
    pub const ABORT_ACCEPT: Self = Self(26);
    pub const TYPED_DATA: Self = Self(33);
    pub const CAPABILITY_DATA: Self = Self(61);
    pub const CAPABILITY_DATA_ACK: Self = Self(62);

    pub fn is_known(self) -> bool {
        matches!(
            self.0,
            1 | 2 | 5 | 7 | 8 | 9 | 10 | 12..=16 | 21 | 22 | 25 | 26 | 33 | 61 | 62
        )
    }

    /// The standard's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::DATA_TRANSFER => "DATA TRANSFER",
            Self::PLEASE_TOKENS => "PLEASE TOKENS",
            Self::EXPEDITED => "EXPEDITED",
            Self::PREPARE => "PREPARE",
            Self::NOT_FINISHED => "NOT FINISHED",
            Self::FINISH => "FINISH",
            Self::DISCONNECT => "DISCONNECT",
            Self::REFUSE => "REFUSE",
            Self::CONNECT => "CONNECT",
            Self::ACCEPT => "ACCEPT",
            Self::CONNECT_DATA_OVERFLOW => "CONNECT DATA OVERFLOW",
            Self::OVERFLOW_ACCEPT => "OVERFLOW ACCEPT",
            Self::GIVE_TOKENS_CONFIRM => "GIVE TOKENS CONFIRM",
            Self::GIVE_TOKENS_ACK => "GIVE TOKENS ACK",
            Self::ABORT => "ABORT",
            Self::ABORT_ACCEPT => "ABORT ACCEPT",
            Self::TYPED_DATA => "TYPED DATA",
            Self::CAPABILITY_DATA => "CAPABILITY DATA",
            Self::CAPABILITY_DATA_ACK => "CAPABILITY DATA ACK",
            _ => "Unknown",
        }
    }

    /// SPDUs whose user information follows the parameters instead of sitting in a
    /// User Data parameter (§8.3: DT, EX, TD, CD and CDA).
    fn user_info_follows(self) -> bool {
        matches!(self.0, 1 | 5 | 33 | 61 | 62)
    }
}

/// Session parameter codes (ISO 8327-1 §8.3): User Data, Extended User Data, and the
/// Reason Code of a REFUSE (its first byte the reason, the rest user data).
pub const PI_USER_DATA: u8 = 193;
pub const PI_EXTENDED_USER_DATA: u8 = 194;
pub const PI_REASON_CODE: u8 = 50;

/// One TSDU: its session SPDU (after a GIVE TOKENS or PLEASE TOKENS when concatenated)
/// and the user data it carries. Checked once in `parse`; accessors are infallible.
#[derive(Clone, Copy)]
pub struct Tsdu<'a> {
    si: SpduType,
    /// A category 0 SPDU (GIVE TOKENS, PLEASE TOKENS) came first.
    tokens: bool,
    params: &'a [u8],
    /// The SPDU's user information (DT) or User Data parameter value.
    user: &'a [u8],
}

/// Reads an SPDU header: SI, LI (one byte, or 0xFF and two bytes, §8.2.5), then the
/// parameter field. Returns the SI, the parameters and the bytes after them.
fn spdu(data: &[u8]) -> Result<(SpduType, &[u8], &[u8]), Error> {
    let short = |need| Error::Short {
        need,
        have: data.len(),
    };
    let (&si, rest) = data.split_first().ok_or(short(2))?;
    let si = SpduType(si);
    if !si.is_known() {
        return Err(Error::Spdu(si.0));
    }
    let (len, rest) = length(rest).ok_or(short(data.len() + 1))?;
    let params = rest
        .get(..len)
        .ok_or(short(data.len() - rest.len() + len))?;
    Ok((si, params, &rest[len..]))
}

/// A session length indicator: one byte, or 0xFF and a 16-bit big-endian length.
fn length(b: &[u8]) -> Option<(usize, &[u8])> {
    match *b {
        [0xFF, hi, lo, ..] => Some((u16::from_be_bytes([hi, lo]) as usize, &b[3..])),
        [0xFF, ..] => None,
        [l, ..] => Some((l as usize, &b[1..])),
        [] => None,
    }
}

/// Parses the session SPDU(s) of a TSDU (a COTP DT's user data, reassembled).
pub fn parse(data: &[u8]) -> Result<Tsdu<'_>, Error> {
    let (si, params, rest) = spdu(data)?;
    // Basic concatenation (§6.3.7): a category 0 SPDU with no parameters, then the
    // category 2 SPDU (DT) whose user information is the rest of the TSDU. A lone DT
    // (no GIVE TOKENS before it) is read as such.
    if matches!(si, SpduType::DATA_TRANSFER | SpduType::PLEASE_TOKENS) && rest.first() == Some(&1) {
        if let Ok((si2, params2, user)) = spdu(rest) {
            return Ok(Tsdu {
                si: si2,
                tokens: true,
                params: params2,
                user,
            });
        }
    }
    let user = if si.user_info_follows() {
        rest
    } else {
        let mut user: &[u8] = &[];
        for (code, v) in (Params { rest: params }) {
            match code {
                PI_USER_DATA | PI_EXTENDED_USER_DATA => {
                    user = v;
                    break;
                }
                PI_REASON_CODE if si == SpduType::REFUSE => user = v.get(1..).unwrap_or(&[]),
                _ => {}
            }
        }
        user
    };
    Ok(Tsdu {
        si,
        tokens: false,
        params,
        user,
    })
}

/// Whether a COTP DT's user data starts like a session SPDU: the flow's test for MMS
/// on the port S7comm shares. Accepts a header cut off by COTP segmentation.
pub fn probe(data: &[u8]) -> bool {
    match spdu(data) {
        Ok(_) => true,
        Err(Error::Short { .. }) => data.len() >= 2,
        Err(_) => false,
    }
}

/// Session parameters (PI and PGI units: code, length, value) of an SPDU's parameter
/// field, top level only. Stops at the first that does not fit.
#[derive(Clone, Copy, Debug)]
pub struct Params<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Params<'a> {
    type Item = (u8, &'a [u8]);
    fn next(&mut self) -> Option<(u8, &'a [u8])> {
        let (&code, r) = self.rest.split_first()?;
        let (len, r) = length(r)?;
        let v = r.get(..len)?;
        self.rest = &r[len..];
        Some((code, v))
    }
}

impl<'a> Tsdu<'a> {
    /// The SPDU (DATA TRANSFER for a GIVE TOKENS + DATA TRANSFER concatenation).
    pub fn spdu(&self) -> SpduType {
        self.si
    }
    /// A GIVE TOKENS (or PLEASE TOKENS) SPDU came before it.
    pub fn has_tokens(&self) -> bool {
        self.tokens
    }
    pub fn params(&self) -> Params<'a> {
        Params { rest: self.params }
    }
    /// The SPDU's user data (for DATA TRANSFER, the user information after it).
    pub fn user_data(&self) -> &'a [u8] {
        self.user
    }

    /// The presentation PPDU inside the session user data.
    pub fn presentation(&self) -> Option<Presentation<'a>> {
        let t = ber::first(self.user)?;
        let (kind, user_data) = match self.si {
            SpduType::CONNECT | SpduType::ACCEPT | SpduType::CONNECT_DATA_OVERFLOW => {
                // CP-type and CPA-PPDU are SETs; their normal-mode-parameters [2] hold
                // the user data (ISO 8823-1 §8.2, §8.3).
                if !(t.tag.is_universal(Tag::SET) && t.tag.constructed) {
                    return None;
                }
                let kind = if self.si == SpduType::ACCEPT {
                    PpduType::ConnectAccept
                } else {
                    PpduType::Connect
                };
                let normal = t.context(2);
                (kind, normal.and_then(user_data))
            }
            SpduType::REFUSE => {
                // CPR-PPDU: normal-mode-parameters is a SEQUENCE (§8.4).
                if !t.tag.is_universal(Tag::SEQUENCE) {
                    return None;
                }
                (PpduType::ConnectReject, user_data(t))
            }
            SpduType::ABORT | SpduType::ABORT_ACCEPT => {
                // ARU-PPDU normal-mode [0] IMPLICIT SEQUENCE, or ARP-PPDU SEQUENCE (§8.5).
                if t.tag.is_context(0) {
                    (PpduType::UserAbort, user_data(t))
                } else if t.tag.is_universal(Tag::SEQUENCE) {
                    (PpduType::ProviderAbort, None)
                } else {
                    return None;
                }
            }
            _ => {
                // TD, TE and the release SPDUs carry User-data itself.
                if !is_user_data(&t) {
                    return None;
                }
                (PpduType::Data, Some(t))
            }
        };
        Some(Presentation { kind, user_data })
    }

    /// The ACSE APDU of the first presentation data value that holds one.
    pub fn acse(&self) -> Option<Acse<'a>> {
        self.presentation()?
            .pdvs()
            .find_map(|p| Acse::parse(p.data))
    }

    /// The MMS PDU: in a presentation data value, or in the user information of the
    /// ACSE APDU that carries it.
    pub fn mms(&self) -> Option<Mms<'a>> {
        self.presentation()?
            .pdvs()
            .find_map(|p| Mms::parse(p.data).or_else(|| Acse::parse(p.data)?.mms()))
    }
}

impl fmt::Debug for Tsdu<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tsdu")
            .field("spdu", &self.si.name())
            .field("tokens", &self.tokens)
            .field("params", &self.params().count())
            .field("user_data_len", &self.user.len())
            .field("presentation", &self.presentation())
            .field("acse", &self.acse())
            .field("mms", &self.mms())
            .field("op", &op(self))
            .field("transaction", &transaction(self))
            .finish()
    }
}

// ---------------------------------------------------------------------------------
// Presentation (ISO 8823-1 §8)

/// Which PPDU the session SPDU carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PpduType {
    /// CP-type (in CONNECT).
    Connect,
    /// CPA-PPDU (in ACCEPT).
    ConnectAccept,
    /// CPR-PPDU (in REFUSE).
    ConnectReject,
    /// User-data of a data transfer or release SPDU.
    Data,
    /// ARU-PPDU (user abort).
    UserAbort,
    /// ARP-PPDU (provider abort).
    ProviderAbort,
}

/// A presentation PPDU and its User-data.
#[derive(Clone, Copy, Debug)]
pub struct Presentation<'a> {
    pub kind: PpduType,
    /// User-data: simply-encoded-data [APPLICATION 0] or fully-encoded-data
    /// [APPLICATION 1].
    user_data: Option<Tlv<'a>>,
}

fn is_user_data(t: &Tlv<'_>) -> bool {
    t.tag.class == Class::Application && matches!(t.tag.number, 0 | 1)
}

/// The User-data child of a PPDU's parameters.
fn user_data<'a>(t: Tlv<'a>) -> Option<Tlv<'a>> {
    t.children().find(is_user_data)
}

/// One PDV-list of fully-encoded-data (§8.4.2).
#[derive(Clone, Copy, Debug)]
pub struct Pdv<'a> {
    pub context_id: Option<u64>,
    /// The transfer syntax name, when given.
    pub syntax: Option<Oid<'a>>,
    /// single-ASN1-type: the encoded value; octet-aligned or arbitrary: the bytes.
    pub data: &'a [u8],
}

impl<'a> Presentation<'a> {
    /// The presentation data values of fully-encoded-data (none for simply-encoded).
    pub fn pdvs(&self) -> impl Iterator<Item = Pdv<'a>> + 'a {
        self.user_data
            .filter(|u| u.tag.number == 1)
            .into_iter()
            .flat_map(|u| u.children())
            .filter(|p| p.tag.is_universal(Tag::SEQUENCE))
            .map(|p| {
                let mut pdv = Pdv {
                    context_id: None,
                    syntax: None,
                    data: &[],
                };
                for c in p.children() {
                    match (c.tag.class, c.tag.number) {
                        (Class::Universal, Tag::OID) => pdv.syntax = Some(Oid(c.value)),
                        (Class::Universal, Tag::INTEGER) => pdv.context_id = c.uint(),
                        (Class::Context, 0..=2) => pdv.data = c.value,
                        _ => {}
                    }
                }
                pdv
            })
    }
}

// ---------------------------------------------------------------------------------
// ACSE (ISO 8650-1 §9)

/// An ACSE APDU tag ([APPLICATION n]); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AcseType(pub u8);

impl AcseType {
    pub const AARQ: Self = Self(0);
    pub const AARE: Self = Self(1);
    pub const RLRQ: Self = Self(2);
    pub const RLRE: Self = Self(3);
    pub const ABRT: Self = Self(4);

    pub fn name(self) -> &'static str {
        match self {
            Self::AARQ => "AARQ",
            Self::AARE => "AARE",
            Self::RLRQ => "RLRQ",
            Self::RLRE => "RLRE",
            Self::ABRT => "ABRT",
            _ => "Unknown",
        }
    }
}

/// One ACSE APDU, borrowed.
#[derive(Clone, Copy)]
pub struct Acse<'a> {
    kind: AcseType,
    apdu: Tlv<'a>,
}

impl<'a> Acse<'a> {
    /// An ACSE APDU: [APPLICATION 0..=4] constructed.
    pub fn parse(data: &'a [u8]) -> Option<Acse<'a>> {
        let apdu = ber::first(data)?;
        (apdu.tag.class == Class::Application && apdu.tag.constructed && apdu.tag.number <= 4)
            .then_some(Acse {
                kind: AcseType(apdu.tag.number as u8),
                apdu,
            })
    }
    pub fn kind(&self) -> AcseType {
        self.kind
    }
    /// application-context-name [1] (AARQ, AARE): 1.0.9506.2.3 for MMS.
    pub fn context_name(&self) -> Option<Oid<'a>> {
        if self.kind > AcseType::AARE {
            return None;
        }
        let oid = self.apdu.context(1)?.inner()?;
        oid.tag.is_universal(Tag::OID).then_some(Oid(oid.value))
    }
    /// AARE result [2]: 0 accepted, 1 rejected (permanent), 2 rejected (transient).
    pub fn result(&self) -> Option<u64> {
        if self.kind != AcseType::AARE {
            return None;
        }
        self.apdu.context(2)?.inner()?.uint()
    }
    /// RLRQ/RLRE reason [0], ABRT abort-source [0].
    pub fn reason(&self) -> Option<u64> {
        if self.kind < AcseType::RLRQ {
            return None;
        }
        self.apdu.context(0)?.uint()
    }
    /// The AARE rejects the association, or the APDU aborts it.
    pub fn is_failure(&self) -> bool {
        self.kind == AcseType::ABRT || self.result().is_some_and(|r| r != 0)
    }
    /// The MMS PDU in user-information [30]: an EXTERNAL whose encoding is
    /// single-ASN1-type [0].
    pub fn mms(&self) -> Option<Mms<'a>> {
        self.apdu
            .context(30)?
            .children()
            .filter(|e| e.tag.is_universal(Tag::EXTERNAL))
            .find_map(|e| Mms::parse(e.context(0)?.value))
    }
}

impl fmt::Debug for Acse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acse")
            .field("kind", &self.kind.name())
            .field("context_name", &self.context_name())
            .field("result", &self.result())
            .field("reason", &self.reason())
            .finish()
    }
}

// ---------------------------------------------------------------------------------
// MMS (ISO 9506-2 §7)

/// The MMSpdu choice (its context tag number); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PduType(pub u8);

impl PduType {
    pub const CONFIRMED_REQUEST: Self = Self(0);
    pub const CONFIRMED_RESPONSE: Self = Self(1);
    pub const CONFIRMED_ERROR: Self = Self(2);
    pub const UNCONFIRMED: Self = Self(3);
    pub const REJECT: Self = Self(4);
    pub const CANCEL_REQUEST: Self = Self(5);
    pub const CANCEL_RESPONSE: Self = Self(6);
    pub const CANCEL_ERROR: Self = Self(7);
    pub const INITIATE_REQUEST: Self = Self(8);
    pub const INITIATE_RESPONSE: Self = Self(9);
    pub const INITIATE_ERROR: Self = Self(10);
    pub const CONCLUDE_REQUEST: Self = Self(11);
    pub const CONCLUDE_RESPONSE: Self = Self(12);
    pub const CONCLUDE_ERROR: Self = Self(13);

    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "confirmed-RequestPDU",
            1 => "confirmed-ResponsePDU",
            2 => "confirmed-ErrorPDU",
            3 => "unconfirmed-PDU",
            4 => "rejectPDU",
            5 => "cancel-RequestPDU",
            6 => "cancel-ResponsePDU",
            7 => "cancel-ErrorPDU",
            8 => "initiate-RequestPDU",
            9 => "initiate-ResponsePDU",
            10 => "initiate-ErrorPDU",
            11 => "conclude-RequestPDU",
            12 => "conclude-ResponsePDU",
            13 => "conclude-ErrorPDU",
            _ => "Unknown",
        }
    }

    /// Request (`Some(true)`), response or error (`Some(false)`), or neither.
    pub fn is_request(self) -> Option<bool> {
        match self.0 {
            0 | 5 | 8 | 11 => Some(true),
            1 | 2 | 6 | 7 | 9 | 10 | 12 | 13 => Some(false),
            _ => None,
        }
    }

    /// An error PDU or a reject.
    pub fn is_error(self) -> bool {
        matches!(self.0, 2 | 4 | 7 | 10 | 13)
    }

    /// The request PDU of a request/response/error triple (cancel, initiate,
    /// conclude), whose code the three share.
    fn family(self) -> Self {
        match self.0 {
            5..=7 => Self::CANCEL_REQUEST,
            8..=10 => Self::INITIATE_REQUEST,
            11..=13 => Self::CONCLUDE_REQUEST,
            _ => self,
        }
    }
}

/// A ConfirmedService choice (ISO 9506-2 §7.2, the tag of ConfirmedServiceRequest and
/// ConfirmedServiceResponse); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Service(pub u8);

impl Service {
    pub const STATUS: Self = Self(0);
    pub const GET_NAME_LIST: Self = Self(1);
    pub const IDENTIFY: Self = Self(2);
    pub const RENAME: Self = Self(3);
    pub const READ: Self = Self(4);
    pub const WRITE: Self = Self(5);
    pub const GET_VARIABLE_ACCESS_ATTRIBUTES: Self = Self(6);
    pub const DEFINE_NAMED_VARIABLE_LIST: Self = Self(11);
    pub const GET_NAMED_VARIABLE_LIST_ATTRIBUTES: Self = Self(12);
    pub const DELETE_NAMED_VARIABLE_LIST: Self = Self(13);
    pub const INITIATE_DOWNLOAD_SEQUENCE: Self = Self(26);
    pub const DOWNLOAD_SEGMENT: Self = Self(27);
    pub const DELETE_DOMAIN: Self = Self(36);
    pub const CREATE_PROGRAM_INVOCATION: Self = Self(38);
    pub const START: Self = Self(40);
    pub const STOP: Self = Self(41);
    pub const KILL: Self = Self(44);
    pub const OBTAIN_FILE: Self = Self(46);
    pub const FILE_OPEN: Self = Self(72);
    pub const FILE_READ: Self = Self(73);
    pub const FILE_CLOSE: Self = Self(74);
    pub const FILE_RENAME: Self = Self(75);
    pub const FILE_DELETE: Self = Self(76);
    pub const FILE_DIRECTORY: Self = Self(77);

    /// The standard's name (the ASN.1 choice identifier).
    pub fn name(self) -> &'static str {
        self.entry().0
    }

    /// What the service does to the server.
    pub fn class(self) -> OpClass {
        self.entry().1
    }

    fn entry(self) -> (&'static str, OpClass) {
        use OpClass::*;
        match self.0 {
            0 => ("status", Identity),
            1 => ("getNameList", Read),
            2 => ("identify", Identity),
            3 => ("rename", Write),
            4 => ("read", Read),
            5 => ("write", Write),
            6 => ("getVariableAccessAttributes", Read),
            7 => ("defineNamedVariable", Write),
            8 => ("defineScatteredAccess", Write),
            9 => ("getScatteredAccessAttributes", Read),
            10 => ("deleteVariableAccess", Write),
            11 => ("defineNamedVariableList", Write),
            12 => ("getNamedVariableListAttributes", Read),
            13 => ("deleteNamedVariableList", Write),
            14 => ("defineNamedType", Write),
            15 => ("getNamedTypeAttributes", Read),
            16 => ("deleteNamedType", Write),
            17 => ("input", Read),
            18 => ("output", Write),
            19 => ("takeControl", Control),
            20 => ("relinquishControl", Control),
            21 => ("defineSemaphore", Write),
            22 => ("deleteSemaphore", Write),
            23 => ("reportSemaphoreStatus", Diagnostic),
            24 => ("reportPoolSemaphoreStatus", Diagnostic),
            25 => ("reportSemaphoreEntryStatus", Diagnostic),
            26 => ("initiateDownloadSequence", Program),
            27 => ("downloadSegment", Program),
            28 => ("terminateDownloadSequence", Program),
            29 => ("initiateUploadSequence", Program),
            30 => ("uploadSegment", Program),
            31 => ("terminateUploadSequence", Program),
            32 => ("requestDomainDownload", Program),
            33 => ("requestDomainUpload", Program),
            34 => ("loadDomainContent", Program),
            35 => ("storeDomainContent", Program),
            36 => ("deleteDomain", Program),
            37 => ("getDomainAttributes", Read),
            38 => ("createProgramInvocation", Control),
            39 => ("deleteProgramInvocation", Control),
            40 => ("start", Control),
            41 => ("stop", Control),
            42 => ("resume", Control),
            43 => ("reset", Control),
            44 => ("kill", Control),
            45 => ("getProgramInvocationAttributes", Read),
            46 => ("obtainFile", Write),
            47 => ("defineEventCondition", Write),
            48 => ("deleteEventCondition", Write),
            49 => ("getEventConditionAttributes", Read),
            50 => ("reportEventConditionStatus", Diagnostic),
            51 => ("alterEventConditionMonitoring", Write),
            52 => ("triggerEvent", Control),
            53 => ("defineEventAction", Write),
            54 => ("deleteEventAction", Write),
            55 => ("getEventActionAttributes", Read),
            56 => ("reportEventActionStatus", Diagnostic),
            57 => ("defineEventEnrollment", Write),
            58 => ("deleteEventEnrollment", Write),
            59 => ("alterEventEnrollment", Write),
            60 => ("reportEventEnrollmentStatus", Diagnostic),
            61 => ("getEventEnrollmentAttributes", Read),
            62 => ("acknowledgeEventNotification", Write),
            63 => ("getAlarmSummary", Read),
            64 => ("getAlarmEnrollmentSummary", Read),
            65 => ("readJournal", Read),
            66 => ("writeJournal", Write),
            67 => ("initializeJournal", Write),
            68 => ("reportJournalStatus", Diagnostic),
            69 => ("createJournal", Write),
            70 => ("deleteJournal", Write),
            71 => ("getCapabilityList", Read),
            72 => ("fileOpen", Read),
            73 => ("fileRead", Read),
            74 => ("fileClose", Read),
            75 => ("fileRename", Write),
            76 => ("fileDelete", Write),
            77 => ("fileDirectory", Read),
            _ => ("Unknown", Other),
        }
    }
}

/// The UnconfirmedService choice (ISO 9506-2 §7.3).
pub fn unconfirmed_entry(tag: u8) -> (&'static str, OpClass) {
    match tag {
        0 => ("informationReport", OpClass::Read),
        1 => ("unsolicitedStatus", OpClass::Identity),
        2 => ("eventNotification", OpClass::Other),
        _ => ("Unknown unconfirmed service", OpClass::Other),
    }
}

/// A named object (ObjectName, ISO 9506-2 §7.5.1): a domain-specific name has a
/// domain (an IEC 61850 logical device) and an item (`LLN0$ST$Mod`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ObjectName<'a> {
    /// 0 vmd-specific, 1 domain-specific, 2 aa-specific.
    pub scope: u8,
    pub domain: Option<&'a [u8]>,
    pub item: &'a [u8],
}

impl ObjectName<'_> {
    /// `domain/item` (or the item alone), lossily decoded.
    pub fn text(&self) -> String {
        let item = String::from_utf8_lossy(self.item);
        match self.domain {
            Some(d) => format!("{}/{item}", String::from_utf8_lossy(d)),
            None => item.into_owned(),
        }
    }
}

impl fmt::Debug for ObjectName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.text())
    }
}

/// Reads an ObjectName CHOICE TLV.
fn object_name<'a>(t: Tlv<'a>) -> Option<ObjectName<'a>> {
    if t.tag.class != Class::Context {
        return None;
    }
    match t.tag.number {
        0 | 2 => Some(ObjectName {
            scope: t.tag.number as u8,
            domain: None,
            item: t.value,
        }),
        1 => {
            let mut c = t.children();
            let domain = c.next()?.value;
            let item = c.next()?.value;
            Some(ObjectName {
                scope: 1,
                domain: Some(domain),
                item,
            })
        }
        _ => None,
    }
}

/// The first name of a VariableAccessSpecification: listOfVariable [0] (the first
/// variable's name [0]) or variableListName [1].
fn variable_access<'a>(t: Tlv<'a>) -> Option<ObjectName<'a>> {
    match (t.tag.class, t.tag.number) {
        (Class::Context, 0) => {
            let first = t.inner()?.inner()?;
            first
                .tag
                .is_context(0)
                .then(|| object_name(first.inner()?))?
        }
        (Class::Context, 1) => object_name(t.inner()?),
        _ => None,
    }
}

/// The vendorName, modelName and revision of an Identify response (§10.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identify<'a> {
    pub vendor: &'a [u8],
    pub model: &'a [u8],
    pub revision: &'a [u8],
}

/// One MMS PDU, borrowed.
#[derive(Clone, Copy)]
pub struct Mms<'a> {
    kind: PduType,
    pdu: Tlv<'a>,
}

impl<'a> Mms<'a> {
    /// An MMSpdu: a context tag 0..=13 (the choice).
    pub fn parse(data: &'a [u8]) -> Option<Mms<'a>> {
        let pdu = ber::first(data)?;
        (pdu.tag.class == Class::Context && pdu.tag.number <= 13).then_some(Mms {
            kind: PduType(pdu.tag.number as u8),
            pdu,
        })
    }
    pub fn kind(&self) -> PduType {
        self.kind
    }
    /// Bytes of the PDU's encoding.
    pub fn len(&self) -> usize {
        self.pdu.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }

    /// invokeID of a confirmed PDU, the original invokeID of a cancel or reject.
    pub fn invoke_id(&self) -> Option<u32> {
        let t = match self.kind.0 {
            // Confirmed-RequestPDU and -ResponsePDU: invokeID Unsigned32 first.
            0 | 1 => self
                .pdu
                .inner()
                .filter(|t| t.tag.is_universal(Tag::INTEGER))?,
            // Confirmed-ErrorPDU [0], RejectPDU originalInvokeID [0],
            // Cancel-ErrorPDU originalInvokeID [0].
            2 | 4 | 7 => self.pdu.context(0)?,
            // Cancel-Request/ResponsePDU: IMPLICIT Unsigned32.
            5 | 6 => self.pdu,
            _ => return None,
        };
        t.uint().and_then(|v| u32::try_from(v).ok())
    }

    /// The service choice TLV: ConfirmedServiceRequest after the invokeID and
    /// listOfModifiers, ConfirmedServiceResponse after the invokeID, UnconfirmedService.
    fn service_tlv(&self) -> Option<Tlv<'a>> {
        let mut c = self.pdu.children();
        match self.kind.0 {
            0 => c.find(|t| t.tag.class == Class::Context),
            1 => c.nth(1).filter(|t| t.tag.class == Class::Context),
            3 => c.next().filter(|t| t.tag.class == Class::Context),
            _ => None,
        }
    }

    /// The ConfirmedService choice of a confirmed request or response.
    pub fn service(&self) -> Option<Service> {
        if self.kind.0 > 1 {
            return None;
        }
        let t = self.service_tlv()?;
        u8::try_from(t.tag.number).ok().map(Service)
    }

    /// The UnconfirmedService choice of an unconfirmed PDU (informationReport 0).
    pub fn unconfirmed_service(&self) -> Option<u8> {
        if self.kind != PduType::UNCONFIRMED {
            return None;
        }
        u8::try_from(self.service_tlv()?.tag.number).ok()
    }

    /// vendorName, modelName, revision of an Identify response.
    pub fn identify(&self) -> Option<Identify<'a>> {
        if self.kind != PduType::CONFIRMED_RESPONSE || self.service()? != Service::IDENTIFY {
            return None;
        }
        let t = self.service_tlv()?;
        Some(Identify {
            vendor: t.context(0)?.value,
            model: t.context(1)?.value,
            revision: t.context(2)?.value,
        })
    }

    /// The objectClass of a getNameList request (basicObjectClass: 0 namedVariable,
    /// 2 namedVariableList, 9 domain, 10 programInvocation, ...).
    pub fn object_class(&self) -> Option<u64> {
        if self.kind != PduType::CONFIRMED_REQUEST || self.service()? != Service::GET_NAME_LIST {
            return None;
        }
        let c = self.service_tlv()?.context(0)?;
        // ObjectClass is a CHOICE (explicitly tagged); older encodings put the
        // INTEGER directly under [0].
        if c.tag.constructed {
            c.inner()?.uint()
        } else {
            c.uint()
        }
    }

    /// The domain a getNameList request is scoped to (objectScope domainSpecific [1]).
    pub fn name_list_domain(&self) -> Option<&'a [u8]> {
        if self.kind != PduType::CONFIRMED_REQUEST || self.service()? != Service::GET_NAME_LIST {
            return None;
        }
        Some(self.service_tlv()?.context(1)?.context(1)?.value)
    }

    /// The first variable a request names: read, write, getVariableAccessAttributes,
    /// defineNamedVariableList, getNamedVariableListAttributes, deleteNamedVariableList.
    pub fn variable(&self) -> Option<ObjectName<'a>> {
        if self.kind != PduType::CONFIRMED_REQUEST {
            return None;
        }
        let s = self.service_tlv()?;
        match self.service()? {
            // Read-Request: specificationWithResult [0] DEFAULT, then [1] the spec.
            Service::READ => variable_access(s.context(1)?.inner()?),
            // Write-Request: the spec first, then listOfData [0].
            Service::WRITE => variable_access(s.inner()?),
            // CHOICE { name [0] ObjectName, address [1] }.
            Service::GET_VARIABLE_ACCESS_ATTRIBUTES => {
                let n = s.inner()?;
                n.tag.is_context(0).then(|| object_name(n.inner()?))?
            }
            // variableListName ObjectName first.
            Service::DEFINE_NAMED_VARIABLE_LIST => object_name(s.inner()?),
            Service::GET_NAMED_VARIABLE_LIST_ATTRIBUTES => object_name(s.inner()?),
            // listOfVariableListName [1] SEQUENCE OF ObjectName.
            Service::DELETE_NAMED_VARIABLE_LIST => object_name(s.context(1)?.inner()?),
            _ => None,
        }
    }

    /// (errorClass choice, code) of a confirmed-ErrorPDU's serviceError [2] or an
    /// initiate/conclude/cancel error's ServiceError.
    pub fn error(&self) -> Option<(u8, i64)> {
        let se = match self.kind.0 {
            2 => self.pdu.context(2)?,
            7 => self.pdu.context(1)?,
            10 | 13 => self.pdu,
            _ => return None,
        };
        let class = se.context(0)?.inner()?;
        Some((u8::try_from(class.tag.number).ok()?, class.int()?))
    }

    /// (rejectReason choice, code) of a rejectPDU (§7.1.3).
    pub fn reject_reason(&self) -> Option<(u8, i64)> {
        if self.kind != PduType::REJECT {
            return None;
        }
        let r = self
            .pdu
            .children()
            .find(|t| t.tag.class == Class::Context && t.tag.number > 0)?;
        Some((u8::try_from(r.tag.number).ok()?, r.int()?))
    }
}

impl fmt::Debug for Mms<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mms")
            .field("kind", &self.kind.name())
            .field("invoke_id", &self.invoke_id())
            .field("service", &self.service().map(|s| s.name()))
            .field("unconfirmed", &self.unconfirmed_service())
            .field("identify", &self.identify())
            .field("object_class", &self.object_class())
            .field("domain", &self.name_list_domain())
            .field("variable", &self.variable())
            .field("error", &self.error())
            .field("reject", &self.reject_reason())
            .finish()
    }
}

// ---------------------------------------------------------------------------------
// Operations

/// The operation a TSDU performs (codes: see the module docs): its MMS PDU's, else
/// its ACSE APDU's, else its session SPDU's when that is not plain data transfer.
pub fn op(t: &Tsdu<'_>) -> Option<Op> {
    let op = |function, exception, request| {
        Some(Op {
            unit: 0,
            function,
            exception,
            request,
        })
    };
    if let Some(m) = t.mms() {
        let k = m.kind();
        let function = match k.0 {
            0 | 1 => m.service().map_or(OP_PDU + k.0 as u16, |s| s.0 as u16),
            3 => m
                .unconfirmed_service()
                .map_or(OP_PDU + 3, |s| OP_UNCONFIRMED + s as u16),
            _ => OP_PDU + k.family().0 as u16,
        };
        return op(function, k.is_error(), k.is_request());
    }
    if let Some(a) = t.acse() {
        let (family, request) = match a.kind() {
            AcseType::AARQ => (0, Some(true)),
            AcseType::AARE => (0, Some(false)),
            AcseType::RLRQ => (2, Some(true)),
            AcseType::RLRE => (2, Some(false)),
            _ => (4, None),
        };
        return op(OP_ACSE + family, a.is_failure(), request);
    }
    let si = t.spdu();
    let request = match si {
        SpduType::CONNECT | SpduType::FINISH => Some(true),
        SpduType::ACCEPT | SpduType::REFUSE | SpduType::DISCONNECT => Some(false),
        _ => None,
    };
    match si {
        SpduType::DATA_TRANSFER | SpduType::TYPED_DATA | SpduType::EXPEDITED => None,
        _ => op(
            OP_SESSION + si.0 as u16,
            matches!(si, SpduType::ABORT | SpduType::REFUSE),
            request,
        ),
    }
}

/// The transaction id that pairs a request with its answer: the invokeID of
/// confirmed PDUs, `TXN_NO_INVOKE + choice` for initiate and conclude, and
/// `TXN_NO_INVOKE + 0x40 + APDU tag` for an ACSE associate or release without MMS.
pub fn transaction(t: &Tsdu<'_>) -> Option<u32> {
    let Some(m) = t.mms() else {
        let a = t.acse()?;
        let family = a.kind().0 & !1;
        return (family <= 2).then_some(TXN_NO_INVOKE + 0x40 + family as u32);
    };
    match m.kind().0 {
        0..=2 => m.invoke_id(),
        8..=13 => Some(TXN_NO_INVOKE + m.kind().family().0 as u32),
        _ => None,
    }
}

/// The name of an operation code from any range (see the module docs).
pub fn function_name(code: u16) -> &'static str {
    match code {
        0..=0xFF => Service(code as u8).name(),
        0x0100..=0x01FF => unconfirmed_entry(code as u8).0,
        0x0200..=0x02FF => match code as u8 {
            0 => "confirmed-Request (service unreadable)",
            1 => "confirmed-Response (service unreadable)",
            2 => "confirmed-Error (request not seen)",
            3 => "unconfirmed (service unreadable)",
            4 => "reject",
            5 => "cancel",
            8 => "initiate",
            11 => "conclude",
            _ => "Unknown MMS PDU",
        },
        0x2000..=0x20FF => s7comm::function_name(code),
        0x3000..=0x30FF => match SpduType(code as u8) {
            SpduType::CONNECT => "Session CONNECT",
            SpduType::ACCEPT => "Session ACCEPT",
            SpduType::REFUSE => "Session REFUSE",
            SpduType::FINISH => "Session FINISH",
            SpduType::DISCONNECT => "Session DISCONNECT",
            SpduType::NOT_FINISHED => "Session NOT FINISHED",
            SpduType::ABORT => "Session ABORT",
            SpduType::ABORT_ACCEPT => "Session ABORT ACCEPT",
            _ => "Session SPDU",
        },
        0x3100 => "ACSE associate",
        0x3102 => "ACSE release",
        0x3104 => "ACSE abort",
        _ => "Unknown",
    }
}

/// The class of an operation code from any range (see the module docs).
pub fn function_class(code: u16) -> OpClass {
    match code {
        0..=0xFF => Service(code as u8).class(),
        0x0100..=0x01FF => unconfirmed_entry(code as u8).1,
        0x0208 | 0x020B => OpClass::Session,
        0x2000..=0x20FF => s7comm::function_class(code),
        0x3000..=0x3104 => OpClass::Session,
        _ => OpClass::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BER TLV with a one-byte identifier and the shortest length form.
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        match content.len() {
            n @ 0..=0x7F => v.push(n as u8),
            n @ 0x80..=0xFF => v.extend([0x81, n as u8]),
            n => v.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        v.extend(content);
        v
    }

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    /// A session parameter (PI/PGI) with the one- or three-byte length form.
    fn pi(code: u8, v: &[u8]) -> Vec<u8> {
        let mut out = vec![code];
        if v.len() < 255 {
            out.push(v.len() as u8);
        } else {
            out.extend([0xFF, (v.len() >> 8) as u8, v.len() as u8]);
        }
        out.extend(v);
        out
    }

    /// An SPDU: SI, LI, parameters.
    fn spdu(si: u8, params: &[u8]) -> Vec<u8> {
        pi(si, params)
    }

    /// fully-encoded-data with one PDV-list (context id, single-ASN1-type).
    fn user_data(ctx: u8, value: &[u8]) -> Vec<u8> {
        let pdv = cat(&[&tlv(0x02, &[ctx]), &tlv(0xA0, value)]);
        tlv(0x61, &tlv(0x30, &pdv))
    }

    /// GIVE TOKENS + DATA TRANSFER carrying an MMS PDU in presentation context 3.
    fn dt(mms: &[u8]) -> Vec<u8> {
        cat(&[&[0x01, 0x00, 0x01, 0x00], &user_data(3, mms)])
    }

    const MMS_CONTEXT: &[u8] = &[0x28, 0xCA, 0x22, 0x02, 0x03];

    /// ACSE user-information [30] with one EXTERNAL (indirect-reference 3).
    fn user_information(mms: &[u8]) -> Vec<u8> {
        let ext = cat(&[&tlv(0x02, &[3]), &tlv(0xA0, mms)]);
        tlv(0xBE, &tlv(0x28, &ext))
    }

    fn aarq(mms: &[u8]) -> Vec<u8> {
        let body = cat(&[
            &tlv(0x80, &[0x07, 0x80]),
            &tlv(0xA1, &tlv(0x06, MMS_CONTEXT)),
            &user_information(mms),
        ]);
        tlv(0x60, &body)
    }

    fn aare(result: u8, mms: &[u8]) -> Vec<u8> {
        let body = cat(&[
            &tlv(0xA1, &tlv(0x06, MMS_CONTEXT)),
            &tlv(0xA2, &tlv(0x02, &[result])),
            &tlv(0xA3, &tlv(0xA1, &tlv(0x02, &[0]))),
            &user_information(mms),
        ]);
        tlv(0x61, &body)
    }

    /// CONNECT (or ACCEPT) SPDU: connect/accept item, SSAPs, then CP-type (CPA-PPDU)
    /// with the ACSE APDU in presentation context 1.
    fn connect(si: u8, apdu: &[u8]) -> Vec<u8> {
        // CP: calling and called selectors [1] [2]; CPA: responding selector [3].
        let mut normal = if si == 13 {
            cat(&[&tlv(0x81, &[0, 0, 0, 1]), &tlv(0x82, &[0, 0, 0, 1])])
        } else {
            tlv(0x83, &[0, 0, 0, 1])
        };
        if si == 13 {
            let ctx = cat(&[
                &tlv(0x02, &[1]),
                &tlv(0x06, &[0x52, 0x01, 0x00, 0x01]),
                &tlv(0x30, &tlv(0x06, &[0x51, 0x01])),
            ]);
            normal.extend(tlv(0xA4, &tlv(0x30, &ctx)));
        }
        normal.extend(user_data(1, apdu));
        let ppdu = tlv(
            0x31,
            &cat(&[&tlv(0xA0, &tlv(0x80, &[1])), &tlv(0xA2, &normal)]),
        );
        let params = cat(&[
            &pi(5, &[0x13, 0x01, 0x00, 0x16, 0x01, 0x02]),
            &pi(0x14, &[0x00, 0x02]),
            &pi(0x33, &[0, 1]),
            &pi(0x34, &[0, 1]),
            &pi(PI_USER_DATA, &ppdu),
        ]);
        spdu(si, &params)
    }

    /// Confirmed-RequestPDU: invokeID, then the service.
    fn request(invoke: u32, service: &[u8]) -> Vec<u8> {
        let id = invoke.to_be_bytes();
        let start = id.iter().position(|&b| b != 0).unwrap_or(3);
        let mut id = id[start..].to_vec();
        if id[0] & 0x80 != 0 {
            id.insert(0, 0);
        }
        tlv(0xA0, &cat(&[&tlv(0x02, &id), service]))
    }

    fn response(invoke: u8, service: &[u8]) -> Vec<u8> {
        tlv(0xA1, &cat(&[&tlv(0x02, &[invoke]), service]))
    }

    /// A domain-specific ObjectName.
    fn name(domain: &str, item: &str) -> Vec<u8> {
        tlv(
            0xA1,
            &cat(&[&tlv(0x1A, domain.as_bytes()), &tlv(0x1A, item.as_bytes())]),
        )
    }

    fn initiate_request() -> Vec<u8> {
        let detail = cat(&[
            &tlv(0x80, &[1]),
            &tlv(0x81, &[0x05, 0xF1, 0x00]),
            &tlv(
                0x82,
                &[
                    0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xE0,
                ],
            ),
        ]);
        tlv(
            0xA8,
            &cat(&[
                &tlv(0x80, &[0x00, 0xFD, 0xE8]),
                &tlv(0x81, &[5]),
                &tlv(0x82, &[5]),
                &tlv(0x83, &[10]),
                &tlv(0xA4, &detail),
            ]),
        )
    }

    fn read_request() -> Vec<u8> {
        let var = tlv(0x30, &tlv(0xA0, &name("LD0", "XCBR1$ST$Pos")));
        let spec = tlv(0xA1, &tlv(0xA0, &var));
        request(7, &tlv(0xA4, &spec))
    }

    fn identify_response() -> Vec<u8> {
        let id = cat(&[
            &tlv(0x80, b"ACME Grid"),
            &tlv(0x81, b"IED-9000"),
            &tlv(0x82, b"4.2.1"),
        ]);
        response(9, &tlv(0xA2, &id))
    }

    fn check(tsdu: &[u8]) -> (Tsdu<'_>, Op) {
        let t = parse(tsdu).unwrap();
        let o = op(&t).unwrap();
        (t, o)
    }

    #[test]
    fn initiate_in_connect_and_accept() {
        let cn = connect(13, &aarq(&initiate_request()));
        let (t, o) = check(&cn);
        assert_eq!(t.spdu(), SpduType::CONNECT);
        assert_eq!(t.presentation().unwrap().kind, PpduType::Connect);
        let a = t.acse().unwrap();
        assert_eq!(a.kind(), AcseType::AARQ);
        assert_eq!(a.context_name().unwrap().to_string(), "1.0.9506.2.3");
        assert_eq!(t.mms().unwrap().kind(), PduType::INITIATE_REQUEST);
        assert_eq!(
            (o.function, o.request, o.exception),
            (0x0208, Some(true), false)
        );
        assert_eq!(function_name(o.function), "initiate");
        assert_eq!(function_class(o.function), OpClass::Session);
        assert_eq!(transaction(&t), Some(TXN_NO_INVOKE + 8));

        let resp = tlv(0xA9, &cat(&[&tlv(0x80, &[0x7D, 0x00]), &tlv(0x81, &[5])]));
        let ac = connect(14, &aare(0, &resp));
        let (t, o) = check(&ac);
        assert_eq!(t.presentation().unwrap().kind, PpduType::ConnectAccept);
        assert_eq!(t.acse().unwrap().result(), Some(0));
        assert_eq!(
            (o.function, o.request, o.exception),
            (0x0208, Some(false), false)
        );
        assert_eq!(
            transaction(&t),
            Some(TXN_NO_INVOKE + 8),
            "pairs with the request"
        );

        // A rejected association answering with initiate-Error (class initiate [8]).
        let err = tlv(0xAA, &tlv(0xA0, &tlv(0x88, &[1])));
        let ac = connect(14, &aare(1, &err));
        let (t, o) = check(&ac);
        assert!(t.acse().unwrap().is_failure());
        assert_eq!(t.mms().unwrap().error(), Some((8, 1)));
        assert_eq!((o.function, o.exception), (0x0208, true));
    }

    #[test]
    fn connect_with_long_length_indicator() {
        // A CONNECT over 254 bytes uses the three-byte LI (0xFF, 16 bits).
        let m = initiate_request();
        let m = tlv(0xA8, &cat(&[&m[2..], &tlv(0x85, &[0u8; 300])]));
        let cn = connect(13, &aarq(&m));
        assert_eq!(cn[1], 0xFF);
        let (t, o) = check(&cn);
        assert_eq!(t.mms().unwrap().kind(), PduType::INITIATE_REQUEST);
        assert_eq!(o.function, 0x0208);
    }

    #[test]
    fn confirmed_services_and_classes() {
        let cases: Vec<(Vec<u8>, u16, OpClass, Option<&str>)> = vec![
            (read_request(), 4, OpClass::Read, Some("LD0/XCBR1$ST$Pos")),
            (
                // Write: listOfVariable, then listOfData [0] with a boolean.
                request(
                    8,
                    &tlv(
                        0xA5,
                        &cat(&[
                            &tlv(
                                0xA0,
                                &tlv(0x30, &tlv(0xA0, &name("CTRL", "CSWI1$CO$Pos$Oper"))),
                            ),
                            &tlv(0xA0, &tlv(0x83, &[1])),
                        ]),
                    ),
                ),
                5,
                OpClass::Write,
                Some("CTRL/CSWI1$CO$Pos$Oper"),
            ),
            (
                request(9, &tlv(0xA6, &tlv(0xA0, &name("LD0", "LLN0")))),
                6,
                OpClass::Read,
                Some("LD0/LLN0"),
            ),
            (
                // defineNamedVariableList: a vmd-specific list name.
                request(10, &tlv(0xAB, &cat(&[&tlv(0x80, b"DS1"), &tlv(0xA0, &[])]))),
                11,
                OpClass::Write,
                Some("DS1"),
            ),
            (request(11, &tlv(0x82, &[])), 2, OpClass::Identity, None),
            (request(12, &tlv(0x80, &[0])), 0, OpClass::Identity, None),
            (
                request(13, &[0x9F, 0x1F, 0x01, 0x05]),
                31,
                OpClass::Program,
                None,
            ),
            // Tags above 30 use the multi-byte form: fileOpen [72].
            (
                request(
                    14,
                    &cat(&[&[0xBF, 0x48, 0x04], &tlv(0xA0, &tlv(0x19, b"f"))]),
                ),
                72,
                OpClass::Read,
                None,
            ),
            (
                request(15, &cat(&[&[0xBF, 0x4C, 0x03], &tlv(0x19, b"f")])),
                76,
                OpClass::Write,
                None,
            ),
            (
                request(16, &cat(&[&[0xBF, 0x4D, 0x00]])),
                77,
                OpClass::Read,
                None,
            ),
            (
                request(17, &cat(&[&[0xBF, 0x2E, 0x00]])),
                46,
                OpClass::Write,
                None,
            ),
            (
                request(18, &[0xBF, 0x28, 0x02, 0x80, 0x00]),
                40,
                OpClass::Control,
                None,
            ),
            (
                request(19, &[0xBF, 0x2C, 0x02, 0x80, 0x00]),
                44,
                OpClass::Control,
                None,
            ),
            (request(20, &[0xBF, 0x26, 0x00]), 38, OpClass::Control, None),
            (request(21, &tlv(0xBA, &[])), 26, OpClass::Program, None),
            (
                request(22, &[0xBF, 0x24, 0x01, 0x41]),
                36,
                OpClass::Program,
                None,
            ),
            (request(23, &[0xBF, 0x22, 0x00]), 34, OpClass::Program, None),
        ];
        for (i, (mms, code, class, var)) in cases.iter().enumerate() {
            let tsdu = dt(mms);
            let (t, o) = check(&tsdu);
            assert_eq!(t.spdu(), SpduType::DATA_TRANSFER, "case {i}");
            assert!(t.has_tokens());
            assert_eq!(
                (o.function, o.request, o.exception),
                (*code, Some(true), false),
                "case {i}"
            );
            assert_eq!(function_class(o.function), *class, "case {i}");
            assert_ne!(function_name(o.function), "Unknown", "case {i}");
            let m = t.mms().unwrap();
            assert_eq!(m.variable().map(|v| v.text()).as_deref(), *var, "case {i}");
            assert_eq!(transaction(&t), m.invoke_id(), "case {i}");
        }
        // invokeIDs of 32 bits (encoded in five bytes) survive.
        let big = dt(&request(0xFFFF_FFFE, &tlv(0x82, &[])));
        assert_eq!(transaction(&parse(&big).unwrap()), Some(0xFFFF_FFFE));
    }

    #[test]
    fn get_name_list_and_identify() {
        let scope = tlv(0xA1, &tlv(0x81, b"LD0"));
        let gnl = dt(&request(
            3,
            &tlv(0xA1, &cat(&[&tlv(0xA0, &tlv(0x80, &[9])), &scope])),
        ));
        let m = parse(&gnl).unwrap().mms().unwrap();
        assert_eq!(
            (m.service(), m.object_class()),
            (Some(Service::GET_NAME_LIST), Some(9))
        );
        assert_eq!(m.name_list_domain(), Some(&b"LD0"[..]));

        let resp = dt(&identify_response());
        let (t, o) = check(&resp);
        let id = t.mms().unwrap().identify().unwrap();
        assert_eq!(
            (id.vendor, id.model, id.revision),
            (&b"ACME Grid"[..], &b"IED-9000"[..], &b"4.2.1"[..])
        );
        assert_eq!((o.function, o.request), (2, Some(false)));
        assert_eq!(transaction(&t), Some(9));
    }

    #[test]
    fn errors_rejects_cancels_and_unconfirmed() {
        // confirmed-ErrorPDU: invokeID [0], serviceError [2] { errorClass [0] { access [7] 2 } }.
        let err = tlv(
            0xA2,
            &cat(&[&tlv(0x80, &[4]), &tlv(0xA2, &tlv(0xA0, &tlv(0x87, &[2])))]),
        );
        let tsdu = dt(&err);
        let (t, o) = check(&tsdu);
        assert_eq!(
            (o.function, o.exception, o.request),
            (OP_CONFIRMED_ERROR, true, Some(false))
        );
        assert_eq!(t.mms().unwrap().error(), Some((7, 2)));
        assert_eq!(transaction(&t), Some(4));

        let reject = dt(&tlv(0xA4, &cat(&[&tlv(0x80, &[4]), &tlv(0x81, &[1])])));
        let (t, o) = check(&reject);
        assert_eq!((o.function, o.exception, o.request), (0x0204, true, None));
        assert_eq!(t.mms().unwrap().reject_reason(), Some((1, 1)));
        assert_eq!(t.mms().unwrap().invoke_id(), Some(4));

        let cancel = dt(&tlv(0x85, &[4]));
        let (t, o) = check(&cancel);
        assert_eq!((o.function, o.request), (0x0205, Some(true)));
        assert_eq!(t.mms().unwrap().invoke_id(), Some(4));
        let (_, o) = check(&dt(&tlv(0x86, &[4])));
        assert_eq!((o.function, o.request), (0x0205, Some(false)));

        // informationReport: variableAccessSpecification, listOfAccessResult.
        let report = tlv(
            0xA3,
            &tlv(
                0xA0,
                &cat(&[&tlv(0xA1, &tlv(0x80, b"urcb")), &tlv(0xA0, &[])]),
            ),
        );
        let report = dt(&report);
        let (t, o) = check(&report);
        assert_eq!((o.function, o.request), (0x0100, None));
        assert_eq!(function_name(o.function), "informationReport");
        assert_eq!(function_class(o.function), OpClass::Read);
        assert_eq!(transaction(&t), None);
    }

    #[test]
    fn conclude_release_and_abort() {
        let conclude = dt(&[0x8B, 0x00]);
        let (t, o) = check(&conclude);
        assert_eq!((o.function, o.request), (0x020B, Some(true)));
        assert_eq!(transaction(&t), Some(TXN_NO_INVOKE + 11));
        let (_, o) = check(&dt(&[0x8C, 0x00]));
        assert_eq!((o.function, o.request), (0x020B, Some(false)));
        assert_eq!(function_name(0x020B), "conclude");

        // FINISH with RLRQ in User Data, DISCONNECT with RLRE.
        let rlrq = user_data(1, &tlv(0x62, &tlv(0x80, &[0])));
        let fin = spdu(9, &cat(&[&pi(17, &[1]), &pi(PI_USER_DATA, &rlrq)]));
        let (t, o) = check(&fin);
        assert!(t.mms().is_none());
        assert_eq!(t.acse().unwrap().reason(), Some(0));
        assert_eq!(
            (o.function, o.request, o.exception),
            (0x3102, Some(true), false)
        );
        assert_eq!(transaction(&t), Some(TXN_NO_INVOKE + 0x42));
        let rlre = user_data(1, &tlv(0x63, &tlv(0x80, &[0])));
        let dn = spdu(10, &pi(PI_USER_DATA, &rlre));
        let (t, o) = check(&dn);
        assert_eq!((o.function, o.request), (0x3102, Some(false)));
        assert_eq!(transaction(&t), Some(TXN_NO_INVOKE + 0x42));
        assert_eq!(function_class(0x3102), OpClass::Session);

        // ABORT with an ARU-PPDU holding ABRT; a bare ABORT; a REFUSE.
        let aru = tlv(0xA0, &user_data(1, &tlv(0x64, &tlv(0x80, &[1]))));
        let abort = spdu(25, &cat(&[&pi(17, &[9]), &pi(PI_USER_DATA, &aru)]));
        let (t, o) = check(&abort);
        assert_eq!(t.presentation().unwrap().kind, PpduType::UserAbort);
        assert_eq!((o.function, o.exception), (0x3104, true));
        let (_, o) = check(&spdu(25, &pi(17, &[9])));
        assert_eq!((o.function, o.exception, o.request), (0x3019, true, None));
        assert_eq!(function_name(0x3019), "Session ABORT");
        let (_, o) = check(&spdu(12, &pi(PI_REASON_CODE, &[2])));
        assert_eq!(
            (o.function, o.exception, o.request),
            (0x300C, true, Some(false))
        );
        // A bare GIVE TOKENS or a DT without presentation data is no operation.
        assert!(op(&parse(&[0x01, 0x00]).unwrap()).is_none());
        assert!(op(&parse(&[0x01, 0x00, 0x01, 0x00]).unwrap()).is_none());
    }

    #[test]
    fn not_a_session() {
        assert_eq!(parse(&[0x32, 0x01, 0, 0]).err(), Some(Error::Spdu(0x32)));
        assert!(!probe(&[0x32, 0x01, 0, 0]));
        assert!(!probe(&[0x72, 0x01]));
        assert!(
            probe(&[0x0D, 0x90, 0x05]),
            "a CONNECT cut by COTP segmentation"
        );
        assert!(probe(&dt(&read_request())));
        // Bytes that are not presentation data give a session SPDU and nothing more.
        let t = parse(&[0x01, 0x00, 0x01, 0x00, 0x30, 0x00]).unwrap();
        assert!(t.presentation().is_none() && t.mms().is_none());
        for code in [0u16, 0x100, 0x200, 0x2000, 0x3000, 0x3100, 0x4000, 0xFFFF] {
            let _ = (function_name(code), function_class(code));
        }
        assert_eq!(function_name(0x20E0), "COTP Connection Request");
        assert_eq!(function_name(200), "Unknown");
    }

    #[test]
    fn every_prefix_is_handled() {
        let pdus = [
            connect(13, &aarq(&initiate_request())),
            connect(14, &aare(0, &tlv(0xA9, &[]))),
            dt(&read_request()),
            dt(&identify_response()),
            spdu(
                9,
                &pi(PI_USER_DATA, &user_data(1, &tlv(0x62, &tlv(0x80, &[0])))),
            ),
        ];
        for p in &pdus {
            for cut in 0..p.len() {
                let r = parse(&p[..cut]);
                if cut < 2 {
                    assert!(matches!(r, Err(Error::Short { .. })), "cut {cut}: {r:?}");
                }
                if let Ok(t) = r {
                    let _ = format!("{t:?}");
                }
            }
            assert!(op(&parse(p).unwrap()).is_some());
        }
    }
}
