//! Classic pcap: the pure header/record parsers over the input, then the scanner over
//! the input as a file (both read modes, tiny chunks) and the whole pipeline.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::capture::pcap::{self, Header, Magic};
use ottr::capture::Format;

mod common;

fuzz_target!(|data: &[u8]| {
    black_box(Format::detect(data));
    if let Some(m) = data.get(..4) {
        black_box(Magic::from_bytes([m[0], m[1], m[2], m[3]]));
    }
    match Header::parse(data) {
        Ok(h) => {
            black_box(format!("{h:?} {}", h.max_caplen()));
            let mut at = pcap::GLOBAL_HEADER_LEN;
            while at < data.len() {
                let rest = &data[at..];
                black_box(h.plausible(rest, 0));
                black_box(h.plausible(rest, u32::MAX));
                match h.record(rest, at as u64) {
                    Ok((rec, n)) => {
                        black_box(format!("{rec:?}"));
                        assert!(n >= h.magic.record_header_len && n <= rest.len());
                        assert_eq!(rec.data.len() + h.magic.record_header_len, n);
                        assert!(rec.orig_len as usize >= rec.data.len());
                        at += n;
                    }
                    Err(e) => {
                        black_box(format!("{e:?} {}", e.message()));
                        break;
                    }
                }
            }
        }
        Err(m) => {
            black_box(m);
        }
    }
    common::check_file("pcap", data);
});
