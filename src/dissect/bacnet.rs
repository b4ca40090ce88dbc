//! BACnet/IP: the BVLC (ANSI/ASHRAE 135-2020 Annex J.2), the NPDU (clause 6.2) and the
//! APDU's fixed header (clause 20.1), with a minimal tag reader (clause 20.2.1) for the
//! few service parameters outputs use: I-Am, Who-Is limits, the object and property a
//! read or write names, what ReinitializeDevice and DeviceCommunicationControl ask for,
//! and the error class and code of an Error PDU.
//!
//! One UDP datagram (ports 47808..=47823) carries one BVLC message. `parse` checks the
//! BVLC header, the function's fixed fields and the NPDU header once; the APDU's header
//! is checked by `parse_apdu`, and a datagram whose APDU is cut short keeps its BVLC and
//! NPDU layers. `parse_npdu` and `parse_apdu` also serve BACnet over other links
//! (ISO 8802-2 LLC, SAP 0x82), where no BVLC precedes the NPDU.
//!
//! Service parameters are read only from an unsegmented APDU or the first segment
//! (sequence number 0): later segments continue bytes this parser has not seen.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};

use super::Op;
pub use super::OpClass;

/// BVLC type of BACnet/IP (Annex J.2). BACnet/IPv6 (Annex U) uses 0x82: not decoded.
pub const BVLC_TYPE: u8 = 0x81;
/// Type, function and the two-octet length.
pub const BVLC_HEADER_LEN: usize = 4;
/// Octets of a B/IP address: IPv4 address and UDP port (Annex J.1.2).
pub const BIP_ADDRESS_LEN: usize = 6;
/// Octets of a broadcast or foreign device table entry (Annex J.2.2.1, J.2.8.1).
pub const TABLE_ENTRY_LEN: usize = 10;
/// Version octet of every NPDU (clause 6.2.1).
pub const NPDU_VERSION: u8 = 0x01;
/// Version and control octets.
pub const NPDU_MIN_LEN: usize = 2;
/// Largest BVLC function (Secure-BVLL, 135-2016 Addendum ai).
pub const MAX_FUNCTION: u8 = 0x0C;

/// NPDU control bits (clause 6.2.2).
pub mod control {
    /// The NSDU is a network layer message, not an APDU.
    pub const NETWORK_MESSAGE: u8 = 0x80;
    /// DNET, DLEN, DADR and the hop count are present.
    pub const DESTINATION: u8 = 0x20;
    /// SNET, SLEN and SADR are present.
    pub const SOURCE: u8 = 0x08;
    /// A confirmed request, or a network message that expects a reply.
    pub const EXPECTING_REPLY: u8 = 0x04;
    /// Network priority: 0 normal, 1 urgent, 2 critical equipment, 3 life safety.
    pub const PRIORITY: u8 = 0x03;
}

/// Why bytes are not a BACnet/IP message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the BVLC header or its length field asks for.
    Short { need: usize, have: usize },
    /// BVLC type other than 0x81.
    Type(u8),
    /// BVLC function above 0x0C.
    Function(u8),
    /// Length field below 4, or not what the function's fixed fields need.
    Length(u16),
    /// NPDU protocol version other than 1.
    Version(u8),
    /// The NPDU's header (addresses, hop count, message type, vendor id) runs past the
    /// end of the message: the offset within the NPDU of the field that does not fit.
    Npdu(usize),
}

// One row per value: constant, value, name. `name()` answers "Unknown" for the rest.
macro_rules! names {
    ($ty:ident { $($id:ident = $v:literal, $name:literal;)* }) => {
        impl $ty {
            $(pub const $id: Self = Self($v);)*

            /// The name Wireshark shows; "Unknown" for an unassigned value.
            pub fn name(self) -> &'static str {
                match self.0 {
                    $($v => $name,)*
                    _ => "Unknown",
                }
            }
        }
    };
}

/// A BVLC function (Annex J.2, Table J-1); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BvlcFunction(pub u8);

names!(BvlcFunction {
    RESULT = 0x00, "BVLC-Result";
    WRITE_BDT = 0x01, "Write-Broadcast-Distribution-Table";
    READ_BDT = 0x02, "Read-Broadcast-Distribution-Table";
    READ_BDT_ACK = 0x03, "Read-Broadcast-Distribution-Table-Ack";
    FORWARDED_NPDU = 0x04, "Forwarded-NPDU";
    REGISTER_FOREIGN_DEVICE = 0x05, "Register-Foreign-Device";
    READ_FDT = 0x06, "Read-Foreign-Device-Table";
    READ_FDT_ACK = 0x07, "Read-Foreign-Device-Table-Ack";
    DELETE_FDT_ENTRY = 0x08, "Delete-Foreign-Device-Table-Entry";
    DISTRIBUTE_BROADCAST_TO_NETWORK = 0x09, "Distribute-Broadcast-To-Network";
    ORIGINAL_UNICAST_NPDU = 0x0A, "Original-Unicast-NPDU";
    ORIGINAL_BROADCAST_NPDU = 0x0B, "Original-Broadcast-NPDU";
    SECURE_BVLL = 0x0C, "Secured-BVLL";
});

impl BvlcFunction {
    /// Octets between the BVLC header and the NPDU, for the functions that carry one.
    pub fn npdu_offset(self) -> Option<usize> {
        match self.0 {
            0x04 => Some(BIP_ADDRESS_LEN),
            0x09..=0x0B => Some(0),
            _ => None,
        }
    }
    /// Octets after the header that the function needs at least: its fixed fields
    /// and an NPDU's version and control octets.
    pub fn min_body_len(self) -> usize {
        match self.0 {
            0x00 | 0x05 => 2,
            0x08 => BIP_ADDRESS_LEN,
            0x04 => BIP_ADDRESS_LEN + NPDU_MIN_LEN,
            0x09..=0x0B => NPDU_MIN_LEN,
            _ => 0,
        }
    }
    /// Whether a length field fits the function's fields (Annex J.2): fixed sizes,
    /// whole table entries, or room for an NPDU's version and control octets.
    pub fn length_fits(self, length: u16) -> bool {
        let n = length as usize;
        let Some(body) = n.checked_sub(BVLC_HEADER_LEN) else {
            return false;
        };
        match self.0 {
            0x00 | 0x05 | 0x08 => body == self.min_body_len(),
            0x02 | 0x06 => body == 0,
            0x01 | 0x03 | 0x07 => body % TABLE_ENTRY_LEN == 0,
            0x04 | 0x09..=0x0B => body >= self.min_body_len(),
            0x0C => true,
            _ => false,
        }
    }
    /// The direction the function states: table and registration requests, their
    /// acknowledgements and results. `None` for NPDU carriers and Secure-BVLL.
    pub fn request(self) -> Option<bool> {
        match self.0 {
            0x01 | 0x02 | 0x05 | 0x06 | 0x08 => Some(true),
            0x00 | 0x03 | 0x07 => Some(false),
            _ => None,
        }
    }
}

/// A BVLC-Result code (Annex J.2.1.1); 0 is success, the others are NAKs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BvlcResult(pub u16);

names!(BvlcResult {
    SUCCESS = 0x0000, "Successful completion";
    WRITE_BDT_NAK = 0x0010, "Write-Broadcast-Distribution-Table NAK";
    READ_BDT_NAK = 0x0020, "Read-Broadcast-Distribution-Table NAK";
    REGISTER_FOREIGN_DEVICE_NAK = 0x0030, "Register-Foreign-Device NAK";
    READ_FDT_NAK = 0x0040, "Read-Foreign-Device-Table NAK";
    DELETE_FDT_ENTRY_NAK = 0x0050, "Delete-Foreign-Device-Table-Entry NAK";
    DISTRIBUTE_BROADCAST_TO_NETWORK_NAK = 0x0060, "Distribute-Broadcast-To-Network NAK";
});

/// A network layer message type (clause 6.2.4); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NetworkMessageType(pub u8);

impl NetworkMessageType {
    pub const WHO_IS_ROUTER_TO_NETWORK: Self = Self(0x00);
    pub const I_AM_ROUTER_TO_NETWORK: Self = Self(0x01);
    pub const I_COULD_BE_ROUTER_TO_NETWORK: Self = Self(0x02);
    pub const REJECT_MESSAGE_TO_NETWORK: Self = Self(0x03);
    pub const ROUTER_BUSY_TO_NETWORK: Self = Self(0x04);
    pub const ROUTER_AVAILABLE_TO_NETWORK: Self = Self(0x05);
    pub const INITIALIZE_ROUTING_TABLE: Self = Self(0x06);
    pub const INITIALIZE_ROUTING_TABLE_ACK: Self = Self(0x07);
    pub const ESTABLISH_CONNECTION_TO_NETWORK: Self = Self(0x08);
    pub const DISCONNECT_CONNECTION_TO_NETWORK: Self = Self(0x09);
    pub const WHAT_IS_NETWORK_NUMBER: Self = Self(0x12);
    pub const NETWORK_NUMBER_IS: Self = Self(0x13);

    /// The name Wireshark shows (`bacnet.mesgtyp`).
    pub fn name(self) -> &'static str {
        match self.0 {
            0x00 => "Who-Is-Router-To-Network",
            0x01 => "I-Am-Router-To-Network",
            0x02 => "I-Could-Be-Router-To-Network",
            0x03 => "Reject-Message-To-Network",
            0x04 => "Router-Busy-To-Network",
            0x05 => "Router-Available-To-Network",
            0x06 => "Initialize-Routing-Table",
            0x07 => "Initialize-Routing-Table-Ack",
            0x08 => "Establish-Connection-To-Network",
            0x09 => "Disconnect-Connection-To-Network",
            0x0A => "Challenge-Request",
            0x0B => "Security-Payload",
            0x0C => "Security-Response",
            0x0D => "Request-Key-Update",
            0x0E => "Update-Key-Set",
            0x0F => "Update-Distribution-Key",
            0x10 => "Request-Master-Key",
            0x11 => "Set-Master-Key",
            0x12 => "What-Is-Network-Number",
            0x13 => "Network-Number-Is",
            0x80..=0xFF => "Vendor Proprietary Message",
            _ => "Unknown",
        }
    }
    /// Types 0x80..=0xFF are proprietary: a vendor id follows the type.
    pub fn is_proprietary(self) -> bool {
        self.0 >= 0x80
    }
    /// The direction the type states; `None` for announcements (I-Am-Router,
    /// Router-Busy/Available, key distribution) and proprietary messages.
    pub fn request(self) -> Option<bool> {
        match self.0 {
            0x00 | 0x06 | 0x08 | 0x09 | 0x0A | 0x0D | 0x10 | 0x12 => Some(true),
            0x02 | 0x03 | 0x07 | 0x0C | 0x13 => Some(false),
            _ => None,
        }
    }
    /// Router discovery and network numbers are `Identity`; Router-Busy and
    /// Router-Available start and stop traffic to networks (`Control`); a routing table
    /// initialisation rewrites a router's table (`Write`); connections and network
    /// security are `Session`.
    pub fn class(self) -> OpClass {
        match self.0 {
            0x00..=0x02 | 0x12 | 0x13 => OpClass::Identity,
            0x04 | 0x05 => OpClass::Control,
            0x06 | 0x07 => OpClass::Write,
            0x08..=0x11 => OpClass::Session,
            _ => OpClass::Other,
        }
    }
}

/// APDU type, the first octet's upper nibble (clause 20.1.1); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PduType(pub u8);

names!(PduType {
    CONFIRMED_REQUEST = 0, "Confirmed-REQ";
    UNCONFIRMED_REQUEST = 1, "Unconfirmed-REQ";
    SIMPLE_ACK = 2, "Simple-ACK";
    COMPLEX_ACK = 3, "Complex-ACK";
    SEGMENT_ACK = 4, "Segment-ACK";
    ERROR = 5, "Error";
    REJECT = 6, "Reject";
    ABORT = 7, "Abort";
});

/// A confirmed service choice (clause 21, BACnetConfirmedServiceChoice); unknown
/// values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfirmedService(pub u8);

names!(ConfirmedService {
    ACKNOWLEDGE_ALARM = 0, "acknowledgeAlarm";
    CONFIRMED_COV_NOTIFICATION = 1, "confirmedCOVNotification";
    CONFIRMED_EVENT_NOTIFICATION = 2, "confirmedEventNotification";
    GET_ALARM_SUMMARY = 3, "getAlarmSummary";
    GET_ENROLLMENT_SUMMARY = 4, "getEnrollmentSummary";
    SUBSCRIBE_COV = 5, "subscribeCOV";
    ATOMIC_READ_FILE = 6, "atomicReadFile";
    ATOMIC_WRITE_FILE = 7, "atomicWriteFile";
    ADD_LIST_ELEMENT = 8, "addListElement";
    REMOVE_LIST_ELEMENT = 9, "removeListElement";
    CREATE_OBJECT = 10, "createObject";
    DELETE_OBJECT = 11, "deleteObject";
    READ_PROPERTY = 12, "readProperty";
    READ_PROPERTY_CONDITIONAL = 13, "readPropertyConditional";
    READ_PROPERTY_MULTIPLE = 14, "readPropertyMultiple";
    WRITE_PROPERTY = 15, "writeProperty";
    WRITE_PROPERTY_MULTIPLE = 16, "writePropertyMultiple";
    DEVICE_COMMUNICATION_CONTROL = 17, "deviceCommunicationControl";
    CONFIRMED_PRIVATE_TRANSFER = 18, "confirmedPrivateTransfer";
    CONFIRMED_TEXT_MESSAGE = 19, "confirmedTextMessage";
    REINITIALIZE_DEVICE = 20, "reinitializeDevice";
    VT_OPEN = 21, "vtOpen";
    VT_CLOSE = 22, "vtClose";
    VT_DATA = 23, "vtData";
    AUTHENTICATE = 24, "authenticate";
    REQUEST_KEY = 25, "requestKey";
    READ_RANGE = 26, "readRange";
    LIFE_SAFETY_OPERATION = 27, "lifeSafetyOperation";
    SUBSCRIBE_COV_PROPERTY = 28, "subscribeCOVProperty";
    GET_EVENT_INFORMATION = 29, "getEventInformation";
    SUBSCRIBE_COV_PROPERTY_MULTIPLE = 30, "subscribeCovPropertyMultiple";
    CONFIRMED_COV_NOTIFICATION_MULTIPLE = 31, "confirmedCovNotificationMultiple";
    CONFIRMED_AUDIT_NOTIFICATION = 32, "confirmedAuditNotification";
    AUDIT_LOG_QUERY = 33, "auditLogQuery";
});

