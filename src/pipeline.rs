//! The one file that knows the stage order and the threading.
//!
//! For each capture: the scanner cuts a wave of chunks at record boundaries (one
//! thread); the chunks are decoded in parallel (rayon, one worker state per task) into
//! per-shard flow records and mergeable counters; fragments are reassembled on one
//! thread in frame order; then every shard updates its own flow table from the wave's
//! records in frame order, shards in parallel. Counters merge in chunk order. Nothing
//! depends on which thread finished first, so outputs are identical for any thread
//! count and chunk size.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::aggregate::assets::{self, Asset};
use crate::aggregate::endpoints::{self, Endpoint};
use crate::aggregate::protocols::{self, app_protocol, transport_name, ProtocolRow};
use crate::aggregate::timeline::{self, Timeline};
use crate::aggregate::Counters;
use crate::capture::scan::{self, Chunk, Ctx, Item, Scanner, Wave};
use crate::capture::source::Source;
use crate::capture::{CaptureError, Format};
use crate::catalog::Catalog;
use crate::dissect::net::{self, Outcome, Packet};
use crate::flow::app::{candidate, Hint, OpKey, OpStat};
use crate::flow::arp::{self, ArpBinding, ArpRec};
use crate::flow::frag::{FragKey, FragRec, Reassembler};
use crate::flow::l2::{self, L2App, L2Flow, L2Key, L2OpKey, L2Rec};
use crate::flow::timing::Timing;
use crate::flow::{shard_of, Conv, Dissect, FlowKey, FlowRec, ShardTable};

/// How to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub threads: usize,
    pub chunk_bytes: usize,
    pub use_mmap: bool,
    /// Compute each input's SHA-256.
    pub hash: bool,
    /// Guess pcap chunk boundaries and let the workers confirm them.
    pub speculate: bool,
    /// Map the next wave's pages ahead of the workers.
    pub prefetch: bool,
    /// Run the application-protocol dissectors.
    pub dissect: bool,
    /// Among them, the IT protocols' (by port and by content).
    pub dissect_it: bool,
    /// Bytes read so far, for the progress bar.
    pub progress: Option<Arc<AtomicU64>>,
}

impl Options {
    pub fn new(threads: usize) -> Options {
        Options {
            threads: threads.max(1),
            chunk_bytes: 2 << 20,
            use_mmap: true,
            hash: true,
            speculate: true,
            prefetch: true,
            dissect: true,
            dissect_it: true,
            progress: None,
        }
    }
}

/// What happened to one input file.
#[derive(Clone, Debug, Default)]
pub struct CaptureReport {
    pub path: PathBuf,
    pub size: u64,
    pub sha256: String,
    pub format: Option<Format>,
    pub linktypes: Vec<u16>,
    pub precision: u8,
    pub counters_packets: u64,
    pub counters_bytes: u64,
    pub first_ts: Option<i64>,
    pub last_ts: Option<i64>,
    /// Could not be read at all.
    pub fatal: Option<CaptureError>,
    pub errors: Vec<CaptureError>,
    pub warnings: Vec<CaptureError>,
    pub suppressed: u64,
    pub skipped_bytes: u64,
    pub sections: u32,
    pub interfaces: u32,
    pub interface_drops: u64,
    pub names: Vec<(std::net::IpAddr, String)>,
    /// Where each chunk starts and the frames before it, so a frame can be read back
    /// by walking a few records of one chunk (`report::evidence`).
    pub chunks: Vec<ChunkMark>,
}

/// Frames between two entries of [`ChunkMark::index`].
pub const INDEX_STRIDE: u64 = 256;

/// A chunk of a capture as decoded: its file range and the frames before it.
#[derive(Clone, Debug)]
pub struct ChunkMark {
    pub frames_before: u64,
    pub offset: u64,
    pub len: usize,
    pub ctx: scan::Ctx,
    /// File offset of the chunk's frames 1, 1 + [`INDEX_STRIDE`], 1 + 2 x
    /// [`INDEX_STRIDE`], ... (a walk may start at any record of a chunk: its context
    /// holds for all of them).
    pub index: Vec<u64>,
}

impl CaptureReport {
    pub fn status(&self) -> &'static str {
        if self.fatal.is_some() {
            "failed"
        } else if !self.errors.is_empty() {
            "damaged"
        } else {
            "ok"
        }
    }
}

