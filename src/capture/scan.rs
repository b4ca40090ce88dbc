//! The scanner: one sequential pass over record headers that validates every record,
//! numbers frames, tracks pcapng sections and interfaces, and cuts the capture into
//! waves of chunks at record boundaries for the parallel workers.
//!
//! Damage (a length that lies, a block that is cut short) ends the current chunk at the
//! last good record, is recorded with its byte offset, and reading resumes at the next
//! plausible record if one can be found.

use std::collections::BTreeSet;
use std::io;
use std::sync::Arc;

use super::pcap::{self, RecordError};
use super::pcapng::{self, BlockError, Interface, Section};
use super::source::{Source, Window};
use super::{CaptureError, Endian, Format, Record};

/// Most errors kept per capture; the rest are counted.
const MAX_ERRORS: usize = 100;

/// What every record of a chunk shares.
#[derive(Clone, Debug)]
pub enum Ctx {
    Pcap(pcap::Header),
    Pcapng(Arc<Section>),
}

/// A run of valid records inside a wave's window.
#[derive(Clone, Debug)]
pub struct Chunk {
    /// Byte range inside the wave's window.
    pub start: usize,
    pub end: usize,
    pub ctx: Ctx,
    /// The boundaries were guessed, not walked: the worker must confirm that its
    /// records chain from `start` to exactly `end` (see [`Records::clean`]).
    pub speculative: bool,
}

/// A window of the capture and the chunks cut from it.
pub struct Wave<'s> {
    /// File offset of `data[0]`.
    pub base: u64,
    pub data: Window<'s>,
    pub chunks: Vec<Chunk>,
    pub speculative: bool,
}

/// Facts about the capture gathered while scanning.
#[derive(Clone, Debug, Default)]
pub struct ScanInfo {
    pub errors: Vec<CaptureError>,
    pub warnings: Vec<CaptureError>,
    pub suppressed: u64,
    pub linktypes: BTreeSet<u16>,
    /// Sub-second digits of the capture's timestamps.
    pub precision: u8,
    pub frames: u64,
    pub sections: u32,
    pub interfaces: u32,
    /// Packets the capturing interfaces said they dropped (pcapng statistics blocks).
    pub interface_drops: u64,
    /// Address -> name pairs from pcapng name-resolution blocks.
    pub names: Vec<(std::net::IpAddr, String)>,
    /// Bytes that could not be read as records.
    pub skipped_bytes: u64,
}

pub struct Scanner {
    pub format: Format,
    pos: u64,
    len: u64,
    frame: u64,
    pcap: Option<pcap::Header>,
    section: Option<Arc<Section>>,
    /// A section or interface change waiting for the current chunk to be cut.
    next_section: Option<Arc<Section>>,
    last_sec: Option<u32>,
    done: bool,
    /// Guess chunk boundaries instead of walking every record (pcap only).
    pub speculate: bool,
    pub info: ScanInfo,
}

/// Scanner state saved before cutting a wave that may be thrown away (pcap only:
/// speculation never runs on pcapng, so sections and interfaces need no saving).
#[derive(Clone, Debug)]
pub struct Checkpoint {
    frame: u64,
    last_sec: Option<u32>,
    errors: usize,
    warnings: usize,
    suppressed: u64,
    skipped_bytes: u64,
}

enum Step {
    /// Keep walking.
    Next,
    /// The record does not fit in the window: end the wave here.
    Refill,
    /// Damage: end the wave; reading resumes at the given offset (or never).
    Damage(Option<u64>),
}

