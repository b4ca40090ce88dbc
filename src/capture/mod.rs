//! Capture files: opening (mmap or plain read), format detection by magic number, the
//! pcap and pcapng record formats, and the scanner that cuts a capture into chunks at
//! record boundaries.
//!
//! Invariants: the scanner validates every record header before a chunk is handed out,
//! so chunk workers can walk their chunk without re-checking lengths against the file;
//! damage is reported as a [`CaptureError`] with the byte offset, never as a panic.

pub mod pcap;
pub mod pcapng;
pub mod scan;
pub mod source;

use std::fmt;

/// Container format, found from the magic number, never from the file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pcap,
    Pcapng,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Pcap => "pcap",
            Format::Pcapng => "pcapng",
        }
    }

    /// Identifies the format from the first bytes of a file.
    pub fn detect(head: &[u8]) -> Option<Format> {
        let magic: [u8; 4] = head.get(..4)?.try_into().ok()?;
        if pcap::Magic::from_bytes(magic).is_some() {
            Some(Format::Pcap)
        } else if magic == pcapng::SHB_TYPE.to_le_bytes() {
            Some(Format::Pcapng)
        } else {
            None
        }
    }
}

/// One packet record, borrowed from the capture bytes.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    /// Timestamp in nanoseconds since the Unix epoch.
    pub ts_ns: i64,
    /// On-wire length (`frame.len`).
    pub orig_len: u32,
    /// Captured bytes (may be shorter than `orig_len`).
    pub data: &'a [u8],
    pub linktype: u16,
    /// Byte offset of the record header in the file.
    pub offset: u64,
}

/// Damage found while reading a capture.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CaptureError {
    /// Byte offset in the file where the damage starts.
    pub offset: u64,
    /// Bytes skipped before reading could resume (0 when nothing was skipped).
    pub skipped_bytes: u64,
    pub message: String,
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte offset {}: {}", self.offset, self.message)?;
        if self.skipped_bytes > 0 {
            write!(f, " ({} bytes skipped)", self.skipped_bytes)?;
        }
        Ok(())
    }
}

/// Link types ottr decodes (LINKTYPE_* values from the tcpdump.org registry).
pub mod linktype {
    pub const NULL: u16 = 0;
    pub const ETHERNET: u16 = 1;
    pub const PPP: u16 = 9;
    pub const RAW_BSD: u16 = 12;
    pub const RAW_BSD14: u16 = 14;
    pub const PPP_HDLC: u16 = 50;
    pub const RAW: u16 = 101;
    pub const C_HDLC: u16 = 104;
    pub const LOOP: u16 = 108;
    pub const LINUX_SLL: u16 = 113;
    pub const IPV4: u16 = 228;
    pub const IPV6: u16 = 229;
    pub const LINUX_SLL2: u16 = 276;
    pub const PPI: u16 = 192;

    /// Short name for summaries; unknown values keep their number.
    pub fn name(lt: u16) -> String {
        let s = match lt {
            NULL => "null",
            ETHERNET => "ethernet",
            PPP => "ppp",
            RAW_BSD | RAW_BSD14 | RAW => "raw",
            PPP_HDLC => "ppp_hdlc",
            C_HDLC => "cisco_hdlc",
            LOOP => "loop",
            LINUX_SLL => "linux_sll",
            IPV4 => "ipv4",
            IPV6 => "ipv6",
            LINUX_SLL2 => "linux_sll2",
            105 => "ieee802_11",
            127 => "ieee802_11_radiotap",
            PPI => "ppi",
            _ => return format!("linktype_{lt}"),
        };
        s.to_string()
    }
}

/// Reads a little- or big-endian integer at a fixed offset; callers check bounds first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endian {
    Little,
    Big,
}

impl Endian {
    #[inline]
    pub fn u16(self, b: &[u8], at: usize) -> u16 {
        let a = [b[at], b[at + 1]];
        match self {
            Endian::Little => u16::from_le_bytes(a),
            Endian::Big => u16::from_be_bytes(a),
        }
    }
    #[inline]
    pub fn u32(self, b: &[u8], at: usize) -> u32 {
        let a = [b[at], b[at + 1], b[at + 2], b[at + 3]];
        match self {
            Endian::Little => u32::from_le_bytes(a),
            Endian::Big => u32::from_be_bytes(a),
        }
    }
    #[inline]
    pub fn u64(self, b: &[u8], at: usize) -> u64 {
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[at..at + 8]);
        match self {
            Endian::Little => u64::from_le_bytes(a),
            Endian::Big => u64::from_be_bytes(a),
        }
    }
}

/// Largest captured length accepted for one record, as Wireshark's default maximum.
pub const MAX_CAPLEN: u32 = 262_144;
