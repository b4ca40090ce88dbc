//! floor: the minimal parallel pcap aggregator, i.e. the performance floor for ottr.
//!
//! ```text
//! floor FILE [--threads N] [--json] [--populate]
//! ```
//!
//! Memory-maps a classic pcap, makes one sequential pass over the record headers to
//! cut the file into ~8 MiB chunks at record boundaries, then parses every packet with
//! etherparse on a rayon pool (one task per chunk) and counts packets and bytes
//! (original length) per directional 5-tuple (src ip, dst ip, src port, dst port,
//! ip proto) in per-task hash maps that are merged at the end. Nothing else: no
//! dissection above L4, no output files. Anything ottr does on top of this is the
//! price of its features; `perf/run.sh` reports ottr's throughput as a ratio of this.
//!
//! The sequential split pass is also where the mapping is first touched, so on a cold
//! mapping it pays the page faults for the whole file on one thread. `--populate`
//! (MAP_POPULATE) pre-faults the mapping in the kernel instead; it is an experiment to
//! see that cost, not part of the floor, and `perf/run.sh` does not use it.

use std::collections::HashMap;
use std::fs::File;
use std::time::Instant;

use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use foldhash::fast::FixedState;
use memmap2::{Mmap, MmapOptions};
use rayon::prelude::*;

const CHUNK: usize = 8 << 20;

/// A directional 5-tuple. IPv4 addresses are stored IPv4-mapped in the 16 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    src: [u8; 16],
    dst: [u8; 16],
    sport: u16,
    dport: u16,
    proto: u8,
}

#[derive(Clone, Copy, Default)]
struct Counts {
    packets: u64,
    bytes: u64,
}

type FlowMap = HashMap<Key, Counts, FixedState>;

struct Acc {
    flows: FlowMap,
    packets: u64,
    bytes: u64,
    non_ip: u64,
    errors: u64,
}

impl Acc {
    fn new() -> Acc {
        Acc {
            flows: FlowMap::with_hasher(FixedState::with_seed(0x0773)),
            packets: 0,
            bytes: 0,
            non_ip: 0,
            errors: 0,
        }
    }

    fn merge(mut a: Acc, mut b: Acc) -> Acc {
        if a.flows.len() < b.flows.len() {
            std::mem::swap(&mut a, &mut b);
        }
        for (k, v) in b.flows {
            let e = a.flows.entry(k).or_default();
            e.packets += v.packets;
            e.bytes += v.bytes;
        }
        a.packets += b.packets;
        a.bytes += b.bytes;
        a.non_ip += b.non_ip;
        a.errors += b.errors;
        a
    }
}

fn v4(a: [u8; 4]) -> [u8; 16] {
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a[0], a[1], a[2], a[3],
    ]
}

#[derive(Clone, Copy)]
struct Format {
    big_endian: bool,
}

impl Format {
    #[inline]
    fn u32(self, b: &[u8]) -> u32 {
        let a = [b[0], b[1], b[2], b[3]];
        if self.big_endian {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        }
    }
}

/// Parse every record in `chunk` (which starts and ends on record boundaries).
fn process(chunk: &[u8], fmt: Format, acc: &mut Acc) {
    let mut off = 0;
    while off + 16 <= chunk.len() {
        let incl = fmt.u32(&chunk[off + 8..]) as usize;
        let orig = fmt.u32(&chunk[off + 12..]) as u64;
        let data = &chunk[off + 16..off + 16 + incl];
        off += 16 + incl;
        acc.packets += 1;
        acc.bytes += orig;
        let pkt = match SlicedPacket::from_ethernet(data) {
            Ok(p) => p,
            Err(_) => {
                acc.errors += 1;
                continue;
            }
        };
        let (src, dst, proto) = match &pkt.net {
            Some(NetSlice::Ipv4(ip)) => {
                let h = ip.header();
                (v4(h.source()), v4(h.destination()), h.protocol().0)
            }
            Some(NetSlice::Ipv6(ip)) => {
                let h = ip.header();
                (h.source(), h.destination(), ip.payload().ip_number.0)
            }
            _ => {
                acc.non_ip += 1;
                continue;
            }
        };
        let (sport, dport) = match &pkt.transport {
            Some(TransportSlice::Tcp(t)) => (t.source_port(), t.destination_port()),
            Some(TransportSlice::Udp(u)) => (u.source_port(), u.destination_port()),
            _ => (0, 0),
        };
        let e = acc
            .flows
            .entry(Key {
                src,
                dst,
                sport,
                dport,
                proto,
            })
            .or_default();
        e.packets += 1;
        e.bytes += orig;
    }
}

fn die(msg: &str) -> ! {
    eprintln!("floor: {msg}");
    std::process::exit(2)
}

