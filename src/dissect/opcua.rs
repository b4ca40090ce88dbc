//! OPC UA binary over TCP: one UA TCP message chunk (OPC 10000-6 §7.1.2: the 8-byte
//! header, Hello, Acknowledge, Error, ReverseHello) and the UA Secure Conversation
//! headers of OPN, MSG and CLO chunks (§6.7.2: asymmetric and symmetric security
//! headers, sequence header), and from a readable body the service (the type id of
//! the message body, §5.2.2.9 NodeId encodings; the ids are the `*_Encoding_DefaultBinary`
//! nodes of OPC 10000-6 Annex A / NodeIds.csv) with a few fields triage needs: request
//! handle, service result, the OpenSecureChannel security mode, the ActivateSession
//! identity token type, the server's application description.
//!
//! Whether a body can be read depends on the channel (§6.7.2: with a security policy
//! other than None, OPN bodies are always encrypted; MSG and CLO bodies are encrypted
//! under SignAndEncrypt, readable under Sign). One chunk does not say which, so the
//! flow passes what it knows as a [`Protection`]. Passwords, secrets and the session's
//! authentication token are never read into a view.

use std::fmt;

use super::Op;
pub use super::OpClass;

pub const HEADER_LEN: usize = 8;
/// Largest chunk accepted (the header's size is a u32; real chunk sizes are
/// negotiated in Hello/Acknowledge and rarely exceed 64 KiB).
pub const MAX_CHUNK_LEN: u32 = 16 << 20;
/// Asymmetric algorithm security header policy URI prefix (OPC 10000-7).
pub const POLICY_PREFIX: &[u8] = b"http://opcfoundation.org/UA/SecurityPolicy#";
/// Deepest nested DiagnosticInfo followed.
const MAX_DIAGNOSTIC_DEPTH: u32 = 8;

/// A UA TCP message type (the header's first three bytes); unknown values are refused
/// by `parse`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MessageType(pub [u8; 3]);

impl MessageType {
    pub const HELLO: Self = Self(*b"HEL");
    pub const ACKNOWLEDGE: Self = Self(*b"ACK");
    pub const ERROR: Self = Self(*b"ERR");
    pub const REVERSE_HELLO: Self = Self(*b"RHE");
    pub const OPEN: Self = Self(*b"OPN");
    pub const MESSAGE: Self = Self(*b"MSG");
    pub const CLOSE: Self = Self(*b"CLO");

    pub fn name(self) -> &'static str {
        match &self.0 {
            b"HEL" => "Hello",
            b"ACK" => "Acknowledge",
            b"ERR" => "Error",
            b"RHE" => "ReverseHello",
            b"OPN" => "OpenSecureChannel",
            b"MSG" => "Message",
            b"CLO" => "CloseSecureChannel",
            _ => "Unknown",
        }
    }

    /// Smallest chunk of this type: header plus the fixed fields and empty strings.
    fn min_len(self) -> Option<u32> {
        Some(match &self.0 {
            b"HEL" => 8 + 20 + 4,
            b"ACK" => 8 + 20,
            b"ERR" => 8 + 4 + 4,
            b"RHE" => 8 + 4 + 4,
            // Channel id and three strings (policy, certificate, thumbprint).
            b"OPN" => 8 + 4 + 12,
            // Channel id and token id, then at least the (maybe encrypted) rest.
            b"MSG" | b"CLO" => 8 + 8 + 8,
            _ => return None,
        })
    }

    /// A Secure Conversation chunk (has a secure channel id).
    pub fn is_secure(self) -> bool {
        matches!(&self.0, b"OPN" | b"MSG" | b"CLO")
    }
}

/// A security policy, from the URI in the asymmetric security header (OPC 10000-7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecurityPolicy {
    None,
    Basic128Rsa15,
    Basic256,
    Basic256Sha256,
    Aes128Sha256RsaOaep,
    Aes256Sha256RsaPss,
    /// Another URI (ECC policies, vendor URIs).
    Other,
}

impl SecurityPolicy {
    pub fn from_uri(uri: &[u8]) -> Self {
        match uri.strip_prefix(POLICY_PREFIX) {
            Some(b"None") => Self::None,
            Some(b"Basic128Rsa15") => Self::Basic128Rsa15,
            Some(b"Basic256") => Self::Basic256,
            Some(b"Basic256Sha256") => Self::Basic256Sha256,
            Some(b"Aes128_Sha256_RsaOaep") => Self::Aes128Sha256RsaOaep,
            Some(b"Aes256_Sha256_RsaPss") => Self::Aes256Sha256RsaPss,
            _ => Self::Other,
        }
    }

    /// The specification's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Basic128Rsa15 => "Basic128Rsa15",
            Self::Basic256 => "Basic256",
            Self::Basic256Sha256 => "Basic256Sha256",
            Self::Aes128Sha256RsaOaep => "Aes128_Sha256_RsaOaep",
            Self::Aes256Sha256RsaPss => "Aes256_Sha256_RsaPss",
            Self::Other => "Other",
        }
    }

    /// A stable lowercase word for facts and rules.
    pub fn word(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Basic128Rsa15 => "basic128rsa15",
            Self::Basic256 => "basic256",
            Self::Basic256Sha256 => "basic256sha256",
            Self::Aes128Sha256RsaOaep => "aes128_sha256_rsaoaep",
            Self::Aes256Sha256RsaPss => "aes256_sha256_rsapss",
            Self::Other => "other",
        }
    }
}

/// MessageSecurityMode (OPC 10000-4 §7.20): 1 None, 2 Sign, 3 SignAndEncrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SecurityMode(pub u32);

impl SecurityMode {
    pub const NONE: Self = Self(1);
    pub const SIGN: Self = Self(2);
    pub const SIGN_AND_ENCRYPT: Self = Self(3);

    /// A stable lowercase word for facts and rules.
    pub fn word(self) -> &'static str {
        match self.0 {
            1 => "none",
            2 => "sign",
            3 => "sign_and_encrypt",
            _ => "invalid",
        }
    }
}