impl Scanner {
    /// Reads the file header; a file ottr cannot read at all is an error here.
    pub fn open(src: &Source) -> Result<Scanner, CaptureError> {
        let fatal = |offset, message: String| CaptureError {
            offset,
            skipped_bytes: 0,
            message,
        };
        if src.is_empty() {
            return Err(fatal(0, "empty file: no capture header".into()));
        }
        let head = src
            .window(0, 64)
            .map_err(|e| fatal(0, format!("cannot read: {e}")))?;
        let format = Format::detect(&head).ok_or_else(|| {
            let m: Vec<String> = head.iter().take(4).map(|b| format!("{b:02x}")).collect();
            fatal(
                0,
                format!("not a pcap or pcapng file (magic bytes {})", m.join(" ")),
            )
        })?;
        let mut s = Scanner {
            format,
            pos: 0,
            len: src.len(),
            frame: 0,
            pcap: None,
            section: None,
            next_section: None,
            last_sec: None,
            done: false,
            speculate: true,
            info: ScanInfo::default(),
        };
        match format {
            Format::Pcap => {
                let h = pcap::Header::parse(&head).map_err(|m| fatal(0, m))?;
                // The first record's time anchors the plausibility checks of guessed
                // chunk boundaries.
                let first = src
                    .window(pcap::GLOBAL_HEADER_LEN as u64, 24)
                    .map_err(|e| fatal(0, e.to_string()))?;
                if first.len() >= 16 {
                    s.last_sec = Some(h.magic.endian.u32(&first, 0));
                }
                s.info.linktypes.insert(h.linktype);
                s.info.precision = if h.magic.nanos { 9 } else { 6 };
                s.pcap = Some(h);
                s.pos = pcap::GLOBAL_HEADER_LEN as u64;
            }
            Format::Pcapng => {
                let endian = pcapng::section_endian(&head).map_err(|e| fatal(0, e.message()))?;
                let shb_len = endian.u32(&head, 4) as usize;
                let w = src
                    .window(0, shb_len.max(12))
                    .map_err(|e| fatal(0, e.to_string()))?;
                let b = pcapng::block(&w, endian).map_err(|e| fatal(0, e.message()))?;
                s.section = Some(Arc::new(Section {
                    endian,
                    interfaces: Vec::new(),
                }));
                s.info.sections = 1;
                s.pos = b.total_len as u64;
            }
        }
        Ok(s)
    }

    /// File offset where the next wave starts.
    pub fn pos(&self) -> u64 {
        self.pos
    }

    pub fn frames(&self) -> u64 {
        self.frame
    }

    fn push_error(&mut self, e: CaptureError) {
        self.info.skipped_bytes += e.skipped_bytes;
        if self.info.errors.len() < MAX_ERRORS {
            self.info.errors.push(e);
        } else {
            self.info.suppressed += 1;
        }
    }

    fn push_warning(&mut self, e: CaptureError) {
        if self.info.warnings.len() < MAX_ERRORS {
            self.info.warnings.push(e);
        } else {
            self.info.suppressed += 1;
        }
    }

