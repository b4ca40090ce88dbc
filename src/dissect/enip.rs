//! EtherNet/IP on TCP/UDP 44818 and the CIP messages it carries, plus the class-1 I/O
//! framing of UDP 2222 (ODVA, The CIP Networks Library: Vol. 2 chapter 2 for the
//! encapsulation header, its commands and the Common Packet Format; Vol. 1 Appendix A
//! for the services, Appendix B for the general status codes, Appendix C for EPATH
//! segments, §3-5 for the Connection Manager and §5-2 for the Identity object).
//!
//! One `parse` call reads one encapsulation message at the start of a stream's bytes.
//! It is strict so that bytes which are not EtherNet/IP fail fast: the command must be
//! one ODVA defines (anything else is `Error::Command`, whatever its length), the length
//! at most 65511 (a 65535-byte message), RegisterSession's length 4 and
//! UnRegisterSession's 0, a successful SendRRData/SendUnitData long enough for its
//! interface handle, timeout and item count, and the options field zero (Vol. 2 §2-3:
//! a receiver discards a message whose options are not). A run of zero bytes still
//! reads as NOP messages, as it would for any receiver.
//!
//! # Operation codes (`Op::function`, `function_name`, `function_class`)
//! One `u16` space, split by the high byte:
//! - `0x0000..=0x00FF`: an encapsulation command (every defined one is below 0x100),
//!   reported once per message that carries no CIP message (`request: None`: the
//!   header does not say its direction).
//! - `0x0100 | service`: a CIP service (response bit cleared) with its generic meaning,
//!   reported instead of the SendRRData/SendUnitData that carries it.
//! - `(space << 8) | service` for the object-class-specific codes 0x4B..=0x63, whose
//!   meaning depends on the object addressed (`Space`): 0x02 Connection Manager
//!   (class 0x06), 0x03 Logix tag services (a symbolic path, or the Symbol object
//!   0x6B), 0x04 Logix Template object (0x6C), 0x05 PCCC object (0x67), 0x06 Modbus
//!   object (0x44). A response has no path: its class-specific code stays in 0x01 unless
//!   the flow pairs it with its request (`service_space`, `function_code`).
//!
//! A Multiple Service Packet reports itself and each embedded message; an Unconnected
//! Send request reports itself and the message it carries.
//!
//! `Op::unit` packs the request path's class (high 32 bits) and instance (low 32 bits);
//! 0 for responses and symbolic paths. `unit_text` prints it as `0x6b/1`.
//! `Op::exception`: a CIP general status other than success and partial transfer (the
//! normal answer of a fragmented read), or an encapsulation status other than success.
//! `Op::request`: the service byte's response bit for CIP; `None` for commands.

use std::fmt;
use std::net::Ipv4Addr;

use super::Op;
pub use super::OpClass;

/// Registered TCP and UDP port of the encapsulation protocol.
pub const PORT: u16 = 44818;
/// UDP port of class 0/1 (implicit, I/O) connections.
pub const IO_PORT: u16 = 2222;
/// Command (2), length (2), session handle (4), status (4), sender context (8), options (4).
pub const HEADER_LEN: usize = 24;
/// Largest length field: a 65535-byte message less its header.
pub const MAX_LENGTH: u16 = 65511;
/// Interface handle (4) and timeout (2) in front of SendRRData/SendUnitData items.
const SEND_PREFIX_LEN: usize = 6;
/// Nesting of embedded messages (Multiple Service Packet, Unconnected Send) that `ops`
/// and `Debug` follow.
pub const MAX_DEPTH: u8 = 4;

// Header offsets (Vol. 2 Table 2-3.1).
const LENGTH: usize = 2;
const SESSION: usize = 4;
const STATUS: usize = 8;
const CONTEXT: usize = 12;
const OPTIONS: usize = 20;

/// Bit 7 of the service byte: a response.
const RESPONSE_BIT: u8 = 0x80;
// Class codes: the Identity object, and those whose class-specific services this
// module names.
pub const CLASS_IDENTITY: u32 = 0x01;
pub const CLASS_MESSAGE_ROUTER: u32 = 0x02;
pub const CLASS_CONNECTION_MANAGER: u32 = 0x06;
pub const CLASS_MODBUS: u32 = 0x44;
pub const CLASS_PCCC: u32 = 0x67;
/// Rockwell Logix Symbol object.
pub const CLASS_SYMBOL: u32 = 0x6B;
/// Rockwell Logix Template object.
pub const CLASS_TEMPLATE: u32 = 0x6C;

/// A header field; every offset used is a constant below `HEADER_LEN - 3`.
fn hdr_u32(h: &[u8; HEADER_LEN], at: usize) -> u32 {
    u32::from_le_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]])
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|x| u16::from_le_bytes([x[0], x[1]]))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
}

// ---------------------------------------------------------------------------------
// Encapsulation

/// An encapsulation command (Vol. 2 Table 2-3.2); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Command(pub u16);

impl Command {
    pub const NOP: Self = Self(0x0000);
    pub const LIST_SERVICES: Self = Self(0x0004);
    pub const LIST_IDENTITY: Self = Self(0x0063);
    pub const LIST_INTERFACES: Self = Self(0x0064);
    pub const REGISTER_SESSION: Self = Self(0x0065);
    pub const UNREGISTER_SESSION: Self = Self(0x0066);
    pub const SEND_RR_DATA: Self = Self(0x006F);
    pub const SEND_UNIT_DATA: Self = Self(0x0070);
    pub const INDICATE_STATUS: Self = Self(0x0072);
    pub const CANCEL: Self = Self(0x0073);
    pub const START_DTLS: Self = Self(0x00C8);

    /// Wireshark's name (`enip.command`).
    pub fn name(self) -> &'static str {
        match self {
            Self::NOP => "NOP",
            Self::LIST_SERVICES => "List Services",
            Self::LIST_IDENTITY => "List Identity",
            Self::LIST_INTERFACES => "List Interfaces",
            Self::REGISTER_SESSION => "Register Session",
            Self::UNREGISTER_SESSION => "Unregister Session",
            Self::SEND_RR_DATA => "Send RR Data",
            Self::SEND_UNIT_DATA => "Send Unit Data",
            Self::INDICATE_STATUS => "Indicate Status",
            Self::CANCEL => "Cancel",
            Self::START_DTLS => "StartDTLS",
            _ => "Unknown",
        }
    }
    /// A command ODVA defines.
    pub fn is_known(self) -> bool {
        self.name() != "Unknown"
    }
    /// Discovery commands are `Identity`; session set-up and tear-down `Session`; the
    /// data carriers, NOP and the rest `Other`.
    pub fn class(self) -> OpClass {
        match self {
            Self::LIST_SERVICES | Self::LIST_IDENTITY | Self::LIST_INTERFACES => OpClass::Identity,
            Self::REGISTER_SESSION | Self::UNREGISTER_SESSION | Self::START_DTLS => {
                OpClass::Session
            }
            _ => OpClass::Other,
        }
    }
    /// SendRRData or SendUnitData: the commands whose data are CPF items after an
    /// interface handle and a timeout.
    pub fn is_send(self) -> bool {
        matches!(self, Self::SEND_RR_DATA | Self::SEND_UNIT_DATA)
    }
}

/// An encapsulation status (Vol. 2 Table 2-3.3); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Status(pub u32);

impl Status {
    pub const SUCCESS: Self = Self(0x0000);
    pub const INVALID_COMMAND: Self = Self(0x0001);
    pub const NO_RESOURCES: Self = Self(0x0002);
    pub const INCORRECT_DATA: Self = Self(0x0003);
    pub const INVALID_SESSION: Self = Self(0x0064);
    pub const INVALID_LENGTH: Self = Self(0x0065);
    pub const UNSUPPORTED_REVISION: Self = Self(0x0069);
    pub const NOT_ALLOWED_ON_PORT: Self = Self(0x006A);

    /// Wireshark's name (`enip.status`).
    pub fn name(self) -> &'static str {
        match self {
            Self::SUCCESS => "Success",
            Self::INVALID_COMMAND => "Invalid Command",
            Self::NO_RESOURCES => "No Memory Resources",
            Self::INCORRECT_DATA => "Incorrect Data",
            Self::INVALID_SESSION => "Invalid Session Handle",
            Self::INVALID_LENGTH => "Invalid Length",
            Self::UNSUPPORTED_REVISION => "Unsupported Protocol Revision",
            Self::NOT_ALLOWED_ON_PORT => "Encapsulated CIP service not allowed on this port",
            _ => "Unknown",
        }
    }
}

/// Why bytes are not an EtherNet/IP encapsulation message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the header or the length field asks for.
    Short { need: usize, have: usize },
    /// A command code ODVA does not define.
    Command(u16),
    /// Length field above 65511, or not what the command allows (RegisterSession 4,
    /// UnRegisterSession 0, a successful SendRRData/SendUnitData at least 8).
    Length(u16),
    /// Options field other than zero.
    Options(u32),
}

/// One encapsulation message, borrowed. Checked once in `parse`; accessors are
/// infallible.
#[derive(Clone, Copy)]
pub struct Encap<'a> {
    hdr: &'a [u8; HEADER_LEN],
    /// The command-specific data, `length` bytes.
    data: &'a [u8],
}

/// Parses the encapsulation message at the start of `data`; `Encap::len` says how
/// many bytes it used. The command and length are judged as soon as their bytes are
/// there, so a stream of other bytes does not wait for data it will never use.
pub fn parse(data: &[u8]) -> Result<Encap<'_>, Error> {
    let short = |need| Error::Short {
        need,
        have: data.len(),
    };
    if let Some(c) = le16(data, 0) {
        let command = Command(c);
        if !command.is_known() {
            return Err(Error::Command(c));
        }
        if let Some(len) = le16(data, LENGTH) {
            let ok = match command {
                Command::REGISTER_SESSION => len == 4,
                Command::UNREGISTER_SESSION => len == 0,
                _ => len <= MAX_LENGTH,
            };
            if !ok {
                return Err(Error::Length(len));
            }
        }
    }
    let (hdr, rest) = data
        .split_first_chunk::<HEADER_LEN>()
        .ok_or(short(HEADER_LEN))?;
    let options = hdr_u32(hdr, OPTIONS);
    if options != 0 {
        return Err(Error::Options(options));
    }
    let command = Command(u16::from_le_bytes([hdr[0], hdr[1]]));
    let len = u16::from_le_bytes([hdr[LENGTH], hdr[LENGTH + 1]]);
    let status = hdr_u32(hdr, STATUS);
    if command.is_send() && status == 0 && (len as usize) < SEND_PREFIX_LEN + 2 {
        return Err(Error::Length(len));
    }
    let body = rest
        .get(..len as usize)
        .ok_or(short(HEADER_LEN + len as usize))?;
    Ok(Encap { hdr, data: body })
}

