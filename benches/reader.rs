//! Stage 1: the scanner and the record walk over a capture in a temp file.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ottr::capture::scan::{self, Item, Scanner};
use ottr::capture::source::Source;

mod common;

fn scan_all(path: &std::path::Path, use_mmap: bool, chunk_bytes: usize) -> usize {
    let src = Source::open(path, use_mmap).expect("open");
    let mut scanner = Scanner::open(&src).expect("pcap header");
    let mut n = 0;
    while let Some(w) = scanner.next_wave(&src, chunk_bytes, 8).expect("read") {
        for c in &w.chunks {
            for item in scan::records(c, &w.data, w.base) {
                if let Item::Packet(r) = item {
                    n += 1;
                    std::hint::black_box(r.data);
                }
            }
        }
    }
    n
}

fn bench(c: &mut Criterion) {
    let (file, len) = common::pcap_file();
    let mut g = c.benchmark_group("reader");
    g.throughput(Throughput::Bytes(len));
    for (name, mmap, chunk) in [
        ("scan_walk_mmap", true, 4 << 20),
        ("scan_walk_read", false, 4 << 20),
        ("scan_walk_mmap_64k_chunks", true, 64 << 10),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let n = scan_all(file.path(), mmap, chunk);
                assert_eq!(n, common::FRAMES);
                n
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