/// Wall and CPU time of a stage.
#[derive(Clone, Debug, Default)]
pub struct StageTime {
    pub name: &'static str,
    pub wall: Duration,
    pub cpu: Duration,
}

/// The merged result of one analysis (one capture, or several combined).
pub struct Analysis {
    pub captures: Vec<CaptureReport>,
    pub counters: Counters,
    /// Conversations in order of their first packet.
    pub convs: Vec<Conv>,
    /// Industrial operations, in order of their first PDU.
    pub ops: Vec<(OpKey, OpStat)>,
    /// Request timing per (flow, unit, function), in key order.
    pub timing: Vec<(OpKey, Timing)>,
    /// Link-layer industrial flows (PROFINET, GOOSE, SV), in order of their first frame.
    pub l2: Vec<L2Flow>,
    /// Their operations, derived by [`Analysis::finish`].
    pub l2_ops: Vec<(L2OpKey, OpStat)>,
    /// ARP bindings, by address, VLAN, then first frame.
    pub arp: Vec<ArpBinding>,
    pub frag_dropped: u64,
    pub frag_pending: u64,
    pub stages: Vec<StageTime>,
    /// Derived by [`Analysis::finish`].
    pub endpoints: Vec<Endpoint>,
    pub protocols: Vec<ProtocolRow>,
    pub assets: Vec<Asset>,
    /// Catalog protocol of each conversation (same order as `convs`).
    pub conv_app: Vec<Option<String>>,
    /// Packets per minute per protocol group (every frame with a timestamp).
    pub timeline: Timeline,
}

impl Analysis {
    fn new(captures: Vec<CaptureReport>, counters: Counters, convs: Vec<Conv>) -> Analysis {
        Analysis {
            captures,
            counters,
            convs,
            ops: Vec::new(),
            timing: Vec::new(),
            l2: Vec::new(),
            l2_ops: Vec::new(),
            arp: Vec::new(),
            frag_dropped: 0,
            frag_pending: 0,
            stages: Vec::new(),
            endpoints: Vec::new(),
            protocols: Vec::new(),
            assets: Vec::new(),
            conv_app: Vec::new(),
            timeline: Timeline::default(),
        }
    }

    /// Derives the endpoint and protocol tables from the merged state.
    pub fn finish(&mut self, catalog: &Catalog) {
        self.conv_app = self
            .convs
            .iter()
            .map(|c| match c.decoded() {
                Some(a) => Some(a.proto.id().to_string()),
                None => app_protocol(c, catalog).map(|p| p.id.clone()),
            })
            .collect();
        let names: hashbrown::HashMap<FlowKey, String> = self
            .convs
            .iter()
            .zip(&self.conv_app)
            .map(|(c, a)| {
                (
                    c.key,
                    a.clone().unwrap_or_else(|| transport_name(c.key.proto)),
                )
            })
            .collect();
        self.endpoints = endpoints::build(&self.convs, |c| names[&c.key].clone(), &self.counters);
        for e in &mut self.endpoints {
            e.vendor = e.mac.and_then(|m| catalog.oui.vendor(&m)).map(String::from);
        }
        self.protocols = protocols::build(&self.convs, catalog, &self.counters, &self.l2);
        self.assets = assets::build(
            &self.endpoints,
            &self.convs,
            &self.conv_app,
            &self.l2,
            &self.arp,
        );
        crate::aggregate::roles::assign(&mut self.assets, &self.ops, &self.convs, &self.l2);
        self.l2_ops = l2::op_rows(&self.l2);
    }

    /// Sub-second digits to print: the finest precision among the inputs.
    pub fn precision(&self) -> u8 {
        self.captures.iter().map(|c| c.precision).max().unwrap_or(6)
    }

