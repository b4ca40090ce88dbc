//! PROFINET real-time frames (ethertype 0x8892): the frame id and its class, the
//! cyclic frames' APDU status (cycle counter, data status, transfer status), and DCP
//! (Discovery and basic Configuration Protocol): header and blocks (IEC 61158-6-10,
//! PROFINET IO specification V2.3: 4.2.2 FrameID ranges, 4.3 DCP, 4.7.2 APDU_Status).
//!
//! Pure and zero-copy. A frame with a frame id is PROFINET RT; a DCP frame id whose
//! header is cut gives no `Dcp` view, and DCP blocks are read as far as the bytes go.

use std::fmt;

use super::{Op, OpClass};

/// Octets of the frame id.
pub const FRAME_ID_LEN: usize = 2;
/// DCP header after the frame id: service id, service type, xid (4), response delay
/// (or reserved, 2), DCPDataLength (2).
pub const DCP_HEADER_LEN: usize = 10;
/// Cycle counter (2), data status, transfer status: the last octets of a cyclic frame.
pub const APDU_STATUS_LEN: usize = 4;
/// Most DCP blocks read from one frame (a frame holds at most ~1500 / 4).
const MAX_BLOCKS: usize = 512;

/// Why bytes are not a PROFINET RT frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short { need: usize, have: usize },
}

/// A frame id; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FrameId(pub u16);

/// What a frame id range is for (4.2.2, Table "FrameID range").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FrameClass {
    /// Precision time (PTCP sync, announce, follow-up, delay).
    Ptcp,
    RtClass3,
    RtClass2,
    RtClass1,
    RtClassUdp,
    AlarmHigh,
    AlarmLow,
    DcpHello,
    DcpGetSet,
    DcpIdentifyRequest,
    DcpIdentifyResponse,
    /// Fragmented frames (IEC 61158-6-10 FRAG_PDU).
    Fragment,
    Reserved,
}

impl FrameId {
    pub const ALARM_HIGH: Self = Self(0xfc01);
    pub const ALARM_LOW: Self = Self(0xfe01);
    pub const DCP_HELLO: Self = Self(0xfefc);
    pub const DCP_GET_SET: Self = Self(0xfefd);
    pub const DCP_IDENTIFY_REQUEST: Self = Self(0xfefe);
    pub const DCP_IDENTIFY_RESPONSE: Self = Self(0xfeff);

    pub fn class(self) -> FrameClass {
        match self.0 {
            0x0020..=0x00ff | 0xff00..=0xff5f => FrameClass::Ptcp,
            0x0100..=0x7fff => FrameClass::RtClass3,
            0x8000..=0xbfff => FrameClass::RtClass2,
            0xc000..=0xf7ff => FrameClass::RtClass1,
            0xf800..=0xfbff => FrameClass::RtClassUdp,
            0xfc01 => FrameClass::AlarmHigh,
            0xfe01 => FrameClass::AlarmLow,
            0xfefc => FrameClass::DcpHello,
            0xfefd => FrameClass::DcpGetSet,
            0xfefe => FrameClass::DcpIdentifyRequest,
            0xfeff => FrameClass::DcpIdentifyResponse,
            0xff80..=0xff8f => FrameClass::Fragment,
            _ => FrameClass::Reserved,
        }
    }
}

