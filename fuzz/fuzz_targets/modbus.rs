//! The Modbus/TCP dissector, alone and behind the TCP stream that feeds it: the first
//! byte splits the input into segments (some retransmitted, some with gaps), the rest
//! is the stream's bytes. Every ADU is formatted with `Debug`, touching every field.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::modbus;
use ottr::flow::stream::Stream;

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    while let Ok(adu) = modbus::parse(b) {
        black_box(format!(
            "{adu:?} {} {}",
            adu.function().name(),
            adu.function().class().name()
        ));
        assert!(adu.len() <= b.len() && !adu.is_empty());
        b = &b[adu.len()..];
    }
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let step = (split as usize % 64) + 1;
    let mut s = Stream::default();
    let mut seq = 1000u32;
    for (i, seg) in rest.chunks(step).enumerate() {
        // Every fifth segment is sent twice; every seventh jumps ahead (a gap).
        if i % 7 == 6 {
            seq = seq.wrapping_add(3);
        }
        for _ in 0..1 + (i % 5 == 4) as usize {
            s.push(seq, seg, |mut b| {
                let mut used = 0;
                loop {
                    match modbus::parse(b) {
                        Ok(adu) => {
                            black_box(format!("{adu:?}"));
                            used += adu.len();
                            b = &b[adu.len()..];
                        }
                        Err(modbus::Error::Short { .. }) => return Some(used),
                        Err(_) => return if used > 0 { Some(used) } else { None },
                    }
                }
            });
        }
        seq = seq.wrapping_add(seg.len() as u32);
    }
});
