//! PROFINET IO context management (PNIO-CM): the DCE/RPC connectionless header (The
//! Open Group C706, chapter 12: packet types, flags, data representation, UUIDs,
//! sequence, opnum, fragments) and, for calls of the PNIO interfaces (IEC 61158-6-10,
//! PROFINET IO specification V2.3, 5.1.2 "RPC"), the NDR arguments and the first
//! PNIO blocks: record headers (API, slot, subslot, index), the AR block of a Connect
//! (AR type, AR UUID, CMInitiator station name), the control command, the PNIOStatus.
//!
//! Pure and zero-copy. The header's integers follow its data representation (little
//! or big endian); the PNIO blocks are always big endian. A body shorter than the
//! header's length field is taken as cut and read as far as it goes.

use std::fmt;

use super::{Op, OpClass};

/// The connectionless header (C706 12.5.1).
pub const HEADER_LEN: usize = 80;
/// NDR arguments before the blocks: ArgsMaximum (or PNIOStatus in a response),
/// ArgsLength, and the conformant varying array's MaximumCount, Offset, ActualCount.
pub const ARGS_LEN: usize = 20;
/// Block header: type, length, version high and low.
pub const BLOCK_HEADER_LEN: usize = 6;
/// Most PNIO blocks read from one body.
const MAX_BLOCKS: usize = 64;

// Header offsets (C706 12.5.1).
const PTYPE: usize = 1;
const FLAGS1: usize = 2;
const FLAGS2: usize = 3;
const DREP: usize = 4;
const OBJECT: usize = 8;
const INTERFACE: usize = 24;
const ACTIVITY: usize = 40;
const SERVER_BOOT: usize = 56;
const IF_VERSION: usize = 60;
const SEQNUM: usize = 64;
const OPNUM: usize = 68;
const LEN: usize = 74;
const FRAGNUM: usize = 76;

/// Why bytes are not a DCE/RPC connectionless PDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// RPC version other than 4 (connection-oriented RPC is version 5).
    Version(u8),
    /// Packet type above 10.
    PacketType(u8),
}

/// A connectionless packet type (C706 12.5.3.1); unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PacketType(pub u8);

impl PacketType {
    pub const REQUEST: Self = Self(0);
    pub const PING: Self = Self(1);
    pub const RESPONSE: Self = Self(2);
    pub const FAULT: Self = Self(3);
    pub const WORKING: Self = Self(4);
    pub const NOCALL: Self = Self(5);
    pub const REJECT: Self = Self(6);
    pub const ACK: Self = Self(7);
    pub const CANCEL: Self = Self(8);
    pub const FACK: Self = Self(9);
    pub const CANCEL_ACK: Self = Self(10);

    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "Request",
            1 => "Ping",
            2 => "Response",
            3 => "Fault",
            4 => "Working",
            5 => "No Call",
            6 => "Reject",
            7 => "Ack",
            8 => "Cancel",
            9 => "Fragment Acknowledge",
            10 => "Cancel Ack",
            _ => "Unknown",
        }
    }

    /// Sent by the caller (`Some(true)`), by the callee, or by either (fack).
    pub fn from_caller(self) -> Option<bool> {
        match self.0 {
            0 | 1 | 7 | 8 => Some(true),
            9 => None,
            _ => Some(false),
        }
    }
}

/// A UUID in its canonical byte order (the first three fields big endian).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(pub [u8; 16]);

impl Uuid {
    /// The PNIO interfaces share all but the first field (DEA0000x-6C97-11D1-8271-
    /// 00A02442DF7D): 1 device, 2 controller, 3 supervisor, 4 parameter server.
    const PNIO_TAIL: [u8; 12] = [
        0x6c, 0x97, 0x11, 0xd1, 0x82, 0x71, 0x00, 0xa0, 0x24, 0x42, 0xdf, 0x7d,
    ];

