//! pcapng (draft-ietf-opsawg-pcapng): sections in either byte order, interfaces with
//! their own link type, `if_tsresol` and `if_tsoffset`; enhanced, simple and obsolete
//! packet blocks; name-resolution and interface-statistics blocks; unknown blocks skipped.

use super::{Endian, Record};

pub const SHB_TYPE: u32 = 0x0A0D_0D0A;
pub const IDB_TYPE: u32 = 1;
pub const OPB_TYPE: u32 = 2;
pub const SPB_TYPE: u32 = 3;
pub const NRB_TYPE: u32 = 4;
pub const ISB_TYPE: u32 = 5;
pub const EPB_TYPE: u32 = 6;
/// Custom blocks (copyable and not); Wireshark shows each as a frame.
pub const CB_TYPE: u32 = 0x0000_0BAD;
pub const CB_NOCOPY_TYPE: u32 = 0x4000_0BAD;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
/// Blocks larger than this are taken as damage (Wireshark uses the same order of size).
pub const MAX_BLOCK_LEN: u32 = 16 << 20;

/// One interface of a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interface {
    pub linktype: u16,
    pub snaplen: u32,
    /// `if_tsresol`: high bit clear = 10^-n seconds, set = 2^-n seconds.
    pub tsresol: u8,
    /// `if_tsoffset` in seconds.
    pub tsoffset: i64,
}

impl Interface {
    /// Converts a raw timestamp in interface units to nanoseconds since the epoch.
    #[inline]
    pub fn ts_ns(&self, raw: u64) -> i64 {
        let ns: i128 = if self.tsresol == 6 {
            raw as i128 * 1000
        } else if self.tsresol & 0x80 == 0 {
            let n = (self.tsresol & 0x7f) as u32;
            if n <= 9 {
                raw as i128 * 10i128.pow(9 - n)
            } else {
                raw as i128 / 10i128.pow((n - 9).min(38))
            }
        } else {
            let n = (self.tsresol & 0x7f) as u32;
            if n >= 127 {
                0
            } else {
                (raw as i128 * 1_000_000_000) >> n
            }
        };
        (ns + self.tsoffset as i128 * 1_000_000_000).clamp(i64::MIN as i128, i64::MAX as i128)
            as i64
    }

    /// Decimal digits of sub-second precision this interface records.
    pub fn precision_digits(&self) -> u8 {
        let n = (self.tsresol & 0x7f) as u32;
        if self.tsresol & 0x80 == 0 {
            n.min(9) as u8
        } else {
            // 2^-n needs ceil(n * log10(2)) digits.
            (n * 30103).div_ceil(100_000).min(9) as u8
        }
    }
}

/// The state a section gives its packet blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub endian: Endian,
    pub interfaces: Vec<Interface>,
}

/// The generic block frame: type, total length, body.
#[derive(Clone, Copy, Debug)]
pub struct Block<'a> {
    pub block_type: u32,
    pub total_len: usize,
    pub body: &'a [u8],
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockError {
    Truncated { need: usize, have: usize },
    BadLength(u32),
    TrailerMismatch { first: u32, second: u32 },
    BadByteOrder,
}

impl BlockError {
    pub fn message(&self) -> String {
        match self {
            BlockError::Truncated { need, have } => {
                format!("block cut short: needs {need} bytes, only {have} left in the file")
            }
            BlockError::BadLength(n) => format!("block claims an impossible length of {n} bytes"),
            BlockError::TrailerMismatch { first, second } => {
                format!("block length {first} does not match its trailing length {second}")
            }
            BlockError::BadByteOrder => "section header has no valid byte-order magic".into(),
        }
    }
}

/// Reads the endianness from a section header block at the start of `data`.
pub fn section_endian(data: &[u8]) -> Result<Endian, BlockError> {
    if data.len() < 12 {
        return Err(BlockError::Truncated {
            need: 12,
            have: data.len(),
        });
    }
    let m = [data[8], data[9], data[10], data[11]];
    if u32::from_le_bytes(m) == BYTE_ORDER_MAGIC {
        Ok(Endian::Little)
    } else if u32::from_be_bytes(m) == BYTE_ORDER_MAGIC {
        Ok(Endian::Big)
    } else {
        Err(BlockError::BadByteOrder)
    }
}

/// Frames the block at the start of `data`. A section header sets its own byte order.
#[inline]
pub fn block(data: &[u8], endian: Endian) -> Result<Block<'_>, BlockError> {
    if data.len() < 12 {
        return Err(BlockError::Truncated {
            need: 12,
            have: data.len(),
        });
    }
    let mut e = endian;
    let block_type = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
    if block_type == SHB_TYPE {
        e = section_endian(data)?;
    }
    let block_type = e.u32(data, 0);
    let len = e.u32(data, 4);
    if len < 12 || len % 4 != 0 || len > MAX_BLOCK_LEN {
        return Err(BlockError::BadLength(len));
    }
    let total = len as usize;
    if data.len() < total {
        return Err(BlockError::Truncated {
            need: total,
            have: data.len(),
        });
    }
    let trailer = e.u32(data, total - 4);
    if trailer != len {
        return Err(BlockError::TrailerMismatch {
            first: len,
            second: trailer,
        });
    }
    Ok(Block {
        block_type,
        total_len: total,
        body: &data[8..total - 4],
    })
}