/// The user identity token of an ActivateSessionRequest, from its ExtensionObject's
/// type id (OPC 10000-4 §7.36).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserToken {
    Anonymous,
    UserName,
    X509,
    Issued,
    /// No token, or a type id that is none of the standard ones.
    Other,
}

impl UserToken {
    /// From the token's binary encoding id (namespace 0).
    pub fn from_type_id(id: u32) -> Self {
        match id {
            321 => Self::Anonymous,
            324 => Self::UserName,
            327 => Self::X509,
            940 => Self::Issued,
            _ => Self::Other,
        }
    }

    /// A stable lowercase word for facts and rules.
    pub fn word(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::UserName => "username",
            Self::X509 => "x509",
            Self::Issued => "issued",
            Self::Other => "other",
        }
    }
}

/// What the flow knows about whether its channel's MSG and CLO bodies can be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Protection {
    /// Not known (no OPN seen, or a policy other than None and no message yet): a
    /// body is read only when it starts with a standard service's type id and the
    /// header that service's body starts with parses.
    #[default]
    Unknown,
    /// Security policy None, or mode Sign: bodies are plain text.
    Plain,
    /// Mode SignAndEncrypt: bodies are not read.
    Encrypted,
}

/// `Op::function` code: the service's binary encoding node id for services, and
/// codes at 0xff01.. for what is not a service (no standard node id is that large).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionCode(pub u16);

impl FunctionCode {
    pub const SERVICE_FAULT: Self = Self(397);
    pub const FIND_SERVERS_REQUEST: Self = Self(422);
    pub const GET_ENDPOINTS_REQUEST: Self = Self(428);
    pub const GET_ENDPOINTS_RESPONSE: Self = Self(431);
    pub const OPEN_SECURE_CHANNEL_REQUEST: Self = Self(446);
    pub const OPEN_SECURE_CHANNEL_RESPONSE: Self = Self(449);
    pub const CLOSE_SECURE_CHANNEL_REQUEST: Self = Self(452);
    pub const CREATE_SESSION_REQUEST: Self = Self(461);
    pub const CREATE_SESSION_RESPONSE: Self = Self(464);
    pub const ACTIVATE_SESSION_REQUEST: Self = Self(467);
    pub const ACTIVATE_SESSION_RESPONSE: Self = Self(470);
    pub const BROWSE_REQUEST: Self = Self(527);
    pub const READ_REQUEST: Self = Self(631);
    pub const READ_RESPONSE: Self = Self(634);
    pub const WRITE_REQUEST: Self = Self(673);
    pub const CALL_REQUEST: Self = Self(712);
    pub const CREATE_SUBSCRIPTION_REQUEST: Self = Self(787);
    pub const PUBLISH_REQUEST: Self = Self(826);

    /// UA TCP and Secure Conversation messages that are not a service.
    pub const HELLO: Self = Self(0xff01);
    pub const ACKNOWLEDGE: Self = Self(0xff02);
    pub const ERROR: Self = Self(0xff03);
    pub const REVERSE_HELLO: Self = Self(0xff04);
    pub const OPEN: Self = Self(0xff05);
    pub const CLOSE: Self = Self(0xff06);
    /// A MSG whose body could not be read (encrypted).
    pub const ENCRYPTED: Self = Self(0xff07);
    /// A readable MSG whose type id is not a namespace-0 numeric id below 0xff00.
    pub const UNKNOWN_SERVICE: Self = Self(0xff08);

    /// The code of a readable body's type id.
    pub fn of_type_id(ns: u16, id: u32) -> Self {
        match u16::try_from(id) {
            Ok(id) if ns == 0 && id < 0xff00 => Self(id),
            _ => Self::UNKNOWN_SERVICE,
        }
    }