    /// Which PNIO interface this is, if any.
    pub fn pnio_interface(&self) -> Option<Interface> {
        let (head, tail) = self.0.split_at(4);
        if tail != Self::PNIO_TAIL {
            return None;
        }
        match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
            0xdea0_0001 => Some(Interface::Device),
            0xdea0_0002 => Some(Interface::Controller),
            0xdea0_0003 => Some(Interface::Supervisor),
            0xdea0_0004 => Some(Interface::ParameterServer),
            _ => None,
        }
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The PNIO RPC interfaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Interface {
    Device,
    Controller,
    Supervisor,
    ParameterServer,
}

/// A PNIO opnum; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Opnum(pub u16);

impl Opnum {
    pub const CONNECT: Self = Self(0);
    pub const RELEASE: Self = Self(1);
    pub const READ: Self = Self(2);
    pub const WRITE: Self = Self(3);
    pub const CONTROL: Self = Self(4);
    pub const READ_IMPLICIT: Self = Self(5);
}

/// Block types read here (IEC 61158-6-10, "BlockType").
pub mod block {
    pub const IOD_WRITE_REQ: u16 = 0x0008;
    pub const IOD_READ_REQ: u16 = 0x0009;
    pub const AR_BLOCK_REQ: u16 = 0x0101;
    pub const IOD_WRITE_RES: u16 = 0x8008;
    pub const IOD_READ_RES: u16 = 0x8009;
    pub const AR_SERVER_RES: u16 = 0x8106;
}

/// One DCE/RPC connectionless PDU, borrowed. Checked once in `parse`.
#[derive(Clone, Copy)]
pub struct Pdu<'a> {
    hdr: &'a [u8; HEADER_LEN],
    /// The body, as far as the datagram holds it.
    body: &'a [u8],
}

/// Parses the PDU at the start of a datagram.
pub fn parse(data: &[u8]) -> Result<Pdu<'_>, Error> {
    let (hdr, rest) = data.split_first_chunk::<HEADER_LEN>().ok_or(Error::Short {
        need: HEADER_LEN,
        have: data.len(),
    })?;
    if hdr[0] != 4 {
        return Err(Error::Version(hdr[0]));
    }
    if hdr[PTYPE] > 10 {
        return Err(Error::PacketType(hdr[PTYPE]));
    }
    let mut pdu = Pdu { hdr, body: rest };
    let len = pdu.body_len() as usize;
    pdu.body = rest.get(..len).unwrap_or(rest);
    Ok(pdu)
}

