//! Stage 4: merging per-chunk counters (without `Analysis::rollup`), and the whole
//! pipeline end to end on the temp-file capture.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ottr::aggregate::Counters;
use ottr::dissect::net::{self, l2::L2Proto, Outcome};
use ottr::pipeline::{self, Options};

mod common;

/// Chunks the pipeline would cut the bench capture into at 64 KiB.
const CHUNKS: usize = 40;

fn chunk_counters(frames: &[&[u8]]) -> Vec<Counters> {
    frames
        .chunks(frames.len().div_ceil(CHUNKS))
        .enumerate()
        .map(|(ci, part)| {
            let mut c = Counters::default();
            for (i, f) in part.iter().enumerate() {
                let ts = (ci * 1000 + i) as i64;
                c.frame(f.len() as u32, f.len(), ts);
                let p = net::decode(1, f);
                c.accounting[p.outcome.index()] += 1;
                c.encaps(p.encap, f.len() as u32);
                if let Some(ip) = &p.ip {
                    c.ipv4.add(f.len() as u32);
                    // Some traffic outside conversations, so the maps merge too.
                    if i % 16 == 0 {
                        c.ip_outside(ip.src, ip.dst, false, f.len() as u32, ts, 1);
                    }
                }
                if i % 32 == 0 {
                    let mac = [2, 0, 0, ci as u8, (i >> 8) as u8, i as u8];
                    c.non_ip(L2Proto::from_ethertype(0x88cc, &[]), Some(mac), 60, ts);
                }
            }
            assert_eq!(c.accounting[Outcome::Decoded.index()], part.len() as u64);
            c
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let (file, len) = common::pcap_file();
    let pcap = common::pcap_bytes();
    let frames = common::frames(&pcap);
    let parts = chunk_counters(&frames);
    let extra: u64 = parts.iter().map(|p| p.total.packets).sum::<u64>() - common::FRAMES as u64;

    let mut g = c.benchmark_group("merge");
    g.throughput(Throughput::Bytes(len));
    g.bench_function("counters_merge_40_chunks", |b| {
        b.iter(|| {
            let mut all = Counters::default();
            for p in &parts {
                all.merge(p);
            }
            assert_eq!(all.total.packets, common::FRAMES as u64 + extra);
            assert!(all.accounting_adds_up());
            all
        })
    });
    g.finish();

    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(len));
    g.sample_size(20);
    let path = file.path().to_path_buf();
    let no_hash = Options {
        hash: false,
        ..Options::new(2)
    };
    for (name, opts) in [
        ("analyze_2_threads", Options::new(2)),
        ("analyze_2_threads_no_hash", no_hash),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let a = pipeline::analyze(std::slice::from_ref(&path), &opts);
                assert_eq!(a.counters.total.packets, common::FRAMES as u64);
                assert!(a.counters.accounting_adds_up());
                assert_eq!(a.convs.len(), common::FLOWS);
                a.counters.total.packets
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
