//! `evidence/<finding-id>.pcapng`: each finding's evidence frames with their original
//! bytes and timestamps, so the analyst opens exactly those in Wireshark. The frames
//! are read back from the inputs by walking only the chunks that hold them, as the
//! pipeline cut and numbered them (`CaptureReport::chunks`). Secrets seen
//! in the capture (passwords, communities, authorization values) are masked in place
//! with `*` unless `--show-secrets`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use base64::Engine as _;

use crate::capture::scan::{self, Chunk, Item};
use crate::capture::source::Source;
use crate::pipeline::{Analysis, CaptureReport, INDEX_STRIDE};
use crate::rules::Finding;

/// One frame copied out of a capture.
struct Frame {
    ts_ns: i64,
    orig_len: u32,
    linktype: u16,
    data: Vec<u8>,
}

/// Shortest secret masked: shorter ones would hit unrelated bytes.
const MIN_SECRET: usize = 3;

/// Writes one pcapng per finding that has evidence frames; returns how many.
pub fn write(dir: &Path, a: &Analysis, findings: &[Finding], show_secrets: bool) -> Result<usize> {
    let mut wanted: BTreeMap<u32, BTreeSet<u64>> = BTreeMap::new();
    for f in findings {
        for e in &f.evidence {
            wanted.entry(e.frame.0).or_default().insert(e.frame.1);
        }
    }
    if wanted.is_empty() {
        return Ok(0);
    }
    let secrets = if show_secrets {
        Vec::new()
    } else {
        secret_bytes(a)
    };
    let mut frames: BTreeMap<(u32, u64), Frame> = BTreeMap::new();
    for (cap, list) in &wanted {
        let Some(report) = a.captures.get(*cap as usize) else {
            continue;
        };
        // A capture that cannot be read again gives findings without their file.
        let _ = read_frames(report, *cap, list, &mut frames);
    }
    let masker = Masker::new(&secrets);
    for f in frames.values_mut() {
        masker.mask(&mut f.data);
    }
    let dir = dir.join("evidence");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut written = 0;
    for f in findings {
        let list: Vec<&Frame> = f
            .evidence
            .iter()
            .filter_map(|e| frames.get(&e.frame))
            .collect();
        if list.is_empty() {
            continue;
        }
        let path = dir.join(format!("{}.pcapng", f.id));
        std::fs::write(&path, pcapng(&list))
            .with_context(|| format!("writing {}", path.display()))?;
        written += 1;
    }
    Ok(written)
}

/// Copies the frames numbered in `list` (1-based, as the pipeline numbered them),
/// walking from the indexed record before each of them: at most
/// [`INDEX_STRIDE`] records per run of wanted frames.
fn read_frames(
    report: &CaptureReport,
    cap: u32,
    list: &BTreeSet<u64>,
    out: &mut BTreeMap<(u32, u64), Frame>,
) -> Result<()> {
    let src = Source::open(&report.path, true)?;
    let marks = &report.chunks;
    let mut done = 0u64;
    for &n in list {
        if n <= done {
            continue;
        }
        // The last chunk with fewer frames before it than n holds frame n.
        let i = marks.partition_point(|m| m.frames_before < n);
        let Some(m) = i.checked_sub(1).and_then(|i| marks.get(i)) else {
            continue;
        };
        let j = ((n - m.frames_before - 1) / INDEX_STRIDE) as usize;
        let chunk_end = m.offset + m.len as u64;
        // A chunk without an index is walked from its start.
        let (start, first, end) = match m.index.get(j) {
            Some(&at) => (
                at,
                m.frames_before + 1 + j as u64 * INDEX_STRIDE,
                m.index.get(j + 1).copied().unwrap_or(chunk_end),
            ),
            None => (m.offset, m.frames_before + 1, chunk_end),
        };
        let window = src.window(start, (end - start) as usize)?;
        let chunk = Chunk {
            start: 0,
            end: window.len(),
            ctx: m.ctx.clone(),
            speculative: false,
        };
        // Stop at the last wanted frame of this stretch.
        let stretch_end = if end == chunk_end {
            marks.get(i).map_or(u64::MAX, |x| x.frames_before)
        } else {
            m.frames_before + (j as u64 + 1) * INDEX_STRIDE
        };
        let last = list.range(..=stretch_end).next_back().copied().unwrap_or(n);
        let mut k = first - 1;
        for item in scan::records(&chunk, &window, start) {
            k += 1;
            if k > last {
                break;
            }
            if let Item::Packet(r) = item {
                if list.contains(&k) {
                    out.insert(
                        (cap, k),
                        Frame {
                            ts_ns: r.ts_ns,
                            orig_len: r.orig_len,
                            linktype: r.linktype,
                            data: r.data.to_vec(),
                        },
                    );
                }
            }
        }
        done = last.max(n);
    }
    Ok(())
}