impl<'a> Pdu<'a> {
    /// The integers are little endian (data representation, integer format 1).
    pub fn little_endian(&self) -> bool {
        self.hdr[DREP] >> 4 == 1
    }
    fn u16_at(&self, i: usize) -> u16 {
        let b = [self.hdr[i], self.hdr[i + 1]];
        if self.little_endian() {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        }
    }
    fn u32_at(&self, i: usize) -> u32 {
        let b = [
            self.hdr[i],
            self.hdr[i + 1],
            self.hdr[i + 2],
            self.hdr[i + 3],
        ];
        if self.little_endian() {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    }
    fn uuid_at(&self, i: usize) -> Uuid {
        let mut u = [0u8; 16];
        u.copy_from_slice(&self.hdr[i..i + 16]);
        if self.little_endian() {
            u[..4].reverse();
            u[4..6].reverse();
            u[6..8].reverse();
        }
        Uuid(u)
    }

    pub fn packet_type(&self) -> PacketType {
        PacketType(self.hdr[PTYPE])
    }
    pub fn flags1(&self) -> u8 {
        self.hdr[FLAGS1]
    }
    pub fn flags2(&self) -> u8 {
        self.hdr[FLAGS2]
    }
    /// One of several fragments (flags1 0x04).
    pub fn is_fragment(&self) -> bool {
        self.flags1() & 0x04 != 0
    }
    /// The last fragment (flags1 0x02).
    pub fn last_fragment(&self) -> bool {
        self.flags1() & 0x02 != 0
    }
    pub fn object(&self) -> Uuid {
        self.uuid_at(OBJECT)
    }
    pub fn interface(&self) -> Uuid {
        self.uuid_at(INTERFACE)
    }
    pub fn activity(&self) -> Uuid {
        self.uuid_at(ACTIVITY)
    }
    pub fn server_boot(&self) -> u32 {
        self.u32_at(SERVER_BOOT)
    }
    pub fn interface_version(&self) -> u32 {
        self.u32_at(IF_VERSION)
    }
    pub fn sequence(&self) -> u32 {
        self.u32_at(SEQNUM)
    }
    pub fn opnum(&self) -> u16 {
        self.u16_at(OPNUM)
    }
    pub fn body_len(&self) -> u16 {
        self.u16_at(LEN)
    }
    pub fn fragment_number(&self) -> u16 {
        self.u16_at(FRAGNUM)
    }
    /// The body, as far as the datagram holds it.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }
    /// The datagram ended before the body the header announces.
    pub fn is_cut(&self) -> bool {
        self.body.len() < self.body_len() as usize
    }

    /// A transaction id for timing: the sequence number mixed with the activity, so
    /// calls of different activities on one flow do not meet.
    pub fn txn(&self) -> u32 {
        let a = self.activity().0;
        let fold = a.chunks_exact(4).fold(0u32, |h, c| {
            h.rotate_left(7) ^ u32::from_be_bytes([c[0], c[1], c[2], c[3]])
        });
        self.sequence() ^ fold
    }

    /// The PNIO arguments of a request or response of a PNIO interface, in its
    /// first fragment.
    pub fn pnio(&self) -> Option<Pnio<'a>> {
        self.interface().pnio_interface()?;
        let t = self.packet_type();
        if (t != PacketType::REQUEST && t != PacketType::RESPONSE) || self.fragment_number() != 0 {
            return None;
        }
        let args = self.body.get(..ARGS_LEN)?;
        let u32_at = |i: usize| {
            let b = [args[i], args[i + 1], args[i + 2], args[i + 3]];
            if self.little_endian() {
                u32::from_le_bytes(b)
            } else {
                u32::from_be_bytes(b)
            }
        };
        let response = t == PacketType::RESPONSE;
        let actual = u32_at(16) as usize;
        let rest = &self.body[ARGS_LEN..];
        Some(Pnio {
            status: response.then(|| [args[0], args[1], args[2], args[3]]),
            args_max: (!response).then(|| u32_at(0)),
            args_len: u32_at(4),
            blocks: rest.get(..actual).unwrap_or(rest),
        })
    }
}

/// The NDR arguments of a PNIO call or answer.
#[derive(Clone, Copy, Debug)]
pub struct Pnio<'a> {
    /// PNIOStatus of a response: error code, decode, code 1, code 2 (0: OK).
    pub status: Option<[u8; 4]>,
    /// ArgsMaximum of a request.
    pub args_max: Option<u32>,
    pub args_len: u32,
    /// The array's bytes: PNIO blocks, as far as the datagram holds them.
    pub blocks: &'a [u8],
}

/// A PNIO block header and its content (after the version), as far as it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block<'a> {
    pub block_type: u16,
    pub length: u16,
    pub version: (u8, u8),
    pub content: &'a [u8],
}

/// A record header (IODReadReqHeader, IODWriteReqHeader and their answers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub block_type: u16,
    pub seq: u16,
    pub api: u32,
    pub slot: u16,
    pub subslot: u16,
    pub index: u16,
    pub data_len: u32,
}

/// The AR block of a Connect request (ARBlockReq).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ar<'a> {
    pub ar_type: u16,
    pub ar_uuid: Uuid,
    pub session_key: u16,
    /// CMInitiatorStationName: the controller's name of station.
    pub station_name: &'a [u8],
}

fn be16(b: &[u8], i: usize) -> Option<u16> {
    b.get(i..i + 2).map(|x| u16::from_be_bytes([x[0], x[1]]))
}