impl<'a> Encap<'a> {
    pub fn command(&self) -> Command {
        Command(u16::from_le_bytes([self.hdr[0], self.hdr[1]]))
    }
    /// Length field: bytes of command-specific data after the header.
    pub fn length(&self) -> u16 {
        u16::from_le_bytes([self.hdr[LENGTH], self.hdr[LENGTH + 1]])
    }
    pub fn session(&self) -> u32 {
        hdr_u32(self.hdr, SESSION)
    }
    pub fn status(&self) -> Status {
        Status(hdr_u32(self.hdr, STATUS))
    }
    /// Sender context: opaque to the target, echoed in the reply.
    pub fn sender_context(&self) -> [u8; 8] {
        self.hdr[CONTEXT..OPTIONS].try_into().unwrap_or([0; 8])
    }
    pub fn options(&self) -> u32 {
        hdr_u32(self.hdr, OPTIONS)
    }
    /// The command-specific data.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
    /// Bytes of the message: header and data.
    pub fn len(&self) -> usize {
        HEADER_LEN + self.data.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    /// RegisterSession's protocol version and options flags.
    pub fn register_session(&self) -> Option<(u16, u16)> {
        if self.command() != Command::REGISTER_SESSION {
            return None;
        }
        Some((le16(self.data, 0)?, le16(self.data, 2)?))
    }
    /// The Common Packet Format of SendRRData and SendUnitData, and of the List*
    /// replies (whose items follow the item count directly). `None` for the other
    /// commands and for List* requests (no data).
    pub fn cpf(&self) -> Option<Cpf<'a>> {
        match self.command() {
            c if c.is_send() => {
                let (prefix, rest) = self.data.split_first_chunk::<SEND_PREFIX_LEN>()?;
                let mut cpf = Cpf::parse(rest)?;
                cpf.prefix = Some(*prefix);
                Some(cpf)
            }
            Command::LIST_IDENTITY | Command::LIST_SERVICES | Command::LIST_INTERFACES => {
                Cpf::parse(self.data)
            }
            _ => None,
        }
    }
    /// The CIP messages of SendRRData/SendUnitData (connected and unconnected data
    /// items), in item order.
    pub fn messages(&self) -> impl Iterator<Item = Cip<'a>> {
        let items = match self.command() {
            c if c.is_send() => self.cpf().map(|c| c.items()),
            _ => None,
        };
        items.into_iter().flatten().filter_map(|i| i.message())
    }
    /// The first CIP message (see `messages`).
    pub fn message(&self) -> Option<Cip<'a>> {
        self.messages().next()
    }
    /// The identity in a ListIdentity reply.
    pub fn identity(&self) -> Option<Identity<'a>> {
        if self.command() != Command::LIST_IDENTITY {
            return None;
        }
        self.cpf()?.items().find_map(|i| i.identity())
    }
}

// ---------------------------------------------------------------------------------
// Common Packet Format

/// A CPF item type id (Vol. 2 Table 2-6.3); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemType(pub u16);

impl ItemType {
    pub const NULL_ADDRESS: Self = Self(0x0000);
    pub const CIP_IDENTITY: Self = Self(0x000C);
    pub const CIP_SECURITY: Self = Self(0x0086);
    pub const ENIP_CAPABILITY: Self = Self(0x0087);
    pub const ENIP_USAGE: Self = Self(0x0088);
    pub const CONNECTED_ADDRESS: Self = Self(0x00A1);
    pub const CONNECTED_DATA: Self = Self(0x00B1);
    pub const UNCONNECTED_DATA: Self = Self(0x00B2);
    pub const LIST_SERVICES: Self = Self(0x0100);
    pub const SOCKADDR_O_T: Self = Self(0x8000);
    pub const SOCKADDR_T_O: Self = Self(0x8001);
    pub const SEQUENCED_ADDRESS: Self = Self(0x8002);
    pub const UNCONNECTED_DTLS: Self = Self(0x8003);

    /// Wireshark's name (`enip.cpf.typeid`).
    pub fn name(self) -> &'static str {
        match self {
            Self::NULL_ADDRESS => "Null Address Item",
            Self::CIP_IDENTITY => "CIP Identity",
            Self::CIP_SECURITY => "CIP Security Information",
            Self::ENIP_CAPABILITY => "EtherNet/IP Capability",
            Self::ENIP_USAGE => "EtherNet/IP Usage",
            Self::CONNECTED_ADDRESS => "Connected Address Item",
            Self::CONNECTED_DATA => "Connected Data Item",
            Self::UNCONNECTED_DATA => "Unconnected Data Item",
            Self::LIST_SERVICES => "List Services Response",
            Self::SOCKADDR_O_T => "Socket Address Info O->T",
            Self::SOCKADDR_T_O => "Socket Address Info T->O",
            Self::SEQUENCED_ADDRESS => "Sequenced Address Item",
            Self::UNCONNECTED_DTLS => "Unconnected Message over UDP",
            _ => "Unknown",
        }
    }
}

/// Common Packet Format: an item count and the items, borrowed.
#[derive(Clone, Copy)]
pub struct Cpf<'a> {
    /// Interface handle and timeout of SendRRData/SendUnitData.
    prefix: Option<[u8; SEND_PREFIX_LEN]>,
    count: u16,
    /// The items' bytes.
    items: &'a [u8],
}

impl<'a> Cpf<'a> {
    /// A bare CPF (item count, items), as List* replies and UDP I/O datagrams carry it.
    pub fn parse(data: &'a [u8]) -> Option<Self> {
        let (count, items) = data.split_first_chunk::<2>()?;
        Some(Cpf {
            prefix: None,
            count: u16::from_le_bytes(*count),
            items,
        })
    }
    /// Interface handle (0: CIP) of SendRRData/SendUnitData.
    pub fn interface_handle(&self) -> Option<u32> {
        self.prefix
            .map(|p| u32::from_le_bytes([p[0], p[1], p[2], p[3]]))
    }
    /// Timeout in seconds of SendRRData (0 for SendUnitData).
    pub fn timeout(&self) -> Option<u16> {
        self.prefix.map(|p| u16::from_le_bytes([p[4], p[5]]))
    }
    pub fn count(&self) -> u16 {
        self.count
    }
    /// The items; ends early where the bytes are too short for `count` items.
    pub fn items(&self) -> Items<'a> {
        Items {
            left: self.count,
            rest: self.items,
        }
    }
    /// Whether the bytes hold exactly `count` items.
    pub fn fits(&self) -> bool {
        let mut it = self.items();
        for _ in it.by_ref() {}
        it.left == 0 && it.rest.is_empty()
    }
}

/// Iterator over CPF items.
#[derive(Clone)]
pub struct Items<'a> {
    left: u16,
    rest: &'a [u8],
}

impl<'a> Iterator for Items<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        if self.left == 0 {
            return None;
        }
        let (hdr, rest) = self.rest.split_first_chunk::<4>()?;
        let len = u16::from_le_bytes([hdr[2], hdr[3]]) as usize;
        let (data, rest) = rest.split_at_checked(len)?;
        self.rest = rest;
        self.left -= 1;
        Some(Item {
            kind: ItemType(u16::from_le_bytes([hdr[0], hdr[1]])),
            data,
        })
    }
}

impl fmt::Debug for Items<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// One CPF item: its type and data.
#[derive(Clone, Copy)]
pub struct Item<'a> {
    kind: ItemType,
    data: &'a [u8],
}

impl<'a> Item<'a> {
    pub fn kind(&self) -> ItemType {
        self.kind
    }
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
    /// Connection id of a connected address or sequenced address item.
    pub fn connection_id(&self) -> Option<u32> {
        match (self.kind, self.data.len()) {
            (ItemType::CONNECTED_ADDRESS, 4) | (ItemType::SEQUENCED_ADDRESS, 8) => {
                le32(self.data, 0)
            }
            _ => None,
        }
    }
    /// Sequence number of a sequenced address item (class 0/1 I/O).
    pub fn address_sequence(&self) -> Option<u32> {
        match (self.kind, self.data.len()) {
            (ItemType::SEQUENCED_ADDRESS, 8) => le32(self.data, 4),
            _ => None,
        }
    }
    /// CIP sequence count in front of a connected data item's message (class 3).
    pub fn sequence_count(&self) -> Option<u16> {
        (self.kind == ItemType::CONNECTED_DATA)
            .then(|| le16(self.data, 0))
            .flatten()
    }
    /// The CIP message of an unconnected data item, or of a connected data item after
    /// its sequence count (explicit messaging over TCP; UDP I/O data is not CIP).
    pub fn message(&self) -> Option<Cip<'a>> {
        match self.kind {
            ItemType::UNCONNECTED_DATA => Cip::parse(self.data),
            ItemType::CONNECTED_DATA => Cip::parse(self.data.get(2..)?),
            _ => None,
        }
    }
    /// The socket address of a sockaddr info item.
    pub fn sockaddr(&self) -> Option<SockAddr> {
        match self.kind {
            ItemType::SOCKADDR_O_T | ItemType::SOCKADDR_T_O if self.data.len() == 16 => {
                SockAddr::parse(self.data)
            }
            _ => None,
        }
    }
    /// The identity of a ListIdentity reply item.
    pub fn identity(&self) -> Option<Identity<'a>> {
        (self.kind == ItemType::CIP_IDENTITY)
            .then(|| Identity::from_list_identity(self.data))
            .flatten()
    }
    /// The service a ListServices reply item describes.
    pub fn list_service(&self) -> Option<ListService<'a>> {
        if self.kind != ItemType::LIST_SERVICES {
            return None;
        }
        let name = self.data.get(4..20)?;
        let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
        Some(ListService {
            version: le16(self.data, 0)?,
            capabilities: le16(self.data, 2)?,
            name: &name[..end],
        })
    }
}

impl fmt::Debug for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Item")
            .field("kind", &self.kind().0)
            .field("name", &self.kind().name())
            .field("len", &self.data().len())
            .field("connection_id", &self.connection_id())
            .field("address_sequence", &self.address_sequence())
            .field("sequence_count", &self.sequence_count())
            .field("sockaddr", &self.sockaddr())
            .field("identity", &self.identity())
            .field("list_service", &self.list_service())
            .field("message", &self.message().map(|m| CipDebug(m, 0)))
            .finish()
    }
}

/// A ListServices reply item: protocol version, capability flags, service name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ListService<'a> {
    pub version: u16,
    /// Bit 5: CIP over TCP; bit 8: class 0/1 over UDP.
    pub capabilities: u16,
    /// The name, up to its first NUL ("Communications").
    pub name: &'a [u8],
}

impl fmt::Debug for ListService<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListService")
            .field("version", &self.version)
            .field("capabilities", &self.capabilities)
            .field("name", &format_args!("{}", self.name.escape_ascii()))
            .finish()
    }
}

/// A socket address as EtherNet/IP sends it: `sockaddr_in`, big-endian.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SockAddr {
    pub family: u16,
    pub port: u16,
    pub addr: Ipv4Addr,
}

impl SockAddr {
    /// Reads family, port and address from the first 16 bytes (the last 8 are zero).
    pub fn parse(b: &[u8]) -> Option<Self> {
        let b = b.first_chunk::<16>()?;
        Some(SockAddr {
            family: u16::from_be_bytes([b[0], b[1]]),
            port: u16::from_be_bytes([b[2], b[3]]),
            addr: Ipv4Addr::new(b[4], b[5], b[6], b[7]),
        })
    }
}

// ---------------------------------------------------------------------------------
// Identity

/// A device's identity (Identity object attributes 1..=8), from a ListIdentity reply
/// item or a Get_Attributes_All reply on the Identity object.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    /// Encapsulation protocol version (ListIdentity only).
    pub encap_version: Option<u16>,
    /// The socket address the device reports (ListIdentity only).
    pub socket: Option<SockAddr>,
    pub vendor: u16,
    pub device_type: u16,
    pub product_code: u16,
    /// Major and minor revision.
    pub revision: (u8, u8),
    /// Identity status word (owned, configured, faults).
    pub status: u16,
    pub serial: u32,
    /// SHORT_STRING product name, borrowed.
    pub product_name: &'a [u8],
    /// Attribute 8, where present.
    pub state: Option<u8>,
}