/// Every secret value of the analysis as the bytes that may carry it: the value and
/// its base64 encodings.
fn secret_bytes(a: &Analysis) -> Vec<Vec<u8>> {
    let mut set: BTreeSet<Vec<u8>> = BTreeSet::new();
    for c in &a.convs {
        let Some(s) = c.app.as_deref() else { continue };
        for x in &s.notes.secrets {
            if x.value.len() >= MIN_SECRET {
                set.insert(x.value.as_bytes().to_vec());
            }
            // The encoded forms protocols send: Basic `user:pass`, SASL PLAIN
            // `\0user\0pass`, AUTH LOGIN's bare value.
            for token in [
                format!("{}:{}", x.user, x.value),
                format!("\0{}\0{}", x.user, x.value),
                x.value.clone(),
            ] {
                let b64 = base64::engine::general_purpose::STANDARD.encode(token.as_bytes());
                if b64.len() >= MIN_SECRET && !x.value.is_empty() {
                    // Without padding too: a token may end the line either way.
                    set.insert(b64.trim_end_matches('=').as_bytes().to_vec());
                }
            }
        }
    }
    set.into_iter().collect()
}

/// Finds every secret in a frame in one pass, the longest where they overlap.
struct Masker(Option<aho_corasick::AhoCorasick>);

impl Masker {
    fn new(secrets: &[Vec<u8>]) -> Masker {
        Masker(
            (!secrets.is_empty())
                .then(|| {
                    aho_corasick::AhoCorasick::builder()
                        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                        .build(secrets)
                        .ok()
                })
                .flatten(),
        )
    }

    /// Overwrites each occurrence of a secret with `*`.
    fn mask(&self, data: &mut [u8]) {
        let Some(ac) = &self.0 else { return };
        let spans: Vec<(usize, usize)> =
            ac.find_iter(&*data).map(|m| (m.start(), m.end())).collect();
        for (a, b) in spans {
            data[a..b].fill(b'*');
        }
    }
}

/// A pcapng file (section header, one interface per link type with nanosecond
/// timestamps, an enhanced packet block per frame), little-endian.
fn pcapng(frames: &[&Frame]) -> Vec<u8> {
    let mut out = Vec::new();
    // Section Header Block: byte-order magic, version 1.0, section length unknown.
    block(&mut out, 0x0A0D_0D0A, |b| {
        b.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(&u64::MAX.to_le_bytes());
    });
    let mut interfaces: Vec<u16> = Vec::new();
    for f in frames {
        if !interfaces.contains(&f.linktype) {
            interfaces.push(f.linktype);
            // Interface Description Block with if_tsresol = 9 (nanoseconds).
            block(&mut out, 1, |b| {
                b.extend_from_slice(&f.linktype.to_le_bytes());
                b.extend_from_slice(&0u16.to_le_bytes());
                b.extend_from_slice(&0u32.to_le_bytes());
                b.extend_from_slice(&9u16.to_le_bytes());
                b.extend_from_slice(&1u16.to_le_bytes());
                b.extend_from_slice(&[9, 0, 0, 0]);
                b.extend_from_slice(&[0; 4]);
            });
        }
        let ifid = interfaces
            .iter()
            .position(|l| *l == f.linktype)
            .unwrap_or(0) as u32;
        let ts = f.ts_ns.max(0) as u64;
        block(&mut out, 6, |b| {
            b.extend_from_slice(&ifid.to_le_bytes());
            b.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
            b.extend_from_slice(&(ts as u32).to_le_bytes());
            b.extend_from_slice(&(f.data.len() as u32).to_le_bytes());
            b.extend_from_slice(&f.orig_len.max(f.data.len() as u32).to_le_bytes());
            b.extend_from_slice(&f.data);
            b.resize(b.len().next_multiple_of(4), 0);
        });
    }
    out
}

/// Appends a block: type, total length, body, total length again.
fn block(out: &mut Vec<u8>, kind: u32, body: impl FnOnce(&mut Vec<u8>)) {
    let mut b = Vec::new();
    body(&mut b);
    let len = (b.len() + 12) as u32;
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&b);
    out.extend_from_slice(&len.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_everywhere_in_the_frame() {
        let mut d = b"USER bob\r\nPASS hunter2\r\nhunter2 hunter".to_vec();
        Masker::new(&[b"hunter".to_vec(), b"hunter2".to_vec()]).mask(&mut d);
        assert_eq!(&d, b"USER bob\r\nPASS *******\r\n******* ******");
    }

    #[test]
    fn blocks_are_aligned_and_framed() {
        let f = Frame {
            ts_ns: 1_500_000_000_123_456_789,
            orig_len: 60,
            linktype: 1,
            data: vec![0xab; 5],
        };
        let out = pcapng(&[&f]);
        // SHB 28, IDB 32 (with if_tsresol and end of options), EPB 32 + 8 (5 padded).
        assert_eq!(out.len(), 28 + 32 + 40);
        let epb = &out[60..];
        assert_eq!(u32::from_le_bytes(epb[0..4].try_into().unwrap()), 6);
        assert_eq!(u32::from_le_bytes(epb[4..8].try_into().unwrap()), 40);
        let hi = u32::from_le_bytes(epb[12..16].try_into().unwrap()) as u64;
        let lo = u32::from_le_bytes(epb[16..20].try_into().unwrap()) as u64;
        assert_eq!((hi << 32) | lo, 1_500_000_000_123_456_789);
        assert_eq!(&out[out.len() - 4..], &40u32.to_le_bytes());
    }
}