impl FrameClass {
    pub fn name(self) -> &'static str {
        match self {
            FrameClass::Ptcp => "PTCP time sync",
            FrameClass::RtClass3 => "RT_CLASS_3 cyclic data",
            FrameClass::RtClass2 => "RT_CLASS_2 cyclic data",
            FrameClass::RtClass1 => "RT_CLASS_1 cyclic data",
            FrameClass::RtClassUdp => "RT_CLASS_UDP cyclic data",
            FrameClass::AlarmHigh => "Alarm high",
            FrameClass::AlarmLow => "Alarm low",
            FrameClass::DcpHello => "DCP Hello",
            FrameClass::DcpGetSet => "DCP Get/Set",
            FrameClass::DcpIdentifyRequest => "DCP Identify request",
            FrameClass::DcpIdentifyResponse => "DCP Identify response",
            FrameClass::Fragment => "Fragment",
            FrameClass::Reserved => "Reserved",
        }
    }

    pub fn is_cyclic(self) -> bool {
        matches!(
            self,
            FrameClass::RtClass1
                | FrameClass::RtClass2
                | FrameClass::RtClass3
                | FrameClass::RtClassUdp
        )
    }

    pub fn is_dcp(self) -> bool {
        matches!(
            self,
            FrameClass::DcpHello
                | FrameClass::DcpGetSet
                | FrameClass::DcpIdentifyRequest
                | FrameClass::DcpIdentifyResponse
        )
    }

    pub fn op_class(self) -> OpClass {
        match self {
            FrameClass::AlarmHigh | FrameClass::AlarmLow => OpClass::Diagnostic,
            _ => OpClass::Other,
        }
    }
}

/// A DCP service id (4.3.1.3.2); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceId(pub u8);

impl ServiceId {
    pub const GET: Self = Self(3);
    pub const SET: Self = Self(4);
    pub const IDENTIFY: Self = Self(5);
    pub const HELLO: Self = Self(6);

    pub fn name(self) -> &'static str {
        match self.0 {
            3 => "Get",
            4 => "Set",
            5 => "Identify",
            6 => "Hello",
            _ => "Unknown",
        }
    }

    /// Set writes a device's name, address or control state; Get reads it; Identify
    /// and Hello say who a device is.
    pub fn class(self) -> OpClass {
        match self.0 {
            3 => OpClass::Read,
            4 => OpClass::Write,
            5 | 6 => OpClass::Identity,
            _ => OpClass::Other,
        }
    }
}

/// DCP block options (4.3.1.3.5).
pub mod option {
    pub const IP: u8 = 1;
    pub const DEVICE: u8 = 2;
    pub const DHCP: u8 = 3;
    pub const CONTROL: u8 = 5;
    pub const DEVICE_INITIATIVE: u8 = 6;
    pub const ALL: u8 = 0xff;
    /// Suboptions of `IP`.
    pub const IP_MAC: u8 = 1;
    pub const IP_PARAMETER: u8 = 2;
    pub const IP_FULL_SUITE: u8 = 3;
    /// Suboptions of `DEVICE`.
    pub const DEVICE_VENDOR: u8 = 1;
    pub const DEVICE_NAME_OF_STATION: u8 = 2;
    pub const DEVICE_ID: u8 = 3;
    pub const DEVICE_ROLE: u8 = 4;
    pub const DEVICE_OPTIONS: u8 = 5;
    pub const DEVICE_ALIAS: u8 = 6;
}

/// A PROFINET RT frame, borrowed: the frame id and what follows it.
#[derive(Clone, Copy)]
pub struct Frame<'a> {
    id: FrameId,
    body: &'a [u8],
}

/// Parses the ethertype's payload (VLAN tags already removed).
pub fn parse(data: &[u8]) -> Result<Frame<'_>, Error> {
    let (id, body) = data
        .split_first_chunk::<FRAME_ID_LEN>()
        .ok_or(Error::Short {
            need: FRAME_ID_LEN,
            have: data.len(),
        })?;
    Ok(Frame {
        id: FrameId(u16::from_be_bytes(*id)),
        body,
    })
}

/// The APDU status at the end of a cyclic frame (4.7.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApduStatus {
    pub cycle_counter: u16,
    pub data_status: u8,
    pub transfer_status: u8,
}

impl ApduStatus {
    /// Data status bit 4 (ProviderState): the provider is in RUN (else STOP).
    pub fn provider_run(&self) -> bool {
        self.data_status & 0x10 != 0
    }
    /// Data status bit 2 (DataValid): the data are valid.
    pub fn data_valid(&self) -> bool {
        self.data_status & 0x04 != 0
    }
}