    /// Name and class of the standard services (OPC 10000-4 §5), request and
    /// response, and of the non-service codes.
    fn info(self) -> Option<(&'static str, OpClass)> {
        use OpClass::*;
        Some(match self.0 {
            397 => ("ServiceFault", Other),
            // Discovery: the server says who it is and how to reach it.
            422 => ("FindServersRequest", Identity),
            425 => ("FindServersResponse", Identity),
            12208 => ("FindServersOnNetworkRequest", Identity),
            12209 => ("FindServersOnNetworkResponse", Identity),
            428 => ("GetEndpointsRequest", Identity),
            431 => ("GetEndpointsResponse", Identity),
            437 => ("RegisterServerRequest", Identity),
            440 => ("RegisterServerResponse", Identity),
            12211 => ("RegisterServer2Request", Identity),
            12212 => ("RegisterServer2Response", Identity),
            410 => ("TestStackRequest", Diagnostic),
            413 => ("TestStackResponse", Diagnostic),
            416 => ("TestStackExRequest", Diagnostic),
            419 => ("TestStackExResponse", Diagnostic),
            446 => ("OpenSecureChannelRequest", Session),
            449 => ("OpenSecureChannelResponse", Session),
            452 => ("CloseSecureChannelRequest", Session),
            455 => ("CloseSecureChannelResponse", Session),
            461 => ("CreateSessionRequest", Session),
            464 => ("CreateSessionResponse", Session),
            467 => ("ActivateSessionRequest", Session),
            470 => ("ActivateSessionResponse", Session),
            473 => ("CloseSessionRequest", Session),
            476 => ("CloseSessionResponse", Session),
            479 => ("CancelRequest", Session),
            482 => ("CancelResponse", Session),
            488 => ("AddNodesRequest", Write),
            491 => ("AddNodesResponse", Write),
            494 => ("AddReferencesRequest", Write),
            497 => ("AddReferencesResponse", Write),
            500 => ("DeleteNodesRequest", Write),
            503 => ("DeleteNodesResponse", Write),
            506 => ("DeleteReferencesRequest", Write),
            509 => ("DeleteReferencesResponse", Write),
            527 => ("BrowseRequest", Read),
            530 => ("BrowseResponse", Read),
            533 => ("BrowseNextRequest", Read),
            536 => ("BrowseNextResponse", Read),
            554 => ("TranslateBrowsePathsToNodeIdsRequest", Read),
            557 => ("TranslateBrowsePathsToNodeIdsResponse", Read),
            // Registering nodes only prepares later access; it reads no value.
            560 => ("RegisterNodesRequest", Other),
            563 => ("RegisterNodesResponse", Other),
            566 => ("UnregisterNodesRequest", Other),
            569 => ("UnregisterNodesResponse", Other),
            615 => ("QueryFirstRequest", Read),
            618 => ("QueryFirstResponse", Read),
            621 => ("QueryNextRequest", Read),
            624 => ("QueryNextResponse", Read),
            631 => ("ReadRequest", Read),
            634 => ("ReadResponse", Read),
            664 => ("HistoryReadRequest", Read),
            667 => ("HistoryReadResponse", Read),
            673 => ("WriteRequest", Write),
            676 => ("WriteResponse", Write),
            700 => ("HistoryUpdateRequest", Write),
            703 => ("HistoryUpdateResponse", Write),
            712 => ("CallRequest", Control),
            715 => ("CallResponse", Control),
            // Subscriptions deliver values to the client: reads that the server pushes.
            751 => ("CreateMonitoredItemsRequest", Read),
            754 => ("CreateMonitoredItemsResponse", Read),
            763 => ("ModifyMonitoredItemsRequest", Read),
            766 => ("ModifyMonitoredItemsResponse", Read),
            769 => ("SetMonitoringModeRequest", Read),
            772 => ("SetMonitoringModeResponse", Read),
            775 => ("SetTriggeringRequest", Read),
            778 => ("SetTriggeringResponse", Read),
            781 => ("DeleteMonitoredItemsRequest", Read),
            784 => ("DeleteMonitoredItemsResponse", Read),
            787 => ("CreateSubscriptionRequest", Read),
            790 => ("CreateSubscriptionResponse", Read),
            793 => ("ModifySubscriptionRequest", Read),
            796 => ("ModifySubscriptionResponse", Read),
            799 => ("SetPublishingModeRequest", Read),
            802 => ("SetPublishingModeResponse", Read),
            826 => ("PublishRequest", Read),
            829 => ("PublishResponse", Read),
            832 => ("RepublishRequest", Read),
            835 => ("RepublishResponse", Read),
            841 => ("TransferSubscriptionsRequest", Read),
            844 => ("TransferSubscriptionsResponse", Read),
            847 => ("DeleteSubscriptionsRequest", Read),
            850 => ("DeleteSubscriptionsResponse", Read),
            0xff01 => ("Hello", Session),
            0xff02 => ("Acknowledge", Session),
            0xff03 => ("Error", Session),
            0xff04 => ("ReverseHello", Session),
            0xff05 => ("OpenSecureChannel", Session),
            0xff06 => ("CloseSecureChannel", Session),
            0xff07 => ("Encrypted message", Other),
            0xff08 => ("Unknown service", Other),
            _ => return None,
        })
    }

    /// A standard service's request or response (or ServiceFault).
    pub fn is_service(self) -> bool {
        self.0 < 0xff00 && self.info().is_some()
    }

    pub fn name(self) -> &'static str {
        self.info().map_or("Unknown", |i| i.0)
    }

    pub fn class(self) -> OpClass {
        self.info().map_or(OpClass::Other, |i| i.1)
    }

    /// The direction a service id states: `Some(true)` for a request.
    pub fn request(self) -> Option<bool> {
        if !self.is_service() {
            return None;
        }
        let name = self.name();
        if name.ends_with("Request") {
            Some(true)
        } else {
            Some(false)
        }
    }
}

/// Why bytes are not a UA TCP chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the header or its size field asks for.
    Short { need: usize, have: usize },
    /// Message type none of HEL ACK ERR RHE OPN MSG CLO.
    Type([u8; 3]),
    /// Chunk type other than F, C, A (only F for HEL, ACK, ERR, RHE).
    Chunk(u8),
    /// Size below what the type needs, or above `MAX_CHUNK_LEN`.
    Length(u32),
}

/// One chunk, borrowed. Checked once in `parse`; accessors are infallible.
#[derive(Clone, Copy)]
pub struct Chunk<'a> {
    hdr: &'a [u8; HEADER_LEN],
    /// Everything after the header.
    body: &'a [u8],
}

/// Parses the chunk at the start of `data`; `Chunk::len` says how many bytes it used.
pub fn parse(data: &[u8]) -> Result<Chunk<'_>, Error> {
    let (hdr, rest) = data.split_first_chunk::<HEADER_LEN>().ok_or(Error::Short {
        need: HEADER_LEN,
        have: data.len(),
    })?;
    let ty = MessageType([hdr[0], hdr[1], hdr[2]]);
    let min = ty.min_len().ok_or(Error::Type(ty.0))?;
    match (hdr[3], ty.is_secure()) {
        (b'F', _) | (b'C' | b'A', true) => {}
        (c, _) => return Err(Error::Chunk(c)),
    }
    let len = u32::from_le_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]);
    if !(min..=MAX_CHUNK_LEN).contains(&len) {
        return Err(Error::Length(len));
    }
    let body_len = len as usize - HEADER_LEN;
    let body = rest.get(..body_len).ok_or(Error::Short {
        need: len as usize,
        have: data.len(),
    })?;
    Ok(Chunk { hdr, body })
}

/// Hello (§7.1.2.3): buffer sizes and the endpoint the client asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hello<'a> {
    pub protocol_version: u32,
    pub receive_buffer: u32,
    pub send_buffer: u32,
    pub max_message: u32,
    pub max_chunks: u32,
    pub endpoint_url: &'a [u8],
}

/// The asymmetric security header of an OPN chunk (§6.7.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Asymmetric<'a> {
    pub channel_id: u32,
    pub policy_uri: &'a [u8],
    /// Length of the sender certificate (0 when absent).
    pub sender_cert_len: usize,
    pub receiver_thumbprint_len: usize,
}

impl Asymmetric<'_> {
    pub fn policy(&self) -> SecurityPolicy {
        SecurityPolicy::from_uri(self.policy_uri)
    }
}

/// The sequence header (§6.7.2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sequence {
    pub number: u32,
    pub request_id: u32,
}

