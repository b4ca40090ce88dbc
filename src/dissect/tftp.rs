//! TFTP packets (RFC 1350 §5, options RFC 2347): the opcode, and for a read or write
//! request the file name and transfer mode.

use super::OpClass;

/// The opcode (RFC 1350 §5, RFC 2347 OACK).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Opcode(pub u16);

impl Opcode {
    pub const RRQ: Opcode = Opcode(1);
    pub const WRQ: Opcode = Opcode(2);
    pub const DATA: Opcode = Opcode(3);
    pub const ACK: Opcode = Opcode(4);
    pub const ERROR: Opcode = Opcode(5);
    pub const OACK: Opcode = Opcode(6);

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "read_request",
            2 => "write_request",
            3 => "data",
            4 => "ack",
            5 => "error",
            6 => "option_ack",
            _ => "unknown",
        }
    }
    pub fn class(self) -> OpClass {
        match self {
            Self::RRQ => OpClass::Read,
            Self::WRQ => OpClass::Write,
            _ => OpClass::Other,
        }
    }
}

/// Why bytes are not TFTP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short,
    Opcode(u16),
}

/// One packet, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    pub opcode: Opcode,
    /// RRQ/WRQ: file name and mode (each up to its NUL, or the end when cut off).
    pub file: Option<&'a [u8]>,
    pub mode: Option<&'a [u8]>,
}

/// Reads one datagram.
pub fn parse(b: &[u8]) -> Result<Packet<'_>, Error> {
    let (op, rest) = b.split_first_chunk::<2>().ok_or(Error::Short)?;
    let opcode = Opcode(u16::from_be_bytes(*op));
    if !(1..=6).contains(&opcode.0) {
        return Err(Error::Opcode(opcode.0));
    }
    let (mut file, mut mode) = (None, None);
    if opcode == Opcode::RRQ || opcode == Opcode::WRQ {
        let mut it = rest.split(|&c| c == 0);
        file = it.next();
        mode = it.next().filter(|m| !m.is_empty());
    }
    Ok(Packet { opcode, file, mode })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RRQ: &[u8] = b"\x00\x01startup-config\x00octet\x00blksize\x001428\x00";

    #[test]
    fn requests() {
        let p = parse(RRQ).unwrap();
        assert_eq!(p.opcode, Opcode::RRQ);
        assert_eq!(p.file, Some(&b"startup-config"[..]));
        assert_eq!(p.mode, Some(&b"octet"[..]));
        assert_eq!(p.opcode.class(), OpClass::Read);
        let p = parse(b"\x00\x02fw.bin\x00netascii\x00").unwrap();
        assert_eq!(p.opcode.class(), OpClass::Write);
        let p = parse(b"\x00\x03\x00\x01data").unwrap();
        assert_eq!((p.opcode, p.file), (Opcode::DATA, None));
        assert_eq!(parse(b"\x00\x09").unwrap_err(), Error::Opcode(9));
    }

    #[test]
    fn truncation_never_panics() {
        for i in 0..=RRQ.len() {
            let r = parse(&RRQ[..i]);
            assert_eq!(r.is_err(), i < 2);
            let _ = format!("{r:?}");
        }
    }
}