impl<'a> Frame<'a> {
    pub fn frame_id(&self) -> FrameId {
        self.id
    }
    pub fn class(&self) -> FrameClass {
        self.id.class()
    }
    /// Bytes after the frame id (Ethernet padding included).
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The APDU status of a cyclic frame: its last four octets. A capture whose
    /// frames keep the FCS shifts them; nothing in the frame says so.
    pub fn apdu_status(&self) -> Option<ApduStatus> {
        if !self.class().is_cyclic() {
            return None;
        }
        let at = self.body.len().checked_sub(APDU_STATUS_LEN)?;
        let s = &self.body[at..];
        Some(ApduStatus {
            cycle_counter: u16::from_be_bytes([s[0], s[1]]),
            data_status: s[2],
            transfer_status: s[3],
        })
    }

    /// The DCP header and blocks of a DCP frame whose header is whole.
    pub fn dcp(&self) -> Option<Dcp<'a>> {
        if !self.class().is_dcp() {
            return None;
        }
        let (hdr, rest) = self.body.split_first_chunk::<DCP_HEADER_LEN>()?;
        let len = u16::from_be_bytes([hdr[8], hdr[9]]) as usize;
        Some(Dcp {
            frame_id: self.id,
            hdr,
            blocks: &rest[..len.min(rest.len())],
            cut: len > rest.len(),
        })
    }
}

/// A DCP PDU, borrowed.
#[derive(Clone, Copy)]
pub struct Dcp<'a> {
    frame_id: FrameId,
    hdr: &'a [u8; DCP_HEADER_LEN],
    blocks: &'a [u8],
    /// DCPDataLength runs past the frame.
    pub cut: bool,
}

/// One DCP block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block<'a> {
    pub option: u8,
    pub suboption: u8,
    /// BlockInfo (responses, Hello) or BlockQualifier (Set requests).
    pub info: Option<u16>,
    pub value: &'a [u8],
}

impl<'a> Dcp<'a> {
    pub fn service_id(&self) -> ServiceId {
        ServiceId(self.hdr[0])
    }
    pub fn service_type(&self) -> u8 {
        self.hdr[1]
    }
    /// Service type bits 0..1: 0 request, 1 response (success).
    pub fn is_request(&self) -> bool {
        self.service_type() & 0x03 == 0
    }
    /// Service type bit 2 in a response: the request is not supported.
    pub fn not_supported(&self) -> bool {
        !self.is_request() && self.service_type() & 0x04 != 0
    }
    pub fn xid(&self) -> u32 {
        u32::from_be_bytes([self.hdr[2], self.hdr[3], self.hdr[4], self.hdr[5]])
    }
    /// ResponseDelay of an Identify request (reserved elsewhere).
    pub fn response_delay(&self) -> u16 {
        u16::from_be_bytes([self.hdr[6], self.hdr[7]])
    }
    pub fn data_length(&self) -> u16 {
        u16::from_be_bytes([self.hdr[8], self.hdr[9]])
    }

    /// A Get request lists (option, suboption) pairs without lengths.
    fn is_get_request(&self) -> bool {
        self.is_request() && self.service_id() == ServiceId::GET
    }

    /// Blocks of a response, a Hello and a Set request start with two octets of
    /// BlockInfo or BlockQualifier; Identify request filters do not.
    fn has_info(&self) -> bool {
        !self.is_request()
            || self.service_id() == ServiceId::SET
            || self.frame_id == FrameId::DCP_HELLO
            || self.service_id() == ServiceId::HELLO
    }

