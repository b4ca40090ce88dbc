//! Stage 2: the link/network/transport decoder over every frame.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ottr::dissect::net::{self, Outcome};

mod common;

fn bench(c: &mut Criterion) {
    let pcap = common::pcap_bytes();
    let frames = common::frames(&pcap);
    let bytes: usize = frames.iter().map(|f| f.len()).sum();
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("ethernet_ipv4_tcp", |b| {
        b.iter(|| {
            let mut decoded = 0usize;
            for f in &frames {
                let p = net::decode(1, std::hint::black_box(f));
                decoded += (p.outcome == Outcome::Decoded) as usize;
                std::hint::black_box(&p);
            }
            assert_eq!(decoded, common::FRAMES);
            decoded
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
