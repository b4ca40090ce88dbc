//! Stage 3: flow-table updates from prebuilt flow records.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ottr::flow::{shard_of, ShardTable};

mod common;

fn bench(c: &mut Criterion) {
    let pcap = common::pcap_bytes();
    let frames = common::frames(&pcap);
    let bytes: usize = frames.iter().map(|f| f.len()).sum();
    let recs = common::flow_recs(&frames);
    let mut g = c.benchmark_group("flow");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("one_shard_update", |b| {
        b.iter_batched(
            ShardTable::default,
            |mut t| {
                for r in &recs {
                    t.update(r, 0, 0, &[]);
                }
                assert_eq!(t.len(), common::FLOWS);
                t
            },
            BatchSize::SmallInput,
        )
    });
    // The pipeline's routing: 8 shards (2 threads x 4), each fed its own records.
    let nshards = 8;
    let mut per_shard = vec![Vec::new(); nshards];
    for r in &recs {
        per_shard[shard_of(r.hash, nshards)].push(*r);
    }
    g.bench_function("eight_shards_update", |b| {
        b.iter_batched(
            || {
                (0..nshards)
                    .map(|_| ShardTable::default())
                    .collect::<Vec<_>>()
            },
            |mut shards| {
                for (s, rs) in shards.iter_mut().zip(&per_shard) {
                    for r in rs {
                        s.update(r, 0, 0, &[]);
                    }
                }
                assert_eq!(shards.iter().map(|s| s.len()).sum::<usize>(), common::FLOWS);
                shards
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