    /// Folds several analyses into one (the batch roll-up).
    pub fn rollup(parts: &[&Analysis]) -> Analysis {
        let mut counters = Counters::default();
        let mut convs: hashbrown::HashMap<FlowKey, Conv> = hashbrown::HashMap::new();
        let mut ops: hashbrown::HashMap<OpKey, OpStat> = hashbrown::HashMap::new();
        let mut timing: std::collections::BTreeMap<OpKey, Timing> =
            std::collections::BTreeMap::new();
        let mut captures = Vec::new();
        let (mut frag_dropped, mut frag_pending) = (0, 0);
        for (i, a) in parts.iter().enumerate() {
            counters.merge(&a.counters);
            captures.extend(a.captures.iter().cloned());
            frag_dropped += a.frag_dropped;
            frag_pending += a.frag_pending;
            for c in &a.convs {
                let mut c = c.clone();
                c.first_frame.0 = i as u32;
                if let Some(app) = c.app.as_deref_mut() {
                    app.set_capture(i as u32);
                }
                convs.entry(c.key).and_modify(|x| x.merge(&c)).or_insert(c);
            }
            for (k, o) in &a.ops {
                let mut o = o.clone();
                o.set_capture(i as u32);
                ops.entry(*k).and_modify(|x| x.merge(&o)).or_insert(o);
            }
            for (k, t) in &a.timing {
                match timing.get_mut(k) {
                    Some(x) => x.merge(t),
                    None => {
                        timing.insert(*k, t.clone());
                    }
                }
            }
        }
        let mut convs: Vec<Conv> = convs.into_values().collect();
        sort_convs(&mut convs);
        let mut a = Analysis::new(captures, counters, convs);
        for p in parts {
            a.timeline.merge(&p.timeline);
        }
        a.ops = ops.into_iter().collect();
        sort_ops(&mut a.ops);
        a.timing = timing.into_iter().collect();
        a.l2 = l2::rollup(
            parts
                .iter()
                .enumerate()
                .map(|(i, a)| (i as u32, a.l2.as_slice())),
        );
        a.arp = arp::rollup(
            parts
                .iter()
                .enumerate()
                .map(|(i, a)| (i as u32, a.arp.as_slice())),
        );
        a.frag_dropped = frag_dropped;
        a.frag_pending = frag_pending;
        a
    }
}

fn sort_ops(ops: &mut [(OpKey, OpStat)]) {
    ops.sort_by(|a, b| {
        a.1.first_frame
            .cmp(&b.1.first_frame)
            .then_with(|| a.0.cmp(&b.0))
    });
}

fn sort_convs(convs: &mut [Conv]) {
    convs.sort_by(|a, b| {
        a.first_frame
            .cmp(&b.first_frame)
            .then_with(|| a.key.cmp(&b.key))
    });
}

/// Output of one chunk worker. Frame numbers inside are local to the chunk (1-based)
/// until the wave is confirmed and `frame_offset` is known.
struct ChunkOut {
    counters: Counters,
    per_shard: Vec<Vec<FlowRec>>,
    /// Decoded link-layer frames per shard (empty vectors allocate nothing).
    l2: Vec<Vec<L2Rec>>,
    /// ARP records per shard of their address.
    arp: Vec<Vec<ArpRec>>,
    frags: Vec<FragRec>,
    /// Records in the chunk.
    frames: u64,
    /// The chunk's records chained from its start to exactly its end.
    clean: bool,
    /// Records longer than the snaplen: (offset, captured length, snaplen).
    long_records: Vec<(u64, u32, u32)>,
    /// See [`ChunkMark::index`].
    index: Vec<u64>,
    /// Frames in the capture before this chunk.
    frame_offset: u64,
    last_ts: Option<i64>,
}

/// Analyses `paths` as one continuous recording (one path, or `--combine`).
pub fn analyze(paths: &[PathBuf], opts: &Options) -> Analysis {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .expect("thread pool");
    pool.install(|| analyze_in_pool(paths, opts))
}