impl ConfirmedService {
    /// What the service does to the device. Alarm, enrollment and event summaries,
    /// COV subscriptions and audit log queries read state; COV, event and audit
    /// notifications carry values a device reports, so they count as `Read` like the
    /// monitor direction of other protocols. Acknowledging an alarm writes the
    /// object's acknowledged transitions (`Write`); life safety operations silence and
    /// reset equipment (`Control`); virtual terminals and keys are `Session`.
    pub fn class(self) -> OpClass {
        match self.0 {
            1..=6 | 12..=14 | 26 | 28..=33 => OpClass::Read,
            0 | 8..=11 | 15 | 16 => OpClass::Write,
            17 | 20 | 27 => OpClass::Control,
            7 => OpClass::Program,
            21..=25 => OpClass::Session,
            _ => OpClass::Other,
        }
    }
}

/// An unconfirmed service choice (clause 21, BACnetUnconfirmedServiceChoice); unknown
/// values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnconfirmedService(pub u8);

names!(UnconfirmedService {
    I_AM = 0, "i-Am";
    I_HAVE = 1, "i-Have";
    UNCONFIRMED_COV_NOTIFICATION = 2, "unconfirmedCOVNotification";
    UNCONFIRMED_EVENT_NOTIFICATION = 3, "unconfirmedEventNotification";
    UNCONFIRMED_PRIVATE_TRANSFER = 4, "unconfirmedPrivateTransfer";
    UNCONFIRMED_TEXT_MESSAGE = 5, "unconfirmedTextMessage";
    TIME_SYNCHRONIZATION = 6, "timeSynchronization";
    WHO_HAS = 7, "who-Has";
    WHO_IS = 8, "who-Is";
    UTC_TIME_SYNCHRONIZATION = 9, "utcTimeSynchronization";
    WRITE_GROUP = 10, "writeGroup";
    UNCONFIRMED_COV_NOTIFICATION_MULTIPLE = 11, "unconfirmedCovNotificationMultiple";
    UNCONFIRMED_AUDIT_NOTIFICATION = 12, "unconfirmedAuditNotification";
    WHO_AM_I = 13, "who-am-I";
    YOU_ARE = 14, "you-are";
});

impl UnconfirmedService {
    /// Discovery (Who-Is, I-Am, Who-Has, I-Have, Who-Am-I, You-Are) is `Identity`;
    /// notifications are `Read` (see `ConfirmedService::class`); time synchronisation
    /// is `Session`: it keeps the devices' time base and sets no process data.
    pub fn class(self) -> OpClass {
        match self.0 {
            0 | 1 | 7 | 8 | 13 | 14 => OpClass::Identity,
            2 | 3 | 11 | 12 => OpClass::Read,
            6 | 9 => OpClass::Session,
            10 => OpClass::Write,
            _ => OpClass::Other,
        }
    }
}

/// A Reject PDU's reason (clause 18.8, BACnetRejectReason); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RejectReason(pub u8);

names!(RejectReason {
    OTHER = 0, "other";
    BUFFER_OVERFLOW = 1, "buffer-overflow";
    INCONSISTENT_PARAMETERS = 2, "inconsistent-parameters";
    INVALID_PARAMETER_DATA_TYPE = 3, "invalid-parameter-data-type";
    INVALID_TAG = 4, "invalid-tag";
    MISSING_REQUIRED_PARAMETER = 5, "missing-required-parameter";
    PARAMETER_OUT_OF_RANGE = 6, "parameter-out-of-range";
    TOO_MANY_ARGUMENTS = 7, "too-many-arguments";
    UNDEFINED_ENUMERATION = 8, "undefined-enumeration";
    UNRECOGNIZED_SERVICE = 9, "unrecognized-service";
});

/// An Abort PDU's reason (clause 18.9, BACnetAbortReason); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AbortReason(pub u8);

names!(AbortReason {
    OTHER = 0, "other";
    BUFFER_OVERFLOW = 1, "buffer-overflow";
    INVALID_APDU_IN_THIS_STATE = 2, "invalid-apdu-in-this-state";
    PREEMPTED_BY_HIGHER_PRIORITY_TASK = 3, "preempted-by-higher-priority-task";
    SEGMENTATION_NOT_SUPPORTED = 4, "segmentation-not-supported";
    SECURITY_ERROR = 5, "security-error";
    INSUFFICIENT_SECURITY = 6, "insufficient-security";
    WINDOW_SIZE_OUT_OF_RANGE = 7, "window-size-out-of-range";
    APPLICATION_EXCEEDED_REPLY_TIME = 8, "application-exceeded-reply-time";
    OUT_OF_RESOURCES = 9, "out-of-resources";
    TSM_TIMEOUT = 10, "tsm-timeout";
    APDU_TOO_LONG = 11, "apdu-too-long";
});

/// Segmentation a device supports (clause 21, BACnetSegmentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Segmentation(pub u8);

names!(Segmentation {
    BOTH = 0, "segmented-both";
    TRANSMIT = 1, "segmented-transmit";
    RECEIVE = 2, "segmented-receive";
    NONE = 3, "no-segmentation";
});

/// ReinitializeDevice's reinitialized-state-of-device (clause 16.4.1.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReinitializedState(pub u32);

names!(ReinitializedState {
    COLDSTART = 0, "coldstart";
    WARMSTART = 1, "warmstart";
    START_BACKUP = 2, "start-backup";
    END_BACKUP = 3, "end-backup";
    START_RESTORE = 4, "start-restore";
    END_RESTORE = 5, "end-restore";
    ABORT_RESTORE = 6, "abort-restore";
    ACTIVATE_CHANGES = 7, "activate-changes";
});

/// DeviceCommunicationControl's enable-disable (clause 16.1.1.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnableDisable(pub u32);

names!(EnableDisable {
    ENABLE = 0, "enable";
    DISABLE = 1, "disable";
    DISABLE_INITIATION = 2, "disable-initiation";
});

/// An Error PDU's error class (clause 18, BACnetErrorClass).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorClass(pub u32);

names!(ErrorClass {
    DEVICE = 0, "device";
    OBJECT = 1, "object";
    PROPERTY = 2, "property";
    RESOURCES = 3, "resources";
    SECURITY = 4, "security";
    SERVICES = 5, "services";
    VT = 6, "vt";
    COMMUNICATION = 7, "communication";
});

/// An Error PDU's error code (clause 18, BACnetErrorCode); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorCode(pub u32);

impl ErrorCode {
    pub const UNKNOWN_OBJECT: Self = Self(31);
    pub const UNKNOWN_PROPERTY: Self = Self(32);
    pub const WRITE_ACCESS_DENIED: Self = Self(40);

    /// The standard's name, as Wireshark lists it; "Unknown" past the table.
    pub fn name(self) -> &'static str {
        table_name(&ERROR_CODE_NAMES, self.0)
    }
}

/// An object type, the identifier's upper ten bits (clause 21, BACnetObjectType).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectType(pub u16);

impl ObjectType {
    pub const ANALOG_INPUT: Self = Self(0);
    pub const ANALOG_OUTPUT: Self = Self(1);
    pub const ANALOG_VALUE: Self = Self(2);
    pub const BINARY_INPUT: Self = Self(3);
    pub const BINARY_OUTPUT: Self = Self(4);
    pub const BINARY_VALUE: Self = Self(5);
    pub const DEVICE: Self = Self(8);
    pub const FILE: Self = Self(10);
    pub const PROGRAM: Self = Self(16);
    pub const NETWORK_PORT: Self = Self(56);

    /// The name Wireshark shows (`analog-input`); "Unknown" for a proprietary or
    /// unassigned type.
    pub fn name(self) -> &'static str {
        table_name(&OBJECT_TYPE_NAMES, self.0 as u32)
    }
}

/// A BACnetObjectIdentifier: object type (10 bits) and instance number (22 bits).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(pub u32);

impl ObjectId {
    /// Instance 4194303 is the wildcard ("any device", clause 12.11.1).
    pub const MAX_INSTANCE: u32 = 0x3F_FFFF;

    pub fn new(object_type: ObjectType, instance: u32) -> Self {
        Self((object_type.0 as u32) << 22 | (instance & Self::MAX_INSTANCE))
    }
    /// The identifier in an application or context tag's four content octets.
    pub fn from_data(data: &[u8]) -> Option<Self> {
        data.try_into().ok().map(|b| Self(u32::from_be_bytes(b)))
    }
    pub fn object_type(self) -> ObjectType {
        ObjectType((self.0 >> 22) as u16)
    }
    pub fn instance(self) -> u32 {
        self.0 & Self::MAX_INSTANCE
    }
}

/// `device:721`; a type without a name prints its number.
impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.object_type().name() {
            "Unknown" => write!(f, "{}:{}", self.object_type().0, self.instance()),
            name => write!(f, "{name}:{}", self.instance()),
        }
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectId({self})")
    }
}

/// A property identifier (clause 21, BACnetPropertyIdentifier); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PropertyId(pub u32);

impl PropertyId {
    pub const OBJECT_IDENTIFIER: Self = Self(75);
    pub const OBJECT_LIST: Self = Self(76);
    pub const OBJECT_NAME: Self = Self(77);
    pub const PRESENT_VALUE: Self = Self(85);
    pub const PRIORITY_ARRAY: Self = Self(87);
    pub const PROTOCOL_SERVICES_SUPPORTED: Self = Self(97);
    pub const VENDOR_IDENTIFIER: Self = Self(120);

    /// The name Wireshark shows (`present-value`); "Unknown" for a proprietary or
    /// unassigned identifier.
    pub fn name(self) -> &'static str {
        match self.0 {
            0..=511 => table_name(&PROPERTY_NAMES, self.0),
            _ => extended_property_name(self.0),
        }
    }
}

/// `names[i]`, or "Unknown" where it is missing or empty.
fn table_name(names: &[&'static str], i: u32) -> &'static str {
    match names.get(i as usize) {
        Some(&n) if !n.is_empty() => n,
        _ => "Unknown",
    }
}

/// One BVLC message, borrowed. Checked once in `parse`; accessors are infallible.
#[derive(Clone, Copy)]
pub struct Bvlc<'a> {
    hdr: &'a [u8; BVLC_HEADER_LEN],
    /// The bytes after the header, up to the length field.
    body: &'a [u8],
    npdu: Option<Npdu<'a>>,
}

/// Parses the BVLC message at the start of a UDP payload; `Bvlc::len` says how many
/// bytes it used (bytes past the length field are not BACnet's).
pub fn parse(data: &[u8]) -> Result<Bvlc<'_>, Error> {
    parse_with(data, false)
}

/// Like `parse`, for a whole UDP datagram: where the length field asks for more bytes
/// than there are (a snap length cut the capture, or the sender got the field wrong,
/// as some devices do in their responses), the message is the bytes there are, as far
/// as the function's fixed fields are whole, and `Bvlc::is_cut` says so. Wireshark
/// decodes such messages too and flags the length.
pub fn parse_lax(data: &[u8]) -> Result<Bvlc<'_>, Error> {
    parse_with(data, true)
}

fn parse_with(data: &[u8], lax: bool) -> Result<Bvlc<'_>, Error> {
    let short = |need| Error::Short {
        need,
        have: data.len(),
    };
    // Judge the type and function as soon as they are there: a UDP payload that is
    // not BACnet fails on its first octets.
    if let Some(&t) = data.first() {
        if t != BVLC_TYPE {
            return Err(Error::Type(t));
        }
    }
    if let Some(&f) = data.get(1) {
        if f > MAX_FUNCTION {
            return Err(Error::Function(f));
        }
    }
    let (hdr, _) = data
        .split_first_chunk::<BVLC_HEADER_LEN>()
        .ok_or(short(BVLC_HEADER_LEN))?;
    let function = BvlcFunction(hdr[1]);
    let length = u16::from_be_bytes([hdr[2], hdr[3]]);
    if !function.length_fits(length) {
        return Err(Error::Length(length));
    }
    let mut end = length as usize;
    if lax && end > data.len() {
        end = data.len().max(BVLC_HEADER_LEN + function.min_body_len());
    }
    let msg = data.get(..end).ok_or(short(end))?;
    let body = &msg[BVLC_HEADER_LEN..];
    let npdu = match function.npdu_offset() {
        Some(at) => Some(parse_npdu(&body[at..])?),
        None => None,
    };
    Ok(Bvlc { hdr, body, npdu })
}

impl<'a> Bvlc<'a> {
    pub fn function(&self) -> BvlcFunction {
        BvlcFunction(self.hdr[1])
    }
    /// Bytes of the message: the length field, or less when `is_cut`.
    pub fn len(&self) -> usize {
        BVLC_HEADER_LEN + self.body.len()
    }
    /// The length field: octets of the whole message.
    pub fn length_field(&self) -> u16 {
        u16::from_be_bytes([self.hdr[2], self.hdr[3]])
    }
    /// Fewer bytes than the length field (only from `parse_lax`).
    pub fn is_cut(&self) -> bool {
        (self.length_field() as usize) > self.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    /// The bytes after the header: the function's fields and the NPDU.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }
    pub fn npdu(&self) -> Option<Npdu<'a>> {
        self.npdu
    }
    /// The APDU of an NPDU that carries one, if its header is whole.
    pub fn apdu(&self) -> Option<Apdu<'a>> {
        self.npdu?.apdu()
    }
    /// The B/IP address a Forwarded-NPDU came from, or the entry a
    /// Delete-Foreign-Device-Table-Entry names.
    pub fn address(&self) -> Option<SocketAddrV4> {
        match self.function() {
            BvlcFunction::FORWARDED_NPDU | BvlcFunction::DELETE_FDT_ENTRY => {
                self.body.first_chunk().map(bip_address)
            }
            _ => None,
        }
    }
    /// A BVLC-Result's code.
    pub fn result(&self) -> Option<BvlcResult> {
        (self.function() == BvlcFunction::RESULT).then(|| BvlcResult(self.u16_at(0)))
    }
    /// Register-Foreign-Device's time-to-live, in seconds.
    pub fn ttl(&self) -> Option<u16> {
        (self.function() == BvlcFunction::REGISTER_FOREIGN_DEVICE).then(|| self.u16_at(0))
    }
    /// Entries of a broadcast distribution table (Write-BDT, Read-BDT-Ack) or of a
    /// foreign device table (Read-FDT-Ack); empty for the other functions.
    pub fn table(&self) -> Table<'a> {
        let fdt = match self.function() {
            BvlcFunction::WRITE_BDT | BvlcFunction::READ_BDT_ACK => false,
            BvlcFunction::READ_FDT_ACK => true,
            _ => {
                return Table {
                    fdt: false,
                    rest: &[],
                }
            }
        };
        Table {
            fdt,
            rest: self.body,
        }
    }
    /// Two octets at `i` of a body `parse` sized for them.
    fn u16_at(&self, i: usize) -> u16 {
        match self.body.get(i..i + 2) {
            Some(b) => u16::from_be_bytes([b[0], b[1]]),
            None => 0,
        }
    }
}

