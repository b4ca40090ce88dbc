//! Speculative pcap chunking against exact walking. Speculation only starts when a
//! wave's window plus four maximum-size records fits in the file (over 1 MiB), so the
//! input is grown: its pcap header (or a default one), its body tiled up to 256 KiB,
//! then large filler records. The pipeline must give the same outputs with and without
//! speculation. One thread and 32 KiB chunks: one speculative wave of eight chunks
//! covers the tiled part (a failed probe scans up to a maximum record's length, so
//! more waves would mostly time the probe).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ottr::capture::pcap::{self, Header};

mod common;

const TILED: usize = 256 << 10;
const FILE: usize = (1 << 20) + (512 << 10);
const FILLER_CAPLEN: u32 = 200_000;
const CHUNK: usize = 32 << 10;

fuzz_target!(|data: &[u8]| {
    let default_header: [u8; 24] = [
        0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
    ];
    let (h, head, body) = match Header::parse(data) {
        Ok(h) => (
            h,
            &data[..pcap::GLOBAL_HEADER_LEN],
            &data[pcap::GLOBAL_HEADER_LEN..],
        ),
        Err(_) => (
            Header::parse(&default_header).expect("default header"),
            &default_header[..],
            data,
        ),
    };
    if body.is_empty() {
        return;
    }
    let mut file = Vec::with_capacity(FILE + TILED + 300_000);
    file.extend_from_slice(head);
    while file.len() < TILED {
        file.extend_from_slice(body);
    }
    // Filler records in the header's byte order, plausible to the scanner.
    let put = |v: &mut Vec<u8>, x: u32| match h.magic.endian {
        ottr::capture::Endian::Little => v.extend(x.to_le_bytes()),
        ottr::capture::Endian::Big => v.extend(x.to_be_bytes()),
    };
    let mut sec = 1_600_000_000u32;
    while file.len() < FILE {
        put(&mut file, sec);
        put(&mut file, 0);
        put(&mut file, FILLER_CAPLEN);
        put(&mut file, FILLER_CAPLEN);
        file.resize(file.len() + h.magic.record_header_len - 16, 0);
        let at = file.len();
        file.resize(at + FILLER_CAPLEN as usize, 0);
        file[at..at + 14].copy_from_slice(&[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xb5]);
        sec += 1;
    }
    if let Some(out) = std::env::var_os("OTTR_FUZZ_WRITE") {
        // Keep the grown capture, to replay it with the ottr binary.
        std::fs::write(out, &file).expect("writing OTTR_FUZZ_WRITE");
    }
    let path = common::write_temp("spec", &file);
    if std::env::var_os("OTTR_FUZZ_SHOW").is_some() {
        // Whether the first wave was guessed, and which of its chunks chain.
        let src = ottr::capture::source::Source::open(&path, true).unwrap();
        let mut sc = ottr::capture::scan::Scanner::open(&src).unwrap();
        let w = sc.next_wave(&src, CHUNK, 8).unwrap().unwrap();
        let clean: Vec<bool> = w
            .chunks
            .iter()
            .map(|c| {
                let mut r = ottr::capture::scan::records(c, &w.data, w.base);
                r.by_ref().count();
                r.clean()
            })
            .collect();
        eprintln!(
            "first wave speculative={} chunks={} clean={clean:?}",
            w.speculative,
            w.chunks.len()
        );
    }
    let spec = common::options(1, CHUNK, true, true);
    let exact = common::options(1, CHUNK, true, false);
    let a = common::assert_same_outputs(&path, &spec, &exact);
    std::hint::black_box(a.counters.total);
});