fn analyze_in_pool(paths: &[PathBuf], opts: &Options) -> Analysis {
    let nshards = (opts.threads * 4).max(1);
    let mut shards: Vec<ShardTable> = (0..nshards)
        .map(|_| {
            ShardTable::new(Dissect {
                app: opts.dissect,
                it: opts.dissect_it,
            })
        })
        .collect();
    let mut reasm = Reassembler::default();
    let mut counters = Counters::default();
    let mut captures = Vec::new();
    let mut t_scan = StageTime {
        name: "scan",
        ..Default::default()
    };
    let mut t_decode = StageTime {
        name: "decode",
        ..Default::default()
    };
    let mut t_flow = StageTime {
        name: "flow",
        ..Default::default()
    };
    let mut t_hash = StageTime {
        name: "hash",
        ..Default::default()
    };
    let cpu_decode = AtomicU64::new(0);
    let cpu_flow = AtomicU64::new(0);

    for (ci, path) in paths.iter().enumerate() {
        let mut rep = CaptureReport {
            path: path.clone(),
            ..Default::default()
        };
        let src = match Source::open(path, opts.use_mmap) {
            Ok(s) => s,
            Err(e) => {
                rep.fatal = Some(CaptureError {
                    offset: 0,
                    skipped_bytes: 0,
                    message: format!("cannot open: {e}"),
                });
                captures.push(rep);
                continue;
            }
        };
        rep.size = src.len();
        let mut cap_counters = Counters::default();
        std::thread::scope(|scope| {
            // The digest runs beside the analysis; on a warm page cache it is hidden
            // behind the decode work.
            let hasher = opts.hash.then(|| {
                scope.spawn(|| {
                    let t = Instant::now();
                    let c = thread_cpu();
                    (src.sha256(), t.elapsed(), thread_cpu().saturating_sub(c))
                })
            });
            let mut scanner = match Scanner::open(&src) {
                Ok(s) => Some(s),
                Err(e) => {
                    rep.fatal = Some(e);
                    None
                }
            };
            if let Some(scanner) = scanner.as_mut() {
                rep.format = Some(scanner.format);
                scanner.speculate = opts.speculate;
                let waves_chunks = opts.threads * 8;
                let mut last_pos = 0u64;
                let mut read_error = None;
                let mut flow = FlowState {
                    shards: &mut shards,
                    reasm: &mut reasm,
                    counters: &mut cap_counters,
                    capture: ci as u32,
                    cpu: &cpu_flow,
                    wall: Duration::ZERO,
                };
                // Three waves in flight: scan n+2 beside decode n+1 beside flow n.
                let mut decoding = scan_wave(
                    scanner,
                    &src,
                    opts,
                    waves_chunks,
                    &mut read_error,
                    &mut t_scan,
                );
                let mut pending: Option<(Wave<'_>, Vec<ChunkOut>)> = None;
                let pool = RecPool::default();
                let mut frames_before = 0u64;
                while decoding.is_some() || pending.is_some() {
                    let cp = scanner.checkpoint();
                    let ((next, outs), ()) = rayon::join(
                        || {
                            rayon::join(
                                || match decoding {
                                    Some(_) => scan_wave(
                                        scanner,
                                        &src,
                                        opts,
                                        waves_chunks,
                                        &mut read_error,
                                        &mut t_scan,
                                    ),
                                    None => None,
                                },
                                || {
                                    decoding.as_ref().map(|w| {
                                        decode_wave(
                                            w,
                                            nshards,
                                            &cpu_decode,
                                            &mut t_decode,
                                            &pool,
                                            opts.dissect,
                                        )
                                    })
                                },
                            )
                        },
                        || {
                            if let Some((w, outs)) = &pending {
                                flow.run(&w.data, outs);
                            }
                        },
                    );
                    let wave = decoding.take();
                    let mut outs = outs;
                    if let (Some(w), Some(o)) = (&wave, outs.as_mut()) {
                        if !confirm(w, o, &mut frames_before, scanner, &mut rep) {
                            // A guessed boundary was wrong or the wave holds damage:
                            // walk it record by record instead.
                            scanner.rewind(w.base, &cp);
                            drop(next);
                            decoding = scan_wave(
                                scanner,
                                &src,
                                opts,
                                waves_chunks,
                                &mut read_error,
                                &mut t_scan,
                            );
                            pending = None;
                            continue;
                        }
                    }
                    if let Some((_, done)) = std::mem::replace(&mut pending, wave.zip(outs)) {
                        pool.give(done);
                    }
                    decoding = next;
                    if let Some(p) = &opts.progress {
                        p.fetch_add(scanner.pos().saturating_sub(last_pos), Ordering::Relaxed);
                        last_pos = scanner.pos();
                    }
                }
                t_flow.wall += flow.wall;
                if let Some(e) = read_error {
                    rep.errors.push(CaptureError {
                        offset: scanner.pos(),
                        skipped_bytes: 0,
                        message: format!("read error: {e}"),
                    });
                }
                let info = std::mem::take(&mut scanner.info);
                rep.linktypes = info.linktypes.into_iter().collect();
                rep.precision = info.precision;
                rep.errors.extend(info.errors);
                rep.warnings.extend(info.warnings);
                rep.suppressed = info.suppressed;
                rep.skipped_bytes = info.skipped_bytes;
                rep.sections = info.sections;
                rep.interfaces = info.interfaces;
                rep.interface_drops = info.interface_drops;
                rep.names = info.names;
            }
            if let Some(h) = hasher {
                let (sha, wall, cpu) = h.join().expect("hash thread");
                rep.sha256 = sha.unwrap_or_default();
                t_hash.wall += wall;
                t_hash.cpu += cpu;
            }
        });
        rep.counters_packets = cap_counters.total.packets;
        rep.counters_bytes = cap_counters.total.bytes;
        if cap_counters.total.packets > 0 {
            rep.first_ts = Some(cap_counters.first_ts);
            rep.last_ts = Some(cap_counters.last_ts);
        }
        counters.merge(&cap_counters);
        captures.push(rep);
    }
    t_decode.cpu = Duration::from_nanos(cpu_decode.load(Ordering::Relaxed));
    t_flow.cpu = Duration::from_nanos(cpu_flow.load(Ordering::Relaxed));

    let t3 = Instant::now();
    let c3 = thread_cpu();
    let mut convs: Vec<Conv> = Vec::new();
    let mut ops: Vec<(OpKey, OpStat)> = Vec::new();
    let mut timing: Vec<(OpKey, Timing)> = Vec::new();
    let mut l2_flows: Vec<L2Flow> = Vec::new();
    let mut arp_bindings: Vec<ArpBinding> = Vec::new();
    let mut tl = std::mem::take(&mut counters.timeline);
    for mut s in shards {
        tl.merge(&s.take_timeline());
        let (c, o, t, l, b) = s.into_parts();
        convs.extend(c);
        ops.extend(o);
        timing.extend(t);
        l2_flows.extend(l);
        arp_bindings.extend(b);
    }
    sort_convs(&mut convs);
    l2::sort_flows(&mut l2_flows);
    sort_ops(&mut ops);
    timing.sort_by_key(|t| t.0);
    let t_merge = StageTime {
        name: "merge",
        wall: t3.elapsed(),
        cpu: thread_cpu().saturating_sub(c3),
    };
    let mut a = Analysis::new(captures, counters, convs);
    a.timeline = tl;
    a.ops = ops;
    a.timing = timing;
    a.l2 = l2_flows;
    a.arp = arp::finish(arp_bindings);
    a.frag_dropped = reasm.dropped;
    a.frag_pending = reasm.pending() as u64;
    a.stages = vec![t_scan, t_decode, t_flow, t_merge, t_hash];
    a
}

/// Numbers a decoded wave's frames and, for a speculative wave, checks that its
/// chunks chain exactly. Returns false when the wave must be walked again.
fn confirm(
    wave: &Wave<'_>,
    outs: &mut [ChunkOut],
    frames_before: &mut u64,
    scanner: &mut Scanner,
    rep: &mut CaptureReport,
) -> bool {
    if wave.speculative && !outs.iter().all(|o| o.clean) {
        return false;
    }
    for (o, chunk) in outs.iter_mut().zip(&wave.chunks) {
        o.frame_offset = *frames_before;
        rep.chunks.push(ChunkMark {
            frames_before: *frames_before,
            offset: wave.base + chunk.start as u64,
            len: chunk.end - chunk.start,
            ctx: chunk.ctx.clone(),
            index: std::mem::take(&mut o.index),
        });
        *frames_before += o.frames;
        for &(offset, caplen, snaplen) in &o.long_records {
            if rep.warnings.len() < 100 {
                rep.warnings.push(CaptureError {
                    offset,
                    skipped_bytes: 0,
                    message: scan::snaplen_warning(caplen, snaplen),
                });
            } else {
                rep.suppressed += 1;
            }
        }
    }
    if wave.speculative {
        if let Some(ts) = outs.iter().rev().find_map(|o| o.last_ts) {
            scanner.confirmed(ts);
        }
    }
    true
}

/// Cuts the next wave; a read error ends the capture.
fn scan_wave<'s>(
    scanner: &mut Scanner,
    src: &'s Source,
    opts: &Options,
    chunks: usize,
    err: &mut Option<std::io::Error>,
    t: &mut StageTime,
) -> Option<Wave<'s>> {
    let t0 = Instant::now();
    let c0 = thread_cpu();
    let w = scanner
        .next_wave(src, opts.chunk_bytes, chunks)
        .unwrap_or_else(|e| {
            *err = Some(e);
            None
        });
    if w.is_some() && opts.prefetch {
        src.prefetch(scanner.pos(), opts.chunk_bytes * chunks);
    }
    t.wall += t0.elapsed();
    t.cpu += thread_cpu().saturating_sub(c0);
    w
}

