//! Modbus/TCP: the MBAP header and the PDU's function code, exception flag and the
//! address range a write touches (Modbus Application Protocol Specification V1.1b3,
//! Modbus Messaging on TCP/IP Implementation Guide V1.0b).

use std::fmt;

pub use super::OpClass;

pub const HEADER_LEN: usize = 7;
/// Largest ADU: 7-byte MBAP plus a 253-byte PDU.
pub const MAX_ADU_LEN: usize = 260;
/// Largest length field accepted (see `parse`).
pub const MAX_LENGTH_FIELD: u16 = 260;

/// A Modbus function code without the exception bit; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionCode(pub u8);

impl FunctionCode {
    pub const READ_COILS: Self = Self(1);
    pub const READ_DISCRETE_INPUTS: Self = Self(2);
    pub const READ_HOLDING_REGISTERS: Self = Self(3);
    pub const READ_INPUT_REGISTERS: Self = Self(4);
    pub const WRITE_SINGLE_COIL: Self = Self(5);
    pub const WRITE_SINGLE_REGISTER: Self = Self(6);
    pub const READ_EXCEPTION_STATUS: Self = Self(7);
    pub const DIAGNOSTICS: Self = Self(8);
    pub const GET_COMM_EVENT_COUNTER: Self = Self(11);
    pub const GET_COMM_EVENT_LOG: Self = Self(12);
    pub const WRITE_MULTIPLE_COILS: Self = Self(15);
    pub const WRITE_MULTIPLE_REGISTERS: Self = Self(16);
    pub const REPORT_SERVER_ID: Self = Self(17);
    pub const READ_FILE_RECORD: Self = Self(20);
    pub const WRITE_FILE_RECORD: Self = Self(21);
    pub const MASK_WRITE_REGISTER: Self = Self(22);
    pub const READ_WRITE_MULTIPLE_REGISTERS: Self = Self(23);
    pub const READ_FIFO_QUEUE: Self = Self(24);
    pub const ENCAPSULATED_INTERFACE: Self = Self(43);

    /// The specification's name.
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "Read Coils",
            2 => "Read Discrete Inputs",
            3 => "Read Holding Registers",
            4 => "Read Input Registers",
            5 => "Write Single Coil",
            6 => "Write Single Register",
            7 => "Read Exception Status",
            8 => "Diagnostics",
            11 => "Get Comm Event Counter",
            12 => "Get Comm Event Log",
            15 => "Write Multiple Coils",
            16 => "Write Multiple Registers",
            17 => "Report Server ID",
            20 => "Read File Record",
            21 => "Write File Record",
            22 => "Mask Write Register",
            23 => "Read/Write Multiple Registers",
            24 => "Read FIFO Queue",
            43 => "Encapsulated Interface Transport",
            // Schneider UMAS rides on function 90 (vendor-defined).
            90 => "Unity (UMAS)",
            65..=72 | 100..=110 => "User Defined",
            _ => "Unknown",
        }
    }

    /// What the operation does to the device.
    pub fn class(self) -> OpClass {
        match self.0 {
            1..=4 | 7 | 20 | 24 => OpClass::Read,
            5 | 6 | 15 | 16 | 21 | 22 | 23 => OpClass::Write,
            8 | 11 | 12 => OpClass::Diagnostic,
            17 | 43 => OpClass::Identity,
            90 => OpClass::Program,
            _ => OpClass::Other,
        }
    }
}

/// Why bytes are not a Modbus/TCP ADU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the header or the length field asks for.
    Short { need: usize, have: usize },
    /// Protocol identifier other than 0 (not Modbus).
    Protocol(u16),
    /// Length field outside 2..=254.
    Length(u16),
}

/// One ADU, borrowed. Checked once in `parse`; accessors are infallible.
#[derive(Clone, Copy)]
pub struct Adu<'a> {
    hdr: &'a [u8; HEADER_LEN],
    /// Function code byte and data.
    pdu: &'a [u8],
}

/// Parses the ADU at the start of `data`; `Adu::len` says how many bytes it used.
pub fn parse(data: &[u8]) -> Result<Adu<'_>, Error> {
    let (hdr, rest) = data.split_first_chunk::<HEADER_LEN>().ok_or(Error::Short {
        need: HEADER_LEN,
        have: data.len(),
    })?;
    let proto = u16::from_be_bytes([hdr[2], hdr[3]]);
    if proto != 0 {
        return Err(Error::Protocol(proto));
    }
    let len = u16::from_be_bytes([hdr[4], hdr[5]]);
    // The length counts the unit id and the PDU (at least a function code). The
    // specification caps it at 254; vendor extensions (Schneider UMAS) send a little
    // more, and Wireshark accepts them, so the cap is the 260-byte ADU's length.
    if !(2..=MAX_LENGTH_FIELD).contains(&len) {
        return Err(Error::Length(len));
    }
    let pdu_len = len as usize - 1;
    let pdu = rest.get(..pdu_len).ok_or(Error::Short {
        need: HEADER_LEN + pdu_len,
        have: data.len(),
    })?;
    Ok(Adu { hdr, pdu })
}