fn be32(b: &[u8], i: usize) -> Option<u32> {
    b.get(i..i + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

impl<'a> Pnio<'a> {
    /// A response whose PNIOStatus is not OK.
    pub fn is_error(&self) -> bool {
        self.status.is_some_and(|s| s != [0; 4])
    }

    /// The blocks, each as far as the bytes go.
    pub fn blocks(&self) -> impl Iterator<Item = Block<'a>> + 'a {
        let mut rest = self.blocks;
        std::iter::from_fn(move || {
            let h = rest.get(..BLOCK_HEADER_LEN)?;
            let length = u16::from_be_bytes([h[2], h[3]]);
            // The length counts the version octets and the content.
            let content_len = (length as usize).saturating_sub(2);
            let after = &rest[BLOCK_HEADER_LEN..];
            let content = after.get(..content_len).unwrap_or(after);
            rest = &after[content.len()..];
            Some(Block {
                block_type: u16::from_be_bytes([h[0], h[1]]),
                length,
                version: (h[4], h[5]),
                content,
            })
        })
        .take(MAX_BLOCKS)
    }

    /// The first record header (Read, Write, Read Implicit; a multiple write's
    /// first header is that of the whole write, index 0xE040).
    pub fn record(&self) -> Option<Record> {
        let b = self.blocks().next()?;
        if !matches!(
            b.block_type,
            block::IOD_WRITE_REQ | block::IOD_READ_REQ | block::IOD_WRITE_RES | block::IOD_READ_RES
        ) {
            return None;
        }
        let c = b.content;
        // SeqNumber, ARUUID, API, slot, subslot, padding, index, RecordDataLength.
        Some(Record {
            block_type: b.block_type,
            seq: be16(c, 0)?,
            api: be32(c, 18)?,
            slot: be16(c, 22)?,
            subslot: be16(c, 24)?,
            index: be16(c, 28)?,
            data_len: be32(c, 30)?,
        })
    }

    /// The AR block of a Connect request.
    pub fn ar(&self) -> Option<Ar<'a>> {
        let b = self
            .blocks()
            .find(|b| b.block_type == block::AR_BLOCK_REQ)?;
        let c = b.content;
        let uuid: [u8; 16] = c.get(2..18)?.try_into().ok()?;
        // ARType, ARUUID, SessionKey, MAC, ObjectUUID, ARProperties, timeout
        // factor, UDP RT port, StationNameLength, the name.
        let name_len = be16(c, 50)? as usize;
        let name = c.get(52..)?;
        Some(Ar {
            ar_type: be16(c, 0)?,
            ar_uuid: Uuid(uuid),
            session_key: be16(c, 18)?,
            station_name: name.get(..name_len).unwrap_or(name),
        })
    }

    /// CMResponderStationName of a Connect response's ARServerBlock (0x8106): the
    /// device's name of station.
    pub fn responder_name(&self) -> Option<&'a [u8]> {
        let b = self
            .blocks()
            .find(|b| b.block_type == block::AR_SERVER_RES)?;
        let len = be16(b.content, 0)? as usize;
        let name = b.content.get(2..)?;
        Some(name.get(..len).unwrap_or(name))
    }

    /// The ControlCommand of a control or release block (IODControlReq/Res,
    /// IOXControlReq/Res, IODReleaseReq/Res: block types 0x0110..=0x0118 and their
    /// answers): bit 0 PrmEnd, 1 ApplicationReady, 2 Release, 3 Done,
    /// 4 ReadyForCompanion, 5 ReadyForRT_Class3, 6 PrmBegin.
    pub fn control_command(&self) -> Option<u16> {
        let b = self.blocks().next()?;
        if !matches!(b.block_type & 0x7fff, 0x0110..=0x0118) {
            return None;
        }
        // Reserved, ARUUID, SessionKey, Reserved, ControlCommand.
        be16(b.content, 22)
    }
}