fn bip_address(b: &[u8; BIP_ADDRESS_LEN]) -> SocketAddrV4 {
    let ip = Ipv4Addr::new(b[0], b[1], b[2], b[3]);
    SocketAddrV4::new(ip, u16::from_be_bytes([b[4], b[5]]))
}

/// One entry of a broadcast distribution or foreign device table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableEntry {
    /// A BBMD's address and its broadcast distribution mask (Annex J.4.3.2).
    Bdt {
        address: SocketAddrV4,
        mask: Ipv4Addr,
    },
    /// A registered foreign device, its time-to-live and the seconds remaining
    /// (Annex J.5.2.1).
    Fdt {
        address: SocketAddrV4,
        ttl: u16,
        remaining: u16,
    },
}

/// Iterator over the entries of a BVLC table.
#[derive(Clone)]
pub struct Table<'a> {
    fdt: bool,
    rest: &'a [u8],
}

impl Iterator for Table<'_> {
    type Item = TableEntry;

    fn next(&mut self) -> Option<TableEntry> {
        let (e, rest) = self.rest.split_first_chunk::<TABLE_ENTRY_LEN>()?;
        self.rest = rest;
        let (a, tail) = e.split_first_chunk::<BIP_ADDRESS_LEN>()?;
        let address = bip_address(a);
        Some(if self.fdt {
            TableEntry::Fdt {
                address,
                ttl: u16::from_be_bytes([tail[0], tail[1]]),
                remaining: u16::from_be_bytes([tail[2], tail[3]]),
            }
        } else {
            TableEntry::Bdt {
                address,
                mask: Ipv4Addr::new(tail[0], tail[1], tail[2], tail[3]),
            }
        })
    }
}

impl fmt::Debug for Table<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// A network number and a MAC address on it (clause 6.2.2): DNET/DLEN/DADR or
/// SNET/SLEN/SADR. An empty MAC in a destination is a broadcast on that network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Address<'a> {
    pub net: u16,
    pub mac: &'a [u8],
}

/// One NPDU, borrowed. Checked once in `parse_npdu`; accessors are infallible.
#[derive(Clone, Copy)]
pub struct Npdu<'a> {
    control: u8,
    destination: Option<Address<'a>>,
    source: Option<Address<'a>>,
    hop_count: Option<u8>,
    message_type: Option<NetworkMessageType>,
    vendor_id: Option<u16>,
    /// What follows the header: the network message's data or the APDU.
    data: &'a [u8],
    header_len: usize,
}

/// Parses an NPDU: `data` is the rest of the message (it ends where the BVLC length
/// or the link frame ends).
pub fn parse_npdu(data: &[u8]) -> Result<Npdu<'_>, Error> {
    let mut c = Cursor { data, at: 0 };
    let version = c.octet()?;
    if version != NPDU_VERSION {
        return Err(Error::Version(version));
    }
    let ctrl = c.octet()?;
    let destination = c.address(ctrl & control::DESTINATION != 0)?;
    let source = c.address(ctrl & control::SOURCE != 0)?;
    let hop_count = match destination {
        Some(_) => Some(c.octet()?),
        None => None,
    };
    let (message_type, vendor_id) = if ctrl & control::NETWORK_MESSAGE != 0 {
        let t = NetworkMessageType(c.octet()?);
        let vendor = match t.is_proprietary() {
            true => Some(c.u16()?),
            false => None,
        };
        (Some(t), vendor)
    } else {
        (None, None)
    };
    let (header_len, rest) = (c.at, &data[c.at..]);
    Ok(Npdu {
        control: ctrl,
        destination,
        source,
        hop_count,
        message_type,
        vendor_id,
        data: rest,
        header_len,
    })
}

/// Reads an NPDU header's fields in order; a field that does not fit is
/// `Error::Npdu` at its offset.
struct Cursor<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let field = self.data[self.at..].get(..n).ok_or(Error::Npdu(self.at))?;
        self.at += n;
        Ok(field)
    }
    fn octet(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, Error> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    /// NET, LEN and ADR, when the control octet says they are there.
    fn address(&mut self, present: bool) -> Result<Option<Address<'a>>, Error> {
        if !present {
            return Ok(None);
        }
        let net = self.u16()?;
        let len = self.octet()? as usize;
        let mac = self.take(len)?;
        Ok(Some(Address { net, mac }))
    }
}

impl<'a> Npdu<'a> {
    /// The control octet (see the `control` module for its bits).
    pub fn control(&self) -> u8 {
        self.control
    }
    pub fn is_network_message(&self) -> bool {
        self.message_type.is_some()
    }
    pub fn expecting_reply(&self) -> bool {
        self.control & control::EXPECTING_REPLY != 0
    }
    /// Network priority: 0 normal, 1 urgent, 2 critical equipment, 3 life safety.
    pub fn priority(&self) -> u8 {
        self.control & control::PRIORITY
    }
    /// DNET and DADR: the message is for a device on another network.
    pub fn destination(&self) -> Option<Address<'a>> {
        self.destination
    }
    /// SNET and SADR: a router forwarded the message from another network.
    pub fn source(&self) -> Option<Address<'a>> {
        self.source
    }
    /// Present with a destination.
    pub fn hop_count(&self) -> Option<u8> {
        self.hop_count
    }
    pub fn message_type(&self) -> Option<NetworkMessageType> {
        self.message_type
    }
    /// Vendor of a proprietary network message.
    pub fn vendor_id(&self) -> Option<u16> {
        self.vendor_id
    }
    /// Octets of the NPDU header.
    pub fn header_len(&self) -> usize {
        self.header_len
    }
    /// What follows the header: the network message's data or the APDU.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
    /// The APDU, unless this is a network message or the APDU's header is cut short.
    pub fn apdu(&self) -> Option<Apdu<'a>> {
        if self.is_network_message() {
            return None;
        }
        parse_apdu(self.data)
    }
}

/// One APDU, borrowed. Checked once in `parse_apdu`; accessors are infallible.
#[derive(Clone, Copy)]
pub struct Apdu<'a> {
    /// The whole APDU.
    bytes: &'a [u8],
    /// Octets of the fixed header, up to and including the service choice or reason.
    hdr: usize,
}

/// Octets of the fixed header an APDU's first octet announces (clause 20.1).
fn apdu_header_len(first: u8) -> usize {
    let segmented = first & 0x08 != 0;
    match first >> 4 {
        // Type, max segments/APDU, invoke id, [sequence, window], service choice.
        0 => 4 + 2 * segmented as usize,
        1 => 2,
        2 => 3,
        // Type, invoke id, [sequence, window], service ack choice.
        3 => 3 + 2 * segmented as usize,
        // Type, invoke id, sequence number, actual window size.
        4 => 4,
        5..=7 => 3,
        _ => 1,
    }
}

/// Parses the APDU an NPDU carries; `None` where its fixed header is cut short.
pub fn parse_apdu(bytes: &[u8]) -> Option<Apdu<'_>> {
    let hdr = apdu_header_len(*bytes.first()?);
    (bytes.len() >= hdr).then_some(Apdu { bytes, hdr })
}

impl<'a> Apdu<'a> {
    pub fn pdu_type(&self) -> PduType {
        PduType(self.bytes[0] >> 4)
    }
    /// The first octet's lower nibble (SEG, MOR, SA; NAK, SRV).
    pub fn flags(&self) -> u8 {
        self.bytes[0] & 0x0f
    }
    /// Bytes of the APDU.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    /// Octets of the fixed header.
    pub fn header_len(&self) -> usize {
        self.hdr
    }
    /// The service parameters (or this segment's part of them) after the header.
    pub fn data(&self) -> &'a [u8] {
        &self.bytes[self.hdr..]
    }
    fn has_segments(&self) -> bool {
        matches!(self.pdu_type().0, 0 | 3)
    }
    /// SEG: a segment of a segmented request or ComplexACK.
    pub fn is_segmented(&self) -> bool {
        self.has_segments() && self.bytes[0] & 0x08 != 0
    }
    /// MOR: more segments follow.
    pub fn more_follows(&self) -> bool {
        self.has_segments() && self.bytes[0] & 0x04 != 0
    }
    /// SA: the requester accepts a segmented response.
    pub fn segmented_response_accepted(&self) -> bool {
        self.pdu_type() == PduType::CONFIRMED_REQUEST && self.bytes[0] & 0x02 != 0
    }
    /// SRV of a Segment-ACK or Abort: sent by the server (`true`) or the client.
    pub fn server(&self) -> Option<bool> {
        matches!(self.pdu_type().0, 4 | 7).then_some(self.bytes[0] & 0x01 != 0)
    }
    /// NAK of a Segment-ACK: a segment arrived out of order.
    pub fn negative_ack(&self) -> Option<bool> {
        (self.pdu_type() == PduType::SEGMENT_ACK).then_some(self.bytes[0] & 0x02 != 0)
    }
    /// A confirmed request's max-segments-accepted code (clause 20.1.2.4): 0
    /// unspecified, 1..=6 up to 2^n segments, 7 more than 64.
    pub fn max_segments(&self) -> Option<u8> {
        (self.pdu_type() == PduType::CONFIRMED_REQUEST).then(|| (self.bytes[1] >> 4) & 0x07)
    }
    /// A confirmed request's max-APDU-length-accepted code (clause 20.1.2.5).
    pub fn max_apdu_code(&self) -> Option<u8> {
        (self.pdu_type() == PduType::CONFIRMED_REQUEST).then(|| self.bytes[1] & 0x0f)
    }
    /// The octets `max_apdu_code` stands for; `None` for a reserved code.
    pub fn max_apdu(&self) -> Option<u16> {
        match self.max_apdu_code()? {
            0 => Some(50),
            1 => Some(128),
            2 => Some(206),
            3 => Some(480),
            4 => Some(1024),
            5 => Some(1476),
            _ => None,
        }
    }
    /// Invoke id: every type but Unconfirmed-REQ.
    pub fn invoke_id(&self) -> Option<u8> {
        match self.pdu_type().0 {
            0 => Some(self.bytes[2]),
            2..=7 => Some(self.bytes[1]),
            _ => None,
        }
    }
    /// Sequence number of a segment, or the one a Segment-ACK acknowledges.
    pub fn sequence_number(&self) -> Option<u8> {
        match self.pdu_type().0 {
            0 if self.is_segmented() => Some(self.bytes[3]),
            3 if self.is_segmented() => Some(self.bytes[2]),
            4 => Some(self.bytes[2]),
            _ => None,
        }
    }
    /// Proposed window size of a segment, or a Segment-ACK's actual window size.
    pub fn window_size(&self) -> Option<u8> {
        match self.pdu_type().0 {
            0 if self.is_segmented() => Some(self.bytes[4]),
            3 if self.is_segmented() => Some(self.bytes[3]),
            4 => Some(self.bytes[3]),
            _ => None,
        }
    }
    /// The last header octet: service choice, service ack choice, error choice or reason.
    fn last_header_octet(&self) -> u8 {
        self.bytes[self.hdr - 1]
    }
    /// The confirmed service of a request, an ACK or an Error.
    pub fn confirmed_service(&self) -> Option<ConfirmedService> {
        matches!(self.pdu_type().0, 0 | 2 | 3 | 5)
            .then(|| ConfirmedService(self.last_header_octet()))
    }
    pub fn unconfirmed_service(&self) -> Option<UnconfirmedService> {
        (self.pdu_type() == PduType::UNCONFIRMED_REQUEST)
            .then(|| UnconfirmedService(self.last_header_octet()))
    }
    pub fn reject_reason(&self) -> Option<RejectReason> {
        (self.pdu_type() == PduType::REJECT).then(|| RejectReason(self.last_header_octet()))
    }
    pub fn abort_reason(&self) -> Option<AbortReason> {
        (self.pdu_type() == PduType::ABORT).then(|| AbortReason(self.last_header_octet()))
    }
    /// The tags of the service parameters: all of them in an unsegmented APDU, the
    /// start of them in a first segment; `None` for later segments.
    pub fn params(&self) -> Option<Tags<'a>> {
        match self.sequence_number() {
            Some(n) if self.is_segmented() && n != 0 => None,
            _ => Some(Tags::new(self.data())),
        }
    }
    /// The confirmed service of a request (`ack` false) or ComplexACK (`ack` true).
    fn confirmed_of(&self, ack: bool) -> Option<u8> {
        let t = if ack {
            PduType::COMPLEX_ACK
        } else {
            PduType::CONFIRMED_REQUEST
        };
        (self.pdu_type() == t).then(|| self.last_header_octet())
    }

    /// The object a service names: ReadProperty, WriteProperty, ReadRange,
    /// Add/RemoveListElement and the first of ReadPropertyMultiple and
    /// WritePropertyMultiple (context tag 0, objectIdentifier, requests and ACKs);
    /// AtomicReadFile, AtomicWriteFile and DeleteObject (the file or object);
    /// CreateObject (the identifier asked for, or the one its ACK gives); I-Am's device.
    pub fn object(&self) -> Option<ObjectId> {
        let mut t = self.params()?;
        let first = t.next()?;
        let req = self.confirmed_of(false);
        let ack = self.confirmed_of(true);
        match (req, ack, self.unconfirmed_service()) {
            (Some(8 | 9 | 12 | 14 | 15 | 16 | 26), _, _) | (_, Some(12 | 14 | 26), _) => {
                ObjectId::from_data(first.context(0)?)
            }
            (Some(6 | 7 | 11), _, _)
            | (_, Some(10), _)
            | (_, _, Some(UnconfirmedService::I_AM)) => {
                ObjectId::from_data(first.application(tag::OBJECT_ID)?)
            }
            // objectSpecifier [0] CHOICE { objectType [0], objectIdentifier [1] }.
            (Some(10), _, _) if first.is_opening(0) => ObjectId::from_data(t.next()?.context(1)?),
            _ => None,
        }
    }
    /// Object, property and array index of ReadProperty (request and ACK),
    /// WriteProperty, ReadRange (request and ACK) and Add/RemoveListElement.
    pub fn property_ref(&self) -> Option<PropertyRef> {
        match (self.confirmed_of(false), self.confirmed_of(true)) {
            (Some(8 | 9 | 12 | 15 | 26), _) | (_, Some(12 | 26)) => {}
            _ => return None,
        }
        let mut t = self.params()?;
        let object = ObjectId::from_data(t.next()?.context(0)?)?;
        let property = PropertyId(unsigned(t.next()?.context(1)?)?);
        let array_index = t.next().and_then(|x| x.context(2)).and_then(unsigned);
        Some(PropertyRef {
            object,
            property,
            array_index,
        })
    }
    /// WriteProperty's priority (context tag 4, 1..=16), when the request gives one.
    pub fn write_priority(&self) -> Option<u8> {
        if self.confirmed_of(false)? != ConfirmedService::WRITE_PROPERTY.0 {
            return None;
        }
        let mut t = self.params()?;
        t.next()?.context(0)?;
        t.next()?.context(1)?;
        let mut x = t.next()?;
        if x.context(2).is_some() {
            x = t.next()?;
        }
        if !x.is_opening(3) {
            return None;
        }
        t.skip_constructed()?;
        u8::try_from(unsigned(t.next()?.context(4)?)?).ok()
    }
    /// I-Am's device, max APDU, segmentation and vendor (clause 16.10.3).
    pub fn i_am(&self) -> Option<IAm> {
        if self.unconfirmed_service()? != UnconfirmedService::I_AM {
            return None;
        }
        let mut t = self.params()?;
        let id = ObjectId::from_data(t.next()?.application(tag::OBJECT_ID)?)?;
        if id.object_type() != ObjectType::DEVICE {
            return None;
        }
        let max_apdu = unsigned(t.next()?.application(tag::UNSIGNED)?)?;
        let segmentation = unsigned(t.next()?.application(tag::ENUMERATED)?)?;
        let vendor_id = unsigned(t.next()?.application(tag::UNSIGNED)?)?;
        Some(IAm {
            device_instance: id.instance(),
            max_apdu,
            segmentation: Segmentation(u8::try_from(segmentation).ok()?),
            vendor_id: u16::try_from(vendor_id).ok()?,
        })
    }
    /// Who-Is and its device instance range limits (clause 16.10.1).
    pub fn who_is(&self) -> Option<WhoIs> {
        if self.unconfirmed_service()? != UnconfirmedService::WHO_IS {
            return None;
        }
        if self.data().is_empty() {
            return Some(WhoIs { range: None });
        }
        let mut t = self.params()?;
        let low = unsigned(t.next()?.context(0)?)?;
        let high = unsigned(t.next()?.context(1)?)?;
        Some(WhoIs {
            range: Some((low, high)),
        })
    }
    /// ReinitializeDevice's state and whether a password is given (clause 16.4).
    pub fn reinitialize(&self) -> Option<Reinitialize> {
        if self.confirmed_of(false)? != ConfirmedService::REINITIALIZE_DEVICE.0 {
            return None;
        }
        let mut t = self.params()?;
        let state = ReinitializedState(unsigned(t.next()?.context(0)?)?);
        let password = t.next().is_some_and(|x| x.context(1).is_some());
        Some(Reinitialize { state, password })
    }
    /// DeviceCommunicationControl's duration, enable-disable and whether a password
    /// is given (clause 16.1).
    pub fn communication_control(&self) -> Option<CommunicationControl> {
        if self.confirmed_of(false)? != ConfirmedService::DEVICE_COMMUNICATION_CONTROL.0 {
            return None;
        }
        let mut t = self.params()?;
        let mut x = t.next()?;
        let duration = match x.context(0) {
            Some(d) => {
                let minutes = unsigned(d)?;
                x = t.next()?;
                Some(minutes)
            }
            None => None,
        };
        let state = EnableDisable(unsigned(x.context(1)?)?);
        let password = t.next().is_some_and(|x| x.context(2).is_some());
        Some(CommunicationControl {
            duration,
            state,
            password,
        })
    }
    /// An Error PDU's class and code: the two enumerations, or those inside errorType
    /// (context tag 0) for the services whose errors are constructed (CreateObject,
    /// WritePropertyMultiple, ConfirmedPrivateTransfer, ...).
    pub fn error(&self) -> Option<(ErrorClass, ErrorCode)> {
        if self.pdu_type() != PduType::ERROR {
            return None;
        }
        let mut t = Tags::new(self.data());
        let mut x = t.next()?;
        if x.is_opening(0) {
            x = t.next()?;
        }
        let class = unsigned(x.application(tag::ENUMERATED)?)?;
        let code = unsigned(t.next()?.application(tag::ENUMERATED)?)?;
        Some((ErrorClass(class), ErrorCode(code)))
    }
}