impl<'a> Adu<'a> {
    pub fn transaction(&self) -> u16 {
        u16::from_be_bytes([self.hdr[0], self.hdr[1]])
    }
    pub fn unit(&self) -> u8 {
        self.hdr[6]
    }
    /// Bytes of the ADU (header and PDU).
    pub fn len(&self) -> usize {
        HEADER_LEN + self.pdu.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    pub fn function(&self) -> FunctionCode {
        FunctionCode(self.pdu[0] & 0x7f)
    }
    /// An exception response (function code with the high bit set).
    pub fn is_exception(&self) -> bool {
        self.pdu[0] & 0x80 != 0
    }
    pub fn exception_code(&self) -> Option<u8> {
        self.is_exception()
            .then(|| self.pdu.get(1).copied())
            .flatten()
    }
    pub fn data(&self) -> &'a [u8] {
        &self.pdu[1..]
    }
    /// MEI type of an Encapsulated Interface Transport PDU (14: read device id).
    pub fn mei_type(&self) -> Option<u8> {
        (self.function() == FunctionCode::ENCAPSULATED_INTERFACE)
            .then(|| self.data().first().copied())
            .flatten()
    }

    /// Objects of a Read Device Identification response (function 43, MEI type 14):
    /// (object id, value). Ids 0..=6 are VendorName, ProductCode, MajorMinorRevision,
    /// VendorUrl, ProductName, ModelName, UserApplicationName.
    pub fn device_id_objects(&self) -> impl Iterator<Item = (u8, &'a [u8])> + 'a {
        let d = self.data();
        // MEI type, read code, conformity, more follows, next id, count, then objects.
        let (mut rest, count) = match (self.mei_type(), self.is_exception(), d.get(..6)) {
            (Some(14), false, Some(h)) => (&d[6..], h[5]),
            _ => (&d[..0], 0),
        };
        let mut left = count;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let (&id, r) = rest.split_first()?;
            let (&len, r) = r.split_first()?;
            let value = r.get(..len as usize)?;
            rest = &r[len as usize..];
            Some((id, value))
        })
    }

    /// The device-specific bytes of a Report Server ID response (function 17): server
    /// id, run indicator status and additional data, whose split the specification
    /// leaves to the vendor. `None` for requests (no data) and other functions.
    pub fn server_id(&self) -> Option<&'a [u8]> {
        if self.function() != FunctionCode::REPORT_SERVER_ID || self.is_exception() {
            return None;
        }
        let (&count, rest) = self.data().split_first()?;
        rest.get(..count as usize).filter(|b| !b.is_empty())
    }

    /// First address and count a write request touches (registers or coils).
    pub fn write_range(&self) -> Option<(u16, u16)> {
        let d = self.data();
        let be = |i: usize| d.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
        match self.function() {
            FunctionCode::WRITE_SINGLE_COIL
            | FunctionCode::WRITE_SINGLE_REGISTER
            | FunctionCode::MASK_WRITE_REGISTER => Some((be(0)?, 1)),
            FunctionCode::WRITE_MULTIPLE_COILS | FunctionCode::WRITE_MULTIPLE_REGISTERS => {
                Some((be(0)?, be(2)?))
            }
            // Read/write multiple: write starting address and quantity follow the read's.
            FunctionCode::READ_WRITE_MULTIPLE_REGISTERS => Some((be(4)?, be(6)?)),
            _ => None,
        }
    }
}

/// The operation an ADU performs. Modbus PDUs do not say their direction: the TCP
/// side decides.
pub fn op(adu: &Adu<'_>) -> super::Op {
    super::Op {
        unit: adu.unit() as u64,
        function: adu.function().0 as u16,
        exception: adu.is_exception(),
        request: None,
    }
}

/// Name of a function code as outputs print it.
pub fn function_name(code: u16) -> &'static str {
    u8::try_from(code).map_or("Unknown", |c| FunctionCode(c).name())
}

/// Class of a function code.
pub fn function_class(code: u16) -> OpClass {
    u8::try_from(code).map_or(OpClass::Other, |c| FunctionCode(c).class())
}