    /// Cuts the next wave of up to `max_chunks` chunks of about `chunk_bytes` each.
    pub fn next_wave<'s>(
        &mut self,
        src: &'s Source,
        chunk_bytes: usize,
        max_chunks: usize,
    ) -> io::Result<Option<Wave<'s>>> {
        if self.speculate && self.format == Format::Pcap && !self.done {
            if let Some(w) = self.speculative_wave(src, chunk_bytes, max_chunks)? {
                return Ok(Some(w));
            }
        }
        self.exact_wave(src, chunk_bytes, max_chunks)
    }

    /// The state a later [`Scanner::rewind`] returns to.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            frame: self.frame,
            last_sec: self.last_sec,
            errors: self.info.errors.len(),
            warnings: self.info.warnings.len(),
            suppressed: self.info.suppressed,
            skipped_bytes: self.info.skipped_bytes,
        }
    }

    /// Reads again from `pos` with exact scanning, after a speculative wave failed
    /// its check (damage, or a guessed boundary that was not one). `cp` was taken
    /// before any wave after `pos` was cut, so what those waves recorded is undone.
    pub fn rewind(&mut self, pos: u64, cp: &Checkpoint) {
        self.pos = pos;
        self.done = false;
        self.speculate = false;
        self.frame = cp.frame;
        self.last_sec = cp.last_sec;
        self.info.errors.truncate(cp.errors);
        self.info.warnings.truncate(cp.warnings);
        self.info.suppressed = cp.suppressed;
        self.info.skipped_bytes = cp.skipped_bytes;
    }

    /// Cuts a wave without walking it: each chunk boundary is the first offset past
    /// the nominal one where a run of plausible records starts. The workers confirm
    /// the chain; `None` when this wave should be walked instead (the end of the file,
    /// no plausible boundary).
    fn speculative_wave<'s>(
        &mut self,
        src: &'s Source,
        chunk_bytes: usize,
        max_chunks: usize,
    ) -> io::Result<Option<Wave<'s>>> {
        let h = self.pcap.expect("pcap scanner has a header");
        let chunk_bytes = chunk_bytes.max(4096);
        let slack = h.magic.record_header_len + h.max_caplen() as usize;
        let want = chunk_bytes.saturating_mul(max_chunks.max(1));
        let base = self.pos;
        if base + (want + 4 * slack) as u64 > self.len {
            return Ok(None);
        }
        let data = src.window(base, want + 4 * slack)?;
        let near = self.last_sec;
        let mut chunks = Vec::with_capacity(max_chunks);
        let mut start = 0usize;
        for k in 1..=max_chunks.max(1) {
            let Some(end) = self.probe_pcap(&data, k * chunk_bytes, slack, near) else {
                // No run of plausible records near the boundary: this file does not
                // look like clean pcap here, so walk it from now on rather than pay
                // a failed probe on every wave.
                self.speculate = false;
                return Ok(None);
            };
            chunks.push(Chunk {
                start,
                end,
                ctx: Ctx::Pcap(h),
                speculative: true,
            });
            start = end;
        }
        self.pos = base + start as u64;
        Ok(Some(Wave {
            base,
            data,
            chunks,
            speculative: true,
        }))
    }

    /// First offset at or after `from` where four plausible records chain.
    fn probe_pcap(
        &self,
        data: &[u8],
        from: usize,
        limit: usize,
        near: Option<u32>,
    ) -> Option<usize> {
        let h = self.pcap?;
        let rh = h.magic.record_header_len;
        for p in from..(from + limit).min(data.len().saturating_sub(rh)) {
            let near = near.unwrap_or_else(|| h.magic.endian.u32(data, p));
            let mut q = p;
            let mut ok = 0;
            while ok < 4 && q + rh <= data.len() && h.plausible(&data[q..], near) {
                q += rh + h.lengths(&data[q..]).0 as usize;
                ok += 1;
            }
            if ok == 4 {
                return Some(p);
            }
        }
        None
    }

    /// The chain of a speculative wave was confirmed: remember its last timestamp
    /// for later plausibility checks.
    pub fn confirmed(&mut self, last_ts_ns: i64) {
        self.last_sec = Some(last_ts_ns.div_euclid(1_000_000_000) as u32);
    }

    fn exact_wave<'s>(
        &mut self,
        src: &'s Source,
        chunk_bytes: usize,
        max_chunks: usize,
    ) -> io::Result<Option<Wave<'s>>> {
        let chunk_bytes = chunk_bytes.max(1);
        let want = chunk_bytes.saturating_mul(max_chunks.max(1));
        let mut win_len = want.saturating_add(64 * 1024);
        loop {
            if self.done || self.pos >= self.len {
                self.done = true;
                return Ok(None);
            }
            let base = self.pos;
            let data = src.window(base, win_len)?;
            let at_eof = base + data.len() as u64 >= self.len;
            let mut chunks = Vec::new();
            let mut at = 0usize;
            let mut cstart = 0usize;
            let mut cfirst = self.frame + 1;
            let mut resume: Option<Option<u64>> = None;
            let cut =
                |chunks: &mut Vec<Chunk>, s: &Scanner, cstart: usize, at: usize, _cfirst: u64| {
                    if at > cstart {
                        chunks.push(Chunk {
                            start: cstart,
                            end: at,
                            ctx: s.ctx(),
                            speculative: false,
                        });
                    }
                };
            while at < data.len() {
                if at - cstart >= chunk_bytes {
                    cut(&mut chunks, self, cstart, at, cfirst);
                    cstart = at;
                    cfirst = self.frame + 1;
                }
                if at >= want {
                    break;
                }
                let before_ctx_change = at;
                let step = match self.format {
                    Format::Pcap => self.step_pcap(&data, base, &mut at, at_eof),
                    Format::Pcapng => {
                        let r = self.step_pcapng(&data, base, &mut at, at_eof);
                        match r {
                            Ok(true) => {
                                // A section or interface block changed the context: the
                                // records before it form their own chunk.
                                cut(&mut chunks, self, cstart, before_ctx_change, cfirst);
                                self.section = self.next_section.take();
                                cstart = at;
                                cfirst = self.frame + 1;
                                Step::Next
                            }
                            Ok(false) => Step::Next,
                            Err(s) => s,
                        }
                    }
                };
                match step {
                    Step::Next => {}
                    Step::Refill => break,
                    Step::Damage(r) => {
                        resume = Some(r);
                        break;
                    }
                }
            }
            if at == 0 && chunks.is_empty() && resume.is_none() && !at_eof {
                // The first record is larger than the window: widen it and retry.
                win_len = win_len
                    .saturating_mul(2)
                    .min(pcapng::MAX_BLOCK_LEN as usize * 2);
                continue;
            }
            cut(&mut chunks, self, cstart, at, cfirst);
            self.pos = match resume {
                Some(Some(p)) => p,
                Some(None) => {
                    self.done = true;
                    self.len
                }
                None => base + at as u64,
            };
            if at_eof && resume.is_none() && at >= data.len() {
                self.done = true;
            }
            return Ok(Some(Wave {
                base,
                data,
                chunks,
                speculative: false,
            }));
        }
    }

    fn ctx(&self) -> Ctx {
        match (&self.pcap, &self.section) {
            (Some(h), _) => Ctx::Pcap(*h),
            (None, Some(s)) => Ctx::Pcapng(s.clone()),
            (None, None) => unreachable!("scanner always has a header"),
        }
    }

    fn step_pcap(&mut self, data: &[u8], base: u64, at: &mut usize, at_eof: bool) -> Step {
        let h = self.pcap.expect("pcap scanner has a header");
        let off = base + *at as u64;
        match h.record(&data[*at..], off) {
            Ok((rec, n)) => {
                let caplen = rec.data.len() as u32;
                if h.snaplen > 0 && caplen > h.snaplen {
                    self.push_warning(CaptureError {
                        offset: off,
                        skipped_bytes: 0,
                        message: snaplen_warning(caplen, h.snaplen),
                    });
                }
                self.last_sec = Some((rec.ts_ns.div_euclid(1_000_000_000)) as u32);
                self.frame += 1;
                *at += n;
                Step::Next
            }
            Err(RecordError::Truncated { .. }) if !at_eof => Step::Refill,
            Err(e) => {
                let resume = if matches!(e, RecordError::Truncated { .. }) {
                    None
                } else {
                    self.resync_pcap(data, base, *at)
                };
                self.damage(off, resume, e.message());
                Step::Damage(resume)
            }
        }
    }

    /// Returns Ok(true) when a section or interface block changed the context.
    fn step_pcapng(
        &mut self,
        data: &[u8],
        base: u64,
        at: &mut usize,
        at_eof: bool,
    ) -> Result<bool, Step> {
        let sec = self.section.clone().expect("pcapng scanner has a section");
        let off = base + *at as u64;
        let blk = match pcapng::block(&data[*at..], sec.endian) {
            Ok(b) => b,
            Err(BlockError::Truncated { .. }) if !at_eof => return Err(Step::Refill),
            Err(e) => {
                let resume = if matches!(e, BlockError::Truncated { .. }) {
                    None
                } else {
                    self.resync_pcapng(data, base, *at, sec.endian)
                };
                self.damage(off, resume, e.message());
                return Err(Step::Damage(resume));
            }
        };
        let total = blk.total_len;
        let changed = match blk.block_type {
            pcapng::SHB_TYPE => {
                let endian = pcapng::section_endian(&data[*at..]).unwrap_or(sec.endian);
                self.next_section = Some(Arc::new(Section {
                    endian,
                    interfaces: Vec::new(),
                }));
                self.info.sections += 1;
                true
            }
            pcapng::IDB_TYPE => {
                let mut s = (*sec).clone();
                let ifc = pcapng::interface(blk.body, sec.endian).unwrap_or(Interface {
                    linktype: u16::MAX,
                    snaplen: 0,
                    tsresol: 6,
                    tsoffset: 0,
                });
                self.info.linktypes.insert(ifc.linktype);
                self.info.precision = self.info.precision.max(ifc.precision_digits());
                self.info.interfaces += 1;
                s.interfaces.push(ifc);
                self.next_section = Some(Arc::new(s));
                true
            }
            pcapng::EPB_TYPE | pcapng::SPB_TYPE | pcapng::OPB_TYPE => {
                self.frame += 1;
                match pcapng::packet(&blk, &sec, off) {
                    Ok(Some(rec)) => {
                        self.last_sec = Some(rec.ts_ns.div_euclid(1_000_000_000) as u32)
                    }
                    Ok(None) => {}
                    Err(e) => self.push_error(CaptureError {
                        offset: off,
                        skipped_bytes: 0,
                        message: format!(
                            "frame {}: packet block unusable ({e:?}); counted as malformed",
                            self.frame
                        ),
                    }),
                }
                false
            }
            pcapng::CB_TYPE | pcapng::CB_NOCOPY_TYPE => {
                self.frame += 1;
                false
            }
            pcapng::ISB_TYPE => {
                // isb_ifdrop (option 5) after if_id, ts_high, ts_low.
                if let Some(opts) = blk.body.get(12..) {
                    for (code, val) in pcapng::options(opts, sec.endian) {
                        if code == 5 && val.len() >= 8 {
                            // A hostile counter must not overflow the sum.
                            self.info.interface_drops = self
                                .info
                                .interface_drops
                                .saturating_add(sec.endian.u64(val, 0));
                        }
                    }
                }
                false
            }
            pcapng::NRB_TYPE => {
                self.read_names(blk.body, sec.endian);
                false
            }
            _ => false,
        };
        *at += total;
        Ok(changed)
    }

    fn read_names(&mut self, mut b: &[u8], e: Endian) {
        while b.len() >= 4 && self.info.names.len() < 100_000 {
            let (t, len) = (e.u16(b, 0), e.u16(b, 2) as usize);
            let Some(val) = b.get(4..4 + len) else { return };
            let addr: Option<(std::net::IpAddr, &[u8])> = match t {
                0 => return,
                1 if len > 4 => Some((
                    std::net::Ipv4Addr::new(val[0], val[1], val[2], val[3]).into(),
                    &val[4..],
                )),
                2 if len > 16 => {
                    let a: [u8; 16] = val[..16].try_into().unwrap_or([0; 16]);
                    Some((std::net::Ipv6Addr::from(a).into(), &val[16..]))
                }
                _ => None,
            };
            if let Some((ip, names)) = addr {
                for n in names.split(|&c| c == 0).filter(|n| !n.is_empty()) {
                    self.info
                        .names
                        .push((ip, String::from_utf8_lossy(n).into_owned()));
                }
            }
            b = b.get(4 + ((len + 3) & !3)..).unwrap_or(&[]);
        }
    }

    fn damage(&mut self, off: u64, resume: Option<u64>, what: String) {
        let end = resume.unwrap_or(self.len);
        let skipped = end.saturating_sub(off);
        let message = match resume {
            Some(p) => format!("{what}; resumed at the next plausible record at offset {p}"),
            None if skipped > 0 => format!("{what}; no further records could be read"),
            None => what,
        };
        self.push_error(CaptureError {
            offset: off,
            skipped_bytes: skipped,
            message,
        });
    }

    /// Finds the next offset (within the window) where a run of pcap records starts.
    fn resync_pcap(&self, data: &[u8], base: u64, from: usize) -> Option<u64> {
        let h = self.pcap?;
        let rh = h.magic.record_header_len;
        let at_eof = base + data.len() as u64 >= self.len;
        for p in from + 1..data.len().saturating_sub(rh - 1) {
            let near = self.last_sec.unwrap_or_else(|| h.magic.endian.u32(data, p));
            let mut q = p;
            let mut ok = 0;
            // A genuine record is followed by more genuine records or by the end.
            while ok < 3 && h.plausible(&data[q..], near) {
                q += rh + h.lengths(&data[q..]).0 as usize;
                ok += 1;
                if q == data.len() && at_eof {
                    ok = 3;
                }
                if q >= data.len() {
                    break;
                }
            }
            if ok >= 3 {
                return Some(base + p as u64);
            }
        }
        None
    }

    fn resync_pcapng(&self, data: &[u8], base: u64, from: usize, e: Endian) -> Option<u64> {
        let mut p = (from + 4) & !3;
        while p + 12 <= data.len() {
            if pcapng::plausible(&data[p..], e) {
                return Some(base + p as u64);
            }
            p += 4;
        }
        None
    }
}