/// Vendor id up to the product name's length byte.
const IDENTITY_FIXED_LEN: usize = 14;
/// Encapsulation version (2) and socket address (16) in front of a ListIdentity item.
const LIST_IDENTITY_PREFIX_LEN: usize = 18;

impl<'a> Identity<'a> {
    /// Attributes 1..=7 (and 8 if present) in Get_Attributes_All order: vendor id,
    /// device type, product code, revision, status, serial number, product name, state.
    pub fn from_attributes(b: &'a [u8]) -> Option<Self> {
        let name_len = *b.get(IDENTITY_FIXED_LEN)? as usize;
        let name_at = IDENTITY_FIXED_LEN + 1;
        let product_name = b.get(name_at..name_at + name_len)?;
        Some(Identity {
            encap_version: None,
            socket: None,
            vendor: le16(b, 0)?,
            device_type: le16(b, 2)?,
            product_code: le16(b, 4)?,
            revision: (b[6], b[7]),
            status: le16(b, 8)?,
            serial: le32(b, 10)?,
            product_name,
            state: b.get(name_at + name_len).copied(),
        })
    }
    /// A ListIdentity reply item's data (Vol. 2 Table 2-4.4).
    pub fn from_list_identity(b: &'a [u8]) -> Option<Self> {
        let (prefix, rest) = b.split_at_checked(LIST_IDENTITY_PREFIX_LEN)?;
        Some(Identity {
            encap_version: le16(prefix, 0),
            socket: SockAddr::parse(&prefix[2..]),
            ..Self::from_attributes(rest)?
        })
    }
    /// Revision as Wireshark and Zeek print it: `4.3`.
    pub fn revision_text(&self) -> String {
        format!("{}.{}", self.revision.0, self.revision.1)
    }
}

impl fmt::Debug for Identity<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("encap_version", &self.encap_version)
            .field("socket", &self.socket)
            .field("vendor", &self.vendor)
            .field("device_type", &self.device_type)
            .field("product_code", &self.product_code)
            .field("revision", &self.revision)
            .field("status", &self.status)
            .field("serial", &format_args!("{:#010x}", self.serial))
            .field(
                "product_name",
                &format_args!("{}", self.product_name.escape_ascii()),
            )
            .field("state", &self.state)
            .finish()
    }
}

// ---------------------------------------------------------------------------------
// CIP services

/// Which object's class-specific services (0x4B..=0x63) a service code names; the
/// discriminant is the high byte of `Op::function` (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Space {
    /// Common services, and class-specific ones of an object not named here.
    Generic = 1,
    /// Connection Manager (class 0x06).
    ConnectionManager = 2,
    /// Rockwell Logix tag services: a symbolic path, or the Symbol object (0x6B).
    LogixTag = 3,
    /// Rockwell Logix Template object (0x6C).
    LogixTemplate = 4,
    /// PCCC object (0x67).
    Pccc = 5,
    /// Modbus object (0x44).
    Modbus = 6,
}

impl Space {
    pub fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            1 => Self::Generic,
            2 => Self::ConnectionManager,
            3 => Self::LogixTag,
            4 => Self::LogixTemplate,
            5 => Self::Pccc,
            6 => Self::Modbus,
            _ => return None,
        })
    }
}

/// The space a service code belongs to, given the request path's class (if any) and
/// whether the path names a symbol. Common services are always `Generic`.
pub fn service_space(service: Service, class: Option<u32>, symbolic: bool) -> Space {
    if !service.is_class_specific() {
        return Space::Generic;
    }
    match class {
        Some(CLASS_CONNECTION_MANAGER) => Space::ConnectionManager,
        Some(CLASS_SYMBOL) => Space::LogixTag,
        Some(CLASS_TEMPLATE) => Space::LogixTemplate,
        Some(CLASS_PCCC) => Space::Pccc,
        Some(CLASS_MODBUS) => Space::Modbus,
        None if symbolic => Space::LogixTag,
        _ => Space::Generic,
    }
}

/// `Op::function` of a service (response bit cleared) in a space.
pub fn function_code(space: Space, service: Service) -> u16 {
    let s = (service.0 & !RESPONSE_BIT) as u16;
    if service.is_class_specific() {
        ((space as u16) << 8) | s
    } else {
        0x0100 | s
    }
}

/// A CIP service code without the response bit; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Service(pub u8);

impl Service {
    pub const GET_ATTRIBUTES_ALL: Self = Self(0x01);
    pub const SET_ATTRIBUTES_ALL: Self = Self(0x02);
    pub const GET_ATTRIBUTE_LIST: Self = Self(0x03);
    pub const SET_ATTRIBUTE_LIST: Self = Self(0x04);
    pub const RESET: Self = Self(0x05);
    pub const START: Self = Self(0x06);
    pub const STOP: Self = Self(0x07);
    pub const CREATE: Self = Self(0x08);
    pub const DELETE: Self = Self(0x09);
    pub const MULTIPLE_SERVICE_PACKET: Self = Self(0x0A);
    pub const APPLY_ATTRIBUTES: Self = Self(0x0D);
    pub const GET_ATTRIBUTE_SINGLE: Self = Self(0x0E);
    pub const SET_ATTRIBUTE_SINGLE: Self = Self(0x10);
    pub const FIND_NEXT_OBJECT_INSTANCE: Self = Self(0x11);
    pub const RESTORE: Self = Self(0x15);
    pub const SAVE: Self = Self(0x16);
    pub const NOP: Self = Self(0x17);
    pub const GET_MEMBER: Self = Self(0x18);
    pub const SET_MEMBER: Self = Self(0x19);
    pub const INSERT_MEMBER: Self = Self(0x1A);
    pub const REMOVE_MEMBER: Self = Self(0x1B);
    pub const GROUP_SYNC: Self = Self(0x1C);
    // Connection Manager (class 0x06).
    pub const FORWARD_CLOSE: Self = Self(0x4E);
    pub const UNCONNECTED_SEND: Self = Self(0x52);
    pub const FORWARD_OPEN: Self = Self(0x54);
    pub const GET_CONNECTION_DATA: Self = Self(0x56);
    pub const SEARCH_CONNECTION_DATA: Self = Self(0x57);
    pub const GET_CONNECTION_OWNER: Self = Self(0x5A);
    pub const LARGE_FORWARD_OPEN: Self = Self(0x5B);
    // Logix tags (symbolic path or Symbol object 0x6B) and templates (0x6C).
    pub const READ_TAG: Self = Self(0x4C);
    pub const WRITE_TAG: Self = Self(0x4D);
    pub const READ_MODIFY_WRITE_TAG: Self = Self(0x4E);
    pub const READ_TAG_FRAGMENTED: Self = Self(0x52);
    pub const WRITE_TAG_FRAGMENTED: Self = Self(0x53);
    pub const GET_INSTANCE_ATTRIBUTE_LIST: Self = Self(0x55);
    pub const READ_TEMPLATE: Self = Self(0x4C);
    // PCCC object (0x67).
    pub const EXECUTE_PCCC: Self = Self(0x4B);

    /// In the object-class-specific range 0x4B..=0x63.
    pub fn is_class_specific(self) -> bool {
        (0x4B..=0x63).contains(&(self.0 & !RESPONSE_BIT))
    }
    /// The generic name (Wireshark's `cip.sc` without a class).
    pub fn name(self) -> &'static str {
        self.name_in(Space::Generic)
    }
    /// The name in a space: Wireshark's names, Rockwell's for the Logix services,
    /// `Unknown Service (0x4c)` for the rest.
    pub fn name_in(self, space: Space) -> &'static str {
        service_entry(space, self.0 & !RESPONSE_BIT).map_or_else(
            || UNKNOWN_SERVICE[(self.0 & !RESPONSE_BIT) as usize],
            |(n, _)| n,
        )
    }
    /// The generic class.
    pub fn class(self) -> OpClass {
        self.class_in(Space::Generic)
    }
    /// What the service does to the device: Get* `Read`; Set*, Apply, Create, Delete,
    /// Restore, Save and tag writes `Write`; Reset, Start, Stop `Control`; connection
    /// set-up and Unconnected Send `Session`; connection queries `Diagnostic`;
    /// Multiple Service Packet (a container: its embedded services count on their
    /// own), Execute PCCC and unknown codes `Other`.
    pub fn class_in(self, space: Space) -> OpClass {
        service_entry(space, self.0 & !RESPONSE_BIT).map_or(OpClass::Other, |(_, c)| c)
    }
}

/// Name and class of a service code (7 bits) in a space.
fn service_entry(space: Space, s: u8) -> Option<(&'static str, OpClass)> {
    use OpClass::*;
    use Space::*;
    Some(match (space, s) {
        (_, 0x01) => ("Get Attributes All", Read),
        (_, 0x02) => ("Set Attributes All", Write),
        (_, 0x03) => ("Get Attribute List", Read),
        (_, 0x04) => ("Set Attribute List", Write),
        (_, 0x05) => ("Reset", Control),
        (_, 0x06) => ("Start", Control),
        (_, 0x07) => ("Stop", Control),
        (_, 0x08) => ("Create", Write),
        (_, 0x09) => ("Delete", Write),
        (_, 0x0A) => ("Multiple Service Packet", Other),
        (_, 0x0D) => ("Apply Attributes", Write),
        (_, 0x0E) => ("Get Attribute Single", Read),
        (_, 0x10) => ("Set Attribute Single", Write),
        (_, 0x11) => ("Find Next Object Instance", Read),
        (_, 0x15) => ("Restore", Write),
        (_, 0x16) => ("Save", Write),
        (_, 0x17) => ("Nop", Other),
        (_, 0x18) => ("Get Member", Read),
        (_, 0x19) => ("Set Member", Write),
        (_, 0x1A) => ("Insert Member", Write),
        (_, 0x1B) => ("Remove Member", Write),
        (_, 0x1C) => ("Group Sync", Other),
        (ConnectionManager, 0x4E) => ("Forward Close", Session),
        (ConnectionManager, 0x52) => ("Unconnected Send", Session),
        (ConnectionManager, 0x54) => ("Forward Open", Session),
        (ConnectionManager, 0x56) => ("Get Connection Data", Diagnostic),
        (ConnectionManager, 0x57) => ("Search Connection Data", Diagnostic),
        (ConnectionManager, 0x5A) => ("Get Connection Owner", Diagnostic),
        (ConnectionManager, 0x5B) => ("Large Forward Open", Session),
        (LogixTag, 0x4C) => ("Read Tag", Read),
        (LogixTag, 0x4D) => ("Write Tag", Write),
        (LogixTag, 0x4E) => ("Read Modify Write Tag", Write),
        (LogixTag, 0x52) => ("Read Tag Fragmented", Read),
        (LogixTag, 0x53) => ("Write Tag Fragmented", Write),
        (LogixTag, 0x55) => ("Get Instance Attribute List", Read),
        (LogixTemplate, 0x4C) => ("Read Template", Read),
        (Pccc, 0x4B) => ("Execute PCCC", Other),
        (Modbus, 0x4B) => ("Read Discrete", Read),
        (Modbus, 0x4C) => ("Read Coils", Read),
        (Modbus, 0x4D) => ("Read Input Registers", Read),
        (Modbus, 0x4E) => ("Read Holding Registers", Read),
        (Modbus, 0x4F) => ("Write Coils", Write),
        (Modbus, 0x50) => ("Write Holding Registers", Write),
        (Modbus, 0x51) => ("Modbus Passthrough", Other),
        _ => return None,
    })
}

