//! Shared harness for the capture-reader targets: the scanner over a real file (both
//! read modes, tiny and large chunks) and the end-to-end pipeline, with the crate's
//! invariants checked as assertions.
#![allow(dead_code)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ottr::capture::scan::{self, Item, Scanner};
use ottr::capture::source::Source;
use ottr::catalog::Catalog;
use ottr::dissect::net;
use ottr::pipeline::{self, Analysis, Options};

/// A per-process temp file, rewritten for every input (libFuzzer runs inputs one at a
/// time in one process, so nothing else has it open or mapped while it is rewritten).
pub fn write_temp(target: &str, data: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ottr-fuzz-{target}-{}", std::process::id()));
    std::fs::write(&path, data).expect("writing the fuzz temp file");
    path
}

/// Formats a record-walk item, touching every field, and runs the decoder over packets.
pub fn fmt_item(item: &Item<'_>) -> String {
    match item {
        Item::Packet(r) => {
            let p = net::decode(r.linktype, r.data);
            black_box(format!("{p:?}"));
            format!("{r:?}")
        }
        Item::Bad { offset } => format!("bad@{offset}"),
        Item::Custom { len } => format!("custom len={len}"),
    }
}

/// What one scan of a file produced.
#[derive(Debug, PartialEq, Eq)]
pub struct ScanOut {
    pub fatal: Option<String>,
    pub items: Vec<String>,
    pub frames: u64,
    pub errors: Vec<String>,
}

/// Scans the whole file wave by wave (exact walking, as after a failed speculation)
/// and walks every chunk's records.
pub fn scan_file(path: &Path, use_mmap: bool, chunk_bytes: usize, max_chunks: usize) -> ScanOut {
    let src = Source::open(path, use_mmap).expect("opening the fuzz temp file");
    black_box((src.len(), src.is_empty(), src.is_mapped(), src.path()));
    let mut scanner = match Scanner::open(&src) {
        Ok(s) => s,
        Err(e) => {
            return ScanOut {
                fatal: Some(format!("{e} {e:?}")),
                items: Vec::new(),
                frames: 0,
                errors: Vec::new(),
            }
        }
    };
    scanner.speculate = false;
    black_box(scanner.format.name());
    let mut items = Vec::new();
    let mut waves = 0u64;
    // Every wave moves the scanner forward by at least one byte.
    let max_waves = src.len() + 2;
    loop {
        let before = scanner.pos();
        let wave = match scanner.next_wave(&src, chunk_bytes, max_chunks) {
            Ok(Some(w)) => w,
            Ok(None) => break,
            Err(e) => panic!("read error on the fuzz temp file: {e}"),
        };
        waves += 1;
        assert!(
            waves <= max_waves,
            "scanner does not terminate: {waves} waves over {} bytes (pos {before} -> {})",
            src.len(),
            scanner.pos()
        );
        assert_eq!(
            wave.base, before,
            "wave does not start where the scanner stood"
        );
        assert!(!wave.speculative, "speculative wave with speculation off");
        let data: &[u8] = &wave.data;
        for c in &wave.chunks {
            black_box(format!("{c:?}"));
            assert!(
                c.start < c.end && c.end <= data.len(),
                "chunk {}..{} outside its window of {} bytes",
                c.start,
                c.end,
                data.len()
            );
            let mut walk = scan::records(c, data, wave.base);
            for item in walk.by_ref() {
                items.push(fmt_item(&item));
            }
            assert!(
                walk.clean(),
                "a walked chunk does not chain to its end: {c:?}"
            );
        }
    }
    assert_eq!(
        items.len() as u64,
        scanner.frames(),
        "records in chunks differ from the scanner's frame count"
    );
    let info = &scanner.info;
    black_box(format!("{info:?}"));
    for e in info.errors.iter().chain(&info.warnings) {
        black_box(e.to_string());
    }
    ScanOut {
        fatal: None,
        items,
        frames: scanner.frames(),
        errors: info.errors.iter().map(|e| format!("{e:?}")).collect(),
    }
}

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::load(None).expect("embedded catalog"))
}