/// Decodes a wave's chunks in parallel; results come back in chunk order.
fn decode_wave(
    wave: &Wave<'_>,
    nshards: usize,
    cpu: &AtomicU64,
    t: &mut StageTime,
    pool: &RecPool,
    dissect: bool,
) -> Vec<ChunkOut> {
    let t0 = Instant::now();
    let outs = wave
        .chunks
        .par_iter()
        .map(|c| {
            let c0 = thread_cpu();
            let out = work_chunk(c, wave, nshards, pool, dissect);
            cpu.fetch_add(
                thread_cpu().saturating_sub(c0).as_nanos() as u64,
                Ordering::Relaxed,
            );
            out
        })
        .collect();
    t.wall += t0.elapsed();
    outs
}

/// The per-capture state the flow phase updates, one wave at a time, in order.
struct FlowState<'a> {
    shards: &'a mut [ShardTable],
    reasm: &'a mut Reassembler,
    counters: &'a mut Counters,
    capture: u32,
    cpu: &'a AtomicU64,
    wall: Duration,
}

impl FlowState<'_> {
    /// Merges a decoded wave's counters, reassembles its fragments, then lets every
    /// shard update its flows from the wave's records in frame order.
    fn run(&mut self, data: &[u8], outs: &[ChunkOut]) {
        let t0 = Instant::now();
        let nshards = self.shards.len();
        for out in outs {
            self.counters.merge(&out.counters);
        }
        let mut late: Vec<Vec<FlowRec>> = vec![Vec::new(); nshards];
        for out in outs {
            for f in &out.frags {
                let mut f = f.clone();
                f.frame += out.frame_offset;
                reassemble(self.reasm, f, self.counters, &mut late, nshards);
            }
        }
        let (ci, cpu) = (self.capture, self.cpu);
        self.shards.par_iter_mut().enumerate().for_each(|(i, s)| {
            let c0 = thread_cpu();
            let mut late_it = late[i].iter().peekable();
            for out in outs {
                let off = out.frame_offset;
                for r in &out.per_shard[i] {
                    while let Some(l) = late_it.next_if(|l| l.frame < r.frame + off) {
                        s.update_reassembled(l, ci);
                    }
                    s.update(r, ci, off, data);
                }
                for r in &out.l2[i] {
                    s.update_l2(r, ci, off, data);
                }
                for r in &out.arp[i] {
                    s.update_arp(r, ci, off);
                }
            }
            for l in late_it {
                s.update_reassembled(l, ci);
            }
            cpu.fetch_add(
                thread_cpu().saturating_sub(c0).as_nanos() as u64,
                Ordering::Relaxed,
            );
        });
        self.wall += t0.elapsed();
    }
}