// Wireshark's name for a service it does not know, one row per high nibble.
macro_rules! unknown_row {
    ($h:literal) => {
        [
            concat!("Unknown Service (0x", $h, "0)"),
            concat!("Unknown Service (0x", $h, "1)"),
            concat!("Unknown Service (0x", $h, "2)"),
            concat!("Unknown Service (0x", $h, "3)"),
            concat!("Unknown Service (0x", $h, "4)"),
            concat!("Unknown Service (0x", $h, "5)"),
            concat!("Unknown Service (0x", $h, "6)"),
            concat!("Unknown Service (0x", $h, "7)"),
            concat!("Unknown Service (0x", $h, "8)"),
            concat!("Unknown Service (0x", $h, "9)"),
            concat!("Unknown Service (0x", $h, "a)"),
            concat!("Unknown Service (0x", $h, "b)"),
            concat!("Unknown Service (0x", $h, "c)"),
            concat!("Unknown Service (0x", $h, "d)"),
            concat!("Unknown Service (0x", $h, "e)"),
            concat!("Unknown Service (0x", $h, "f)"),
        ]
    };
}

/// `Unknown Service (0xNN)` for every 7-bit code, as one flat table.
static UNKNOWN_SERVICE: [&str; 128] = {
    let rows: [[&str; 16]; 8] = [
        unknown_row!("0"),
        unknown_row!("1"),
        unknown_row!("2"),
        unknown_row!("3"),
        unknown_row!("4"),
        unknown_row!("5"),
        unknown_row!("6"),
        unknown_row!("7"),
    ];
    let mut out = [""; 128];
    let mut i = 0;
    while i < 128 {
        out[i] = rows[i / 16][i % 16];
        i += 1;
    }
    out
};

/// A CIP general status (Vol. 1 Appendix B); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GeneralStatus(pub u8);

impl GeneralStatus {
    pub const SUCCESS: Self = Self(0x00);
    pub const CONNECTION_FAILURE: Self = Self(0x01);
    pub const PATH_SEGMENT_ERROR: Self = Self(0x04);
    pub const PATH_DESTINATION_UNKNOWN: Self = Self(0x05);
    /// The normal answer of a fragmented read before its last fragment.
    pub const PARTIAL_TRANSFER: Self = Self(0x06);
    pub const SERVICE_NOT_SUPPORTED: Self = Self(0x08);
    pub const PRIVILEGE_VIOLATION: Self = Self(0x0F);
    pub const EMBEDDED_SERVICE_ERROR: Self = Self(0x1E);

    /// Wireshark's name (`cip.genstat`).
    pub fn name(self) -> &'static str {
        const NAMES: [&str; 0x2D] = [
            "Success",
            "Connection failure",
            "Resource unavailable",
            "Invalid parameter value",
            "Path segment error",
            "Path destination unknown",
            "Partial transfer",
            "Connection lost",
            "Service not supported",
            "Invalid attribute value",
            "Attribute list error",
            "Already in requested mode/state",
            "Object state conflict",
            "Object already exists",
            "Attribute not settable",
            "Privilege violation",
            "Device state conflict",
            "Reply data too large",
            "Fragmentation of a primitive value",
            "Not enough data",
            "Attribute not supported",
            "Too much data",
            "Object does not exist",
            "Service fragmentation sequence not in progress",
            "No stored attribute data",
            "Store operation failure",
            "Routing failure, request packet too large",
            "Routing failure, response packet too large",
            "Missing attribute list entry data",
            "Invalid attribute value list",
            "Embedded service error",
            "Vendor specific error",
            "Invalid parameter",
            "Write-once value or medium already written",
            "Invalid reply received",
            "Buffer overflow",
            "Invalid message format",
            "Key failure in path",
            "Path size invalid",
            "Unexpected attribute in list",
            "Invalid Member ID",
            "Member not settable",
            "Group 2 only server general failure",
            "Unknown Modbus error",
            "Attribute not gettable",
        ];
        NAMES.get(self.0 as usize).copied().unwrap_or("Unknown")
    }
    /// An error: anything but success and partial transfer.
    pub fn is_error(self) -> bool {
        self != Self::SUCCESS && self != Self::PARTIAL_TRANSFER
    }
}

// ---------------------------------------------------------------------------------
// CIP messages

/// A CIP Message Router request or response (Vol. 1 §2-4), borrowed. Requests: service,
/// path size in words, path, data. Responses: service | 0x80, reserved, general status,
/// additional status size in words, additional status, data.
#[derive(Clone, Copy)]
pub struct Cip<'a> {
    bytes: &'a [u8],
    /// Offset of the service data: after the path, or after the additional status.
    head: usize,
}

impl<'a> Cip<'a> {
    /// Parses a message that fills `b`; `None` where its path or additional status
    /// does not fit.
    pub fn parse(b: &'a [u8]) -> Option<Self> {
        let &service = b.first()?;
        let head = if service & RESPONSE_BIT == 0 {
            2 + 2 * *b.get(1)? as usize
        } else {
            4 + 2 * *b.get(3)? as usize
        };
        (head <= b.len()).then_some(Cip { bytes: b, head })
    }
    pub fn service(&self) -> Service {
        Service(self.bytes[0] & !RESPONSE_BIT)
    }
    pub fn is_response(&self) -> bool {
        self.bytes[0] & RESPONSE_BIT != 0
    }
    /// Bytes of the message.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    /// The request path.
    pub fn path(&self) -> Option<Path<'a>> {
        (!self.is_response()).then(|| Path(&self.bytes[2..self.head]))
    }
    /// A response's general status.
    pub fn general_status(&self) -> Option<GeneralStatus> {
        self.is_response().then(|| GeneralStatus(self.bytes[2]))
    }
    /// A response's additional status words (little-endian bytes).
    pub fn additional_status(&self) -> &'a [u8] {
        if self.is_response() {
            &self.bytes[4..self.head]
        } else {
            &[]
        }
    }
    /// The service data after the path or status.
    pub fn data(&self) -> &'a [u8] {
        &self.bytes[self.head..]
    }
    /// The space the service code belongs to: from the path's class for requests;
    /// `Generic` for responses.
    pub fn space(&self) -> Space {
        match self.path() {
            Some(p) => service_space(self.service(), p.class(), p.symbol().is_some()),
            None => Space::Generic,
        }
    }
    /// The service's name in its space.
    pub fn name(&self) -> &'static str {
        self.service().name_in(self.space())
    }
    /// `Op::function` (see the module docs).
    pub fn function(&self) -> u16 {
        function_code(self.space(), self.service())
    }
    /// `Op::unit`: class << 32 | instance of the request path; 0 without one.
    pub fn unit(&self) -> u64 {
        self.path().map_or(0, |p| {
            ((p.class().unwrap_or(0) as u64) << 32) | p.instance().unwrap_or(0) as u64
        })
    }
    /// A response whose general status is an error (partial transfer is not).
    pub fn is_exception(&self) -> bool {
        self.general_status().is_some_and(GeneralStatus::is_error)
    }
    /// The messages a Multiple Service Packet request or response carries (offset
    /// table: Vol. 1 Appendix A); empty for other services.
    pub fn embedded(&self) -> Embedded<'a> {
        // An error response (other than "embedded service error") has no table: its
        // empty data gives a count of 0.
        let msp = self.service() == Service::MULTIPLE_SERVICE_PACKET;
        Embedded {
            data: self.data(),
            count: if msp {
                le16(self.data(), 0).unwrap_or(0)
            } else {
                0
            },
            next: 0,
        }
    }
    /// An Unconnected Send request to the Connection Manager: the message it carries
    /// and the route to its target (Vol. 1 §3-5.5.2).
    pub fn unconnected_send(&self) -> Option<UnconnectedSend<'a>> {
        if self.service() != Service::UNCONNECTED_SEND || self.space() != Space::ConnectionManager {
            return None;
        }
        let d = self.data();
        let size = le16(d, 2)? as usize;
        let message = Cip::parse(d.get(4..4 + size)?)?;
        // A pad byte follows a message of odd length.
        let at = 4 + size + (size & 1);
        let route = d
            .get(at)
            .and_then(|&words| d.get(at + 2..at + 2 + 2 * words as usize))
            .map(Path);
        Some(UnconnectedSend {
            priority_tick: d[0],
            timeout_ticks: d[1],
            message,
            route,
        })
    }
    /// The identity in a successful Get_Attributes_All reply, guessed from the reply
    /// alone: the data has the Identity object's layout, a non-zero vendor and a
    /// non-empty printable product name. A caller that paired the reply with a request
    /// to class 1 should use `Identity::from_attributes(data())`.
    pub fn identity(&self) -> Option<Identity<'a>> {
        if !self.is_response()
            || self.service() != Service::GET_ATTRIBUTES_ALL
            || self.general_status() != Some(GeneralStatus::SUCCESS)
        {
            return None;
        }
        Identity::from_attributes(self.data()).filter(|i| {
            i.vendor != 0
                && !i.product_name.is_empty()
                && i.product_name.iter().all(|b| (0x20..0x7F).contains(b))
        })
    }
}

impl fmt::Debug for Cip<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        CipDebug(*self, 0).fmt(f)
    }
}

/// `Debug` of a message at a nesting depth: below `MAX_DEPTH`, embedded messages are
/// shown in full; at it, only counted (a nest of Multiple Service Packets must not
/// exhaust the stack).
struct CipDebug<'a>(Cip<'a>, u8);

impl fmt::Debug for CipDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let CipDebug(m, depth) = *self;
        let mut s = f.debug_struct("Cip");
        s.field("service", &m.service().0)
            .field("name", &m.name())
            .field("class", &m.service().class_in(m.space()))
            .field("response", &m.is_response())
            .field("len", &m.len())
            .field("path", &m.path())
            .field(
                "general_status",
                &m.general_status().map(|g| (g.0, g.name())),
            )
            .field("additional_status", &m.additional_status())
            .field("data_len", &m.data().len())
            .field("function", &m.function())
            .field("unit", &unit_text(m.unit()))
            .field("exception", &m.is_exception())
            .field("identity", &m.identity());
        if depth < MAX_DEPTH {
            let inner = depth + 1;
            s.field(
                "embedded",
                &ListOf(m.embedded().map(move |e| CipDebug(e, inner))),
            )
            .field(
                "unconnected_send",
                &m.unconnected_send().map(|u| {
                    (
                        u.priority_tick,
                        u.timeout_ticks,
                        CipDebug(u.message, inner),
                        u.route,
                    )
                }),
            );
        } else {
            s.field("embedded_count", &m.embedded().count())
                .field("unconnected_send", &m.unconnected_send().is_some());
        }
        s.finish()
    }
}

/// Formats an iterator's items as a list.
struct ListOf<I>(I);

impl<I: Iterator<Item = T> + Clone, T: fmt::Debug> fmt::Debug for ListOf<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.clone()).finish()
    }
}

/// Iterator over a Multiple Service Packet's embedded messages. Stops at the first
/// offset outside the data, out of order, or pointing at bytes that are no message.
#[derive(Clone)]
pub struct Embedded<'a> {
    /// The service data: count, offsets (from the count's first byte), messages.
    data: &'a [u8],
    count: u16,
    next: u16,
}

impl<'a> Embedded<'a> {
    /// Number of messages the packet announces.
    pub fn announced(&self) -> u16 {
        self.count
    }
}

impl<'a> Iterator for Embedded<'a> {
    type Item = Cip<'a>;