impl<'a> Chunk<'a> {
    pub fn message_type(&self) -> MessageType {
        MessageType([self.hdr[0], self.hdr[1], self.hdr[2]])
    }
    /// `F` final, `C` intermediate, `A` abort.
    pub fn chunk_type(&self) -> u8 {
        self.hdr[3]
    }
    /// Bytes of the chunk (header and body).
    pub fn len(&self) -> usize {
        HEADER_LEN + self.body.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    /// Bytes after the 8-byte header.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    pub fn hello(&self) -> Option<Hello<'a>> {
        if self.message_type() != MessageType::HELLO {
            return None;
        }
        let mut r = Rd(self.body);
        Some(Hello {
            protocol_version: r.u32()?,
            receive_buffer: r.u32()?,
            send_buffer: r.u32()?,
            max_message: r.u32()?,
            max_chunks: r.u32()?,
            endpoint_url: r.string()?,
        })
    }

    /// Error (§7.1.2.5): status code and reason.
    pub fn error(&self) -> Option<(u32, &'a [u8])> {
        if self.message_type() != MessageType::ERROR {
            return None;
        }
        let mut r = Rd(self.body);
        Some((r.u32()?, r.string().unwrap_or_default()))
    }

    /// Secure channel id of an OPN, MSG or CLO chunk.
    pub fn channel_id(&self) -> Option<u32> {
        self.message_type()
            .is_secure()
            .then(|| Rd(self.body).u32())
            .flatten()
    }

    /// The asymmetric security header of an OPN chunk, and the bytes after it.
    fn asymmetric_rest(&self) -> Option<(Asymmetric<'a>, Rd<'a>)> {
        if self.message_type() != MessageType::OPEN {
            return None;
        }
        let mut r = Rd(self.body);
        let a = Asymmetric {
            channel_id: r.u32()?,
            policy_uri: r.string()?,
            sender_cert_len: r.string()?.len(),
            receiver_thumbprint_len: r.string()?.len(),
        };
        Some((a, r))
    }

    pub fn asymmetric(&self) -> Option<Asymmetric<'a>> {
        self.asymmetric_rest().map(|(a, _)| a)
    }

    /// Token id of the symmetric security header of a MSG or CLO chunk (§6.7.2.3).
    pub fn token_id(&self) -> Option<u32> {
        matches!(
            self.message_type(),
            MessageType::MESSAGE | MessageType::CLOSE
        )
        .then(|| self.body.get(4..8).map(le32))
        .flatten()
    }

    /// The sequence header and body of an OPN, MSG or CLO chunk when they can be read:
    /// OPN under policy None; MSG and CLO as `protection` says. `None` for an
    /// unreadable (encrypted) chunk. The body of an intermediate or final chunk
    /// continuing a message has no type id: pass `continuation`.
    pub fn secured(&self, protection: Protection, continuation: bool) -> Option<Secured<'a>> {
        let (mut r, check) = match self.message_type() {
            MessageType::OPEN => {
                let (a, r) = self.asymmetric_rest()?;
                if a.policy() != SecurityPolicy::None {
                    return None;
                }
                (r, false)
            }
            MessageType::MESSAGE | MessageType::CLOSE => match protection {
                Protection::Encrypted => return None,
                Protection::Plain => (Rd(self.body.get(8..)?), false),
                Protection::Unknown => (Rd(self.body.get(8..)?), true),
            },
            _ => return None,
        };
        let sequence = Sequence {
            number: r.u32()?,
            request_id: r.u32()?,
        };
        if continuation {
            return (!check).then_some(Secured {
                sequence,
                body: None,
            });
        }
        let body = match Body::parse(r.0) {
            Some(b) => b,
            None if check => return None,
            None => {
                return Some(Secured {
                    sequence,
                    body: None,
                })
            }
        };
        if check && !(body.function().is_service() && body.header_ok()) {
            return None;
        }
        Some(Secured {
            sequence,
            body: Some(body),
        })
    }
}

/// The readable part of a secure chunk: its sequence header and, in a first chunk, the
/// service body.
#[derive(Clone, Copy, Debug)]
pub struct Secured<'a> {
    pub sequence: Sequence,
    pub body: Option<Body<'a>>,
}

/// A message body: its type id and the encoded structure after it.
#[derive(Clone, Copy)]
pub struct Body<'a> {
    ns: u16,
    id: u32,
    data: &'a [u8],
}

