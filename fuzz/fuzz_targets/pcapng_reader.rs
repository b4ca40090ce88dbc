//! pcapng: the pure block, option, interface and packet parsers over the input, then
//! the scanner over the input as a file (both read modes, tiny chunks) and the whole
//! pipeline.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::capture::pcapng::{self, Section};
use ottr::capture::{Endian, Format};

mod common;

fuzz_target!(|data: &[u8]| {
    black_box(Format::detect(data));
    let mut endian = match pcapng::section_endian(data) {
        Ok(e) => e,
        Err(e) => {
            black_box(e.message());
            Endian::Little
        }
    };
    let mut sec = Section {
        endian,
        interfaces: Vec::new(),
    };
    let mut at = 0usize;
    while at < data.len() {
        let rest = &data[at..];
        black_box(pcapng::plausible(rest, endian));
        let blk = match pcapng::block(rest, endian) {
            Ok(b) => b,
            Err(e) => {
                black_box(format!("{e:?} {}", e.message()));
                // Resume at the next plausible block, as the scanner does.
                at = (at + 4) & !3;
                while at + 12 <= data.len() && !pcapng::plausible(&data[at..], endian) {
                    at += 4;
                }
                if at + 12 > data.len() {
                    break;
                }
                continue;
            }
        };
        black_box(format!("{blk:?}"));
        assert!(blk.total_len >= 12 && blk.total_len <= rest.len() && blk.total_len % 4 == 0);
        for (code, val) in pcapng::options(blk.body, endian) {
            black_box((code, val));
        }
        match blk.block_type {
            pcapng::SHB_TYPE => {
                endian = pcapng::section_endian(rest).unwrap_or(endian);
                sec = Section {
                    endian,
                    interfaces: Vec::new(),
                };
            }
            pcapng::IDB_TYPE => {
                if let Some(ifc) = pcapng::interface(blk.body, endian) {
                    black_box(format!("{ifc:?} {}", ifc.precision_digits()));
                    for raw in [0, 1, u32::MAX as u64, u64::MAX, at as u64] {
                        black_box(ifc.ts_ns(raw));
                    }
                    sec.interfaces.push(ifc);
                }
            }
            _ => {}
        }
        match pcapng::packet(&blk, &sec, at as u64) {
            Ok(Some(rec)) => {
                black_box(format!("{rec:?}"));
                assert!(rec.orig_len as usize >= rec.data.len());
            }
            Ok(None) => {}
            Err(e) => {
                black_box(format!("{e:?}"));
            }
        }
        at += blk.total_len;
    }
    black_box(format!("{sec:?}"));
    common::check_file("pcapng", data);
});