/// What an I-Am announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IAm {
    /// Instance of the device object (22 bits).
    pub device_instance: u32,
    /// Max APDU length accepted, in octets.
    pub max_apdu: u32,
    pub segmentation: Segmentation,
    pub vendor_id: u16,
}

/// A Who-Is: all devices, or those whose instance lies in `range` (inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WhoIs {
    pub range: Option<(u32, u32)>,
}

/// The property a read or write names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PropertyRef {
    pub object: ObjectId,
    pub property: PropertyId,
    pub array_index: Option<u32>,
}

/// What a ReinitializeDevice asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reinitialize {
    pub state: ReinitializedState,
    pub password: bool,
}

/// What a DeviceCommunicationControl asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommunicationControl {
    /// Minutes; `None`: until told otherwise.
    pub duration: Option<u32>,
    pub state: EnableDisable,
    pub password: bool,
}

/// Application tag numbers (clause 20.2.1.4, Table 20-1) the decoders use.
pub mod tag {
    pub const BOOLEAN: u8 = 1;
    pub const UNSIGNED: u8 = 2;
    pub const ENUMERATED: u8 = 9;
    pub const OBJECT_ID: u8 = 12;
}

/// The class a tag's initial octet gives it (clause 20.2.1.1, 20.2.1.3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TagClass {
    Application,
    Context,
    /// A context tag that opens a constructed value (LVT 6).
    Opening,
    /// A context tag that closes it (LVT 7).
    Closing,
}

/// One tag of the BACnet encoding, borrowed (clause 20.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tag<'a> {
    pub number: u8,
    pub class: TagClass,
    /// The length/value/type bits; an application Boolean's value.
    pub lvt: u8,
    /// Content octets; empty for opening and closing tags and application Booleans.
    pub data: &'a [u8],
}

impl<'a> Tag<'a> {
    /// The content of an application tag `number`.
    pub fn application(&self, number: u8) -> Option<&'a [u8]> {
        (self.class == TagClass::Application && self.number == number).then_some(self.data)
    }
    /// The content of a primitive context tag `number`.
    pub fn context(&self, number: u8) -> Option<&'a [u8]> {
        (self.class == TagClass::Context && self.number == number).then_some(self.data)
    }
    pub fn is_opening(&self, number: u8) -> bool {
        self.class == TagClass::Opening && self.number == number
    }
}

/// Reads the tag at the start of `b` and returns it with the bytes after it; `None`
/// where the tag or its content is cut short, or an application tag has LVT 6 or 7.
pub fn read_tag(b: &[u8]) -> Option<(Tag<'_>, &[u8])> {
    let (&first, mut rest) = b.split_first()?;
    let mut number = first >> 4;
    if number == 15 {
        // Extended tag number in the next octet (clause 20.2.1.2).
        let (&n, r) = rest.split_first()?;
        number = n;
        rest = r;
    }
    let context = first & 0x08 != 0;
    let lvt = first & 0x07;
    let bare = |class| Tag {
        number,
        class,
        lvt,
        data: &[],
    };
    match (context, lvt) {
        (true, 6) => return Some((bare(TagClass::Opening), rest)),
        (true, 7) => return Some((bare(TagClass::Closing), rest)),
        (false, 6 | 7) => return None,
        (false, _) if number == tag::BOOLEAN => return Some((bare(TagClass::Application), rest)),
        _ => {}
    }
    let len = if lvt == 5 {
        // Extended length (clause 20.2.1.3.1): one octet, or 254 then two, or 255
        // then four.
        let (&l, r) = rest.split_first()?;
        rest = r;
        match l {
            254 => {
                let (n, r) = rest.split_first_chunk::<2>()?;
                rest = r;
                u16::from_be_bytes(*n) as usize
            }
            255 => {
                let (n, r) = rest.split_first_chunk::<4>()?;
                rest = r;
                usize::try_from(u32::from_be_bytes(*n)).ok()?
            }
            l => l as usize,
        }
    } else {
        lvt as usize
    };
    let (data, rest) = rest.split_at_checked(len)?;
    let class = if context {
        TagClass::Context
    } else {
        TagClass::Application
    };
    Some((
        Tag {
            number,
            class,
            lvt,
            data,
        },
        rest,
    ))
}

/// Iterator over tags; it stops at the first one it cannot read, leaving it in
/// `remaining`.
#[derive(Clone)]
pub struct Tags<'a> {
    rest: &'a [u8],
}

impl<'a> Tags<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Self { rest: b }
    }
    /// Bytes not read yet: empty once every tag was read.
    pub fn remaining(&self) -> &'a [u8] {
        self.rest
    }
    /// After an opening tag: reads up to and including its closing tag.
    pub fn skip_constructed(&mut self) -> Option<()> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.next()?.class {
                TagClass::Opening => depth += 1,
                TagClass::Closing => depth -= 1,
                _ => {}
            }
        }
        Some(())
    }
}

impl<'a> Iterator for Tags<'a> {
    type Item = Tag<'a>;

    fn next(&mut self) -> Option<Tag<'a>> {
        let (t, rest) = read_tag(self.rest)?;
        self.rest = rest;
        Some(t)
    }
}

impl fmt::Debug for Tags<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// An Unsigned or Enumerated value of one to four octets (clause 20.2.4, 20.2.11).
pub fn unsigned(data: &[u8]) -> Option<u32> {
    if data.is_empty() || data.len() > 4 {
        return None;
    }
    Some(data.iter().fold(0u32, |v, &b| v << 8 | b as u32))
}

/// `Op::function` of an unconfirmed service: 0x100 | its choice.
pub const FUNCTION_UNCONFIRMED: u16 = 0x100;
/// `Op::function` of a BVLC message without an NPDU: 0x200 | the BVLC function.
pub const FUNCTION_BVLC: u16 = 0x200;
/// `Op::function` of a network layer message: 0x300 | its type.
pub const FUNCTION_NETWORK: u16 = 0x300;
/// `Op::function` of an APDU without a service choice (Segment-ACK, Reject, Abort and
/// the reserved types 8..=15): 0x400 | its PDU type.
pub const FUNCTION_PDU: u16 = 0x400;
/// Bit of `Op::unit` that marks an object identifier in the low 32 bits.
pub const UNIT_OBJECT: u64 = 1 << 32;

/// The operation a BVLC message performs. `Op::function` keeps the code spaces apart:
///
/// | function | what |
/// |---|---|
/// | 0..=0xFF | confirmed service (request, Simple/Complex-ACK, Error) |
/// | 0x100 \| choice | unconfirmed service |
/// | 0x200 \| function | BVLC message without an NPDU (Result, BDT, FDT, Secure-BVLL) |
/// | 0x300 \| type | network layer message |
/// | 0x400 \| type | Segment-ACK 0x404, Reject 0x406, Abort 0x407 |
///
/// Reject and Abort do not name the service that failed (only the invoke id does, so
/// the flow can pair them); an Error does, and counts under that service.
///
/// `Op::unit`: `UNIT_OBJECT | object identifier` for I-Am's device and for the one
/// object ReadProperty, WriteProperty, ReadRange, Add/RemoveListElement, the file
/// services, CreateObject and DeleteObject name (requests and ACKs that carry it);
/// 0 otherwise (ReadPropertyMultiple and WritePropertyMultiple name many objects).
///
/// `Op::request`: requests (confirmed and unconfirmed) are `Some(true)`; ACKs, Error
/// and Reject `Some(false)`; Segment-ACK and Abort follow their SRV bit (sent by the
/// server: `Some(false)`; by the client: `Some(true)`). BVLC functions and network
/// messages state theirs (`BvlcFunction::request`, `NetworkMessageType::request`).
///
/// `Op::exception`: Error, Reject, Abort, a BVLC-Result NAK, and
/// Reject-Message-To-Network. `None` when the NPDU's APDU header is cut short.
pub fn op(b: &Bvlc<'_>) -> Option<Op> {
    let Some(npdu) = b.npdu() else {
        let f = b.function();
        return Some(Op {
            unit: 0,
            function: FUNCTION_BVLC | f.0 as u16,
            exception: b.result().is_some_and(|r| r != BvlcResult::SUCCESS),
            request: f.request(),
        });
    };
    if let Some(t) = npdu.message_type() {
        return Some(Op {
            unit: 0,
            function: FUNCTION_NETWORK | t.0 as u16,
            exception: t == NetworkMessageType::REJECT_MESSAGE_TO_NETWORK,
            request: t.request(),
        });
    }
    Some(apdu_op(&npdu.apdu()?))
}

/// The operation an APDU performs (see `op`).
pub fn apdu_op(a: &Apdu<'_>) -> Op {
    let t = a.pdu_type();
    let service = a.last_header_octet() as u16;
    let client = a.server().map(|s| !s);
    let (function, request, exception) = match t.0 {
        0 => (service, Some(true), false),
        1 => (FUNCTION_UNCONFIRMED | service, Some(true), false),
        2 | 3 => (service, Some(false), false),
        5 => (service, Some(false), true),
        4 => (FUNCTION_PDU | 4, client, false),
        6 => (FUNCTION_PDU | 6, Some(false), true),
        7 => (FUNCTION_PDU | 7, client, true),
        _ => (FUNCTION_PDU | t.0 as u16, None, false),
    };
    let many = matches!(
        a.confirmed_service(),
        Some(ConfirmedService::READ_PROPERTY_MULTIPLE | ConfirmedService::WRITE_PROPERTY_MULTIPLE)
    );
    let unit = match a.object() {
        Some(o) if !many => UNIT_OBJECT | o.0 as u64,
        _ => 0,
    };
    Op {
        unit,
        function,
        exception,
        request,
    }
}

/// Name of an `Op::function` code, as Wireshark shows it.
pub fn function_name(code: u16) -> &'static str {
    let low = code as u8;
    match code >> 8 {
        0 => ConfirmedService(low).name(),
        1 => UnconfirmedService(low).name(),
        2 => BvlcFunction(low).name(),
        3 => NetworkMessageType(low).name(),
        4 if low <= 0x0F => PduType(low).name(),
        _ => "Unknown",
    }
}

/// Class of an `Op::function` code. BVLC table writes (Write-BDT,
/// Delete-FDT-Entry) are `Write` and table reads `Read`; foreign device registration
/// and Secure-BVLL are `Session`; Segment-ACK is `Session` (flow control of a
/// segmented transfer); Reject, Abort and BVLC-Result are `Other`.
pub fn function_class(code: u16) -> OpClass {
    let low = code as u8;
    match code >> 8 {
        0 => ConfirmedService(low).class(),
        1 => UnconfirmedService(low).class(),
        2 => match low {
            0x01 | 0x08 => OpClass::Write,
            0x02 | 0x03 | 0x06 | 0x07 => OpClass::Read,
            0x05 | 0x0C => OpClass::Session,
            _ => OpClass::Other,
        },
        3 => NetworkMessageType(low).class(),
        4 if low == PduType::SEGMENT_ACK.0 => OpClass::Session,
        _ => OpClass::Other,
    }
}