impl<'a> Body<'a> {
    /// The body at the start of `b`; `None` when its type id is cut or not numeric.
    pub fn parse(b: &'a [u8]) -> Option<Body<'a>> {
        let mut r = Rd(b);
        let (ns, id) = r.node_id()??;
        Some(Body { ns, id, data: r.0 })
    }

    /// Namespace and numeric id of the type id.
    pub fn type_id(&self) -> (u16, u32) {
        (self.ns, self.id)
    }

    pub fn function(&self) -> FunctionCode {
        FunctionCode::of_type_id(self.ns, self.id)
    }

    /// Whether the header a service body starts with parses.
    fn header_ok(&self) -> bool {
        match self.function().request() {
            Some(true) => self.request_header().is_some(),
            Some(false) => self.response_header().is_some(),
            None => false,
        }
    }

    /// RequestHeader (OPC 10000-4 §7.28): the request handle, and the reader after it.
    fn request_header(&self) -> Option<(u32, Rd<'a>)> {
        let mut r = Rd(self.data);
        r.skip_node_id()?; // authenticationToken: a secret, skipped
        r.take(8)?; // timestamp
        let handle = r.u32()?;
        r.u32()?; // returnDiagnostics
        r.string()?; // auditEntryId
        r.u32()?; // timeoutHint
        r.skip_extension_object()?;
        Some((handle, r))
    }

    /// ResponseHeader (OPC 10000-4 §7.29): handle, service result, reader after it.
    fn response_header(&self) -> Option<(u32, u32, Rd<'a>)> {
        let mut r = Rd(self.data);
        r.take(8)?; // timestamp
        let handle = r.u32()?;
        let result = r.u32()?;
        r.skip_diagnostic(0)?;
        r.skip_array(|r| r.string().map(drop))?; // stringTable
        r.skip_extension_object()?;
        Some((handle, result, r))
    }

    /// The request handle of a request or response header (a ServiceFault's too).
    pub fn request_handle(&self) -> Option<u32> {
        if self.function().request()? {
            let mut r = Rd(self.data);
            r.skip_node_id()?;
            r.take(8)?;
            r.u32()
        } else {
            self.data.get(8..12).map(le32)
        }
    }

    /// The service result of a response (or ServiceFault).
    pub fn service_result(&self) -> Option<u32> {
        if self.function().request()? {
            return None;
        }
        self.data.get(12..16).map(le32)
    }

    /// A ServiceFault, or a response whose service result is Bad (severity bits 10).
    pub fn is_fault(&self) -> bool {
        self.function() == FunctionCode::SERVICE_FAULT
            || self.service_result().is_some_and(|s| s >> 30 == 2)
    }

    /// OpenSecureChannelRequest: (request type 0 issue / 1 renew, security mode).
    pub fn open_request(&self) -> Option<(u32, SecurityMode)> {
        if self.function() != FunctionCode::OPEN_SECURE_CHANNEL_REQUEST {
            return None;
        }
        let (_, mut r) = self.request_header()?;
        r.u32()?; // clientProtocolVersion
        let request_type = r.u32()?;
        Some((request_type, SecurityMode(r.u32()?)))
    }

    /// ActivateSessionRequest: the type of the user identity token (never its content).
    pub fn user_token(&self) -> Option<UserToken> {
        if self.function() != FunctionCode::ACTIVATE_SESSION_REQUEST {
            return None;
        }
        let (_, mut r) = self.request_header()?;
        r.string()?; // clientSignature.algorithm
        r.string()?; // clientSignature.signature
        r.skip_array(|r| r.string().and_then(|_| r.string()).map(drop))?; // certificates
        r.skip_array(|r| r.string().map(drop))?; // localeIds
        Some(match r.node_id()? {
            Some((0, id)) => UserToken::from_type_id(id),
            _ => UserToken::Other,
        })
    }

    /// CreateSessionResponse or GetEndpointsResponse: the ApplicationDescription of
    /// the first endpoint the server lists.
    pub fn server_application(&self) -> Option<Application<'a>> {
        let (_, _, mut r) = match self.function() {
            FunctionCode::CREATE_SESSION_RESPONSE | FunctionCode::GET_ENDPOINTS_RESPONSE => {
                self.response_header()?
            }
            _ => return None,
        };
        if self.function() == FunctionCode::CREATE_SESSION_RESPONSE {
            r.skip_node_id()?; // sessionId
            r.skip_node_id()?; // authenticationToken: a secret, skipped
            r.take(8)?; // revisedSessionTimeout
            r.string()?; // serverNonce
            r.string()?; // serverCertificate
        }
        if r.i32()? <= 0 {
            return None;
        }
        r.string()?; // endpointUrl
        let uri = r.string()?;
        let product_uri = r.string()?;
        let mask = r.u8()?;
        if mask & 1 != 0 {
            r.string()?; // locale
        }
        let name = if mask & 2 != 0 { r.string()? } else { &[] };
        Some(Application {
            uri,
            product_uri,
            name,
        })
    }
}

/// A server's ApplicationDescription (OPC 10000-4 §7.2), the identifying part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Application<'a> {
    pub uri: &'a [u8],
    pub product_uri: &'a [u8],
    /// ApplicationName's text.
    pub name: &'a [u8],
}

/// A bounds-checked little-endian reader of the binary encoding (OPC 10000-6 §5.2).
#[derive(Clone, Copy)]
struct Rd<'a>(&'a [u8]);

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

impl<'a> Rd<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = self.0.split_at_checked(n)?;
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4).map(le32)
    }
    fn i32(&mut self) -> Option<i32> {
        self.u32().map(|v| v as i32)
    }
    /// String or ByteString: an i32 length, -1 (or any negative) for null.
    fn string(&mut self) -> Option<&'a [u8]> {
        match usize::try_from(self.i32()?) {
            Ok(n) => self.take(n),
            Err(_) => Some(&[]),
        }
    }
    /// NodeId or ExpandedNodeId (§5.2.2.9-10): `Some(None)` when not numeric.
    fn node_id(&mut self) -> Option<Option<(u16, u32)>> {
        let enc = self.u8()?;
        let id = match enc & 0x0f {
            0 => Some((0, self.u8()? as u32)),
            1 => Some((self.u8()? as u16, self.u16()? as u32)),
            2 => Some((self.u16()?, self.u32()?)),
            3 | 5 => {
                self.u16()?;
                self.string()?;
                None
            }
            4 => {
                self.u16()?;
                self.take(16)?;
                None
            }
            _ => return None,
        };
        if enc & 0x80 != 0 {
            self.string()?; // NamespaceUri
        }
        if enc & 0x40 != 0 {
            self.u32()?; // ServerIndex
        }
        Some(id)
    }
    fn skip_node_id(&mut self) -> Option<()> {
        self.node_id().map(drop)
    }
    /// ExtensionObject (§5.2.2.15): type id, encoding, optional body.
    fn skip_extension_object(&mut self) -> Option<()> {
        self.skip_node_id()?;
        match self.u8()? {
            0 => Some(()),
            1 | 2 => self.string().map(drop),
            _ => None,
        }
    }
    /// DiagnosticInfo (§5.2.2.12).
    fn skip_diagnostic(&mut self, depth: u32) -> Option<()> {
        let mask = self.u8()?;
        // SymbolicId, NamespaceUri, LocalizedText, Locale: an i32 each.
        let ints = (mask & 0x0f).count_ones() as usize;
        self.take(ints * 4)?;
        if mask & 0x10 != 0 {
            self.string()?;
        }
        if mask & 0x20 != 0 {
            self.u32()?;
        }
        if mask & 0x40 != 0 {
            if depth >= MAX_DIAGNOSTIC_DEPTH {
                return None;
            }
            self.skip_diagnostic(depth + 1)?;
        }
        Some(())
    }
    /// An array (§5.2.5): i32 count (-1 null), then each element; every element
    /// takes at least one byte, so a count beyond the bytes left fails early.
    fn skip_array(&mut self, mut each: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        let n = usize::try_from(self.i32()?).unwrap_or(0);
        if n > self.0.len() {
            return None;
        }
        for _ in 0..n {
            each(self)?;
        }
        Some(())
    }
}