/// A record inside a chunk, or a packet block the scanner found unusable.
pub enum Item<'a> {
    Packet(Record<'a>),
    Bad {
        offset: u64,
    },
    /// A pcapng custom block: a frame in Wireshark's numbering, with `len` data bytes.
    Custom {
        len: u32,
    },
}

/// The warning for a record longer than the file's snaplen.
pub fn snaplen_warning(caplen: u32, snaplen: u32) -> String {
    format!("record has {caplen} captured bytes, more than the file's snaplen {snaplen}")
}

/// Walks the records of a chunk. For a walked chunk this never fails; a packet block
/// the scanner flagged comes back as `Item::Bad`. For a speculative chunk the walk
/// stops at the first record that does not parse, and [`Records::clean`] says whether
/// the chain reached exactly the chunk's end.
pub struct Records<'a> {
    chunk: &'a Chunk,
    data: &'a [u8],
    base: u64,
    at: usize,
    failed: bool,
}

pub fn records<'a>(chunk: &'a Chunk, data: &'a [u8], base: u64) -> Records<'a> {
    Records {
        chunk,
        data,
        base,
        at: chunk.start,
        failed: false,
    }
}

impl Records<'_> {
    /// Whether every record parsed and the last one ended exactly at the chunk's end.
    pub fn clean(&self) -> bool {
        !self.failed && self.at == self.chunk.end
    }

    /// File offset of the next record (or of a block the walk will skip before it).
    #[inline]
    pub fn offset(&self) -> u64 {
        self.base + self.at as u64
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Item<'a>;

    #[inline]
    fn next(&mut self) -> Option<Item<'a>> {
        let data = self.data;
        while self.at < self.chunk.end {
            let off = self.base + self.at as u64;
            match &self.chunk.ctx {
                Ctx::Pcap(h) => match h.record(&data[self.at..self.chunk.end], off) {
                    Ok((rec, n)) => {
                        self.at += n;
                        return Some(Item::Packet(rec));
                    }
                    Err(_) => {
                        self.failed = true;
                        return None;
                    }
                },
                Ctx::Pcapng(sec) => {
                    let Ok(blk) = pcapng::block(&data[self.at..self.chunk.end], sec.endian) else {
                        self.failed = true;
                        return None;
                    };
                    self.at += blk.total_len;
                    if matches!(blk.block_type, pcapng::CB_TYPE | pcapng::CB_NOCOPY_TYPE) {
                        // The body starts with the private enterprise number.
                        return Some(Item::Custom {
                            len: blk.body.len().saturating_sub(4) as u32,
                        });
                    }
                    match pcapng::packet(&blk, sec, off) {
                        Ok(Some(rec)) => return Some(Item::Packet(rec)),
                        Ok(None) => continue,
                        Err(_) => return Some(Item::Bad { offset: off }),
                    }
                }
            }
        }
        None
    }
}