/// Decodes every record of a chunk.
/// Per-shard record buffers reused from wave to wave: allocating them afresh each
/// wave makes the allocator return and re-fault (zero) tens of megabytes per wave
/// (they are filled by a worker and freed by the flow thread).
#[derive(Default)]
struct RecPool(std::sync::Mutex<Vec<ShardBufs>>);

/// One chunk's per-shard buffers: flow records, link-layer records, ARP records.
type ShardBufs = (Vec<Vec<FlowRec>>, Vec<Vec<L2Rec>>, Vec<Vec<ArpRec>>);

impl RecPool {
    fn take(&self, nshards: usize) -> ShardBufs {
        let got = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match got {
            Some(b) if b.0.len() == nshards => b,
            _ => (
                (0..nshards).map(|_| Vec::new()).collect(),
                (0..nshards).map(|_| Vec::new()).collect(),
                (0..nshards).map(|_| Vec::new()).collect(),
            ),
        }
    }

    fn give(&self, outs: Vec<ChunkOut>) {
        let mut pool = self.0.lock().unwrap_or_else(|e| e.into_inner());
        for mut o in outs {
            o.per_shard.iter_mut().for_each(Vec::clear);
            o.l2.iter_mut().for_each(Vec::clear);
            o.arp.iter_mut().for_each(Vec::clear);
            pool.push((o.per_shard, o.l2, o.arp));
        }
    }
}