/// What one chunk means for the operations table, read with what the flow knows.
#[derive(Clone, Copy, Debug)]
pub struct Summary<'a> {
    pub op: Option<Op>,
    /// The sequence header's request id (low 16 bits): pairs a response with its
    /// request.
    pub txn: Option<u32>,
    /// The readable part of an OPN, MSG or CLO chunk; `None` when encrypted.
    pub secured: Option<Secured<'a>>,
}

/// The operation a chunk performs, its transaction, and what could be read.
/// `continuation`: an earlier chunk of this message (C) was seen in this direction.
pub fn summarize<'a>(c: &Chunk<'a>, protection: Protection, continuation: bool) -> Summary<'a> {
    let fixed = |function: FunctionCode, exception: bool, request: Option<bool>| {
        Some(Op {
            unit: 0,
            function: function.0,
            exception,
            request,
        })
    };
    let ty = c.message_type();
    let secured = c.secured(protection, continuation);
    let txn = secured.map(|s| s.sequence.request_id & 0xffff);
    let body = secured.and_then(|s| s.body);
    let op = match ty {
        MessageType::HELLO => fixed(FunctionCode::HELLO, false, Some(true)),
        MessageType::ACKNOWLEDGE => fixed(FunctionCode::ACKNOWLEDGE, false, Some(false)),
        MessageType::ERROR => fixed(FunctionCode::ERROR, true, Some(false)),
        MessageType::REVERSE_HELLO => fixed(FunctionCode::REVERSE_HELLO, false, None),
        MessageType::OPEN if continuation => None,
        MessageType::OPEN => fixed(
            FunctionCode::OPEN,
            body.is_some_and(|b| b.is_fault()),
            body.and_then(|b| b.function().request()),
        ),
        MessageType::CLOSE if continuation => None,
        MessageType::CLOSE => fixed(FunctionCode::CLOSE, false, Some(true)),
        // An abort chunk ends a message without a service; a continuation has none.
        _ if continuation || c.chunk_type() == b'A' => None,
        _ => match (secured, body) {
            (_, Some(b)) => fixed(b.function(), b.is_fault(), b.function().request()),
            (Some(_), None) => fixed(FunctionCode::UNKNOWN_SERVICE, false, None),
            (None, _) => fixed(FunctionCode::ENCRYPTED, false, None),
        },
    };
    Summary { op, txn, secured }
}

/// Name of an `Op::function` code.
pub fn function_name(code: u16) -> &'static str {
    FunctionCode(code).name()
}

/// Class of an `Op::function` code.
pub fn function_class(code: u16) -> OpClass {
    FunctionCode(code).class()
}

impl fmt::Debug for Chunk<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.secured(Protection::Plain, false);
        f.debug_struct("Chunk")
            .field("type", &self.message_type().name())
            .field("chunk", &(self.chunk_type() as char))
            .field("len", &self.len())
            .field("hello", &self.hello())
            .field("error", &self.error())
            .field("channel_id", &self.channel_id())
            .field("asymmetric", &self.asymmetric())
            .field("token_id", &self.token_id())
            .field("secured", &plain)
            .field(
                "unknown",
                &self.secured(Protection::Unknown, false).is_some(),
            )
            .finish()
    }
}