    fn next(&mut self) -> Option<Cip<'a>> {
        if self.next >= self.count {
            return None;
        }
        let i = self.next as usize;
        let table_end = 2 + 2 * self.count as usize;
        let start = le16(self.data, 2 + 2 * i)? as usize;
        let end = if i + 1 < self.count as usize {
            le16(self.data, 4 + 2 * i)? as usize
        } else {
            self.data.len()
        };
        let m = (start >= table_end && start <= end)
            .then(|| self.data.get(start..end))
            .flatten()
            .and_then(Cip::parse);
        match m {
            Some(m) => {
                self.next += 1;
                Some(m)
            }
            None => {
                self.next = self.count;
                None
            }
        }
    }
}

impl fmt::Debug for Embedded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.clone().map(|m| CipDebug(m, MAX_DEPTH)))
            .finish()
    }
}

/// An Unconnected Send request's parts.
#[derive(Clone, Copy, Debug)]
pub struct UnconnectedSend<'a> {
    /// Priority (bit 4) and tick time (bits 0..=3).
    pub priority_tick: u8,
    pub timeout_ticks: u8,
    /// The message for the target.
    pub message: Cip<'a>,
    /// The route path (port segments); `None` where it is cut off.
    pub route: Option<Path<'a>>,
}

// ---------------------------------------------------------------------------------
// EPATH

/// A padded EPATH (Vol. 1 Appendix C-1), borrowed.
#[derive(Clone, Copy)]
pub struct Path<'a>(&'a [u8]);

impl<'a> Path<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Path(b)
    }
    pub fn bytes(&self) -> &'a [u8] {
        self.0
    }
    /// The segments; ends at the first one this module cannot size.
    pub fn segments(&self) -> Segments<'a> {
        Segments { rest: self.0 }
    }
    /// Whether every byte belongs to a segment `segments` understands.
    pub fn fits(&self) -> bool {
        let mut it = self.segments();
        for _ in it.by_ref() {}
        it.rest.is_empty()
    }
    fn logical(&self, kind: Logical) -> Option<u32> {
        self.segments().find_map(|s| match s {
            Segment::Logical { kind: k, value } if k == kind => Some(value),
            _ => None,
        })
    }
    /// The first class id.
    pub fn class(&self) -> Option<u32> {
        self.logical(Logical::Class)
    }
    /// The first instance id.
    pub fn instance(&self) -> Option<u32> {
        self.logical(Logical::Instance)
    }
    /// The first attribute id.
    pub fn attribute(&self) -> Option<u32> {
        self.logical(Logical::Attribute)
    }
    /// The first member id (a Logix array element).
    pub fn member(&self) -> Option<u32> {
        self.logical(Logical::Member)
    }
    /// The first connection point.
    pub fn connection_point(&self) -> Option<u32> {
        self.logical(Logical::ConnectionPoint)
    }
    /// The first symbol (a Logix tag name).
    pub fn symbol(&self) -> Option<&'a [u8]> {
        self.segments().find_map(|s| match s {
            Segment::Symbol(n) => Some(n),
            _ => None,
        })
    }
}

impl fmt::Debug for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Path")
            .field("len", &self.0.len())
            .field("class", &self.class())
            .field("instance", &self.instance())
            .field("attribute", &self.attribute())
            .field("member", &self.member())
            .field("connection_point", &self.connection_point())
            .field(
                "symbol",
                &self.symbol().map(|s| format!("{}", s.escape_ascii())),
            )
            .field("fits", &self.fits())
            .field("segments", &ListOf(self.segments()))
            .finish()
    }
}

/// A logical segment's type (bits 2..=4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Logical {
    Class,
    Instance,
    Member,
    ConnectionPoint,
    Attribute,
    Special,
    ServiceId,
    Reserved,
}

impl Logical {
    fn from_bits(b: u8) -> Self {
        match b & 7 {
            0 => Self::Class,
            1 => Self::Instance,
            2 => Self::Member,
            3 => Self::ConnectionPoint,
            4 => Self::Attribute,
            5 => Self::Special,
            6 => Self::ServiceId,
            _ => Self::Reserved,
        }
    }
}

/// One EPATH segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Port segment: the port and its link address (ports are routing, not objects).
    Port { port: u16, link: &'a [u8] },
    /// Logical segment (8-, 16- or 32-bit value).
    Logical { kind: Logical, value: u32 },
    /// Electronic key (format 4): vendor, device type, product code, revision.
    Key(&'a [u8]),
    /// Network segment: its segment byte and data.
    Network { kind: u8, data: &'a [u8] },
    /// Symbolic segment or ANSI extended symbol segment: the name.
    Symbol(&'a [u8]),
    /// Simple data segment: the data words' bytes.
    Data(&'a [u8]),
}

/// Iterator over a path's segments.
#[derive(Clone)]
pub struct Segments<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Segments<'a> {
    type Item = Segment<'a>;

    fn next(&mut self) -> Option<Segment<'a>> {
        let (s, used) = segment(self.rest)?;
        self.rest = self.rest.get(used..)?;
        Some(s)
    }
}

/// Padding to a whole word.
fn padded(n: usize) -> usize {
    n + (n & 1)
}

/// The segment at the start of `b` and the bytes it uses, pad included.
fn segment(b: &[u8]) -> Option<(Segment<'_>, usize)> {
    let &first = b.first()?;
    let (seg, used) = match first >> 5 {
        // Port: bit 4 extended link address (size byte follows), port 15 escapes to a
        // 16-bit port number.
        0 => {
            let extended = first & 0x10 != 0;
            let (mut at, size) = if extended {
                (2, *b.get(1)? as usize)
            } else {
                (1, 1)
            };
            let port = if first & 0x0F == 0x0F {
                at += 2;
                le16(b, at - 2)?
            } else {
                (first & 0x0F) as u16
            };
            let link = b.get(at..at + size)?;
            (Segment::Port { port, link }, padded(at + size))
        }
        1 => {
            let kind = Logical::from_bits(first >> 2);
            match (kind, first & 0x03) {
                (Logical::Special, 0) if *b.get(1)? == 4 => (Segment::Key(b.get(2..10)?), 10),
                (Logical::Special | Logical::Reserved, _) => return None,
                (_, 0) => (
                    Segment::Logical {
                        kind,
                        value: *b.get(1)? as u32,
                    },
                    2,
                ),
                (Logical::ServiceId, _) => return None,
                // 16 and 32 bits follow a pad byte.
                (_, 1) => (
                    Segment::Logical {
                        kind,
                        value: le16(b, 2)? as u32,
                    },
                    4,
                ),
                (_, 2) => (
                    Segment::Logical {
                        kind,
                        value: le32(b, 2)?,
                    },
                    6,
                ),
                _ => return None,
            }
        }
        // Network: safety (0x50) and extended (0x5F) carry a size in words; the
        // others one byte.
        2 => {
            if matches!(first & 0x1F, 0x10 | 0x1F) {
                let n = 2 * *b.get(1)? as usize;
                let data = b.get(2..2 + n)?;
                (Segment::Network { kind: first, data }, 2 + n)
            } else {
                let data = b.get(1..2)?;
                (Segment::Network { kind: first, data }, 2)
            }
        }
        // Symbolic: size in the low five bits (0: extended formats, not decoded).
        3 => {
            let size = (first & 0x1F) as usize;
            if size == 0 {
                return None;
            }
            (Segment::Symbol(b.get(1..1 + size)?), padded(1 + size))
        }
        4 => match first {
            0x80 => {
                let n = 2 * *b.get(1)? as usize;
                (Segment::Data(b.get(2..2 + n)?), 2 + n)
            }
            0x91 => {
                let n = *b.get(1)? as usize;
                (Segment::Symbol(b.get(2..2 + n)?), padded(2 + n))
            }
            _ => return None,
        },
        _ => return None,
    };
    // The pad byte must be there too.
    (used <= b.len()).then_some((seg, used))
}

// ---------------------------------------------------------------------------------
// UDP I/O

/// A class 0/1 I/O datagram (UDP 2222): a CPF with a sequenced address item and a
/// connected data item.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct IoPacket<'a> {
    pub connection_id: u32,
    /// Encapsulation sequence number of the sequenced address item.
    pub sequence: u32,
    /// The connected data item's bytes (class 1: a 16-bit sequence count first).
    pub data: &'a [u8],
}

/// Recognises an I/O datagram: items that fill it exactly, the first a sequenced
/// address, then one connected data item and optionally sockaddr info items.
pub fn parse_io(data: &[u8]) -> Option<IoPacket<'_>> {
    let cpf = Cpf::parse(data)?;
    if cpf.count() < 2 || !cpf.fits() {
        return None;
    }
    let mut items = cpf.items();
    let addr = items.next()?;
    let connection_id = addr.connection_id()?;
    let sequence = addr.address_sequence()?;
    let mut payload = None;
    for i in items {
        match i.kind() {
            ItemType::CONNECTED_DATA if payload.is_none() => payload = Some(i.data()),
            ItemType::SOCKADDR_O_T | ItemType::SOCKADDR_T_O => {}
            _ => return None,
        }
    }
    Some(IoPacket {
        connection_id,
        sequence,
        data: payload?,
    })
}

impl fmt::Debug for IoPacket<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IoPacket")
            .field(
                "connection_id",
                &format_args!("{:#010x}", self.connection_id),
            )
            .field("sequence", &self.sequence)
            .field("data_len", &self.data.len())
            .finish()
    }
}

// ---------------------------------------------------------------------------------
// Operations

/// The operations a message performs (codes: see the module docs): each CIP message
/// of SendRRData/SendUnitData with its embedded messages, or else the encapsulation
/// command. An encapsulation status other than success makes every one an exception.
pub fn ops(e: &Encap<'_>, mut f: impl FnMut(Op)) {
    let failed = e.status() != Status::SUCCESS;
    let mut any = false;
    for m in e.messages() {
        any = true;
        message_ops(&m, failed, 0, &mut f);
    }
    if !any {
        f(Op {
            unit: 0,
            function: e.command().0,
            exception: failed,
            request: None,
        });
    }
}

fn message_ops<F: FnMut(Op)>(m: &Cip<'_>, failed: bool, depth: u8, f: &mut F) {
    f(Op {
        unit: m.unit(),
        function: m.function(),
        exception: failed || m.is_exception(),
        request: Some(!m.is_response()),
    });
    if depth >= MAX_DEPTH {
        return;
    }
    for inner in m.embedded() {
        message_ops(&inner, failed, depth + 1, f);
    }
    if let Some(u) = m.unconnected_send() {
        message_ops(&u.message, failed, depth + 1, f);
    }
}

/// Name of an `Op::function` code: an encapsulation command's or a service's.
pub fn function_name(code: u16) -> &'static str {
    match code {
        0..=0xFF => Command(code).name(),
        _ => match (Space::from_code((code >> 8) as u8), code as u8) {
            (Some(space), s) if s & RESPONSE_BIT == 0 => Service(s).name_in(space),
            _ => "Unknown",
        },
    }
}

/// Class of an `Op::function` code.
pub fn function_class(code: u16) -> OpClass {
    match code {
        0..=0xFF => Command(code).class(),
        _ => match (Space::from_code((code >> 8) as u8), code as u8) {
            (Some(space), s) if s & RESPONSE_BIT == 0 => Service(s).class_in(space),
            _ => OpClass::Other,
        },
    }
}