fn main() {
    let mut path = None;
    let mut threads = 0usize;
    let mut json = false;
    let mut populate = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" | "-j" => {
                threads = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| die("--threads needs a number"));
            }
            "--json" => json = true,
            "--populate" => populate = true,
            "-h" | "--help" => {
                eprintln!("usage: floor FILE [--threads N] [--json] [--populate]");
                return;
            }
            _ if path.is_none() => path = Some(a),
            _ => die(&format!("unexpected argument {a:?}")),
        }
    }
    let path = path.unwrap_or_else(|| die("usage: floor FILE [--threads N] [--json]"));
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap_or_else(|e| die(&e.to_string()));

    let file = File::open(&path).unwrap_or_else(|e| die(&format!("{path}: {e}")));
    // SAFETY: the capture is only read; a concurrent truncation of the file by another
    // process would fault, as for any mmap-based reader.
    let map: Mmap = unsafe {
        if populate {
            MmapOptions::new().populate().map(&file)
        } else {
            Mmap::map(&file)
        }
    }
    .unwrap_or_else(|e| die(&format!("{path}: {e}")));
    let map_s = started.elapsed().as_secs_f64();
    let data: &[u8] = &map;
    if data.len() < 24 {
        die("file too short for a pcap header");
    }
    let magic = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
    let fmt = match magic {
        0xa1b2_c3d4 | 0xa1b2_3c4d => Format { big_endian: false },
        0xd4c3_b2a1 | 0x4d3c_b2a1 => Format { big_endian: true },
        0x0a0d_0d0a => die("pcapng is not supported by floor (use classic pcap)"),
        _ => die("not a pcap file"),
    };
    let linktype = fmt.u32(&data[20..]) & 0x0fff_ffff;
    if linktype != 1 {
        die(&format!("linktype {linktype} is not Ethernet"));
    }

    // Sequential pass over record headers: chunk boundaries.
    let mut chunks: Vec<(usize, usize)> = Vec::with_capacity(data.len() / CHUNK + 1);
    let (mut off, mut start) = (24usize, 24usize);
    let mut truncated = false;
    while off + 16 <= data.len() {
        let next = off + 16 + fmt.u32(&data[off + 8..]) as usize;
        if next > data.len() {
            truncated = true;
            break;
        }
        off = next;
        if off - start >= CHUNK {
            chunks.push((start, off));
            start = off;
        }
    }
    if off > start {
        chunks.push((start, off));
    }
    let split_s = started.elapsed().as_secs_f64();

    let acc = pool.install(|| {
        chunks
            .par_iter()
            .fold(Acc::new, |mut acc, &(s, e)| {
                process(&data[s..e], fmt, &mut acc);
                acc
            })
            .reduce(Acc::new, Acc::merge)
    });
    let wall = started.elapsed().as_secs_f64();
    let threads = pool.current_num_threads();
    let flows = acc.flows.len();
    let (mut tcp, mut udp) = (0usize, 0usize);
    for k in acc.flows.keys() {
        match k.proto {
            6 => tcp += 1,
            17 => udp += 1,
            _ => {}
        }
    }
    let file_bytes = data.len() as u64;
    let gbps = file_bytes as f64 / wall / 1e9;
    let mpps = acc.packets as f64 / wall / 1e6;
    if json {
        println!(
            "{{\"file\":\"{}\",\"file_bytes\":{},\"packets\":{},\"orig_bytes\":{},\"flows\":{},\"tcp_flows\":{},\"udp_flows\":{},\"non_ip_packets\":{},\"parse_errors\":{},\"truncated\":{},\"chunks\":{},\"threads\":{},\"map_s\":{:.4},\"split_s\":{:.4},\"wall_s\":{:.4},\"gb_per_s\":{:.4},\"mpps\":{:.4}}}",
            path.replace('\\', "\\\\").replace('"', "\\\""),
            file_bytes,
            acc.packets,
            acc.bytes,
            flows,
            tcp,
            udp,
            acc.non_ip,
            acc.errors,
            truncated,
            chunks.len(),
            threads,
            map_s,
            split_s,
            wall,
            gbps,
            mpps
        );
    } else {
        println!(
            "file        {path} ({file_bytes} bytes, {} chunks, {threads} threads)",
            chunks.len()
        );
        println!("packets     {}", acc.packets);
        println!("bytes       {} (original length)", acc.bytes);
        println!(
            "flows       {flows} directional 5-tuples ({tcp} tcp, {udp} udp, {} other)",
            flows - tcp - udp
        );
        println!("non-ip      {} packets", acc.non_ip);
        println!(
            "errors      {} packets etherparse rejected{}",
            acc.errors,
            if truncated { " (file truncated)" } else { "" }
        );
        println!("wall        {wall:.3} s (split pass {split_s:.3} s)");
        println!("throughput  {gbps:.3} GB/s, {mpps:.3} Mpps");
    }
}