    /// The options a Get request asks for.
    pub fn requested(&self) -> impl Iterator<Item = (u8, u8)> + 'a {
        let b = if self.is_get_request() {
            self.blocks
        } else {
            &[]
        };
        b.chunks_exact(2).take(MAX_BLOCKS).map(|c| (c[0], c[1]))
    }

    /// The blocks (none for a Get request); a block cut by the frame ends the list.
    pub fn blocks(&self) -> impl Iterator<Item = Block<'a>> + 'a {
        let mut b = if self.is_get_request() {
            &[][..]
        } else {
            self.blocks
        };
        let info = self.has_info();
        std::iter::from_fn(move || {
            let (h, rest) = b.split_first_chunk::<4>()?;
            let len = u16::from_be_bytes([h[2], h[3]]) as usize;
            let value = rest.get(..len)?;
            // Blocks start at even offsets: an odd block is followed by a pad octet.
            b = rest.get(len + (len & 1)..).unwrap_or(&[]);
            let (info, value) = match value {
                [a, c, v @ ..] if info => (Some(u16::from_be_bytes([*a, *c])), v),
                _ => (None, value),
            };
            Some(Block {
                option: h[0],
                suboption: h[1],
                info,
                value,
            })
        })
        .take(MAX_BLOCKS)
    }

    fn block(&self, option: u8, suboption: u8) -> Option<&'a [u8]> {
        self.blocks()
            .find(|b| b.option == option && b.suboption == suboption)
            .map(|b| b.value)
    }

    pub fn name_of_station(&self) -> Option<&'a [u8]> {
        self.block(option::DEVICE, option::DEVICE_NAME_OF_STATION)
    }
    /// DeviceVendorValue ("type of station"), text.
    pub fn vendor_value(&self) -> Option<&'a [u8]> {
        self.block(option::DEVICE, option::DEVICE_VENDOR)
    }
    /// (VendorID, DeviceID).
    pub fn device_id(&self) -> Option<(u16, u16)> {
        match self.block(option::DEVICE, option::DEVICE_ID)? {
            [a, b, c, d, ..] => Some((u16::from_be_bytes([*a, *b]), u16::from_be_bytes([*c, *d]))),
            _ => None,
        }
    }
    /// DeviceRoleDetails: bit 0 IO-Device, 1 IO-Controller, 2 IO-Multidevice, 3 IO-Supervisor.
    pub fn device_role(&self) -> Option<u8> {
        self.block(option::DEVICE, option::DEVICE_ROLE)?
            .first()
            .copied()
    }
    /// (IP address, subnet mask, standard gateway), from IP parameter or full suite.
    pub fn ip_parameter(&self) -> Option<([u8; 4], [u8; 4], [u8; 4])> {
        let v = self
            .block(option::IP, option::IP_PARAMETER)
            .or_else(|| self.block(option::IP, option::IP_FULL_SUITE))?;
        let (ip, r) = v.split_first_chunk::<4>()?;
        let (mask, r) = r.split_first_chunk::<4>()?;
        let (gw, _) = r.split_first_chunk::<4>()?;
        Some((*ip, *mask, *gw))
    }
}

/// Names of the roles set in DeviceRoleDetails, joined with `+`.
pub fn role_text(role: u8) -> String {
    let names = [
        "IO-Device",
        "IO-Controller",
        "IO-Multidevice",
        "IO-Supervisor",
    ];
    let set: Vec<&str> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| role & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect();
    if set.is_empty() {
        format!("role 0x{role:02x}")
    } else {
        set.join("+")
    }
}

/// The operation of a DCP PDU: its service.
pub fn dcp_op(d: &Dcp<'_>) -> Op {
    Op {
        unit: 0,
        function: d.service_id().0 as u16,
        exception: d.not_supported(),
        request: Some(d.is_request()),
    }
}

/// The operation of a non-DCP RT frame: its frame id, sent by its provider.
pub fn rt_op(f: &Frame<'_>) -> Op {
    Op {
        unit: 0,
        function: f.frame_id().0,
        exception: false,
        request: Some(true),
    }
}