/// Text of an `Op::unit`: the object (`device:721`, `analog-value:3`); empty for 0,
/// the message that names none.
pub fn unit_text(unit: u64) -> String {
    match unit {
        0 => String::new(),
        u if u >> 32 == 1 => ObjectId(u as u32).to_string(),
        u => u.to_string(),
    }
}

impl fmt::Debug for Bvlc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bvlc")
            .field("function", &self.function().0)
            .field("name", &self.function().name())
            .field("len", &self.len())
            .field("length_field", &self.length_field())
            .field("cut", &self.is_cut())
            .field("body_len", &self.body().len())
            .field("address", &self.address())
            .field("result", &self.result().map(|r| (r.0, r.name())))
            .field("ttl", &self.ttl())
            .field("table", &self.table())
            .field("npdu", &self.npdu())
            .finish()
    }
}

impl fmt::Debug for Npdu<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Npdu")
            .field("control", &self.control())
            .field("network_message", &self.is_network_message())
            .field("expecting_reply", &self.expecting_reply())
            .field("priority", &self.priority())
            .field("destination", &self.destination())
            .field("source", &self.source())
            .field("hop_count", &self.hop_count())
            .field(
                "message_type",
                &self.message_type().map(|t| (t.0, t.name())),
            )
            .field("vendor_id", &self.vendor_id())
            .field("header_len", &self.header_len())
            .field("data_len", &self.data().len())
            .field("apdu", &self.apdu())
            .finish()
    }
}

impl fmt::Debug for Apdu<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.pdu_type();
        f.debug_struct("Apdu")
            .field("type", &t.0)
            .field("type_name", &t.name())
            .field("flags", &self.flags())
            .field("len", &self.len())
            .field("header_len", &self.header_len())
            .field("segmented", &self.is_segmented())
            .field("more_follows", &self.more_follows())
            .field("sa", &self.segmented_response_accepted())
            .field("server", &self.server())
            .field("nak", &self.negative_ack())
            .field("max_segments", &self.max_segments())
            .field("max_apdu", &(self.max_apdu_code(), self.max_apdu()))
            .field("invoke_id", &self.invoke_id())
            .field("sequence_number", &self.sequence_number())
            .field("window_size", &self.window_size())
            .field(
                "confirmed_service",
                &self.confirmed_service().map(|s| (s.0, s.name(), s.class())),
            )
            .field(
                "unconfirmed_service",
                &self
                    .unconfirmed_service()
                    .map(|s| (s.0, s.name(), s.class())),
            )
            .field(
                "reject_reason",
                &self.reject_reason().map(|r| (r.0, r.name())),
            )
            .field(
                "abort_reason",
                &self.abort_reason().map(|r| (r.0, r.name())),
            )
            .field("object", &self.object())
            .field(
                "property_ref",
                &self.property_ref().map(|p| (p, p.property.name())),
            )
            .field("write_priority", &self.write_priority())
            .field("i_am", &self.i_am().map(|i| (i, i.segmentation.name())))
            .field("who_is", &self.who_is())
            .field(
                "reinitialize",
                &self.reinitialize().map(|r| (r, r.state.name())),
            )
            .field(
                "communication_control",
                &self.communication_control().map(|c| (c, c.state.name())),
            )
            .field(
                "error",
                &self.error().map(|(c, e)| (c, c.name(), e, e.name())),
            )
            .field("data_len", &self.data().len())
            .field("params", &self.params())
            .finish()
    }
}

fn extended_property_name(id: u32) -> &'static str {
    // Identifiers ASHRAE assigned above the proprietary range (135-2020, BACnet/SC and
    // color objects), as Wireshark lists them.
    match id {
        4194304 => "max-bvlc-length-accepted",
        4194305 => "max-npdu-length-accepted",
        4194306 => "operational-certificate-file",
        4194307 => "current-health",
        4194308 => "sc-connect-wait-timeout",
        4194309 => "sc-direct-connect-accept-enable",
        4194310 => "sc-direct-connect-accept-uris",
        4194311 => "ssc-direct-connect-binding",
        4194312 => "sc-direct-connect-connection-status",
        4194313 => "sc-direct-connect-initiate-enable",
        4194314 => "sc-disconnect-wait-timeout",
        4194315 => "sc-failed-connection-request",
        4194316 => "sc-failover-hub-connection-status",
        4194317 => "sc-failover-hub-uri",
        4194318 => "sc-hub-connector-state",
        4194319 => "sc-hub-function-accept-uris",
        4194320 => "sc-hub-function-binding",
        4194321 => "sc-hub-function-connection-status",
        4194322 => "sc-hub-function-enable",
        4194323 => "sc-heartbeat-timeout",
        4194324 => "sc-primary-hub-connection-status",
        4194325 => "sc-primary-hub-uri",
        4194326 => "sc-maximum-reconnect-time",
        4194327 => "sc-minimum-reconnect-time",
        4194328 => "color-override",
        4194329 => "color-reference",
        4194330 => "default-color",
        4194331 => "default-color-temperature",
        4194332 => "override-color-reference",
        4194334 => "color-command",
        4194335 => "high_end_trim",
        4194336 => "low_end_trim",
        4194337 => "trim_fade_time",
        _ => "Unknown",
    }
}

// Names as Wireshark 4.0 lists them (`tshark -G values`: bacapp.objectType,
// bacapp.property_identifier, bacapp.error_code); empty strings are unassigned or
// removed values. Error codes have Wireshark's " - " spacing removed.
#[rustfmt::skip]
const OBJECT_TYPE_NAMES: [&str; 65] = [
    "analog-input", "analog-output", "analog-value", "binary-input", "binary-output",
    "binary-value", "calendar", "command", "device", "event-enrollment", "file", "group", "loop",
    "multi-state-input", "multi-state-output", "notification-class", "program", "schedule",
    "averaging", "multi-state-value", "trend-log", "life-safety-point", "life-safety-zone",
    "accumulator", "pulse-converter", "event-log", "global-group", "trend-log-multiple",
    "load-control", "structured-view", "access-door", "timer", "access-credential", "access-point",
    "access-rights", "access-user", "access-zone", "credential-data-input", "network-security",
    "bitstring-value", "characterstring-value", "date-pattern-value", "date-value",
    "datetime-pattern-value", "datetime-value", "integer-value", "large-analog-value",
    "octetstring-value", "positive-integer-value", "time-pattern-value", "time-value",
    "notification-forwarder", "alert-enrollment", "channel", "lighting-output",
    "binary-lighting-output", "network-port", "elevator-group", "escalator", "lift", "staging",
    "audit-log", "audit-reporter", "color", "color-temperature",
];

#[rustfmt::skip]
const PROPERTY_NAMES: [&str; 512] = [
    "acked-transition", "ack-required", "action", "action-text", "active-text", "active-vt-session",
    "alarm-value", "alarm-values", "all", "all-writes-successful", "apdu-segment-timeout",
    "apdu-timeout", "application-software-version", "archive", "bias", "change-of-state-count",
    "change-of-state-time", "notification-class", "", "controlled-variable-reference",
    "controlled-variable-units", "controlled-variable-value", "cov-increment", "datelist",
    "daylights-savings-status", "deadband", "derivative-constant", "derivative-constant-units",
    "description", "description-of-halt", "device-address-binding", "device-type",
    "effective-period", "elapsed-active-time", "error-limit", "event-enable", "event-state",
    "event-type", "exception-schedule", "fault-values", "feedback-value", "file-access-method",
    "file-size", "file-type", "firmware-revision", "high-limit", "inactive-text", "in-process",
    "instance-of", "integral-constant", "integral-constant-units", "issue-confirmed-notifications",
    "limit-enable", "list-of-group-members", "list-of-object-property-references",
    "list-of-session-keys", "local-date", "local-time", "location", "low-limit",
    "manipulated-variable-reference", "maximum-output", "max-apdu-length-accepted",
    "max-info-frames", "max-master", "max-pres-value", "minimum-off-time", "minimum-on-time",
    "minimum-output", "min-pres-value", "model-name", "modification-date", "notify-type",
    "number-of-APDU-retries", "number-of-states", "object-identifier", "object-list", "object-name",
    "object-property-reference", "object-type", "optional", "out-of-service", "output-units",
    "event-parameters", "polarity", "present-value", "priority", "priority-array",
    "priority-for-writing", "process-identifier", "program-change", "program-location",
    "program-state", "proportional-constant", "proportional-constant-units",
    "protocol-conformance-class", "protocol-object-types-supported", "protocol-services-supported",
    "protocol-version", "read-only", "reason-for-halt", "recipient", "recipient-list",
    "reliability", "relinquish-default", "required", "resolution", "segmentation-supported",
    "setpoint", "setpoint-reference", "state-text", "status-flags", "system-status", "time-delay",
    "time-of-active-time-reset", "time-of-state-count-reset", "time-synchronization-recipients",
    "units", "update-interval", "utc-offset", "vendor-identifier", "vendor-name",
    "vt-class-supported", "weekly-schedule", "attempted-samples", "average-value", "buffer-size",
    "client-cov-increment", "cov-resubscription-interval", "current-notify-time",
    "event-time-stamp", "log-buffer", "log-device-object-property", "enable", "log-interval",
    "maximum-value", "minimum-value", "notification-threshold", "previous-notify-time",
    "protocol-revision", "records-since-notification", "record-count", "start-time", "stop-time",
    "stop-when-full", "total-record-count", "valid-samples", "window-interval", "window-samples",
    "maximum-value-time-stamp", "minimum-value-time-stamp", "variance-value",
    "active-cov-subscriptions", "backup-failure-timeout", "configuration-files",
    "database-revision", "direct-reading", "last-restore-time", "maintenance-required", "member-of",
    "mode", "operation-expected", "setting", "silenced", "tracking-value", "zone-members",
    "life-safety-alarm-values", "max-segments-accepted", "profile-name", "auto-slave-discovery",
    "manual-slave-address-binding", "slave-address-binding", "slave-proxy-enable",
    "last-notify-record", "schedule-default", "accepted-modes", "adjust-value", "count",
    "count-before-change", "count-change-time", "cov-period", "input-reference",
    "limit-monitoring-interval", "logging-object", "logging-record", "prescale", "pulse-rate",
    "scale", "scale-factor", "update-time", "value-before-change", "value-set", "value-change-time",
    "align-intervals", "group-member-names", "interval-offset", "last-restart-reason",
    "logging-type", "member-status-flags", "notification-period", "previous-notify-record",
    "requested-update-interval", "restart-notification-recipients", "time-of-device-restart",
    "time-synchronization-interval", "trigger", "UTC-time-synchronization-recipients",
    "node-subtype", "node-type", "structured-object-list", "subordinate-annotations",
    "subordinate-list", "actual-shed-level", "duty-window", "expected-shed-level",
    "full-duty-baseline", "node-subtype", "node-type", "requested-shed-level", "shed-duration",
    "shed-level-descriptions", "shed-levels", "state-description", "", "", "", "door-alarm-state",
    "door-extended-pulse-time", "door-members", "door-open-too-long-time", "door-pulse-time",
    "door-status", "door-unlock-delay-time", "lock-status", "masked-alarm-values", "secured-status",
    "", "", "", "", "", "", "", "", "absentee-limit", "access-alarm-events", "access-doors",
    "access-event", "access-event-authentication-factor", "access-event-credential",
    "access-event-time", "access-transaction-events", "accompaniment", "accompaniment-time",
    "activation-time", "active-authentication-policy", "assigned-access-rights",
    "authentication-factors", "authentication-policy-list", "authentication-policy-names",
    "authentication-status", "authorization-mode", "belongs-to", "credential-disable",
    "credential-status", "credentials", "credentials-in-zone", "days-remaining", "entry-points",
    "exit-points", "expiration-time", "extended-time-enable", "failed-attempt-events",
    "failed-attempts", "failed-attempts-time", "last-access-event", "last-access-point",
    "last-credential-added", "last-credential-added-time", "last-credential-removed",
    "last-credential-removed-time", "last-use-time", "lockout", "lockout-relinquish-time",
    "master-exemption", "max-failed-attempts", "members", "muster-point", "negative-access-rules",
    "number-of-authentication-policies", "occupancy-count", "occupancy-count-adjust",
    "occupancy-count-enable", "occupancy-exemption", "occupancy-lower-limit",
    "occupancy-lower-limit-enforced", "occupancy-state", "occupancy-upper-limit",
    "occupancy-upper-limit-enforced", "passback-exemption", "passback-mode", "passback-timeout",
    "positive-access-rules", "reason-for-disable", "supported-formats", "supported-format-classes",
    "threat-authority", "threat-level", "trace-flag", "transaction-notification-class",
    "user-external-identifier", "user-information-reference", "", "", "", "", "", "user-name",
    "user-type", "uses-remaining", "zone-from", "zone-to", "access-event-tag", "global-identifier",
    "", "", "verification-time", "base-device-security-policy", "distribution-key-revision",
    "do-not-hide", "key-sets", "last-key-server", "network-access-security-policies",
    "packet-reorder-time", "security-pdu-timeout", "security-time-window",
    "supported-security-algorithms", "update-key-set-timeout", "backup-and-restore-state",
    "backup-preparation-time", "restore-completion-time", "restore-preparation-time", "bit-mask",
    "bit-text", "is-utc", "group-members", "group-member-names", "member-status-flags",
    "requested-update-interval", "covu-period", "covu-recipients", "event-message-texts",
    "event-message-texts-config", "event-detection-enable", "event-algorithm-inhibit",
    "event-algorithm-inhibit-ref", "time-delay-normal", "reliability-evaluation-inhibit",
    "fault-parameters", "fault-type", "local-forwarding-only", "process-identifier-filter",
    "subscribed-recipients", "port-filter", "authorization-exemptions", "allow-group-delay-inhibit",
    "channel-number", "control-groups", "execution-delay", "last-priority", "write-status",
    "property-list", "serial-number", "blink-warn-enable", "default-fade-time", "default-ramp-rate",
    "default-step-increment", "egress-time", "in-progress", "instantaneous-power",
    "lighting-command", "lighting-command-default-priority", "max-actual-value", "min-actual-value",
    "power", "transition", "egress-active", "interface-value", "fault-high-limit",
    "fault-low-limit", "low-diff-limit", "strike-count", "time-of-strike-count-reset",
    "default-timeout", "initial-timeout", "last-state-change", "state-change-values",
    "timer-running", "timer-state", "apdu-length", "bacnet-ip-address", "bacnet-ip-default-gateway",
    "bacnet-ip-dhcp-enable", "bacnet-ip-dhcp-lease-time", "bacnet-ip-dhcp-lease-time-remaining",
    "bacnet-ip-dhcp-server", "bacnet-ip-dns-server", "bacnet-ip-global-address", "bacnet-ip-mode",
    "bacnet-ip-multicast-address", "bacnet-ip-nat-traversal", "bacnet-ip-subnet-mask",
    "bacnet-ip-udp-port", "bbmd-accept-fd-registrations", "bbmd-broadcast-distribution-table",
    "bbmd-foreign-device-table", "changes-pending", "command", "fd-bbmd-address",
    "fd-subscription-lifetime", "link-speed", "link-speeds", "link-speed-autonegotiate",
    "mac-address", "network-interface-name", "network-number", "network-number-quality",
    "network-type", "routing-table", "virtual-mac-address-table", "command-time-array",
    "current-command-priority", "last-command-time", "value-source", "value-source-array",
    "bacnet-ipv6-mode", "ipv6-address", "ipv6-prefix-length", "bacnet-ipv6-udp-port",
    "ipv6-default-gateway", "bacnet-ipv6-multicast-address", "ipv6-dns-server",
    "ipv6-auto-addressing-enable", "ipv6-dhcp-lease-time", "ipv6-dhcp-lease-time-remaining",
    "ipv6-dhcp-server", "ipv6-zone-index", "assigned-landing-calls", "car-assigned-direction",
    "car-door-command", "car-door-status", "car-door-text", "car-door-zone", "car-drive-status",
    "car-load", "car-load-units", "car-mode", "car-moving-direction", "car-position",
    "elevator-group", "energy-meter", "energy-meter-ref", "escalator-mode", "fault-signals",
    "floor-text", "group-id", "", "group-mode", "higher-deck", "installation-id", "landing-calls",
    "landing-call-control", "landing-door-status", "lower-deck", "machine-room-id",
    "making-car-call", "next-stopping-floor", "operation-direction", "passenger-alarm",
    "power-mode", "registered-car-call", "active-cov-multiple-subscriptions", "protocol-level",
    "reference-port", "deployed-profile-location", "profile-location", "tags",
    "subordinate-node-types", "subordinate-tags", "subordinate-relationship",
    "default-subordinate-relationship", "represents", "default-present-value", "present-stage",
    "stages", "stage-names", "target-references", "audit-source-reporter", "audit-level",
    "audit-notification-recipient", "audit-priority-filter", "auditable-operations",
    "delete-on-forward", "maximum-send-delay", "monitored-objects", "send-now", "floor-number",
    "device-uuid", "additional-reference-ports", "certificate-signing-request-file",
    "command-validation-result", "issuer-certificate-files",
];