/// `Op::unit` as outputs print it: class in hex, instance in decimal (`0x6b/1`);
/// empty for 0 (no path).
pub fn unit_text(unit: u64) -> String {
    if unit == 0 {
        String::new()
    } else {
        format!("{:#04x}/{}", unit >> 32, unit as u32)
    }
}

/// `Debug` of a message's operations.
struct OpsDebug<'a>(Encap<'a>);

impl fmt::Debug for OpsDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut l = f.debug_list();
        ops(&self.0, |op| {
            l.entry(&(
                op.function,
                function_name(op.function),
                function_class(op.function),
                unit_text(op.unit),
                op.exception,
                op.request,
            ));
        });
        l.finish()
    }
}

impl fmt::Debug for Cpf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cpf")
            .field("interface_handle", &self.interface_handle())
            .field("timeout", &self.timeout())
            .field("count", &self.count())
            .field("fits", &self.fits())
            .field("items", &self.items())
            .finish()
    }
}

impl fmt::Debug for Encap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.command();
        f.debug_struct("Encap")
            .field("command", &c.0)
            .field("name", &c.name())
            .field("class", &c.class())
            .field("length", &self.length())
            .field("session", &format_args!("{:#010x}", self.session()))
            .field("status", &(self.status().0, self.status().name()))
            .field("sender_context", &self.sender_context())
            .field("options", &self.options())
            .field("register_session", &self.register_session())
            .field("cpf", &self.cpf())
            .field("identity", &self.identity())
            .field("ops", &OpsDebug(*self))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn encap(cmd: u16, session: u32, status: u32, data: &[u8]) -> Vec<u8> {
        let mut v = cmd.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(session.to_le_bytes());
        v.extend(status.to_le_bytes());
        v.extend(*b"ottr-ctx");
        v.extend(0u32.to_le_bytes());
        v.extend(data);
        v
    }

    fn item(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut v = kind.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(data);
        v
    }

    /// SendRRData/SendUnitData data: interface handle 0, timeout, items.
    fn send_data(timeout: u16, items: &[Vec<u8>]) -> Vec<u8> {
        let mut v = vec![0, 0, 0, 0];
        v.extend(timeout.to_le_bytes());
        v.extend((items.len() as u16).to_le_bytes());
        for i in items {
            v.extend(i);
        }
        v
    }

    /// SendRRData with a null address item and an unconnected data item.
    fn rr(msg: &[u8]) -> Vec<u8> {
        rr_status(msg, 0)
    }

    fn rr_status(msg: &[u8], status: u32) -> Vec<u8> {
        let data = send_data(10, &[item(0, &[]), item(0xB2, msg)]);
        encap(0x6F, 0x1102_0100, status, &data)
    }

    fn req(service: u8, path: &[u8], data: &[u8]) -> Vec<u8> {
        let mut v = vec![service, (path.len() / 2) as u8];
        v.extend(path);
        v.extend(data);
        v
    }

    fn resp(service: u8, status: u8, ext: &[u16], data: &[u8]) -> Vec<u8> {
        let mut v = vec![service | 0x80, 0, status, ext.len() as u8];
        for e in ext {
            v.extend(e.to_le_bytes());
        }
        v.extend(data);
        v
    }

    /// A Multiple Service Packet's data: count, offsets, messages.
    fn msp_data(msgs: &[Vec<u8>]) -> Vec<u8> {
        let mut v = (msgs.len() as u16).to_le_bytes().to_vec();
        let mut at = 2 + 2 * msgs.len();
        for m in msgs {
            v.extend((at as u16).to_le_bytes());
            at += m.len();
        }
        for m in msgs {
            v.extend(m);
        }
        v
    }

    fn ops_of(b: &[u8]) -> Vec<Op> {
        let e = parse(b).unwrap();
        assert_eq!(e.len(), b.len());
        assert!(!format!("{e:?}").is_empty());
        let mut v = vec![];
        ops(&e, |o| v.push(o));
        v
    }

    fn op(unit: u64, function: u16, exception: bool, request: Option<bool>) -> Op {
        Op {
            unit,
            function,
            exception,
            request,
        }
    }

    const IDENTITY_1_1: u64 = 1 << 32 | 1;
    const LIST_IDENTITY_REQ: &str = "63000000000000000000000000000000c1debed100000000";
    // cisagov/icsnpp-enip enip_cip_example.pcap: a 1756-ENBT/A answers.
    const LIST_IDENTITY_REPLY: &str =
        "63003300000000000000000000000000c1debed10000000001000c002d0001\
        000002af120a0101a4000000000000000001000c003a00040330008e4d52000b313735362d454e42542f4103";
    // nDPI ethernetIP.pcap frame 29: Unconnected Send of Get_Attributes_All to 0xAC/1.
    const UNCONNECTED_SEND: &str =
        "6f00260000050213000000006ac0be0000000000000000000000000014000200\
        00000000b200160052022006240107e90800010220ac2401010001000100";
    // Frame 31: its reply, which is not an Identity.
    const GAA_REPLY_0XAC: &str = "6f00340000050213000000006ac0be00000000000000000000000000140002\
        0000000000b200240081000000e8000100e302b2a4c1d1afa40000e803020000009453d33d01000100e2fc2030";
    // cisagov/icsnpp-enip multiple_service_packet_cip.pcapng: eleven Get_Attribute_List.
    const MSP_11: &str = "7000ba00000102110000000000000000000000000000000000000000010002\
        00a1000400010b7c00b100a60089070a02200224010b00180022002c0036004c005800640072007c008a0094\
        000302200124010100050003022069240001000b0003022073240101000200030220ac240107000100020003\
        000500070009000a000303206825002024010013000302207024010200120013000302208e24010300030008\
        0010000302206924000100090003022068240003000f0018001900030220772401010002000302208b240101\
        000600";
    // nDPI cip_io.pcap: a class-1 I/O datagram.
    const IO: &str = "020002800800787b3a00e8cb5e04b1000c000300fdffffffffffffff0000";

    #[test]
    fn register_session_request_and_reply() {
        let b = encap(0x65, 0, 0, &[1, 0, 0, 0]);
        let e = parse(&b).unwrap();
        assert_eq!(e.command(), Command::REGISTER_SESSION);
        assert_eq!(e.command().name(), "Register Session");
        assert_eq!((e.len(), e.session(), e.status()), (28, 0, Status::SUCCESS));
        assert_eq!(e.register_session(), Some((1, 0)));
        assert_eq!(e.sender_context(), *b"ottr-ctx");
        assert!(e.cpf().is_none() && e.message().is_none());
        assert_eq!(ops_of(&b), [op(0, 0x65, false, None)]);
        assert_eq!(function_class(0x65), OpClass::Session);
        assert_eq!(function_name(0x65), "Register Session");

        let b = encap(0x65, 0x1102_0100, 0, &[1, 0, 0, 0]);
        assert_eq!(parse(&b).unwrap().session(), 0x1102_0100);
        let b = encap(0x65, 0, 0x69, &[1, 0, 0, 0]);
        let e = parse(&b).unwrap();
        assert_eq!(e.status().name(), "Unsupported Protocol Revision");
        assert_eq!(ops_of(&b), [op(0, 0x65, true, None)]);

        let b = encap(0x66, 0x1102_0100, 0, &[]);
        assert_eq!(ops_of(&b), [op(0, 0x66, false, None)]);
        assert_eq!(function_name(0x66), "Unregister Session");
        assert_eq!(
            parse(&encap(0x65, 0, 0, &[1, 0, 0, 0, 0])).err(),
            Some(Error::Length(5))
        );
        assert_eq!(
            parse(&encap(0x66, 0, 0, &[0])).err(),
            Some(Error::Length(1))
        );
    }

    #[test]
    fn list_identity_request_and_reply() {
        let b = hex(LIST_IDENTITY_REQ);
        let e = parse(&b).unwrap();
        assert_eq!(e.command(), Command::LIST_IDENTITY);
        assert!(e.cpf().is_none() && e.identity().is_none());
        assert_eq!(ops_of(&b), [op(0, 0x63, false, None)]);
        assert_eq!(function_class(0x63), OpClass::Identity);

        let b = hex(LIST_IDENTITY_REPLY);
        let e = parse(&b).unwrap();
        let cpf = e.cpf().unwrap();
        assert_eq!(
            (cpf.count(), cpf.fits(), cpf.interface_handle()),
            (1, true, None)
        );
        let it = cpf.items().next().unwrap();
        assert_eq!(it.kind(), ItemType::CIP_IDENTITY);
        assert_eq!(it.kind().name(), "CIP Identity");
        let id = e.identity().unwrap();
        assert_eq!(
            id.socket,
            Some(SockAddr {
                family: 2,
                port: PORT,
                addr: Ipv4Addr::new(10, 1, 1, 164)
            })
        );
        assert_eq!(id.encap_version, Some(1));
        assert_eq!((id.vendor, id.device_type, id.product_code), (1, 0x0c, 58));
        assert_eq!((id.revision_text(), id.status), ("4.3".to_string(), 0x0030));
        assert_eq!(id.serial, 0x0052_4d8e);
        assert_eq!(id.product_name, b"1756-ENBT/A");
        assert_eq!(id.state, Some(3));
        assert!(format!("{id:?}").contains("1756-ENBT/A"));
        assert_eq!(ops_of(&b), [op(0, 0x63, false, None)]);
    }

    #[test]
    fn get_attribute_single_on_identity() {
        let m = req(0x0E, &[0x20, 0x01, 0x24, 0x01, 0x30, 0x07], &[]);
        let b = rr(&m);
        let e = parse(&b).unwrap();
        let cpf = e.cpf().unwrap();
        assert_eq!((cpf.interface_handle(), cpf.timeout()), (Some(0), Some(10)));
        assert_eq!(cpf.count(), 2);
        let m = e.message().unwrap();
        assert_eq!(m.service(), Service::GET_ATTRIBUTE_SINGLE);
        assert_eq!(m.name(), "Get Attribute Single");
        assert!(!m.is_response() && m.general_status().is_none());
        let p = m.path().unwrap();
        assert_eq!(
            (p.class(), p.instance(), p.attribute()),
            (Some(1), Some(1), Some(7))
        );
        assert!(p.fits());
        assert_eq!((m.function(), m.unit()), (0x10E, IDENTITY_1_1));
        assert_eq!(ops_of(&b), [op(IDENTITY_1_1, 0x10E, false, Some(true))]);
        assert_eq!(function_class(0x10E), OpClass::Read);
        assert_eq!(function_name(0x10E), "Get Attribute Single");
        assert_eq!(unit_text(IDENTITY_1_1), "0x01/1");

        // The reply: attribute 7 is the product name.
        let r = resp(0x0E, 0, &[], b"\x0bPowerFlex 7");
        let b = rr(&r);
        let m = parse(&b).unwrap().message().unwrap();
        assert!(m.is_response() && m.path().is_none());
        assert_eq!(m.general_status(), Some(GeneralStatus::SUCCESS));
        assert_eq!(m.data(), b"\x0bPowerFlex 7");
        assert_eq!(ops_of(&b), [op(0, 0x10E, false, Some(false))]);
    }

    #[test]
    fn set_attribute_single_writes_and_reset_controls() {
        // Set attribute 1 of the TCP/IP object's instance 1 (16-bit class segment).
        let m = req(
            0x10,
            &[0x21, 0x00, 0xF5, 0x00, 0x24, 0x01, 0x30, 0x01],
            &[1, 0, 0, 0],
        );
        let b = rr(&m);
        let m = parse(&b).unwrap().message().unwrap();
        assert_eq!(m.path().unwrap().class(), Some(0xF5));
        assert_eq!(m.data(), &[1, 0, 0, 0]);
        let o = ops_of(&b);
        assert_eq!(o, [op(0xF5 << 32 | 1, 0x110, false, Some(true))]);
        assert_eq!(function_class(0x110), OpClass::Write);
        assert_eq!(function_name(0x110), "Set Attribute Single");
        assert_eq!(unit_text(o[0].unit), "0xf5/1");

        // Reset type 1 (power cycle) on the Identity object.
        let b = rr(&req(0x05, &[0x20, 0x01, 0x24, 0x01], &[1]));
        assert_eq!(ops_of(&b), [op(IDENTITY_1_1, 0x105, false, Some(true))]);
        assert_eq!(function_class(0x105), OpClass::Control);
        assert_eq!(function_name(0x105), "Reset");
        assert_eq!(function_class(0x107), OpClass::Control);
    }

    #[test]
    fn forward_open_and_close_via_connection_manager() {
        let cm = [0x20, 0x06, 0x24, 0x01];
        // Forward Open: timing, ids, serials, RPIs, parameters, transport, path.
        let mut fo = vec![
            0x0A, 0x0E, 0, 0, 0, 0, 0x01, 0, 0, 0x80, 0x31, 0x33, 0x01, 0,
        ];
        fo.extend([0x78, 0x56, 0x34, 0x12, 0x01, 0, 0, 0, 0x40, 0x4B, 0x4C, 0]);
        fo.extend([0xF4, 0x43, 0x40, 0x4B, 0x4C, 0, 0xF4, 0x43, 0xA3, 0x03]);
        fo.extend([0x01, 0x00, 0x20, 0x02, 0x24, 0x01]);
        let b = rr(&req(0x54, &cm, &fo));
        let m = parse(&b).unwrap().message().unwrap();
        assert_eq!(m.space(), Space::ConnectionManager);
        assert_eq!(m.name(), "Forward Open");
        assert_eq!(ops_of(&b), [op(6 << 32 | 1, 0x254, false, Some(true))]);
        assert_eq!(function_name(0x254), "Forward Open");
        assert_eq!(function_class(0x254), OpClass::Session);
        let b = rr(&req(0x5B, &cm, &fo));
        assert_eq!(ops_of(&b)[0].function, 0x25B);
        assert_eq!(function_name(0x25B), "Large Forward Open");

        let b = rr(&req(
            0x4E,
            &cm,
            &[0x0A, 0x0E, 0x01, 0x00, 0x01, 0, 0x78, 0x56, 0x34, 0x12],
        ));
        assert_eq!(ops_of(&b), [op(6 << 32 | 1, 0x24E, false, Some(true))]);
        assert_eq!(function_name(0x24E), "Forward Close");
        assert_eq!(function_class(0x24E), OpClass::Session);

        // The reply has no path: its class-specific code stays generic.
        let b = rr(&resp(0x54, 0, &[], &[0; 26]));
        assert_eq!(ops_of(&b), [op(0, 0x154, false, Some(false))]);
        assert_eq!(function_name(0x154), "Unknown Service (0x54)");
        assert_eq!(function_class(0x154), OpClass::Other);
        assert_eq!(
            function_code(service_space(Service(0x54), Some(6), false), Service(0x54)),
            0x254
        );

        // The same code on a symbolic path is a Logix tag service.
        let tag = [0x91, 0x05, b'S', b'p', b'e', b'e', b'd', 0x00];
        let b = rr(&req(0x4E, &tag, &[2, 0, 0xFF, 0xFF, 0x01, 0x00]));
        let m = parse(&b).unwrap().message().unwrap();
        assert_eq!(m.path().unwrap().symbol(), Some(&b"Speed"[..]));
        assert_eq!(ops_of(&b), [op(0, 0x34E, false, Some(true))]);
        assert_eq!(function_name(0x34E), "Read Modify Write Tag");
        assert_eq!(function_class(0x34E), OpClass::Write);
        let b = rr(&req(0x4C, &tag, &[1, 0]));
        assert_eq!(ops_of(&b)[0].function, 0x34C);
        assert_eq!(function_class(0x34C), OpClass::Read);
        let b = rr(&req(0x4D, &tag, &[0xC4, 0, 1, 0, 1, 0, 0, 0]));
        assert_eq!(function_class(ops_of(&b)[0].function), OpClass::Write);
        // On an object not named here (Rockwell's 0x72): unknown.
        let b = rr(&req(0x4C, &[0x20, 0x72, 0x24, 0x00], &[]));
        assert_eq!(ops_of(&b), [op(0x72 << 32, 0x14C, false, Some(true))]);
        assert_eq!(function_name(0x14C), "Unknown Service (0x4c)");
        // PCCC.
        let b = rr(&req(
            0x4B,
            &[0x20, 0x67, 0x24, 0x01],
            &[7, 0x4d, 0, 1, 2, 3, 4],
        ));
        assert_eq!(ops_of(&b)[0].function, 0x54B);
        assert_eq!(function_name(0x54B), "Execute PCCC");
        assert_eq!(function_class(0x54B), OpClass::Other);
    }

    #[test]
    fn unconnected_send_reports_the_message_it_carries() {
        let b = hex(UNCONNECTED_SEND);
        let e = parse(&b).unwrap();
        let m = e.message().unwrap();
        let u = m.unconnected_send().unwrap();
        assert_eq!((u.priority_tick, u.timeout_ticks), (0x07, 0xE9));
        assert_eq!(u.message.service(), Service::GET_ATTRIBUTES_ALL);
        assert_eq!(u.message.path().unwrap().class(), Some(0xAC));
        let route: Vec<_> = u.route.unwrap().segments().collect();
        assert_eq!(
            route,
            [Segment::Port {
                port: 1,
                link: &[0]
            }]
        );
        assert_eq!(
            ops_of(&b),
            [
                op(6 << 32 | 1, 0x252, false, Some(true)),
                op(0xAC << 32 | 1, 0x101, false, Some(true))
            ]
        );
        assert_eq!(function_name(0x252), "Unconnected Send");
        // A Read Tag Fragmented is the same code on a tag.
        assert_eq!(function_name(0x352), "Read Tag Fragmented");
    }

    #[test]
    fn multiple_service_packet_reports_each_service() {
        let a = req(0x0E, &[0x20, 0x01, 0x24, 0x01, 0x30, 0x01], &[]);
        let b2 = req(0x03, &[0x20, 0x68, 0x25, 0x00, 0x20, 0x24], &[1, 0, 3, 0]);
        let b = rr(&req(0x0A, &[0x20, 0x02, 0x24, 0x01], &msp_data(&[a, b2])));
        let m = parse(&b).unwrap().message().unwrap();
        assert_eq!(m.embedded().announced(), 2);
        assert_eq!(m.embedded().count(), 2);
        assert_eq!(
            ops_of(&b),
            [
                op(2 << 32 | 1, 0x10A, false, Some(true)),
                op(IDENTITY_1_1, 0x10E, false, Some(true)),
                op(0x68 << 32 | 0x2420, 0x103, false, Some(true)),
            ]
        );
        assert_eq!(function_name(0x10A), "Multiple Service Packet");
        assert_eq!(function_class(0x10A), OpClass::Other);

        // The reply: "embedded service error", one success and one failure.
        let ok = resp(0x0E, 0, &[], &[1, 0]);
        let bad = resp(0x03, 0x05, &[0x0001], &[]);
        let b = rr(&resp(0x0A, 0x1E, &[], &msp_data(&[ok, bad])));
        assert_eq!(
            ops_of(&b),
            [
                op(0, 0x10A, true, Some(false)),
                op(0, 0x10E, false, Some(false)),
                op(0, 0x103, true, Some(false)),
            ]
        );

        // A real one: SendUnitData with eleven Get_Attribute_List requests.
        let b = hex(MSP_11);
        let o = ops_of(&b);
        assert_eq!(o.len(), 12);
        assert_eq!(o[0], op(2 << 32 | 1, 0x10A, false, Some(true)));
        assert!(o[1..].iter().all(|o| o.function == 0x103));
        assert_eq!(o[1].unit, IDENTITY_1_1);
        assert_eq!(unit_text(o[5].unit), "0x68/9248");
        assert_eq!(unit_text(o[3].unit), "0x73/1");

        // Offsets into the table, backwards or outside stop the iterator.
        let two = [req(0x0E, &[0x20, 0x01], &[]), req(0x0E, &[0x20, 0x01], &[])];
        let d = msp_data(&two);
        for (at, v, n) in [(2, 0x05, 0), (4, 0x01, 0), (4, 0xF0, 0), (4, 0x0A, 2)] {
            let mut d = d.clone();
            d[at] = v;
            let b = rr(&req(0x0A, &[0x20, 0x02, 0x24, 0x01], &d));
            let m = parse(&b).unwrap().message().unwrap();
            assert_eq!(m.embedded().count(), n, "offset byte {at} = {v}");
            assert_eq!(ops_of(&b).len(), 1 + n);
        }
    }

    #[test]
    fn cip_error_response() {
        let b = rr(&resp(0x0E, 0x05, &[], &[]));
        let m = parse(&b).unwrap().message().unwrap();
        assert_eq!(
            m.general_status(),
            Some(GeneralStatus::PATH_DESTINATION_UNKNOWN)
        );
        assert_eq!(
            m.general_status().unwrap().name(),
            "Path destination unknown"
        );
        assert!(m.is_exception());
        assert_eq!(ops_of(&b), [op(0, 0x10E, true, Some(false))]);
        // Additional status words.
        let b = rr(&resp(0x54, 0x01, &[0x0100], &[]));
        let m = parse(&b).unwrap().message().unwrap();
        assert_eq!(m.additional_status(), &[0x00, 0x01]);
        assert!(m.is_exception());
        // Partial transfer is a normal answer.
        let b = rr(&resp(0x52, 0x06, &[], &[0xC4, 0, 1, 2, 3, 4]));
        assert!(!ops_of(&b)[0].exception);
        assert_eq!(GeneralStatus(0x2C).name(), "Attribute not gettable");
        assert_eq!(GeneralStatus(0x2D).name(), "Unknown");
        // A failed encapsulation makes its messages exceptions too.
        let b = rr_status(&req(0x0E, &[0x20, 0x01, 0x24, 0x01, 0x30, 0x07], &[]), 0x64);
        assert!(ops_of(&b)[0].exception);
        // ... and an empty failed SendRRData reports the command.
        let b = encap(0x6F, 1, 0x65, &[]);
        assert_eq!(ops_of(&b), [op(0, 0x6F, true, None)]);
        assert_eq!(function_name(0x6F), "Send RR Data");
    }

    #[test]
    fn send_unit_data_connected() {
        let m = req(0x0E, &[0x20, 0x01, 0x24, 0x01, 0x30, 0x01], &[]);
        let mut data = 0x0789u16.to_le_bytes().to_vec();
        data.extend(&m);
        let items = [item(0xA1, &0x007c_0b01u32.to_le_bytes()), item(0xB1, &data)];
        let b = encap(0x70, 0x1102_0100, 0, &send_data(0, &items));
        let e = parse(&b).unwrap();
        let cpf = e.cpf().unwrap();
        assert!(cpf.fits());
        let it: Vec<_> = cpf.items().collect();
        assert_eq!(it[0].kind().name(), "Connected Address Item");
        assert_eq!(it[0].connection_id(), Some(0x007c_0b01));
        assert_eq!(it[1].sequence_count(), Some(0x0789));
        assert!(it[0].message().is_none());
        assert_eq!(
            it[1].message().unwrap().service(),
            Service::GET_ATTRIBUTE_SINGLE
        );
        assert_eq!(ops_of(&b), [op(IDENTITY_1_1, 0x10E, false, Some(true))]);
        // Connected data that is no CIP message: the command is reported.
        let items = [item(0xA1, &[1, 0, 0, 0]), item(0xB1, &[1])];
        let b = encap(0x70, 1, 0, &send_data(0, &items));
        assert_eq!(ops_of(&b), [op(0, 0x70, false, None)]);
    }

    #[test]
    fn get_attributes_all_identity_reply() {
        let mut attrs = vec![0x01, 0x00, 0x0E, 0x00, 0x36, 0x00, 20, 11, 0x60, 0x30];
        attrs.extend(0x00c0_ffeeu32.to_le_bytes());
        attrs.push(20);
        attrs.extend(b"1756-L61/B LOGIX5561");
        let b = rr(&resp(0x01, 0, &[], &attrs));
        let m = parse(&b).unwrap().message().unwrap();
        let id = m.identity().unwrap();
        assert_eq!((id.vendor, id.device_type, id.product_code), (1, 14, 0x36));
        assert_eq!(
            (id.revision, id.status, id.serial),
            ((20, 11), 0x3060, 0x00c0_ffee)
        );
        assert_eq!(id.product_name, b"1756-L61/B LOGIX5561");
        assert_eq!((id.state, id.socket, id.encap_version), (None, None, None));
        assert_eq!(ops_of(&b), [op(0, 0x101, false, Some(false))]);
        // With the state attribute.
        attrs.push(3);
        let b = rr(&resp(0x01, 0, &[], &attrs));
        assert_eq!(
            parse(&b)
                .unwrap()
                .message()
                .unwrap()
                .identity()
                .unwrap()
                .state,
            Some(3)
        );
        // A request, or an error, is none.
        let b = rr(&req(0x01, &[0x20, 0x01, 0x24, 0x01], &[]));
        assert!(parse(&b).unwrap().message().unwrap().identity().is_none());
        // Another object's attributes do not pass for an identity.
        let b = hex(GAA_REPLY_0XAC);
        let m = parse(&b).unwrap().message().unwrap();
        assert_eq!(m.service(), Service::GET_ATTRIBUTES_ALL);
        assert!(m.identity().is_none());
    }

    #[test]
    fn io_datagram() {
        let b = hex(IO);
        let p = parse_io(&b).unwrap();
        assert_eq!((p.connection_id, p.sequence), (0x003a_7b78, 0x045e_cbe8));
        assert_eq!(p.data.len(), 12);
        assert!(format!("{p:?}").contains("0x003a7b78"));
        // Trailing bytes, a missing data item, or encapsulation: not I/O.
        let mut longer = b.clone();
        longer.push(0);
        assert!(parse_io(&longer).is_none());
        assert!(parse_io(&b[..b.len() - 1]).is_none());
        assert!(parse_io(&hex(LIST_IDENTITY_REPLY)).is_none());
        assert!(parse_io(&hex(UNCONNECTED_SEND)).is_none());
        let mut one = vec![1, 0];
        one.extend(item(0x8002, &[0; 8]));
        assert!(parse_io(&one).is_none());
    }

    #[test]
    fn not_enip() {
        assert_eq!(parse(&[0x01, 0x00]).err(), Some(Error::Command(1)));
        assert_eq!(
            parse(b"GET / HTTP/1.1\r\n").err(),
            Some(Error::Command(0x4547))
        );
        assert_eq!(
            parse(&[0x6F, 0x00, 0xFF, 0xFF]).err(),
            Some(Error::Length(0xFFFF))
        );
        let mut b = encap(0x6F, 0, 0, &send_data(0, &[]));
        b[20] = 1;
        assert_eq!(parse(&b).err(), Some(Error::Options(1)));
        assert_eq!(
            parse(&encap(0x6F, 0, 0, &[0, 0])).err(),
            Some(Error::Length(2))
        );
        assert_eq!(
            parse(&[0x63, 0x00]).err(),
            Some(Error::Short { need: 24, have: 2 })
        );
        assert_eq!(
            parse(&encap(0x6F, 0, 0, &send_data(0, &[]))[..30]).err(),
            Some(Error::Short { need: 32, have: 30 })
        );
        assert_eq!(Command(0x4547).name(), "Unknown");
        assert_eq!(function_name(0x4547), "Unknown");
        assert_eq!(function_name(0x1FF), "Unknown");
        assert_eq!(function_class(0x9999), OpClass::Other);
    }

    #[test]
    fn path_segments() {
        let p = Path::new(&[
            0x01, 0x00, // port 1, link 0
            0x12, 0x03, b'1', b'.', b'2', 0x00, // port 2, extended link "1.2" padded
            0x0F, 0x12, 0x00, 0x05, // port 0x12, link 5
            0x34, 0x04, 0x01, 0x00, 0x0E, 0x00, 0x36, 0x00, 0x14, 0x0B, // key
            0x21, 0x00, 0x34, 0x12, // class 0x1234
            0x26, 0x00, 0x78, 0x56, 0x34, 0x12, // instance 0x12345678
            0x2C, 0x65, // connection point 0x65
            0x28, 0x02, // member 2
            0x30, 0x07, // attribute 7
            0x43, 0x0A, // network: production inhibit time
            0x80, 0x01, 0xAA, 0xBB, // simple data
            0x63, b'a', b'b', b'c', // symbolic
        ]);
        let segs: Vec<_> = p.segments().collect();
        assert_eq!(segs.len(), 12);
        assert_eq!(
            segs[1],
            Segment::Port {
                port: 2,
                link: b"1.2"
            }
        );
        assert_eq!(
            segs[2],
            Segment::Port {
                port: 0x12,
                link: &[5]
            }
        );
        assert_eq!(segs[3], Segment::Key(&[1, 0, 0x0E, 0, 0x36, 0, 0x14, 0x0B]));
        assert_eq!(
            (p.class(), p.instance(), p.connection_point()),
            (Some(0x1234), Some(0x1234_5678), Some(0x65))
        );
        assert_eq!((p.member(), p.attribute()), (Some(2), Some(7)));
        assert_eq!(segs[10], Segment::Data(&[0xAA, 0xBB]));
        assert_eq!(p.symbol(), Some(&b"abc"[..]));
        assert!(p.fits());
        assert!(format!("{p:?}").contains("abc"));
        // A reserved type stops the walk; a missing pad byte too.
        let p = Path::new(&[0x20, 0x01, 0xE0, 0x00]);
        assert_eq!(p.segments().count(), 1);
        assert!(!p.fits());
        assert_eq!(
            Path::new(&[0x91, 0x03, b'a', b'b', b'c'])
                .segments()
                .count(),
            0
        );
        assert_eq!(Path::new(&[0x23, 0x01]).segments().count(), 0);
    }

    #[test]
    fn names_and_units() {
        assert_eq!(function_name(0), "NOP");
        assert_eq!(function_name(0x04), "List Services");
        assert_eq!(function_name(0x64), "List Interfaces");
        assert_eq!(function_name(0x70), "Send Unit Data");
        assert_eq!(function_name(0xC8), "StartDTLS");
        assert_eq!(function_name(0x101), "Get Attributes All");
        assert_eq!(function_name(0x102), "Set Attributes All");
        assert_eq!(function_name(0x111), "Find Next Object Instance");
        assert_eq!(function_name(0x17F), "Unknown Service (0x7f)");
        assert_eq!(function_name(0x180), "Unknown");
        assert_eq!(function_name(0x355), "Get Instance Attribute List");
        assert_eq!(function_name(0x44C), "Read Template");
        assert_eq!(function_name(0x64F), "Write Coils");
        assert_eq!(function_class(0x64F), OpClass::Write);
        assert_eq!(function_class(0x65A), OpClass::Other);
        assert_eq!(function_class(0x25A), OpClass::Diagnostic);
        assert_eq!(function_class(0x108), OpClass::Write);
        assert_eq!(function_class(0x109), OpClass::Write);
        assert_eq!(function_class(0x10D), OpClass::Write);
        assert_eq!(function_class(0x103), OpClass::Read);
        assert_eq!(function_class(0x04), OpClass::Identity);
        assert_eq!(function_class(0x70), OpClass::Other);
        assert_eq!(Service(0x8E).name(), "Get Attribute Single");
        assert_eq!(unit_text(0), "");
        assert_eq!(unit_text(0x6B << 32 | 1), "0x6b/1");
        assert_eq!(unit_text(0x0F5 << 32), "0xf5/0");
        for s in 0..0x80u8 {
            let n = Service(s).name();
            assert!(!n.is_empty());
            if service_entry(Space::Generic, s).is_none() {
                assert_eq!(n, format!("Unknown Service ({s:#04x})"));
            }
        }
    }

    #[test]
    fn nested_packets_are_bounded() {
        // 500 Multiple Service Packets, each inside the previous one.
        let mut m = req(0x0E, &[0x20, 0x01, 0x24, 0x01], &[]);
        for _ in 0..500 {
            m = req(0x0A, &[0x20, 0x02, 0x24, 0x01], &msp_data(&[m]));
        }
        let b = rr(&m);
        assert_eq!(ops_of(&b).len(), MAX_DEPTH as usize + 1);
        assert!(format!("{:?}", parse(&b).unwrap()).contains("embedded_count"));
    }

    #[test]
    fn several_messages_in_one_segment() {
        let mut seg = hex(LIST_IDENTITY_REQ);
        seg.extend(encap(0x65, 0, 0, &[1, 0, 0, 0]));
        seg.extend(hex(MSP_11));
        let mut b = &seg[..];
        let mut seen = vec![];
        while let Ok(e) = parse(b) {
            seen.push(e.command().0);
            b = &b[e.len()..];
        }
        assert!(b.is_empty());
        assert_eq!(seen, [0x63, 0x65, 0x70]);
    }

    #[test]
    fn every_prefix_is_handled() {
        let frames = [
            hex(LIST_IDENTITY_REQ),
            hex(LIST_IDENTITY_REPLY),
            hex(UNCONNECTED_SEND),
            hex(GAA_REPLY_0XAC),
            hex(MSP_11),
            encap(0x65, 0, 0, &[1, 0, 0, 0]),
            encap(0x66, 7, 0, &[]),
            rr(&resp(0x0E, 0x05, &[1, 2], &[])),
        ];
        for f in frames {
            for cut in 0..f.len() {
                let r = parse(&f[..cut]);
                assert!(matches!(r, Err(Error::Short { .. })), "cut {cut}: {r:?}");
            }
            let mut longer = f.clone();
            longer.extend([0x6F, 0x00, 0x01]);
            for b in [&f[..], &longer[..]] {
                let e = parse(b).unwrap();
                assert_eq!(e.len(), f.len());
                assert!(!format!("{e:?}").is_empty());
                let mut n = 0;
                ops(&e, |_| n += 1);
                assert!(n >= 1);
            }
            // Inner layers cut short never panic either.
            let e = parse(&f).unwrap();
            for cut in 0..e.data().len() {
                let d = &e.data()[..cut];
                let _ = format!("{:?} {:?}", Cpf::parse(d), parse_io(d));
                if let Some(m) = Cip::parse(d) {
                    let _ = format!("{m:?}");
                }
                let _ = Identity::from_list_identity(d);
                let _ = Identity::from_attributes(d);
            }
        }
    }
}
