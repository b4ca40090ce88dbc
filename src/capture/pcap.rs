//! Classic libpcap files: microsecond and nanosecond magic, both byte orders, and the
//! "modified" (Kuznetzov) variant with 24-byte record headers.

use super::{Endian, Record, MAX_CAPLEN};

pub const GLOBAL_HEADER_LEN: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Magic {
    pub endian: Endian,
    pub nanos: bool,
    /// Record header length: 16, or 24 for the modified format.
    pub record_header_len: usize,
}

impl Magic {
    pub fn from_bytes(b: [u8; 4]) -> Option<Magic> {
        let (le, be) = (u32::from_le_bytes(b), u32::from_be_bytes(b));
        let pick = |m: u32| -> Option<(bool, usize)> {
            match m {
                0xa1b2_c3d4 => Some((false, 16)),
                0xa1b2_3c4d => Some((true, 16)),
                0xa1b2_cd34 => Some((false, 24)),
                _ => None,
            }
        };
        if let Some((nanos, rh)) = pick(le) {
            return Some(Magic {
                endian: Endian::Little,
                nanos,
                record_header_len: rh,
            });
        }
        pick(be).map(|(nanos, rh)| Magic {
            endian: Endian::Big,
            nanos,
            record_header_len: rh,
        })
    }
}

/// The file header: what every record of the file shares.
#[derive(Clone, Copy, Debug)]
pub struct Header {
    pub magic: Magic,
    pub version: (u16, u16),
    pub snaplen: u32,
    pub linktype: u16,
}

impl Header {
    pub fn parse(data: &[u8]) -> Result<Header, String> {
        if data.len() < GLOBAL_HEADER_LEN {
            return Err(format!(
                "pcap file header is {} bytes, file has only {}",
                GLOBAL_HEADER_LEN,
                data.len()
            ));
        }
        let magic = Magic::from_bytes([data[0], data[1], data[2], data[3]])
            .ok_or_else(|| "not a pcap magic number".to_string())?;
        let e = magic.endian;
        // The upper bits of the link-type field carry FCS information; only the low 16
        // bits name the link type.
        let linktype = (e.u32(data, 20) & 0xffff) as u16;
        Ok(Header {
            magic,
            version: (e.u16(data, 4), e.u16(data, 6)),
            snaplen: e.u32(data, 16),
            linktype,
        })
    }

    /// Largest captured length a record may claim.
    pub fn max_caplen(&self) -> u32 {
        MAX_CAPLEN.max(self.snaplen.min(16 << 20))
    }

    /// Captured and original length; files before format version 2.3 stored them the
    /// other way round.
    #[inline]
    pub(crate) fn lengths(&self, rec: &[u8]) -> (u32, u32) {
        let e = self.magic.endian;
        let (a, b) = (e.u32(rec, 8), e.u32(rec, 12));
        if self.version < (2, 3) {
            (b, a)
        } else {
            (a, b)
        }
    }

    /// Parses the record at the start of `data` (which begins at file offset `offset`).
    /// Returns the record and its total length, or why the header is not acceptable.
    #[inline]
    pub fn record<'a>(
        &self,
        data: &'a [u8],
        offset: u64,
    ) -> Result<(Record<'a>, usize), RecordError> {
        let rh = self.magic.record_header_len;
        if data.len() < rh {
            return Err(RecordError::Truncated {
                need: rh,
                have: data.len(),
            });
        }
        let e = self.magic.endian;
        let sec = e.u32(data, 0);
        let frac = e.u32(data, 4);
        let (caplen, orig_len) = self.lengths(data);
        if caplen > self.max_caplen() {
            return Err(RecordError::BadLength {
                caplen,
                max: self.max_caplen(),
            });
        }
        let total = rh + caplen as usize;
        if data.len() < total {
            return Err(RecordError::Truncated {
                need: total,
                have: data.len(),
            });
        }
        let frac_ns = if self.magic.nanos {
            frac as i64
        } else {
            frac as i64 * 1000
        };
        let rec = Record {
            ts_ns: sec as i64 * 1_000_000_000 + frac_ns,
            orig_len: orig_len.max(caplen),
            data: &data[rh..total],
            linktype: self.linktype,
            offset,
        };
        Ok((rec, total))
    }

    /// Whether a record header at the start of `data` looks genuine; used to resume
    /// after damage.
    pub fn plausible(&self, data: &[u8], near_sec: u32) -> bool {
        let rh = self.magic.record_header_len;
        if data.len() < rh {
            return false;
        }
        let e = self.magic.endian;
        let sec = e.u32(data, 0);
        let frac = e.u32(data, 4);
        let (caplen, orig) = self.lengths(data);
        let frac_max = if self.magic.nanos {
            1_000_000_000
        } else {
            1_000_000
        };
        let cap_limit = if self.snaplen > 0 {
            self.snaplen.min(self.max_caplen())
        } else {
            self.max_caplen()
        };
        frac < frac_max
            && caplen <= cap_limit
            && caplen <= orig
            && orig > 0
            && orig <= 1 << 20
            && sec.abs_diff(near_sec) <= 86_400 * 31
    }
}

/// Why a record header cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordError {
    Truncated { need: usize, have: usize },
    BadLength { caplen: u32, max: u32 },
}

impl RecordError {
    pub fn message(&self) -> String {
        match *self {
            RecordError::Truncated { need, have } => {
                format!("record cut short: needs {need} bytes, only {have} left in the file")
            }
            RecordError::BadLength { caplen, max } => {
                format!("record claims {caplen} captured bytes, more than the maximum {max}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(magic: u32, be: bool) -> Vec<u8> {
        let mut h = Vec::new();
        let put32 =
            |h: &mut Vec<u8>, v: u32| h.extend(if be { v.to_be_bytes() } else { v.to_le_bytes() });
        let put16 =
            |h: &mut Vec<u8>, v: u16| h.extend(if be { v.to_be_bytes() } else { v.to_le_bytes() });
        put32(&mut h, magic);
        put16(&mut h, 2);
        put16(&mut h, 4);
        put32(&mut h, 0);
        put32(&mut h, 0);
        put32(&mut h, 65535);
        put32(&mut h, 1);
        h
    }

    #[test]
    fn magics_in_both_byte_orders() {
        for be in [false, true] {
            for (m, nanos) in [(0xa1b2c3d4u32, false), (0xa1b23c4d, true)] {
                let h = Header::parse(&header(m, be)).unwrap();
                assert_eq!(h.magic.nanos, nanos);
                assert_eq!(
                    h.magic.endian,
                    if be { Endian::Big } else { Endian::Little }
                );
                assert_eq!(h.linktype, 1);
                assert_eq!(h.snaplen, 65535);
            }
        }
    }

    #[test]
    fn record_truncation_is_reported() {
        let h = Header::parse(&header(0xa1b2c3d4, false)).unwrap();
        let mut rec = Vec::new();
        rec.extend(1u32.to_le_bytes());
        rec.extend(5u32.to_le_bytes());
        rec.extend(4u32.to_le_bytes());
        rec.extend(60u32.to_le_bytes());
        rec.extend([1, 2, 3, 4]);
        let (r, n) = h.record(&rec, 24).unwrap();
        assert_eq!((n, r.orig_len, r.ts_ns), (20, 60, 1_000_005_000));
        for cut in 0..rec.len() {
            assert!(matches!(
                h.record(&rec[..cut], 24),
                Err(RecordError::Truncated { .. })
            ));
        }
    }
}