#[rustfmt::skip]
const ERROR_CODE_NAMES: [&str; 200] = [
    "other", "authentication-failed", "configuration-in-progress", "device-busy",
    "dynamic-creation-not-supported", "file-access-denied", "incompatible-security-levels",
    "inconsistent-parameters", "inconsistent-selection-criterion", "invalid-data-type",
    "invalid-file-access-method", "invalid-file-start-position", "invalid-operator-name",
    "invalid-parameter-data-type", "invalid-time-stamp", "key-generation-error",
    "missing-required-parameter", "no-objects-of-specified-type", "no-space-for-object",
    "no-space-to-add-list-element", "no-space-to-write-property", "no-vt-sessions-available",
    "property-is-not-a-list", "object-deletion-not-permitted", "object-identifier-already-exists",
    "operational-problem", "password-failure", "read-access-denied", "security-not-supported",
    "service-request-denied", "timeout", "unknown-object", "unknown-property", "",
    "unknown-vt-class", "unknown-vt-session", "unsupported-object-type", "value-out-of-range",
    "vt-session-already-closed", "vt-session-termination-failure", "write-access-denied",
    "character-set-not-supported", "invalid-array-index", "cov-subscription-failed",
    "not-cov-property", "optional-functionality-not-supported", "invalid-configuration-data",
    "datatype-not-supported", "duplicate-name", "duplicate-object-id", "property-is-not-an-array",
    "abort-buffer-overflow", "abort-invalid-apdu-in-this-state",
    "abort-preempted-by-higher-priority-task", "abort-segmentation-not-supported",
    "abort-proprietary", "abort-other", "invalid-tag", "network-down", "reject-buffer-overflow",
    "reject-inconsistent-parameters", "reject-invalid-parameter-data-type", "reject-invalid-tag",
    "reject-missing-required-parameter", "reject-parameter-out-of-range",
    "reject-too-many-arguments", "reject-undefined-enumeration", "reject-unrecognized-service",
    "reject-proprietary", "reject-other", "unknown-device", "unknown-route",
    "value-not-initialized", "invalid-event-state", "no-alarm-configured", "log-buffer-full",
    "logged-value-purged", "no-property-specified", "not-configured-for-triggered-logging",
    "unknown-subscription", "parameter-out-of-range", "list-element-not-found", "busy",
    "communication-disabled", "success", "access-denied", "bad-destination-address",
    "bad-destination-device-id", "bad-signature", "bad-source-address", "bad-timestamp",
    "cannot-use-key", "cannot-verify-message-id", "correct-key-revision",
    "destination-device-id-required", "duplicate-message", "encryption-not-configured",
    "encryption-required", "incorrect-key", "invalid-key-data", "key-update-in-progress",
    "malformed-message", "not-key-server", "security-not-configured", "source-security-required",
    "too-many-keys", "unknown-authentication-type", "unknown-key", "unknown-key-revision",
    "unknown-source-message", "not-router-to-dnet", "router-busy", "unknown-network-message",
    "message-too-long", "security-error", "addressing-error", "write-bdt-failed", "read-bdt-failed",
    "register-foreign-device-failed", "read-fdt-failed", "delete-fdt-entry-failed",
    "distribute-broadcast-failed", "unknown-file-size", "abort-apdu-too-long",
    "abort-application-exceeded-reply-time", "abort-out-of-resources", "abort-tsm-timeout",
    "abort-window-size-out-of-range", "file-full", "inconsistent-configuration",
    "inconsistent-object-type", "internal-error", "not-configured", "out-of-memory",
    "value-too-long", "abort-insufficient-security", "abort-security-error", "duplicate-entry",
    "invalid-value-in-this-state", "invalid-operation-in-this-state", "list-item-not-numbered",
    "list-item-not-timestamped", "invalid-data-encoding", "bvlc-function-unknown",
    "bvlc-proprietary-function-unknown", "header-encoding-error", "header-not-understood",
    "message-incomplete", "not-a-bacnet-sc-hub", "payload-expected", "unexpected-data",
    "node-duplicate-vmac", "http-unexpected-response-code", "http-no-upgrade",
    "http-resource-not-local", "http-proxy-authentication-failed", "http-response-timeout",
    "http-response-syntax-error", "http-response-value-error", "http-response-missing-header",
    "http-websocket-header-error", "http-upgrade-required", "http-upgrade-error",
    "http-temporary-unavailable", "http-not-a-server", "http-error",
    "websocket-scheme-not-supported", "websocket-unknown-control-message", "websocket-close-error",
    "websocket-closed-by-peer", "websocket-endpoint-leaves", "websocket-protocol-error",
    "websocket-data-not-accepted", "websocket-closed-abnormally", "websocket-data-inconsistent",
    "websocket-data-against-policy", "websocket-frame-too-long", "websocket-extension-missing",
    "websocket-request-unavailable", "websocket-error", "tls-client-certificate-error",
    "tls-server-certificate-error", "tls-client-authentication-failed",
    "tls-server-authentication-failed", "tls-client-certificate-expired",
    "tls-server-certificate-expired", "tls-client-certificate-revoked",
    "tls-server-certificate-revoked", "tls-error", "dns-unavailable", "dns-name-resolution-failed",
    "dns-resolver-failure", "dns-error", "tcp-connect-timeout", "tcp-connection-refused",
    "tcp-closed-by-local", "tcp-closed-other", "tcp-error", "ip-address-not-reachable", "ip-error",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A BVLC message: function, then the body (the length field is computed).
    fn bvlc(function: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![BVLC_TYPE, function];
        v.extend(((body.len() + BVLC_HEADER_LEN) as u16).to_be_bytes());
        v.extend(body);
        v
    }

    /// An Original-Unicast-NPDU with a local NPDU (no addresses) around an APDU.
    fn unicast(apdu: &[u8]) -> Vec<u8> {
        let mut npdu = vec![NPDU_VERSION, 0x04];
        npdu.extend(apdu);
        bvlc(0x0A, &npdu)
    }

    /// An Original-Broadcast-NPDU, global broadcast (DNET 0xFFFF, DLEN 0, hop 255).
    fn broadcast(apdu: &[u8]) -> Vec<u8> {
        let mut npdu = vec![NPDU_VERSION, 0x20, 0xff, 0xff, 0x00, 0xff];
        npdu.extend(apdu);
        bvlc(0x0B, &npdu)
    }

    fn apdu_of(b: &[u8]) -> Apdu<'_> {
        parse(b).unwrap().apdu().unwrap()
    }

    fn op_of(b: &[u8]) -> Op {
        op(&parse(b).unwrap()).unwrap()
    }

    fn device(instance: u32) -> u64 {
        UNIT_OBJECT | ObjectId::new(ObjectType::DEVICE, instance).0 as u64
    }

    #[test]
    fn who_is_without_and_with_range() {
        let b = broadcast(&[0x10, 0x08]);
        let m = parse(&b).unwrap();
        assert_eq!(m.function(), BvlcFunction::ORIGINAL_BROADCAST_NPDU);
        let n = m.npdu().unwrap();
        assert_eq!(
            n.destination(),
            Some(Address {
                net: 0xffff,
                mac: &[]
            })
        );
        assert_eq!(
            (n.hop_count(), n.source(), n.header_len()),
            (Some(255), None, 6)
        );
        let a = m.apdu().unwrap();
        assert_eq!(a.pdu_type(), PduType::UNCONFIRMED_REQUEST);
        assert_eq!(a.unconfirmed_service(), Some(UnconfirmedService::WHO_IS));
        assert_eq!(a.who_is(), Some(WhoIs { range: None }));
        assert_eq!(a.invoke_id(), None);
        let o = op(&m).unwrap();
        assert_eq!(
            o,
            Op {
                unit: 0,
                function: 0x108,
                exception: false,
                request: Some(true)
            }
        );
        assert_eq!(function_name(0x108), "who-Is");
        assert_eq!(function_class(0x108), OpClass::Identity);
        assert_eq!(unit_text(o.unit), "");

        // Limits 5 and 300 (one and two content octets).
        let b = bvlc(0x0B, &[1, 0x00, 0x10, 0x08, 0x09, 0x05, 0x1a, 0x01, 0x2c]);
        assert_eq!(
            apdu_of(&b).who_is(),
            Some(WhoIs {
                range: Some((5, 300))
            })
        );
        // A low limit without the high one is not a Who-Is.
        let b = bvlc(0x0B, &[1, 0x00, 0x10, 0x08, 0x09, 0x05]);
        assert_eq!(apdu_of(&b).who_is(), None);
        assert_eq!(op_of(&b).function, 0x108);
    }

    #[test]
    fn i_am_device_and_vendor() {
        // Device 721, max APDU 1024, no segmentation, vendor 230.
        let b = broadcast(&[
            0x10, 0x00, 0xc4, 0x02, 0x00, 0x02, 0xd1, 0x22, 0x04, 0x00, 0x91, 0x03, 0x21, 0xe6,
        ]);
        let a = apdu_of(&b);
        assert_eq!(
            a.i_am(),
            Some(IAm {
                device_instance: 721,
                max_apdu: 1024,
                segmentation: Segmentation::NONE,
                vendor_id: 230
            })
        );
        assert_eq!(a.object(), Some(ObjectId::new(ObjectType::DEVICE, 721)));
        let o = op_of(&b);
        assert_eq!(
            (o.unit, o.function, o.request),
            (device(721), 0x100, Some(true))
        );
        assert_eq!(unit_text(o.unit), "device:721");
        assert_eq!(function_name(0x100), "i-Am");
        assert_eq!(function_class(0x100), OpClass::Identity);
        // The wildcard instance and a two-octet vendor id (frame of nDPI's bacnet.pcap).
        let b = bvlc(
            0x0B,
            &[
                0x01, 0x00, 0x10, 0x00, 0xc4, 0x02, 0x3f, 0xff, 0xff, 0x22, 0x05, 0xc4, 0x91, 0x03,
                0x22, 0x01, 0x04,
            ],
        );
        let i = apdu_of(&b).i_am().unwrap();
        assert_eq!(
            (i.device_instance, i.max_apdu, i.vendor_id),
            (4194303, 1476, 260)
        );
        // Not a device object: no I-Am.
        let b = broadcast(&[
            0x10, 0x00, 0xc4, 0x00, 0x00, 0x02, 0xd1, 0x22, 0x04, 0x00, 0x91, 0x03, 0x21, 0xe6,
        ]);
        assert_eq!(apdu_of(&b).i_am(), None);
    }

    #[test]
    fn read_property_and_complex_ack() {
        // nDPI's bacnet.pcap: ReadProperty device 4194303 object-identifier.
        let b = [
            0x81, 0x0a, 0x00, 0x11, 0x01, 0x04, 0x00, 0x05, 0x01, 0x0c, 0x0c, 0x02, 0x3f, 0xff,
            0xff, 0x19, 0x4b,
        ];
        let m = parse(&b).unwrap();
        assert_eq!(m.len(), b.len());
        let n = m.npdu().unwrap();
        assert!(n.expecting_reply() && !n.is_network_message());
        assert_eq!(n.priority(), 0);
        let a = n.apdu().unwrap();
        assert_eq!(a.pdu_type(), PduType::CONFIRMED_REQUEST);
        assert_eq!((a.max_segments(), a.max_apdu()), (Some(0), Some(1476)));
        assert_eq!((a.invoke_id(), a.is_segmented()), (Some(1), false));
        assert_eq!(a.confirmed_service(), Some(ConfirmedService::READ_PROPERTY));
        let wild = ObjectId::new(ObjectType::DEVICE, ObjectId::MAX_INSTANCE);
        assert_eq!(
            a.property_ref(),
            Some(PropertyRef {
                object: wild,
                property: PropertyId::OBJECT_IDENTIFIER,
                array_index: None
            })
        );
        let o = op(&m).unwrap();
        assert_eq!(
            o,
            Op {
                unit: device(4194303),
                function: 12,
                exception: false,
                request: Some(true)
            }
        );
        assert_eq!(function_name(12), "readProperty");
        assert_eq!(function_class(12), OpClass::Read);

        // The answer: device 5, object-identifier, [3] { device 5 }.
        let b = unicast(&[
            0x30, 0x01, 0x0c, 0x0c, 0x02, 0x00, 0x00, 0x05, 0x19, 0x4b, 0x3e, 0xc4, 0x02, 0x00,
            0x00, 0x05, 0x3f,
        ]);
        let a = apdu_of(&b);
        assert_eq!(a.pdu_type(), PduType::COMPLEX_ACK);
        assert_eq!((a.invoke_id(), a.max_apdu()), (Some(1), None));
        let p = a.property_ref().unwrap();
        assert_eq!(
            (p.object.to_string(), p.property.name()),
            ("device:5".into(), "object-identifier")
        );
        let o = op_of(&b);
        assert_eq!(
            (o.unit, o.function, o.request),
            (device(5), 12, Some(false))
        );
        let tags: Vec<_> = a.params().unwrap().map(|t| (t.class, t.number)).collect();
        assert_eq!(tags.len(), 5);
        assert_eq!(tags[2], (TagClass::Opening, 3));
        assert_eq!(tags[4], (TagClass::Closing, 3));
    }

    #[test]
    fn write_property_and_simple_ack() {
        // analog-value 1, present-value, [3] { REAL 100.0 }, priority 8.
        let b = unicast(&[
            0x00, 0x05, 0x02, 0x0f, 0x0c, 0x00, 0x80, 0x00, 0x01, 0x19, 0x55, 0x3e, 0x44, 0x42,
            0xc8, 0x00, 0x00, 0x3f, 0x49, 0x08,
        ]);
        let a = apdu_of(&b);
        let p = a.property_ref().unwrap();
        assert_eq!(p.object, ObjectId::new(ObjectType::ANALOG_VALUE, 1));
        assert_eq!(p.property, PropertyId::PRESENT_VALUE);
        assert_eq!(p.property.name(), "present-value");
        assert_eq!(a.write_priority(), Some(8));
        let o = op_of(&b);
        assert_eq!(
            (o.function, o.request, o.exception),
            (15, Some(true), false)
        );
        assert_eq!(unit_text(o.unit), "analog-value:1");
        assert_eq!(function_class(15), OpClass::Write);
        assert_eq!(function_name(15), "writeProperty");
        // With an array index and a nested value, no priority.
        let b = unicast(&[
            0x00, 0x05, 0x03, 0x0f, 0x0c, 0x00, 0x80, 0x00, 0x01, 0x19, 0x57, 0x29, 0x10, 0x3e,
            0x0e, 0x21, 0x01, 0x0f, 0x3f,
        ]);
        let a = apdu_of(&b);
        assert_eq!(a.property_ref().unwrap().array_index, Some(16));
        assert_eq!(a.write_priority(), None);

        let b = unicast(&[0x20, 0x05, 0x0f]);
        let a = apdu_of(&b);
        assert_eq!(a.pdu_type(), PduType::SIMPLE_ACK);
        assert_eq!((a.invoke_id(), a.data().len()), (Some(5), 0));
        assert_eq!(a.property_ref(), None);
        assert_eq!(
            op_of(&b),
            Op {
                unit: 0,
                function: 15,
                exception: false,
                request: Some(false)
            }
        );
    }

    #[test]
    fn write_property_multiple() {
        // analog-value 1: [1] { [0] present-value, [2] { REAL 100.0 } }.
        let b = unicast(&[
            0x00, 0x05, 0x03, 0x10, 0x0c, 0x00, 0x80, 0x00, 0x01, 0x1e, 0x09, 0x55, 0x2e, 0x44,
            0x42, 0xc8, 0x00, 0x00, 0x2f, 0x1f,
        ]);
        let a = apdu_of(&b);
        assert_eq!(a.object(), Some(ObjectId::new(ObjectType::ANALOG_VALUE, 1)));
        assert_eq!((a.property_ref(), a.write_priority()), (None, None));
        let o = op_of(&b);
        assert_eq!((o.function, o.unit, o.request), (16, 0, Some(true)));
        assert_eq!(function_name(16), "writePropertyMultiple");
        assert_eq!(function_class(16), OpClass::Write);
        let mut t = a.params().unwrap();
        t.next();
        assert!(t.next().unwrap().is_opening(1));
        assert_eq!(t.skip_constructed(), Some(()));
        assert!(t.remaining().is_empty());
    }

    #[test]
    fn reinitialize_and_communication_control() {
        // Warmstart with password "pass" (character string, extended length 5).
        let b = unicast(&[
            0x00, 0x05, 0x04, 0x14, 0x09, 0x01, 0x1d, 0x05, 0x00, 0x70, 0x61, 0x73, 0x73,
        ]);
        let a = apdu_of(&b);
        let r = a.reinitialize().unwrap();
        assert_eq!((r.state, r.password), (ReinitializedState::WARMSTART, true));
        assert_eq!(r.state.name(), "warmstart");
        let o = op_of(&b);
        assert_eq!((o.function, o.request), (20, Some(true)));
        assert_eq!(function_name(20), "reinitializeDevice");
        assert_eq!(function_class(20), OpClass::Control);
        let b = unicast(&[0x00, 0x05, 0x04, 0x14, 0x09, 0x00]);
        let r = apdu_of(&b).reinitialize().unwrap();
        assert_eq!((r.state.name(), r.password), ("coldstart", false));

        // Disable for 10 minutes.
        let b = unicast(&[0x00, 0x05, 0x05, 0x11, 0x09, 0x0a, 0x19, 0x01]);
        let c = apdu_of(&b).communication_control().unwrap();
        assert_eq!(
            c,
            CommunicationControl {
                duration: Some(10),
                state: EnableDisable::DISABLE,
                password: false
            }
        );
        assert_eq!(op_of(&b).function, 17);
        assert_eq!(function_name(17), "deviceCommunicationControl");
        assert_eq!(function_class(17), OpClass::Control);
        // Disable-initiation, no duration, with password.
        let b = unicast(&[0x00, 0x05, 0x06, 0x11, 0x19, 0x02, 0x2d, 0x02, 0x00, 0x78]);
        let c = apdu_of(&b).communication_control().unwrap();
        assert_eq!(
            (c.duration, c.state.name(), c.password),
            (None, "disable-initiation", true)
        );
    }

    #[test]
    fn atomic_write_file() {
        // File 1, stream access at 0, three octets.
        let b = unicast(&[
            0x00, 0x05, 0x06, 0x07, 0xc4, 0x02, 0x80, 0x00, 0x01, 0x0e, 0x31, 0x00, 0x63, 0x01,
            0x02, 0x03, 0x0f,
        ]);
        let a = apdu_of(&b);
        assert_eq!(
            a.confirmed_service(),
            Some(ConfirmedService::ATOMIC_WRITE_FILE)
        );
        assert_eq!(a.object(), Some(ObjectId::new(ObjectType::FILE, 1)));
        let o = op_of(&b);
        assert_eq!((o.function, unit_text(o.unit)), (7, "file:1".to_string()));
        assert_eq!(function_name(7), "atomicWriteFile");
        assert_eq!(function_class(7), OpClass::Program);
        assert_eq!(function_class(6), OpClass::Read);
    }

    #[test]
    fn error_reject_abort() {
        // WriteProperty failed: property, write-access-denied.
        let b = unicast(&[0x50, 0x02, 0x0f, 0x91, 0x02, 0x91, 0x28]);
        let a = apdu_of(&b);
        assert_eq!(a.pdu_type(), PduType::ERROR);
        assert_eq!(
            (a.invoke_id(), a.confirmed_service()),
            (Some(2), Some(ConfirmedService::WRITE_PROPERTY))
        );
        let (c, e) = a.error().unwrap();
        assert_eq!(
            (c, e),
            (ErrorClass::PROPERTY, ErrorCode::WRITE_ACCESS_DENIED)
        );
        assert_eq!((c.name(), e.name()), ("property", "write-access-denied"));
        assert_eq!(
            op_of(&b),
            Op {
                unit: 0,
                function: 15,
                exception: true,
                request: Some(false)
            }
        );
        // CreateObject error: [0] { object, unknown-object }, [1] first failed element.
        let b = unicast(&[
            0x50, 0x03, 0x0a, 0x0e, 0x91, 0x01, 0x91, 0x1f, 0x0f, 0x19, 0x01,
        ]);
        assert_eq!(
            apdu_of(&b).error(),
            Some((ErrorClass::OBJECT, ErrorCode::UNKNOWN_OBJECT))
        );

        let b = unicast(&[0x60, 0x03, 0x09]);
        let a = apdu_of(&b);
        assert_eq!(
            (a.invoke_id(), a.reject_reason()),
            (Some(3), Some(RejectReason::UNRECOGNIZED_SERVICE))
        );
        assert_eq!(a.reject_reason().unwrap().name(), "unrecognized-service");
        assert_eq!(a.confirmed_service(), None);
        let o = op_of(&b);
        assert_eq!(
            (o.function, o.exception, o.request),
            (0x406, true, Some(false))
        );
        assert_eq!(function_name(0x406), "Reject");
        assert_eq!(function_class(0x406), OpClass::Other);

        // Abort by the server, then by the client.
        let b = unicast(&[0x71, 0x04, 0x04]);
        let a = apdu_of(&b);
        assert_eq!(
            (a.server(), a.abort_reason()),
            (Some(true), Some(AbortReason::SEGMENTATION_NOT_SUPPORTED))
        );
        let o = op_of(&b);
        assert_eq!(
            (o.function, o.exception, o.request),
            (0x407, true, Some(false))
        );
        assert_eq!(function_name(0x407), "Abort");
        let b = unicast(&[0x70, 0x04, 0x00]);
        assert_eq!(op_of(&b).request, Some(true));
    }

    #[test]
    fn forwarded_npdu() {
        // From 192.168.1.10:47808, a Who-Is.
        let b = bvlc(0x04, &[192, 168, 1, 10, 0xba, 0xc0, 0x01, 0x00, 0x10, 0x08]);
        let m = parse(&b).unwrap();
        assert_eq!(m.function().name(), "Forwarded-NPDU");
        assert_eq!(m.address(), Some("192.168.1.10:47808".parse().unwrap()));
        assert!(m.apdu().unwrap().who_is().is_some());
        assert_eq!(op_of(&b).function, 0x108);
        // Too short for the address and an NPDU.
        let b = bvlc(0x04, &[192, 168, 1, 10, 0xba, 0xc0, 0x01]);
        assert_eq!(parse(&b).err(), Some(Error::Length(11)));
    }

    #[test]
    fn network_layer_messages() {
        // Who-Is-Router-To-Network, any network.
        let b = bvlc(0x0B, &[0x01, 0x80, 0x00]);
        let m = parse(&b).unwrap();
        let n = m.npdu().unwrap();
        assert!(n.is_network_message() && m.apdu().is_none());
        assert_eq!(
            n.message_type(),
            Some(NetworkMessageType::WHO_IS_ROUTER_TO_NETWORK)
        );
        let o = op(&m).unwrap();
        assert_eq!((o.function, o.request, o.unit), (0x300, Some(true), 0));
        assert_eq!(function_name(0x300), "Who-Is-Router-To-Network");
        assert_eq!(function_class(0x300), OpClass::Identity);
        // I-Am-Router-To-Network 5 and 7, from SNET 2 / SADR 0x10 (routed).
        let b = bvlc(
            0x0B,
            &[
                0x01, 0x88, 0x00, 0x02, 0x01, 0x10, 0x01, 0x00, 0x05, 0x00, 0x07,
            ],
        );
        let n = parse(&b).unwrap().npdu().unwrap();
        assert_eq!(
            n.source(),
            Some(Address {
                net: 2,
                mac: &[0x10]
            })
        );
        assert_eq!(n.data(), &[0x00, 0x05, 0x00, 0x07]);
        assert_eq!(op_of(&b).function, 0x301);
        assert_eq!(op_of(&b).request, None);
        // Proprietary message of vendor 260, DNET 0xFFFF.
        let b = bvlc(
            0x0A,
            &[0x01, 0xa0, 0xff, 0xff, 0x00, 0xff, 0x80, 0x01, 0x04, 0xaa],
        );
        let n = parse(&b).unwrap().npdu().unwrap();
        assert_eq!((n.vendor_id(), n.hop_count()), (Some(260), Some(255)));
        assert_eq!(
            n.message_type().unwrap().name(),
            "Vendor Proprietary Message"
        );
        assert_eq!(function_class(op_of(&b).function), OpClass::Other);
        // Reject-Message-To-Network is an exception.
        let b = bvlc(0x0A, &[0x01, 0x80, 0x03, 0x01, 0x00, 0x09]);
        assert!(op_of(&b).exception);
        // The header runs past the message: DLEN 6 with three octets left.
        let b = bvlc(0x0A, &[0x01, 0x20, 0x00, 0x05, 0x06, 0x01, 0x02, 0x03]);
        assert_eq!(parse(&b).err(), Some(Error::Npdu(5)));
        let b = bvlc(0x0A, &[0x01, 0x80]);
        assert_eq!(parse(&b).err(), Some(Error::Npdu(2)));
        let b = bvlc(0x0A, &[0x02, 0x00, 0x10, 0x08]);
        assert_eq!(parse(&b).err(), Some(Error::Version(2)));
    }

    #[test]
    fn segmented_complex_ack() {
        // ReadPropertyMultiple-ACK in two segments: device 5 first, then the rest.
        let first = unicast(&[
            0x3c, 0x07, 0x00, 0x04, 0x0e, 0x0c, 0x02, 0x00, 0x00, 0x05, 0x1e, 0x29, 0x4d, 0x4e,
        ]);
        let a = apdu_of(&first);
        assert!(a.is_segmented() && a.more_follows());
        assert_eq!(
            (a.invoke_id(), a.sequence_number(), a.window_size()),
            (Some(7), Some(0), Some(4))
        );
        assert_eq!(
            a.confirmed_service(),
            Some(ConfirmedService::READ_PROPERTY_MULTIPLE)
        );
        assert_eq!(a.object(), Some(ObjectId::new(ObjectType::DEVICE, 5)));
        let o = op_of(&first);
        assert_eq!((o.function, o.unit, o.request), (14, 0, Some(false)));
        let last = unicast(&[
            0x38, 0x07, 0x01, 0x04, 0x0e, 0x75, 0x03, 0x00, 0x41, 0x42, 0x4f, 0x1f,
        ]);
        let a = apdu_of(&last);
        assert!(a.is_segmented() && !a.more_follows());
        assert_eq!(a.sequence_number(), Some(1));
        assert!(a.params().is_none() && a.object().is_none());
        assert_eq!(op_of(&last).function, 14);
        // The client's Segment-ACK.
        let b = unicast(&[0x40, 0x07, 0x01, 0x04]);
        let a = apdu_of(&b);
        assert_eq!(
            (
                a.sequence_number(),
                a.window_size(),
                a.server(),
                a.negative_ack()
            ),
            (Some(1), Some(4), Some(false), Some(false))
        );
        let o = op_of(&b);
        assert_eq!((o.function, o.request), (0x404, Some(true)));
        assert_eq!(
            (function_name(0x404), function_class(0x404)),
            ("Segment-ACK", OpClass::Session)
        );
        // A segmented confirmed request: header of six octets.
        let b = unicast(&[
            0x0e, 0x75, 0x09, 0x00, 0x02, 0x10, 0x0c, 0x00, 0x80, 0x00, 0x01,
        ]);
        let a = apdu_of(&b);
        assert_eq!((a.header_len(), a.segmented_response_accepted()), (6, true));
        assert_eq!((a.max_segments(), a.max_apdu()), (Some(7), Some(1476)));
        assert_eq!((a.sequence_number(), a.window_size()), (Some(0), Some(2)));
        assert_eq!(
            a.confirmed_service(),
            Some(ConfirmedService::WRITE_PROPERTY_MULTIPLE)
        );
    }

    #[test]
    fn bvlc_only_functions() {
        let b = bvlc(0x00, &[0x00, 0x30]);
        let m = parse(&b).unwrap();
        assert_eq!(m.result(), Some(BvlcResult::REGISTER_FOREIGN_DEVICE_NAK));
        assert!(m.npdu().is_none());
        let o = op(&m).unwrap();
        assert_eq!(
            (o.function, o.exception, o.request),
            (0x200, true, Some(false))
        );
        assert_eq!(function_name(0x200), "BVLC-Result");
        assert!(!op_of(&bvlc(0x00, &[0, 0])).exception);

        let b = bvlc(0x05, &[0x00, 0x3c]);
        let m = parse(&b).unwrap();
        assert_eq!(m.ttl(), Some(60));
        assert_eq!(op(&m).unwrap().function, 0x205);
        assert_eq!(function_class(0x205), OpClass::Session);

        let b = bvlc(0x03, &[192, 168, 1, 1, 0xba, 0xc0, 255, 255, 255, 255]);
        let e: Vec<_> = parse(&b).unwrap().table().collect();
        assert_eq!(
            e,
            [TableEntry::Bdt {
                address: "192.168.1.1:47808".parse().unwrap(),
                mask: Ipv4Addr::BROADCAST
            }]
        );
        let b = bvlc(0x07, &[10, 0, 0, 9, 0xba, 0xc1, 0, 60, 0, 35]);
        let e: Vec<_> = parse(&b).unwrap().table().collect();
        assert!(matches!(
            e[..],
            [TableEntry::Fdt {
                ttl: 60,
                remaining: 35,
                ..
            }]
        ));
        assert_eq!(function_class(0x201), OpClass::Write);
        assert_eq!(function_class(0x202), OpClass::Read);

        let b = bvlc(0x08, &[10, 0, 0, 9, 0xba, 0xc1]);
        assert_eq!(
            parse(&b).unwrap().address(),
            Some("10.0.0.9:47809".parse().unwrap())
        );
        assert_eq!(op_of(&b).request, Some(true));
        assert_eq!(op_of(&bvlc(0x02, &[])).function, 0x202);
        assert_eq!(op_of(&bvlc(0x0C, &[1, 2, 3])).function, 0x20C);
    }

    #[test]
    fn not_bacnet() {
        assert_eq!(
            parse(&[0x82, 0x0b, 0x00, 0x08]).err(),
            Some(Error::Type(0x82))
        );
        assert_eq!(parse(&[0x45]).err(), Some(Error::Type(0x45)));
        assert_eq!(parse(&[0x81, 0x0d]).err(), Some(Error::Function(0x0d)));
        assert_eq!(
            parse(&[0x81, 0x0b, 0x00, 0x03]).err(),
            Some(Error::Length(3))
        );
        assert_eq!(
            parse(&[0x81, 0x0b, 0x00, 0x05, 0x01]).err(),
            Some(Error::Length(5))
        );
        assert_eq!(
            parse(&[0x81, 0x00, 0x00, 0x08, 0, 0, 0, 0]).err(),
            Some(Error::Length(8))
        );
        assert_eq!(
            parse(&[0x81, 0x02, 0x00, 0x06, 0, 0]).err(),
            Some(Error::Length(6))
        );
        assert_eq!(
            parse(&[0x81, 0x01, 0x00, 0x09, 0, 0, 0, 0, 0]).err(),
            Some(Error::Length(9))
        );
        assert_eq!(
            parse(&[0x81, 0x0b, 0x00, 0x08, 0x01, 0x00]).err(),
            Some(Error::Short { need: 8, have: 6 })
        );
        assert_eq!(parse(&[]).err(), Some(Error::Short { need: 4, have: 0 }));
    }

    #[test]
    fn lax_takes_the_datagram() {
        // bacnet_example.pcap frame 573: an Error answering ReinitializeDevice whose
        // length field says 17 for a 13-octet datagram.
        let b = [
            0x81, 0x0a, 0x00, 0x11, 0x01, 0x04, 0x50, 0x01, 0x14, 0x91, 0x05, 0x91, 0x1a,
        ];
        assert_eq!(parse(&b).err(), Some(Error::Short { need: 17, have: 13 }));
        let m = parse_lax(&b).unwrap();
        assert!(m.is_cut());
        assert_eq!((m.len(), m.length_field()), (13, 17));
        let a = m.apdu().unwrap();
        assert_eq!(
            a.error().map(|(c, e)| (c.name(), e.name())),
            Some(("services", "password-failure"))
        );
        let o = op(&m).unwrap();
        assert_eq!((o.function, o.exception), (20, true));
        // Fixed fields still have to be whole; the header is checked as in `parse`.
        assert_eq!(
            parse_lax(&[0x81, 0x00, 0x00, 0x06, 0x00]).err(),
            Some(Error::Short { need: 6, have: 5 })
        );
        assert_eq!(
            parse_lax(&[0x81, 0x0a, 0x00, 0x11, 0x01]).err(),
            Some(Error::Short { need: 6, have: 5 })
        );
        assert_eq!(
            parse_lax(&[0x81, 0x0a, 0x00, 0x05, 0x01]).err(),
            Some(Error::Length(5))
        );
        let full = unicast(&[0x10, 0x08]);
        assert!(!parse_lax(&full).unwrap().is_cut());
        for cut in 0..full.len() {
            let r = parse_lax(&full[..cut]);
            assert!(r.is_err() || r.is_ok_and(|m| m.is_cut()), "cut {cut}");
        }
    }

    #[test]
    fn cut_apdu_keeps_the_npdu() {
        // A confirmed request with only its first two octets: the NPDU stays.
        let b = unicast(&[0x00, 0x05]);
        let m = parse(&b).unwrap();
        assert_eq!(m.npdu().unwrap().data(), &[0x00, 0x05]);
        assert!(m.apdu().is_none());
        assert_eq!(op(&m), None);
        // An empty NSDU.
        let b = unicast(&[]);
        assert!(parse(&b).unwrap().apdu().is_none());
        // A reserved PDU type keeps its type.
        let b = unicast(&[0x80, 0x01]);
        let a = apdu_of(&b);
        assert_eq!(
            (a.pdu_type(), a.pdu_type().name(), a.invoke_id()),
            (PduType(8), "Unknown", None)
        );
        let o = op_of(&b);
        assert_eq!((o.function, o.request), (0x408, None));
        assert_eq!(function_name(0x408), "Unknown");
        // Its header is the one octet (fuzzing found the second one read eagerly).
        let b = unicast(&[0xf0]);
        let a = apdu_of(&b);
        assert_eq!(
            (a.header_len(), a.max_segments(), a.max_apdu()),
            (1, None, None)
        );
        assert!(format!("{:?}", parse(&b).unwrap()).contains("type: 15"));
        assert_eq!(op_of(&b).function, 0x40f);
    }

    #[test]
    fn tag_reader() {
        // Extended tag number 33 (context), extended lengths 254 and 255.
        let mut b = vec![0xf9, 33, 0x07];
        b.extend([0x65, 254, 0x00, 0x03, 1, 2, 3]);
        b.extend([0x65, 255, 0, 0, 0, 1, 9]);
        b.extend([0x11, 0x1e, 0x1f]);
        let t: Vec<_> = Tags::new(&b).collect();
        assert_eq!(t.len(), 6);
        assert_eq!(
            (t[0].number, t[0].class, t[0].data),
            (33, TagClass::Context, &[7u8][..])
        );
        assert_eq!(t[1].application(6), Some(&[1u8, 2, 3][..]));
        assert_eq!(t[2].application(6), Some(&[9u8][..]));
        assert_eq!(
            (t[3].number, t[3].lvt, t[3].data.len()),
            (tag::BOOLEAN, 1, 0)
        );
        assert!(t[4].is_opening(1));
        assert_eq!(t[5].class, TagClass::Closing);
        // Cut short: the iterator stops and keeps the rest.
        let mut it = Tags::new(&[0x21, 0x05, 0x24, 0x01]);
        assert_eq!(
            it.next().unwrap().application(tag::UNSIGNED),
            Some(&[5u8][..])
        );
        assert!(it.next().is_none());
        assert_eq!(it.remaining(), &[0x24, 0x01]);
        assert!(read_tag(&[0x26]).is_none(), "application tag with LVT 6");
        assert!(read_tag(&[0x65, 255, 0xff, 0xff, 0xff, 0xff]).is_none());
        assert_eq!(unsigned(&[1, 0, 0, 0]), Some(1 << 24));
        assert_eq!(unsigned(&[1, 0, 0, 0, 0]), None);
        assert_eq!(unsigned(&[]), None);
    }

    #[test]
    fn names_and_classes() {
        assert_eq!(function_name(0), "acknowledgeAlarm");
        assert_eq!(function_name(26), "readRange");
        assert_eq!(function_name(29), "getEventInformation");
        assert_eq!(function_name(200), "Unknown");
        assert_eq!(function_name(0x107), "who-Has");
        assert_eq!(function_name(0x10A), "writeGroup");
        assert_eq!(function_name(0x20A), "Original-Unicast-NPDU");
        assert_eq!(function_name(0x313), "Network-Number-Is");
        assert_eq!(function_name(0x500), "Unknown");
        for (code, class) in [
            (12, OpClass::Read),
            (14, OpClass::Read),
            (26, OpClass::Read),
            (6, OpClass::Read),
            (1, OpClass::Read),
            (15, OpClass::Write),
            (16, OpClass::Write),
            (8, OpClass::Write),
            (9, OpClass::Write),
            (10, OpClass::Write),
            (11, OpClass::Write),
            (20, OpClass::Control),
            (17, OpClass::Control),
            (7, OpClass::Program),
            (18, OpClass::Other),
            (21, OpClass::Session),
            (0x100, OpClass::Identity),
            (0x101, OpClass::Identity),
            (0x107, OpClass::Identity),
            (0x108, OpClass::Identity),
            (0x102, OpClass::Read),
            (0x103, OpClass::Read),
            (0x104, OpClass::Other),
            (0x106, OpClass::Session),
            (0x109, OpClass::Session),
            (0x10A, OpClass::Write),
            (0x304, OpClass::Control),
            (0x306, OpClass::Write),
            (0x380, OpClass::Other),
            (0x999, OpClass::Other),
        ] {
            assert_eq!(function_class(code), class, "{code:#x}");
        }
        assert_eq!(ObjectType(8).name(), "device");
        assert_eq!(ObjectType(64).name(), "color-temperature");
        assert_eq!(ObjectType(128).name(), "Unknown");
        assert_eq!(
            unit_text(UNIT_OBJECT | ObjectId::new(ObjectType(600), 3).0 as u64),
            "600:3"
        );
        assert_eq!(PropertyId(8).name(), "all");
        assert_eq!(PropertyId(18).name(), "Unknown");
        assert_eq!(PropertyId(511).name(), "issuer-certificate-files");
        assert_eq!(PropertyId(4194307).name(), "current-health");
        assert_eq!(PropertyId(1000).name(), "Unknown");
        assert_eq!(ErrorCode(199).name(), "ip-error");
        assert_eq!(ErrorCode(200).name(), "Unknown");
        assert_eq!(
            BvlcResult(0x60).name(),
            "Distribute-Broadcast-To-Network NAK"
        );
        assert_eq!(
            format!("{:?}", ObjectId::new(ObjectType::DEVICE, 9)),
            "ObjectId(device:9)"
        );
    }

    #[test]
    fn every_prefix_is_handled() {
        let msgs = [
            broadcast(&[0x10, 0x08]),
            broadcast(&[
                0x10, 0x00, 0xc4, 0x02, 0x00, 0x02, 0xd1, 0x22, 0x04, 0x00, 0x91, 0x03, 0x21, 0xe6,
            ]),
            unicast(&[
                0x00, 0x05, 0x02, 0x0f, 0x0c, 0x00, 0x80, 0x00, 0x01, 0x19, 0x55, 0x3e, 0x44, 0x42,
                0xc8, 0x00, 0x00, 0x3f, 0x49, 0x08,
            ]),
            unicast(&[0x3c, 0x07, 0x00, 0x04, 0x0e, 0x0c, 0x02, 0x00, 0x00, 0x05]),
            unicast(&[0x50, 0x02, 0x0f, 0x91, 0x02, 0x91, 0x28]),
            bvlc(0x04, &[192, 168, 1, 10, 0xba, 0xc0, 0x01, 0x00, 0x10, 0x08]),
            bvlc(
                0x0A,
                &[
                    0x01, 0xa8, 0xff, 0xff, 0x00, 0x00, 0x02, 0x01, 0x10, 0xff, 0x80, 0x01, 0x04,
                ],
            ),
            bvlc(0x07, &[10, 0, 0, 9, 0xba, 0xc1, 0, 60, 0, 35]),
            bvlc(0x00, &[0, 0]),
        ];
        for m in msgs {
            for cut in 0..m.len() {
                let r = parse(&m[..cut]);
                assert!(matches!(r, Err(Error::Short { .. })), "cut {cut}: {r:?}");
            }
            let mut longer = m.clone();
            longer.extend([0x81, 0x0b]);
            for b in [&m[..], &longer[..]] {
                let p = parse(b).unwrap();
                assert_eq!(p.len(), m.len());
                assert!(!format!("{p:?}").is_empty());
                assert!(op(&p).is_some());
            }
        }
        // Every prefix of an APDU or an NPDU alone, never a panic.
        let apdu = [
            0x00, 0x05, 0x02, 0x0f, 0x0c, 0x00, 0x80, 0x00, 0x01, 0x19, 0x55, 0x3e, 0x44,
        ];
        for cut in 0..apdu.len() {
            if let Some(a) = parse_apdu(&apdu[..cut]) {
                assert!(!format!("{a:?}").is_empty());
                apdu_op(&a);
            }
        }
        let npdu = [
            0x01, 0xa8, 0xff, 0xff, 0x00, 0x00, 0x02, 0x01, 0x10, 0xff, 0x80, 0x01, 0x04,
        ];
        for cut in 0..npdu.len() {
            assert!(parse_npdu(&npdu[..cut]).is_err(), "cut {cut}");
        }
        assert!(parse_npdu(&npdu).is_ok());
    }
}