/// Function codes beyond the opnums: `PACKET_BASE` + packet type for packets that
/// are not calls or answers (ping, working, fack, ...), `OTHER_INTERFACE` + opnum for
/// calls of an interface other than PNIO's (the endpoint mapper answers on 34964).
pub const PACKET_BASE: u16 = 0x100;
pub const OTHER_INTERFACE: u16 = 0x200;

/// The operation a PDU performs; a fragment after the first performs none (the
/// call is counted once, on its first fragment).
pub fn op(p: &Pdu<'_>) -> Option<Op> {
    let t = p.packet_type();
    let call = matches!(
        t,
        PacketType::REQUEST | PacketType::RESPONSE | PacketType::FAULT | PacketType::REJECT
    );
    if call && p.fragment_number() != 0 {
        return None;
    }
    let function = if !call {
        PACKET_BASE | t.0 as u16
    } else if p.interface().pnio_interface().is_some() {
        p.opnum()
    } else {
        OTHER_INTERFACE | p.opnum().min(0xff)
    };
    let exception = matches!(t, PacketType::FAULT | PacketType::REJECT)
        || p.pnio().is_some_and(|x| x.is_error());
    Some(Op {
        unit: 0,
        function,
        exception,
        request: t.from_caller(),
    })
}

/// Name of a function code as outputs print it.
pub fn function_name(code: u16) -> &'static str {
    match code {
        0 => "Connect",
        1 => "Release",
        2 => "Read",
        3 => "Write",
        4 => "Control",
        5 => "Read Implicit",
        0x100..=0x1ff => match u8::try_from(code - PACKET_BASE) {
            Ok(t) => PacketType(t).name(),
            Err(_) => "Unknown",
        },
        0x200..=0x2ff => "Other interface call",
        _ => "Unknown",
    }
}

/// Class of a function code.
pub fn function_class(code: u16) -> OpClass {
    match code {
        0 | 1 | 4 => OpClass::Session,
        2 | 5 => OpClass::Read,
        3 => OpClass::Write,
        0x100..=0x1ff => OpClass::Session,
        _ => OpClass::Other,
    }
}