fn work_chunk(
    chunk: &Chunk,
    wave: &Wave<'_>,
    nshards: usize,
    pool: &RecPool,
    dissect: bool,
) -> ChunkOut {
    let data: &[u8] = &wave.data;
    let expect = (chunk.end - chunk.start) / 96 / nshards + 16;
    let (mut per_shard, l2, arp) = pool.take(nshards);
    per_shard.iter_mut().for_each(|s| s.reserve(expect));
    let mut out = ChunkOut {
        counters: Counters::default(),
        per_shard,
        l2,
        arp,
        frags: Vec::new(),
        frames: 0,
        clean: true,
        long_records: Vec::new(),
        index: Vec::new(),
        frame_offset: 0,
        last_ts: None,
    };
    let snaplen = match &chunk.ctx {
        Ctx::Pcap(h) if chunk.speculative => h.snaplen,
        _ => 0,
    };
    let base_ptr = data.as_ptr() as usize;
    let mut walk = scan::records(chunk, data, wave.base);
    loop {
        let at = walk.offset();
        let Some(item) = walk.next() else { break };
        if out.frames % INDEX_STRIDE == 0 {
            out.index.push(at);
        }
        out.frames += 1;
        let frame = out.frames;
        let rec = match item {
            Item::Packet(r) => r,
            Item::Bad { .. } => {
                out.counters.total.packets += 1;
                out.counters.accounting[Outcome::UnreadableRecord.index()] += 1;
                continue;
            }
            Item::Custom { len } => {
                out.counters.total.add(len);
                out.counters.accounting[Outcome::CustomBlock.index()] += 1;
                continue;
            }
        };
        if snaplen > 0 && rec.data.len() as u32 > snaplen {
            out.long_records
                .push((rec.offset, rec.data.len() as u32, snaplen));
        }
        out.last_ts = Some(rec.ts_ns);
        let c = &mut out.counters;
        c.frame(rec.orig_len, rec.data.len(), rec.ts_ns);
        let p = net::decode(rec.linktype, rec.data);
        c.accounting[p.outcome.index()] += 1;
        c.encaps(p.encap, rec.orig_len);
        if let Some(ip) = &p.ip {
            if ip.v6 { &mut c.ipv6 } else { &mut c.ipv4 }.add(rec.orig_len);
        }
        match p.outcome {
            Outcome::Decoded => {
                let (ip, l4) = (
                    p.ip.as_ref().expect("decoded has ip"),
                    p.l4.as_ref().expect("decoded has l4"),
                );
                let payload = (
                    (l4.payload.as_ptr() as usize - base_ptr) as u32,
                    l4.payload.len() as u32,
                );
                let r = FlowRec::new(
                    ip,
                    l4,
                    p.vlan,
                    frame,
                    rec.ts_ns,
                    rec.orig_len,
                    p.src_mac,
                    payload,
                );
                let mut r = r;
                if dissect && !l4.payload.is_empty() {
                    if let Some((proto, _, _)) = candidate(&r.key) {
                        r.hint = Hint::of(proto, l4.payload);
                    }
                }
                out.per_shard[shard_of(r.hash, nshards)].push(r);
            }
            Outcome::IpFragment => {
                let ip = p.ip.as_ref().expect("fragment has ip");
                let f = ip.frag.expect("fragment info");
                c.ip_outside(ip.src, ip.dst, ip.v6, rec.orig_len, rec.ts_ns, 1);
                c.timeline
                    .add(rec.ts_ns, timeline::group_of_ip_proto(ip.proto));
                if ip.cut {
                    // Bytes the capture did not keep cannot be put back together.
                    continue;
                }
                out.frags.push(FragRec {
                    key: FragKey {
                        src: ip.src,
                        dst: ip.dst,
                        proto: ip.proto,
                        id: f.id,
                        v6: ip.v6,
                    },
                    frame,
                    ts_ns: rec.ts_ns,
                    wire_len: rec.orig_len,
                    offset: f.offset,
                    more: f.more,
                    vlan: p.vlan,
                    src_mac: p.src_mac,
                    data: ip.payload.to_vec(),
                });
            }
            Outcome::NonIp => {
                let app = match p.l2 {
                    Some(net::l2::L2Proto::Named(name)) if dissect => {
                        l2::classify(name, p.l2_payload)
                    }
                    _ => None,
                };
                if let (Some(proto), Some(app)) = (p.l2, app) {
                    // Decoded: the flow table counts it under its protocol.
                    c.mac_frame(proto, p.src_mac, rec.orig_len, rec.ts_ns);
                    if p.l4.is_none() {
                        c.timeline.add(rec.ts_ns, app.group());
                    }
                    let key = L2Key {
                        src: p.src_mac.unwrap_or_default(),
                        dst: p.dst_mac.unwrap_or_default(),
                        vlan: p.vlan,
                        app,
                    };
                    let hash = key.hash();
                    if app == L2App::Arp {
                        for r in arp::records(p.l2_payload, p.vlan, frame, rec.ts_ns) {
                            out.arp[shard_of(r.hash(), nshards)].push(r);
                        }
                    }
                    out.l2[shard_of(hash, nshards)].push(L2Rec {
                        key,
                        hash,
                        frame,
                        ts_ns: rec.ts_ns,
                        wire_len: rec.orig_len,
                        payload_off: (p.l2_payload.as_ptr() as usize - base_ptr) as u32,
                        payload_len: p.l2_payload.len() as u32,
                    });
                } else if let Some(l2) = p.l2 {
                    c.non_ip(l2, p.src_mac, rec.orig_len, rec.ts_ns);
                    if p.l4.is_none() {
                        c.timeline.add(rec.ts_ns, timeline::group_of_l2(&l2.id()));
                    }
                } else if p.l4.is_none() {
                    c.timeline.add(rec.ts_ns, timeline::OTHER);
                }
                // A tunnel (VXLAN, Geneve) carrying a frame without IP: the carrier's
                // header is the innermost IP header, so its conversation counts.
                if let (Some(ip), Some(l4)) = (&p.ip, &p.l4) {
                    let r = FlowRec::new(
                        ip,
                        l4,
                        p.vlan,
                        frame,
                        rec.ts_ns,
                        rec.orig_len,
                        p.src_mac,
                        (0, 0),
                    );
                    out.per_shard[shard_of(r.hash, nshards)].push(r);
                }
            }
            _ => {
                let g = match &p.ip {
                    Some(ip) => {
                        c.ip_outside(ip.src, ip.dst, ip.v6, rec.orig_len, rec.ts_ns, 1);
                        timeline::group_of_ip_proto(ip.proto)
                    }
                    None => timeline::OTHER,
                };
                c.timeline.add(rec.ts_ns, g);
            }
        }
    }
    out.clean = walk.clean();
    out
}