/// Iterates the options of a block body part: (code, value).
pub fn options(mut b: &[u8], e: Endian) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if b.len() < 4 {
            return None;
        }
        let code = e.u16(b, 0);
        let len = e.u16(b, 2) as usize;
        if code == 0 {
            return None;
        }
        let padded = (len + 3) & !3;
        let val = b.get(4..4 + len)?;
        b = b.get((4 + padded).min(b.len())..).unwrap_or(&[]);
        Some((code, val))
    })
}

/// Parses an interface description block body.
pub fn interface(body: &[u8], e: Endian) -> Option<Interface> {
    if body.len() < 8 {
        return None;
    }
    let mut ifc = Interface {
        linktype: e.u16(body, 0),
        snaplen: e.u32(body, 4),
        tsresol: 6,
        tsoffset: 0,
    };
    for (code, val) in options(&body[8..], e) {
        match code {
            9 if !val.is_empty() => ifc.tsresol = val[0],
            14 if val.len() >= 8 => ifc.tsoffset = e.u64(val, 0) as i64,
            _ => {}
        }
    }
    Some(ifc)
}

/// Why a packet block could not give a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PacketError {
    UnknownInterface(u32),
    Short,
}

/// Decodes a packet block (EPB, SPB, OPB) into a record. `Ok(None)` for other blocks.
#[inline]
pub fn packet<'a>(
    blk: &Block<'a>,
    sec: &Section,
    offset: u64,
) -> Result<Option<Record<'a>>, PacketError> {
    let b = blk.body;
    let e = sec.endian;
    let (if_id, ts_raw, caplen, orig, data_at) = match blk.block_type {
        EPB_TYPE => {
            if b.len() < 20 {
                return Err(PacketError::Short);
            }
            let ts = ((e.u32(b, 4) as u64) << 32) | e.u32(b, 8) as u64;
            (e.u32(b, 0), ts, e.u32(b, 12) as usize, e.u32(b, 16), 20)
        }
        OPB_TYPE => {
            if b.len() < 20 {
                return Err(PacketError::Short);
            }
            let ts = ((e.u32(b, 4) as u64) << 32) | e.u32(b, 8) as u64;
            (
                e.u16(b, 0) as u32,
                ts,
                e.u32(b, 12) as usize,
                e.u32(b, 16),
                20,
            )
        }
        SPB_TYPE => {
            if b.len() < 4 {
                return Err(PacketError::Short);
            }
            let orig = e.u32(b, 0);
            let snap = sec.interfaces.first().map_or(0, |i| i.snaplen);
            let mut cap = (b.len() - 4).min(orig as usize);
            if snap > 0 {
                cap = cap.min(snap as usize);
            }
            (0, 0, cap, orig, 4)
        }
        _ => return Ok(None),
    };
    let ifc = sec
        .interfaces
        .get(if_id as usize)
        .ok_or(PacketError::UnknownInterface(if_id))?;
    let data = b.get(data_at..data_at + caplen).ok_or(PacketError::Short)?;
    let ts_ns = if blk.block_type == SPB_TYPE {
        0
    } else {
        ifc.ts_ns(ts_raw)
    };
    Ok(Some(Record {
        ts_ns,
        orig_len: orig.max(caplen as u32),
        data,
        linktype: ifc.linktype,
        offset,
    }))
}

/// Whether a block header at `data` looks genuine, for resuming after damage.
pub fn plausible(data: &[u8], e: Endian) -> bool {
    if data.len() < 12 {
        return false;
    }
    let t = e.u32(data, 0);
    let known = matches!(
        t,
        IDB_TYPE | OPB_TYPE | SPB_TYPE | NRB_TYPE | ISB_TYPE | EPB_TYPE
    ) || u32::from_le_bytes([data[0], data[1], data[2], data[3]]) == SHB_TYPE;
    known && block(data, e).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsresol_conversions() {
        let us = Interface {
            linktype: 1,
            snaplen: 0,
            tsresol: 6,
            tsoffset: 0,
        };
        assert_eq!(us.ts_ns(1_500_000), 1_500_000_000);
        let ns = Interface { tsresol: 9, ..us };
        assert_eq!(ns.ts_ns(7), 7);
        assert_eq!(ns.precision_digits(), 9);
        let bin = Interface {
            tsresol: 0x80 | 10,
            ..us
        };
        assert_eq!(bin.ts_ns(1024), 1_000_000_000);
        assert_eq!(bin.precision_digits(), 4);
        let off = Interface { tsoffset: 10, ..us };
        assert_eq!(off.ts_ns(0), 10_000_000_000);
    }

    #[test]
    fn block_framing_rejects_lies() {
        let mut b = Vec::new();
        b.extend(6u32.to_le_bytes());
        b.extend(32u32.to_le_bytes());
        b.extend([0u8; 20]);
        b.extend(32u32.to_le_bytes());
        assert!(block(&b, Endian::Little).is_ok());
        let n = b.len();
        b[n - 4] = 28;
        assert!(matches!(
            block(&b, Endian::Little),
            Err(BlockError::TrailerMismatch { .. })
        ));
        for cut in 0..n {
            assert!(block(&b[..cut], Endian::Little).is_err());
        }
    }
}