impl fmt::Debug for Body<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let func = self.function();
        f.debug_struct("Body")
            .field("type_id", &self.type_id())
            .field("name", &func.name())
            .field("class", &func.class())
            .field("request", &func.request())
            .field("handle", &self.request_handle())
            .field("result", &self.service_result())
            .field("fault", &self.is_fault())
            .field("open", &self.open_request())
            .field("user_token", &self.user_token())
            .field("server", &self.server_application())
            .field("data_len", &self.data.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(ty: &[u8; 3], c: u8, body: &[u8]) -> Vec<u8> {
        let mut v = ty.to_vec();
        v.push(c);
        v.extend(((body.len() + 8) as u32).to_le_bytes());
        v.extend(body);
        v
    }

    fn s(v: &mut Vec<u8>, text: &[u8]) {
        v.extend((text.len() as i32).to_le_bytes());
        v.extend(text);
    }

    fn null(v: &mut Vec<u8>) {
        v.extend((-1i32).to_le_bytes());
    }

    /// Four-byte encoded namespace-0 node id.
    fn node(v: &mut Vec<u8>, id: u16) {
        v.extend([1, 0]);
        v.extend(id.to_le_bytes());
    }

    fn request_header(v: &mut Vec<u8>, handle: u32) {
        // authenticationToken as an opaque (ByteString) node id
        v.extend([5, 0, 0]);
        s(v, &[0xaa; 16]);
        v.extend([0; 8]); // timestamp
        v.extend(handle.to_le_bytes());
        v.extend(0u32.to_le_bytes()); // returnDiagnostics
        null(v); // auditEntryId
        v.extend(10000u32.to_le_bytes());
        v.extend([0, 0, 0]); // additionalHeader: null node id, no body
    }

    fn response_header(v: &mut Vec<u8>, handle: u32, result: u32) {
        v.extend([0; 8]);
        v.extend(handle.to_le_bytes());
        v.extend(result.to_le_bytes());
        v.push(0x30); // diagnostics: additional info and inner status
        s(v, b"info");
        v.extend(0u32.to_le_bytes());
        v.extend(0i32.to_le_bytes()); // empty string table
        v.extend([0, 0, 0]);
    }

    /// A MSG chunk of channel 7, token 1, sequence 51, request id `req`.
    fn msg(c: u8, req: u32, service: u16, rest: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(7u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend(51u32.to_le_bytes());
        b.extend(req.to_le_bytes());
        node(&mut b, service);
        rest(&mut b);
        chunk(b"MSG", c, &b)
    }

    fn request(service: u16, handle: u32) -> Vec<u8> {
        msg(b'F', handle + 100, service, |b| {
            request_header(b, handle);
            b.extend([0; 12]);
        })
    }

    fn response(service: u16, handle: u32, result: u32) -> Vec<u8> {
        msg(b'F', handle + 100, service, |b| {
            response_header(b, handle, result);
            b.extend([0; 4]);
        })
    }

    fn hello() -> Vec<u8> {
        let mut b = Vec::new();
        for v in [0u32, 65535, 65535, 0, 0] {
            b.extend(v.to_le_bytes());
        }
        s(&mut b, b"opc.tcp://plc:4840");
        chunk(b"HEL", b'F', &b)
    }

    fn open(policy: &[u8], mode: u32) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(0u32.to_le_bytes());
        s(&mut b, policy);
        if policy.ends_with(b"#None") {
            null(&mut b);
            null(&mut b);
        } else {
            s(&mut b, &[0x30; 40]);
            s(&mut b, &[0x11; 20]);
        }
        b.extend(1u32.to_le_bytes()); // sequence number
        b.extend(1u32.to_le_bytes()); // request id
        if policy.ends_with(b"#None") {
            node(&mut b, 446);
            request_header(&mut b, 0);
            b.extend(0u32.to_le_bytes()); // protocol version
            b.extend(0u32.to_le_bytes()); // issue
            b.extend(mode.to_le_bytes());
            null(&mut b); // nonce
            b.extend(600000u32.to_le_bytes());
        } else {
            b.extend([0x5a; 64]); // ciphertext
        }
        chunk(b"OPN", b'F', &b)
    }

    fn activate(token: u16) -> Vec<u8> {
        msg(b'F', 9, 467, |b| {
            request_header(b, 5);
            null(b); // signature algorithm
            null(b); // signature
            b.extend(0i32.to_le_bytes()); // certificates
            b.extend(1i32.to_le_bytes());
            s(b, b"en");
            node(b, token);
            b.push(1);
            let mut t = Vec::new();
            s(&mut t, b"policy");
            s(&mut t, b"user1");
            s(&mut t, b"secret");
            s(b, &t);
            null(b);
            null(b);
        })
    }

    fn get_endpoints_response() -> Vec<u8> {
        msg(b'F', 2, 431, |b| {
            response_header(b, 1, 0);
            b.extend(1i32.to_le_bytes());
            s(b, b"opc.tcp://plc:4840");
            s(b, b"urn:vendor:plc");
            s(b, b"http://vendor.example/ua");
            b.push(3);
            s(b, b"en");
            s(b, b"PLC 1");
            b.extend(0u32.to_le_bytes());
        })
    }

    fn sum(b: &[u8], p: Protection) -> Summary<'_> {
        summarize(&parse(b).unwrap(), p, false)
    }

    fn op(b: &[u8], p: Protection) -> Op {
        sum(b, p).op.unwrap()
    }

    #[test]
    fn transport_messages() {
        let h = hello();
        let c = parse(&h).unwrap();
        assert_eq!(c.message_type(), MessageType::HELLO);
        assert_eq!(c.hello().unwrap().endpoint_url, b"opc.tcp://plc:4840");
        let o = op(&h, Protection::Unknown);
        assert_eq!(
            (FunctionCode(o.function), o.request),
            (FunctionCode::HELLO, Some(true))
        );
        assert_eq!(function_class(o.function), OpClass::Session);
        let mut e = Vec::new();
        e.extend(0x8007_0000u32.to_le_bytes());
        s(&mut e, b"too large");
        let e = chunk(b"ERR", b'F', &e);
        assert_eq!(
            parse(&e).unwrap().error(),
            Some((0x8007_0000, &b"too large"[..]))
        );
        let o = op(&e, Protection::Unknown);
        assert!(o.exception);
        assert_eq!(function_name(o.function), "Error");
    }

    #[test]
    fn open_secure_channel_policy_none_is_read() {
        let o = open(b"http://opcfoundation.org/UA/SecurityPolicy#None", 1);
        let c = parse(&o).unwrap();
        let a = c.asymmetric().unwrap();
        assert_eq!(a.policy(), SecurityPolicy::None);
        assert_eq!(a.sender_cert_len, 0);
        let s = sum(&o, Protection::Unknown);
        let body = s.secured.unwrap().body.unwrap();
        assert_eq!(body.open_request(), Some((0, SecurityMode::NONE)));
        assert_eq!(SecurityMode(1).word(), "none");
        let op = s.op.unwrap();
        assert_eq!(
            (FunctionCode(op.function), op.request),
            (FunctionCode::OPEN, Some(true))
        );
        assert_eq!(s.txn, Some(1));
    }

    #[test]
    fn open_secure_channel_with_a_policy_is_not_read() {
        let o = open(
            b"http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256",
            3,
        );
        let c = parse(&o).unwrap();
        let a = c.asymmetric().unwrap();
        assert_eq!(
            (a.policy(), a.sender_cert_len, a.policy().word()),
            (SecurityPolicy::Basic256Sha256, 40, "basic256sha256")
        );
        let s = sum(&o, Protection::Plain);
        assert!(s.secured.is_none());
        assert_eq!(s.op.unwrap().request, None);
        assert_eq!(
            SecurityPolicy::from_uri(
                b"http://opcfoundation.org/UA/SecurityPolicy#Aes256_Sha256_RsaPss"
            ),
            SecurityPolicy::Aes256Sha256RsaPss
        );
        assert_eq!(SecurityPolicy::from_uri(b"urn:x"), SecurityPolicy::Other);
    }

    #[test]
    fn services_by_class() {
        for (service, class) in [
            (631, OpClass::Read),
            (527, OpClass::Read),
            (554, OpClass::Read),
            (673, OpClass::Write),
            (488, OpClass::Write),
            (712, OpClass::Control),
            (461, OpClass::Session),
            (428, OpClass::Identity),
            (422, OpClass::Identity),
            (787, OpClass::Read),
            (826, OpClass::Read),
            (410, OpClass::Diagnostic),
        ] {
            let r = request(service, 3);
            let o = op(&r, Protection::Unknown);
            assert_eq!(o.function, service);
            assert_eq!(o.request, Some(true), "{service}");
            assert_eq!(function_class(service), class, "{service}");
            assert_eq!(function_class(service + 3), class, "{service} response");
            assert!(function_name(service).ends_with("Request"));
            let b = sum(&r, Protection::Plain).secured.unwrap().body.unwrap();
            assert_eq!(b.request_handle(), Some(3));
            let resp = response(service + 3, 3, 0);
            let o = op(&resp, Protection::Unknown);
            assert_eq!((o.request, o.exception), (Some(false), false));
            assert_eq!(sum(&resp, Protection::Plain).txn, Some(103));
        }
    }

    #[test]
    fn faults_are_exceptions() {
        let f = response(397, 3, 0x8034_0000);
        let o = op(&f, Protection::Unknown);
        assert_eq!(
            (o.function, o.request, o.exception),
            (397, Some(false), true)
        );
        let bad = response(634, 3, 0x800e_0000);
        assert!(op(&bad, Protection::Plain).exception);
        let uncertain = response(634, 3, 0x4000_0000);
        assert!(!op(&uncertain, Protection::Plain).exception);
    }

    #[test]
    fn activate_session_token_types() {
        for (id, token) in [
            (321, UserToken::Anonymous),
            (324, UserToken::UserName),
            (327, UserToken::X509),
            (940, UserToken::Issued),
            (999, UserToken::Other),
        ] {
            let a = activate(id);
            let b = sum(&a, Protection::Plain).secured.unwrap().body.unwrap();
            assert_eq!(b.user_token(), Some(token));
            assert!(!format!("{b:?}").contains("secret"));
        }
        assert_eq!(UserToken::UserName.word(), "username");
    }

    #[test]
    fn server_application_from_endpoints() {
        let g = get_endpoints_response();
        let b = sum(&g, Protection::Unknown).secured.unwrap().body.unwrap();
        assert_eq!(
            b.server_application(),
            Some(Application {
                uri: b"urn:vendor:plc",
                product_uri: b"http://vendor.example/ua",
                name: b"PLC 1",
            })
        );
    }

    #[test]
    fn encrypted_bodies_are_reported_not_parsed() {
        let mut b = Vec::new();
        b.extend(7u32.to_le_bytes());
        b.extend(2u32.to_le_bytes());
        b.extend([
            0x01, 0x00, 0x77, 0x02, 0x99, 0x13, 0xfe, 0x42, 0x10, 0x20, 0x30,
        ]);
        let m = chunk(b"MSG", b'F', &b);
        for p in [Protection::Encrypted, Protection::Unknown] {
            let s = sum(&m, p);
            assert!(s.secured.is_none());
            assert_eq!(s.txn, None);
            assert_eq!(s.op.unwrap().function, FunctionCode::ENCRYPTED.0);
            assert_eq!(function_name(s.op.unwrap().function), "Encrypted message");
        }
        assert_eq!(parse(&m).unwrap().token_id(), Some(2));
        // A readable request on an encrypted channel is not read either.
        let r = request(631, 1);
        assert_eq!(
            op(&r, Protection::Encrypted).function,
            FunctionCode::ENCRYPTED.0
        );
        // In a plain channel an unknown type id is an unknown service.
        let odd = msg(b'F', 1, 0xff10, |b| b.extend([0; 8]));
        assert_eq!(
            op(&odd, Protection::Plain).function,
            FunctionCode::UNKNOWN_SERVICE.0
        );
        assert_eq!(
            op(&odd, Protection::Unknown).function,
            FunctionCode::ENCRYPTED.0
        );
    }

    #[test]
    fn multi_chunk_messages_report_the_first_chunk() {
        let first = msg(b'C', 42, 673, |b| {
            request_header(b, 8);
            b.extend([0xee; 32]);
        });
        let last = msg(b'F', 42, 0x1234, |b| b.extend([0xee; 32]));
        let s = sum(&first, Protection::Plain);
        assert_eq!(s.op.unwrap().function, 673);
        assert_eq!(s.txn, Some(42));
        let c = parse(&last).unwrap();
        let s = summarize(&c, Protection::Plain, true);
        assert!(s.op.is_none());
        assert_eq!(s.txn, Some(42));
        assert!(summarize(&c, Protection::Encrypted, true).op.is_none());
        let abort = msg(b'A', 42, 0, |b| b.extend([0; 8]));
        assert!(sum(&abort, Protection::Plain).op.is_none());
    }

    #[test]
    fn not_opcua() {
        assert_eq!(
            parse(b"GET / HTTP/1.1\r\n").err(),
            Some(Error::Type(*b"GET"))
        );
        let mut h = hello();
        h[3] = b'C';
        assert_eq!(parse(&h).err(), Some(Error::Chunk(b'C')));
        h[3] = b'F';
        h[4..8].copy_from_slice(&9u32.to_le_bytes());
        assert_eq!(parse(&h).err(), Some(Error::Length(9)));
        h[4..8].copy_from_slice(&(MAX_CHUNK_LEN + 1).to_le_bytes());
        assert!(matches!(parse(&h), Err(Error::Length(_))));
    }

    #[test]
    fn every_prefix_is_handled() {
        let all = [
            hello(),
            open(b"http://opcfoundation.org/UA/SecurityPolicy#None", 1),
            open(b"http://opcfoundation.org/UA/SecurityPolicy#Basic256", 2),
            request(631, 1),
            response(397, 1, 0x8000_0000),
            activate(324),
            get_endpoints_response(),
        ];
        for m in &all {
            for cut in 0..m.len() {
                let r = parse(&m[..cut]);
                assert!(matches!(r, Err(Error::Short { .. })), "cut {cut}: {r:?}");
            }
            // Every cut of the body inside a well-formed chunk reads without panicking.
            for cut in HEADER_LEN..=m.len() {
                let mut v = m[..cut].to_vec();
                v[4..8].copy_from_slice(&(cut.max(24) as u32).to_le_bytes());
                v.resize(cut.max(24), 0);
                if let Ok(c) = parse(&v) {
                    for p in [
                        Protection::Plain,
                        Protection::Unknown,
                        Protection::Encrypted,
                    ] {
                        let _ = format!("{c:?} {:?}", summarize(&c, p, false));
                    }
                    if let Some(b) = c.secured(Protection::Plain, false).and_then(|s| s.body) {
                        let _ = format!("{b:?}");
                    }
                }
            }
        }
    }
}