/// Feeds a fragment; a completed datagram becomes a flow record at the frame that
/// completed it, and that frame's accounting moves from `ip_fragment` to its outcome.
fn reassemble(
    r: &mut Reassembler,
    f: FragRec,
    c: &mut Counters,
    late: &mut [Vec<FlowRec>],
    nshards: usize,
) {
    let Some(d) = r.feed(f) else { return };
    let last = &d.last;
    let info = net::IpInfo {
        v6: d.key.v6,
        src: d.key.src,
        dst: d.key.dst,
        proto: d.key.proto,
        ttl: 0,
        frag: None,
        payload: &d.payload,
        cut: false,
    };
    let p: Packet<'_> = net::decode_datagram(info);
    c.accounting[Outcome::IpFragment.index()] -= 1;
    c.accounting[p.outcome.index()] += 1;
    if p.outcome != Outcome::Decoded {
        return;
    }
    c.ip_outside(
        d.key.src,
        d.key.dst,
        d.key.v6,
        last.wire_len,
        last.ts_ns,
        -1,
    );
    let (ip, l4) = (
        p.ip.as_ref().expect("decoded has ip"),
        p.l4.as_ref().expect("decoded has l4"),
    );
    let r = FlowRec::new(
        ip,
        l4,
        last.vlan,
        last.frame,
        last.ts_ns,
        last.wire_len,
        last.src_mac,
        (0, 0),
    );
    late[shard_of(r.hash, nshards)].push(r);
}

/// CPU time of the calling thread.
pub fn thread_cpu() -> Duration {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes into the timespec we own.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0 {
            return Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32);
        }
    }
    Duration::ZERO
}

/// CPU time of the whole process.
pub fn process_cpu() -> Duration {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: as above.
        if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) } == 0 {
            return Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32);
        }
    }
    Duration::ZERO
}

/// Whether a path looks like something to analyse when walking a directory.
pub fn is_candidate(p: &Path) -> bool {
    p.is_file()
}