impl fmt::Debug for Adu<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Adu")
            .field("transaction", &self.transaction())
            .field("unit", &self.unit())
            .field("function", &self.function())
            .field("name", &self.function().name())
            .field("class", &self.function().class())
            .field("exception", &self.exception_code())
            .field("mei_type", &self.mei_type())
            .field("write_range", &self.write_range())
            .field("data_len", &self.data().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adu(unit: u8, pdu: &[u8]) -> Vec<u8> {
        let mut v = vec![0x00, 0x01, 0x00, 0x00];
        v.extend(((pdu.len() + 1) as u16).to_be_bytes());
        v.push(unit);
        v.extend(pdu);
        v
    }

    #[test]
    fn read_request_and_response() {
        let req = adu(1, &[3, 0x00, 0x10, 0x00, 0x02]);
        let a = parse(&req).unwrap();
        assert_eq!(
            (a.unit(), a.function(), a.len()),
            (1, FunctionCode::READ_HOLDING_REGISTERS, 12)
        );
        assert_eq!(a.function().class(), OpClass::Read);
        assert!(a.write_range().is_none());
        let resp = adu(1, &[3, 4, 0, 1, 0, 2]);
        assert_eq!(parse(&resp).unwrap().data(), &[4, 0, 1, 0, 2]);
    }

    #[test]
    fn writes_carry_their_range() {
        let w = adu(7, &[16, 0x00, 0x64, 0x00, 0x03, 6, 0, 1, 0, 2, 0, 3]);
        let a = parse(&w).unwrap();
        assert_eq!(a.function().class(), OpClass::Write);
        assert_eq!(a.write_range(), Some((100, 3)));
        let c = adu(7, &[5, 0x00, 0x08, 0xff, 0x00]);
        assert_eq!(parse(&c).unwrap().write_range(), Some((8, 1)));
        let rw = adu(7, &[23, 0, 1, 0, 2, 0, 9, 0, 1, 2, 0, 5]);
        assert_eq!(parse(&rw).unwrap().write_range(), Some((9, 1)));
    }

    #[test]
    fn exceptions_and_identity() {
        let e = adu(1, &[0x86, 0x02]);
        let a = parse(&e).unwrap();
        assert!(a.is_exception());
        assert_eq!(
            (a.function(), a.exception_code()),
            (FunctionCode::WRITE_SINGLE_REGISTER, Some(2))
        );
        let id = adu(1, &[43, 14, 1, 0]);
        assert_eq!(parse(&id).unwrap().mei_type(), Some(14));
        assert_eq!(FunctionCode(43).class(), OpClass::Identity);
        assert_eq!(FunctionCode(8).class(), OpClass::Diagnostic);
    }

    #[test]
    fn report_server_id() {
        // Request: no data. Response: count, id bytes, run indicator, additional data.
        assert_eq!(parse(&adu(1, &[17])).unwrap().server_id(), None);
        let r = adu(1, &[17, 6, 0x42, 0xff, b'M', b'2', b'4', b'0']);
        assert_eq!(
            parse(&r).unwrap().server_id(),
            Some(&[0x42, 0xff, b'M', b'2', b'4', b'0'][..])
        );
        // A count beyond the PDU, and an exception, disclose nothing.
        assert_eq!(parse(&adu(1, &[17, 9, 1])).unwrap().server_id(), None);
        assert_eq!(parse(&adu(1, &[0x91, 1])).unwrap().server_id(), None);
    }

    #[test]
    fn device_identification_objects() {
        let mut pdu = vec![43, 14, 1, 1, 0, 0, 3];
        for (id, v) in [
            (0u8, &b"Schneider Electric"[..]),
            (1, b"BMX P34 2020"),
            (2, b"v2.7"),
        ] {
            pdu.push(id);
            pdu.push(v.len() as u8);
            pdu.extend(v);
        }
        let resp = adu(1, &pdu);
        let a = parse(&resp).unwrap();
        let objs: Vec<_> = a.device_id_objects().collect();
        assert_eq!(
            objs,
            vec![
                (0, &b"Schneider Electric"[..]),
                (1, b"BMX P34 2020"),
                (2, b"v2.7")
            ]
        );
        // A request has no objects; a count beyond the data stops cleanly.
        assert_eq!(
            parse(&adu(1, &[43, 14, 1, 0]))
                .unwrap()
                .device_id_objects()
                .count(),
            0
        );
        let mut short = pdu.clone();
        short[6] = 9;
        assert_eq!(
            parse(&adu(1, &short)).unwrap().device_id_objects().count(),
            3
        );
    }

    #[test]
    fn not_modbus() {
        let mut bad = adu(1, &[3, 0, 0, 0, 1]);
        bad[2] = 1;
        assert_eq!(parse(&bad).err(), Some(Error::Protocol(256)));
        let mut long = adu(1, &[3]);
        long[5] = 255;
        assert!(
            matches!(parse(&long), Err(Error::Short { .. })),
            "255 is accepted, then short"
        );
        long[4] = 1;
        assert_eq!(parse(&long).err(), Some(Error::Length(511)));
    }

    #[test]
    fn every_prefix_is_handled() {
        let w = adu(7, &[16, 0x00, 0x64, 0x00, 0x03, 6, 0, 1, 0, 2, 0, 3]);
        for cut in 0..w.len() {
            let r = parse(&w[..cut]);
            assert!(matches!(r, Err(Error::Short { .. })), "cut {cut}: {r:?}");
        }
        assert!(parse(&w).is_ok());
    }
}