impl fmt::Debug for Pdu<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pnio = self.pnio();
        f.debug_struct("Pdu")
            .field("type", &self.packet_type().name())
            .field("flags", &(self.flags1(), self.flags2()))
            .field("little_endian", &self.little_endian())
            .field("object", &self.object())
            .field("interface", &self.interface())
            .field("pnio", &self.interface().pnio_interface())
            .field("activity", &self.activity())
            .field("server_boot", &self.server_boot())
            .field("if_version", &self.interface_version())
            .field("seq", &self.sequence())
            .field("opnum", &self.opnum())
            .field("fragment", &self.fragment_number())
            .field("body_len", &self.body_len())
            .field("cut", &self.is_cut())
            .field("status", &pnio.and_then(|p| p.status))
            .field("args_len", &pnio.map(|p| p.args_len))
            .field("blocks", &pnio.map(|p| p.blocks().collect::<Vec<_>>()))
            .field("record", &pnio.and_then(|p| p.record()))
            .field("ar", &pnio.and_then(|p| p.ar()))
            .field("responder", &pnio.and_then(|p| p.responder_name()))
            .field("control", &pnio.and_then(|p| p.control_command()))
            .field("op", &op(self))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A UUID's canonical bytes in the wire order of the data representation.
    fn wire_uuid(v: &mut Vec<u8>, u: [u8; 16], le: bool) {
        let mut u = u;
        if le {
            u[..4].reverse();
            u[4..6].reverse();
            u[6..8].reverse();
        }
        v.extend(u);
    }

    fn pnio_iface(n: u8) -> [u8; 16] {
        let mut u = [0xde, 0xa0, 0, n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        u[4..].copy_from_slice(&Uuid::PNIO_TAIL);
        u
    }

    const ACT: [u8; 16] = [
        0x13, 0x14, 0x2f, 0x90, 0, 0, 0x10, 0, 0xa9, 0x94, 0xd2, 0x10, 0x68, 0x90, 0xca, 0x5a,
    ];

    #[allow(clippy::too_many_arguments)]
    fn pdu(
        le: bool,
        ptype: u8,
        flags1: u8,
        iface: [u8; 16],
        seq: u32,
        opnum: u16,
        frag: u16,
        body: &[u8],
    ) -> Vec<u8> {
        let u16b = |x: u16| if le { x.to_le_bytes() } else { x.to_be_bytes() };
        let u32b = |x: u32| if le { x.to_le_bytes() } else { x.to_be_bytes() };
        let mut v = vec![4, ptype, flags1, 0, if le { 0x10 } else { 0 }, 0, 0, 0];
        wire_uuid(
            &mut v,
            [
                0xde, 0xa0, 0, 0, 0x6c, 0x97, 0x11, 0xd1, 0x82, 0x71, 0, 1, 0, 3, 1, 0x5a,
            ],
            le,
        );
        wire_uuid(&mut v, iface, le);
        wire_uuid(&mut v, ACT, le);
        v.extend(u32b(7)); // server boot
        v.extend(u32b(1)); // interface version
        v.extend(u32b(seq));
        v.extend(u16b(opnum));
        v.extend(u16b(0xffff));
        v.extend(u16b(0xffff));
        v.extend(u16b(body.len() as u16));
        v.extend(u16b(frag));
        v.extend([0, 0]);
        assert_eq!(v.len(), HEADER_LEN);
        v.extend(body);
        v
    }

    /// NDR arguments and blocks of a request (`status` None) or response.
    fn args(le: bool, status: Option<[u8; 4]>, blocks: &[u8]) -> Vec<u8> {
        let u32b = |x: u32| if le { x.to_le_bytes() } else { x.to_be_bytes() };
        let mut v = match status {
            Some(s) => s.to_vec(),
            None => u32b(1024).to_vec(),
        };
        let n = blocks.len() as u32;
        v.extend(u32b(n));
        v.extend(u32b(if status.is_some() { n } else { 1024 }));
        v.extend(u32b(0));
        v.extend(u32b(n));
        v.extend(blocks);
        v
    }

    fn block(ty: u16, content: &[u8]) -> Vec<u8> {
        let mut v = ty.to_be_bytes().to_vec();
        v.extend(((content.len() + 2) as u16).to_be_bytes());
        v.extend([1, 0]);
        v.extend(content);
        v
    }

    fn record_block(ty: u16, slot: u16, subslot: u16, index: u16) -> Vec<u8> {
        let mut c = 5u16.to_be_bytes().to_vec();
        c.extend([0xaa; 16]);
        c.extend(0u32.to_be_bytes());
        c.extend(slot.to_be_bytes());
        c.extend(subslot.to_be_bytes());
        c.extend([0, 0]);
        c.extend(index.to_be_bytes());
        c.extend(12u32.to_be_bytes());
        c.extend([0; 24]);
        block(ty, &c)
    }

    fn ar_block(name: &[u8]) -> Vec<u8> {
        let mut c = 1u16.to_be_bytes().to_vec(); // IOCARSingle
        c.extend([0xbb; 16]);
        c.extend(3u16.to_be_bytes());
        c.extend([0x00, 0x1b, 0x1b, 0x13, 0x1a, 0x1e]);
        c.extend([0xcc; 16]);
        c.extend(0x11u32.to_be_bytes());
        c.extend(100u16.to_be_bytes());
        c.extend(0x8892u16.to_be_bytes());
        c.extend((name.len() as u16).to_be_bytes());
        c.extend(name);
        block(block::AR_BLOCK_REQ, &c)
    }

    fn control_block(ty: u16, cmd: u16) -> Vec<u8> {
        let mut c = vec![0, 0];
        c.extend([0xbb; 16]);
        c.extend(3u16.to_be_bytes());
        c.extend([0, 0]);
        c.extend(cmd.to_be_bytes());
        c.extend([0, 0]);
        block(ty, &c)
    }

    /// One request and response per opnum, in both byte orders.
    fn samples() -> Vec<Vec<u8>> {
        let dev = pnio_iface(1);
        let mut v = Vec::new();
        for le in [false, true] {
            let connect = args(le, None, &ar_block(b"plc-1"));
            v.push(pdu(le, 0, 0x20, dev, 0, 0, 0, &connect));
            v.push(pdu(le, 2, 0x0a, dev, 0, 0, 0, &args(le, Some([0; 4]), &[])));
            let release = args(le, None, &control_block(0x0114, 0x0004));
            v.push(pdu(le, 0, 0x20, dev, 1, 1, 0, &release));
            let read = args(
                le,
                None,
                &record_block(block::IOD_READ_REQ, 1, 0x8001, 0xaff0),
            );
            v.push(pdu(le, 0, 0x20, dev, 2, 2, 0, &read));
            let write = args(le, None, &record_block(block::IOD_WRITE_REQ, 0, 1, 0x8071));
            v.push(pdu(le, 0, 0x20, dev, 3, 3, 0, &write));
            // A negative write response: PNIOStatus DF 80 B6 00 (access denied).
            let wres = args(
                le,
                Some([0xdf, 0x80, 0xb6, 0]),
                &record_block(block::IOD_WRITE_RES, 0, 1, 0x8071),
            );
            v.push(pdu(le, 2, 0x0a, dev, 3, 3, 0, &wres));
            // ApplicationReady from the device to the controller's interface.
            let ready = args(le, None, &control_block(0x0112, 0x0002));
            v.push(pdu(le, 0, 0x20, pnio_iface(2), 0, 4, 0, &ready));
            let ri = args(le, None, &record_block(block::IOD_READ_REQ, 0, 1, 0xf840));
            v.push(pdu(le, 0, 0x20, dev, 4, 5, 0, &ri));
            v.push(pdu(le, 1, 0, dev, 4, 5, 0, &[]));
        }
        v
    }

    #[test]
    fn both_byte_orders_read_the_same() {
        let s = samples();
        let (be, le) = s.split_at(s.len() / 2);
        for (b, l) in be.iter().zip(le) {
            let (b, l) = (parse(b).unwrap(), parse(l).unwrap());
            assert!(!b.little_endian() && l.little_endian());
            assert_eq!(format!("{:?}", op(&b)), format!("{:?}", op(&l)));
            assert_eq!(b.activity(), l.activity());
            assert_eq!(b.txn(), l.txn());
            assert_eq!(b.interface(), l.interface());
            let dbg =
                |p: &Pdu| format!("{p:?}").replace("little_endian: true", "little_endian: false");
            assert_eq!(dbg(&b), dbg(&l));
        }
    }

    #[test]
    fn each_opnum() {
        let s = samples();
        let ops: Vec<_> = s[..9]
            .iter()
            .map(|p| {
                let o = op(&parse(p).unwrap()).unwrap();
                (o.function, o.request, o.exception)
            })
            .collect();
        assert_eq!(
            ops,
            vec![
                (0, Some(true), false),
                (0, Some(false), false),
                (1, Some(true), false),
                (2, Some(true), false),
                (3, Some(true), false),
                (3, Some(false), true),
                (4, Some(true), false),
                (5, Some(true), false),
                (0x101, Some(true), false),
            ]
        );
        let mut name = 11u16.to_be_bytes().to_vec();
        name.extend(b"rt-labs-dev");
        let res = args(false, Some([0; 4]), &block(block::AR_SERVER_RES, &name));
        let res = pdu(false, 2, 0, pnio_iface(1), 0, 0, 0, &res);
        let res = parse(&res).unwrap().pnio().unwrap();
        assert_eq!(res.responder_name(), Some(&b"rt-labs-dev"[..]));
        let connect = parse(&s[0]).unwrap();
        assert_eq!(
            connect.activity().to_string(),
            "13142f90-0000-1000-a994-d2106890ca5a"
        );
        assert_eq!(
            connect.interface().pnio_interface(),
            Some(Interface::Device)
        );
        let ar = connect.pnio().unwrap().ar().unwrap();
        assert_eq!((ar.ar_type, ar.station_name), (1, &b"plc-1"[..]));
        let release = parse(&s[2]).unwrap().pnio().unwrap();
        assert_eq!(release.control_command(), Some(4));
        let read = parse(&s[3]).unwrap().pnio().unwrap().record().unwrap();
        assert_eq!((read.slot, read.subslot, read.index), (1, 0x8001, 0xaff0));
        let w = parse(&s[4]).unwrap().pnio().unwrap().record().unwrap();
        assert_eq!(
            (w.block_type, w.index, w.data_len),
            (block::IOD_WRITE_REQ, 0x8071, 12)
        );
        let ready = parse(&s[6]).unwrap();
        assert_eq!(
            ready.interface().pnio_interface(),
            Some(Interface::Controller)
        );
        assert_eq!(ready.pnio().unwrap().control_command(), Some(2));
        assert_eq!(function_class(3), OpClass::Write);
        assert_eq!(function_name(0x109), "Fragment Acknowledge");
    }

    #[test]
    fn fragments_count_once_and_other_interfaces_apart() {
        let dev = pnio_iface(1);
        let body = args(
            true,
            None,
            &record_block(block::IOD_WRITE_REQ, 0, 1, 0xe040),
        );
        let first = pdu(true, 0, 0x04, dev, 9, 3, 0, &body);
        let last = pdu(true, 0, 0x06, dev, 9, 3, 1, &[0; 40]);
        assert_eq!(op(&parse(&first).unwrap()).unwrap().function, 3);
        assert!(parse(&last).unwrap().is_fragment());
        assert_eq!(op(&parse(&last).unwrap()), None);
        let fack = pdu(true, 9, 0, dev, 9, 3, 0, &[0; 20]);
        let f = op(&parse(&fack).unwrap()).unwrap();
        assert_eq!((f.function, f.request), (0x109, None));
        // The endpoint mapper (e1af8308-5d1f-11c9-91a4-08002b14a0fa), lookup.
        let epm = [
            0xe1, 0xaf, 0x83, 0x08, 0x5d, 0x1f, 0x11, 0xc9, 0x91, 0xa4, 0x08, 0x00, 0x2b, 0x14,
            0xa0, 0xfa,
        ];
        let p = pdu(false, 0, 0x20, epm, 1, 2, 0, &[0; 60]);
        let p = parse(&p).unwrap();
        assert!(p.pnio().is_none());
        assert_eq!(op(&p).unwrap().function, 0x202);
        let fault = pdu(false, 3, 0, dev, 1, 2, 0, &[0x1c, 0, 0, 3]);
        assert!(op(&parse(&fault).unwrap()).unwrap().exception);
    }

    #[test]
    fn errors_and_cut_bodies() {
        let mut v = samples().remove(0);
        assert_eq!(
            parse(&v[..79]).unwrap_err(),
            Error::Short { need: 80, have: 79 }
        );
        let cut = parse(&v[..100]).unwrap();
        assert!(cut.is_cut() && cut.pnio().unwrap().ar().is_none());
        v[0] = 5;
        assert_eq!(parse(&v).unwrap_err(), Error::Version(5));
        v[0] = 4;
        v[1] = 11;
        assert_eq!(parse(&v).unwrap_err(), Error::PacketType(11));
    }

    #[test]
    fn truncation_never_panics() {
        for p in samples() {
            for n in 0..=p.len() {
                match parse(&p[..n]) {
                    Ok(v) => {
                        assert!(n >= HEADER_LEN);
                        let _ = format!("{v:?}");
                    }
                    Err(_) => assert!(n < HEADER_LEN),
                }
            }
        }
    }
}