/// Name of a DCP service id.
pub fn dcp_function_name(code: u16) -> &'static str {
    u8::try_from(code).map_or("Unknown", |c| ServiceId(c).name())
}

pub fn dcp_function_class(code: u16) -> OpClass {
    u8::try_from(code).map_or(OpClass::Other, |c| ServiceId(c).class())
}

/// Name of an RT frame id: its class.
pub fn rt_function_name(code: u16) -> &'static str {
    FrameId(code).class().name()
}

pub fn rt_function_class(code: u16) -> OpClass {
    FrameId(code).class().op_class()
}

impl fmt::Debug for Frame<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profinet")
            .field("frame_id", &self.id)
            .field("class", &self.class())
            .field("apdu_status", &self.apdu_status())
            .field("dcp", &self.dcp())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl fmt::Debug for Dcp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let blocks: Vec<Block<'_>> = self.blocks().collect();
        let requested: Vec<(u8, u8)> = self.requested().collect();
        f.debug_struct("Dcp")
            .field("service", &self.service_id().name())
            .field("type", &self.service_type())
            .field("xid", &self.xid())
            .field("response_delay", &self.response_delay())
            .field("data_length", &self.data_length())
            .field("cut", &self.cut)
            .field("requested", &requested)
            .field("blocks", &blocks)
            .field("name_of_station", &self.name_of_station())
            .field("vendor_value", &self.vendor_value())
            .field("device_id", &self.device_id())
            .field("device_role", &self.device_role())
            .field("ip", &self.ip_parameter())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn block(opt: u8, sub: u8, info: Option<u16>, v: &[u8]) -> Vec<u8> {
        let mut body = info.map(|i| i.to_be_bytes().to_vec()).unwrap_or_default();
        body.extend(v);
        let mut b = vec![opt, sub];
        b.extend((body.len() as u16).to_be_bytes());
        b.extend(&body);
        if body.len() % 2 == 1 {
            b.push(0);
        }
        b
    }

    pub(crate) fn dcp(frame_id: u16, service: u8, stype: u8, blocks: &[u8]) -> Vec<u8> {
        let mut v = frame_id.to_be_bytes().to_vec();
        v.extend([service, stype, 0, 0, 0, 7, 0, 0]);
        v.extend((blocks.len() as u16).to_be_bytes());
        v.extend(blocks);
        v
    }

    /// An Identify response from "plc-7", vendor 0x002a device 0x0101, IO-Device.
    pub(crate) fn identify_response() -> Vec<u8> {
        let mut b = block(2, 2, Some(0), b"plc-7");
        b.extend(block(2, 1, Some(0), b"S7-1500"));
        b.extend(block(2, 3, Some(0), &[0x00, 0x2a, 0x01, 0x01]));
        b.extend(block(2, 4, Some(0), &[0x01, 0x00]));
        b.extend(block(
            1,
            2,
            Some(1),
            &[192, 168, 0, 7, 255, 255, 255, 0, 192, 168, 0, 1],
        ));
        dcp(0xfeff, 5, 1, &b)
    }

    #[test]
    fn identify_request_and_response() {
        let req = dcp(0xfefe, 5, 0, &block(2, 2, None, b"plc-7"));
        let f = parse(&req).unwrap();
        let d = f.dcp().unwrap();
        assert!(d.is_request() && d.xid() == 7);
        assert_eq!(d.name_of_station(), Some(&b"plc-7"[..]), "filter value");
        assert_eq!(d.service_id().class(), OpClass::Identity);
        let resp = identify_response();
        let d = parse(&resp).unwrap().dcp().unwrap();
        assert!(!d.is_request() && !d.not_supported());
        assert_eq!(d.name_of_station(), Some(&b"plc-7"[..]));
        assert_eq!(d.vendor_value(), Some(&b"S7-1500"[..]));
        assert_eq!(d.device_id(), Some((0x2a, 0x0101)));
        assert_eq!(d.device_role().map(role_text).as_deref(), Some("IO-Device"));
        assert_eq!(
            d.ip_parameter(),
            Some(([192, 168, 0, 7], [255, 255, 255, 0], [192, 168, 0, 1]))
        );
        assert_eq!(dcp_op(&d).request, Some(false));
    }

    #[test]
    fn get_set_hello() {
        let get = dcp(0xfefd, 3, 0, &[2, 2, 1, 2]);
        let d = parse(&get).unwrap().dcp().unwrap();
        assert_eq!(d.requested().collect::<Vec<_>>(), vec![(2, 2), (1, 2)]);
        assert_eq!(d.blocks().count(), 0);
        assert_eq!(dcp_function_class(dcp_op(&d).function), OpClass::Read);
        let set = dcp(0xfefd, 4, 0, &block(2, 2, Some(1), b"new-name"));
        let d = parse(&set).unwrap().dcp().unwrap();
        assert_eq!(d.name_of_station(), Some(&b"new-name"[..]));
        assert_eq!(dcp_function_class(dcp_op(&d).function), OpClass::Write);
        let unsupported = dcp(0xfefd, 4, 5, &[]);
        assert!(dcp_op(&parse(&unsupported).unwrap().dcp().unwrap()).exception);
        let hello = dcp(0xfefc, 6, 0, &block(2, 2, Some(0), b"io-1"));
        let d = parse(&hello).unwrap().dcp().unwrap();
        assert_eq!(d.name_of_station(), Some(&b"io-1"[..]));
        assert_eq!(dcp_function_name(dcp_op(&d).function), "Hello");
    }

    #[test]
    fn frame_classes_and_cyclic_status() {
        let mut c = vec![0xc0, 0x00];
        c.extend([0u8; 40]);
        c.extend([0x12, 0x34, 0x35, 0x00]);
        let f = parse(&c).unwrap();
        assert_eq!(f.class(), FrameClass::RtClass1);
        let s = f.apdu_status().unwrap();
        assert_eq!(
            (s.cycle_counter, s.data_status, s.transfer_status),
            (0x1234, 0x35, 0)
        );
        assert!(s.provider_run() && s.data_valid());
        assert!(f.dcp().is_none());
        for (id, class) in [
            (0x0100, FrameClass::RtClass3),
            (0x8000, FrameClass::RtClass2),
            (0xf800, FrameClass::RtClassUdp),
            (0xfc01, FrameClass::AlarmHigh),
            (0xfe01, FrameClass::AlarmLow),
            (0xff40, FrameClass::Ptcp),
            (0x0020, FrameClass::Ptcp),
            (0xff85, FrameClass::Fragment),
            (0xfefc, FrameClass::DcpHello),
        ] {
            assert_eq!(FrameId(id).class(), class, "{id:#x}");
        }
        assert_eq!(rt_function_class(0xfe01), OpClass::Diagnostic);
        assert_eq!(rt_function_name(0xc000), "RT_CLASS_1 cyclic data");
        assert_eq!(rt_op(&parse(&[0xfe, 0x01]).unwrap()).function, 0xfe01);
    }

    #[test]
    fn every_prefix_is_handled() {
        let mut frames = vec![identify_response()];
        frames.push(dcp(0xfefd, 3, 0, &[2, 2, 1, 2, 2]));
        frames.push(dcp(0xfefd, 4, 0, &block(2, 2, Some(1), b"odd")));
        for b in frames {
            for cut in 0..=b.len() {
                match parse(&b[..cut]) {
                    Ok(f) => {
                        let _ = format!("{f:?}");
                        assert_eq!(f.dcp().is_some(), cut >= FRAME_ID_LEN + DCP_HEADER_LEN);
                    }
                    Err(_) => assert!(cut < FRAME_ID_LEN),
                }
            }
        }
    }
}