/// Everything an analysis outputs, timings aside, in a deterministic text form.
pub fn digest(a: &Analysis) -> String {
    let c = &a.counters;
    let mut l2: Vec<_> = c.l2.iter().collect();
    l2.sort_by_key(|(k, _)| **k);
    let mut macs: Vec<_> = c.macs.iter().collect();
    macs.sort_by_key(|(k, _)| **k);
    let mut ips: Vec<_> = c.ip_extra.iter().collect();
    ips.sort_by_key(|(k, _)| **k);
    let caps: Vec<_> = a
        .captures
        .iter()
        .map(|r| {
            (
                (&r.format, &r.linktypes, r.precision),
                r.counters_packets,
                r.counters_bytes,
                r.first_ts,
                r.last_ts,
                &r.fatal,
                &r.errors,
                &r.warnings,
                r.suppressed,
                r.skipped_bytes,
                (r.sections, r.interfaces, r.interface_drops, &r.names),
            )
        })
        .collect();
    format!(
        "{caps:?}\n{:?} {:?} {} {} {} {:?} {:?} {:?}\n{l2:?}\n{macs:?}\n{ips:?}\n{:?}\n{} {}\n{:?}\n{:?}\n{:?}",
        c.accounting,
        c.total,
        c.captured_bytes,
        c.first_ts,
        c.last_ts,
        c.ipv4,
        c.ipv6,
        c.encap,
        a.convs,
        a.frag_dropped,
        a.frag_pending,
        a.endpoints,
        a.protocols,
        a.conv_app,
    )
}

/// Runs the pipeline and checks the accounting.
pub fn analyze(path: &Path, opts: &Options) -> Analysis {
    let mut a = pipeline::analyze(&[path.to_path_buf()], opts);
    assert!(
        a.counters.accounting_adds_up(),
        "accounting {:?} does not add up to {} packets ({opts:?})",
        a.counters.accounting,
        a.counters.total.packets
    );
    a.finish(catalog());
    a
}

/// Pipeline options without the digest thread.
pub fn options(threads: usize, chunk_bytes: usize, use_mmap: bool, speculate: bool) -> Options {
    Options {
        chunk_bytes,
        use_mmap,
        speculate,
        hash: false,
        ..Options::new(threads)
    }
}

/// Asserts that two option sets give the same outputs for a file.
pub fn assert_same_outputs(path: &Path, a: &Options, b: &Options) -> Analysis {
    let x = analyze(path, a);
    let y = analyze(path, b);
    let (dx, dy) = (digest(&x), digest(&y));
    if dx != dy {
        let line = dx
            .lines()
            .zip(dy.lines())
            .position(|(p, q)| p != q)
            .unwrap_or(0);
        panic!(
            "outputs differ between {a:?} and {b:?}, first at digest line {line}:\n  {}\n  {}",
            dx.lines().nth(line).unwrap_or(""),
            dy.lines().nth(line).unwrap_or("")
        );
    }
    x
}

/// The scanner in both read modes and two chunkings, then the whole pipeline under
/// two configurations that must agree.
pub fn check_file(target: &str, data: &[u8]) {
    let path = write_temp(target, data);
    let mapped = scan_file(&path, true, 64, 3);
    let read = scan_file(&path, false, 64, 3);
    assert_eq!(mapped, read, "mmap and plain reads disagree");
    let big = scan_file(&path, true, 1 << 20, 4);
    assert_eq!(
        (&mapped.fatal, &mapped.items, mapped.frames),
        (&big.fatal, &big.items, big.frames),
        "tiny and large chunks give different records"
    );

    // The end-to-end runs halve the exec rate; OTTR_FUZZ_NO_PIPELINE=1 skips them.
    if std::env::var_os("OTTR_FUZZ_NO_PIPELINE").is_some() {
        return;
    }
    let a = assert_same_outputs(
        &path,
        &options(1, 64, true, true),
        &options(2, 1 << 20, false, false),
    );
    if mapped.fatal.is_none() {
        assert_eq!(
            a.counters.total.packets, mapped.frames,
            "pipeline packet count"
        );
    }
    black_box(format!("{:?} {:?}", a.captures, a.counters));
}
