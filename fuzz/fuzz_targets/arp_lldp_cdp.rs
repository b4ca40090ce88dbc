//! The link-layer discovery and time dissectors: the first byte picks ARP, LLDP, CDP
//! or PTP (its value modulo 4), the rest is one ethertype (or SNAP) payload, parsed
//! and formatted with `Debug`; then the link-layer flow of that protocol, with the
//! payload as one frame and split into frames by its first byte (see `l2::flow`). For ARP the frames also go
//! through the binding table, whose counts must add up.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::{arp, cdp, lldp, ptp};
use ottr::flow::arp as bindings;
use ottr::flow::l2::{classify, L2App};

mod l2;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (name, app) = match pick % 4 {
        0 => ("arp", L2App::Arp),
        1 => ("lldp", L2App::Lldp),
        2 => ("cdp", L2App::Cdp),
        _ => ("ptp", L2App::Ptp),
    };
    match app {
        L2App::Arp => {
            if let Ok(v) = arp::parse(rest) {
                black_box(format!("{v:?}"));
            }
            arp_table(rest);
        }
        L2App::Lldp => {
            if let Ok(v) = lldp::parse(rest) {
                let i = v.info();
                black_box(format!("{v:?} {:?} {:?}", i.chassis_text(), i.port_text()));
                assert!(v.tlvs().count() <= 256);
            }
        }
        L2App::Cdp => {
            if let Ok(v) = cdp::parse(rest) {
                black_box(format!("{v:?}"));
                for t in v.tlvs() {
                    black_box(cdp::addresses(t.value).count());
                }
            }
        }
        _ => {
            if let Ok(v) = ptp::parse(rest) {
                let op = ptp::op(&v);
                black_box(format!("{v:?} {}", ptp::function_name(op.function)));
                assert_eq!(op.unit, v.domain() as u64);
            }
        }
    }
    if classify(name, rest).is_some() {
        assert_eq!(classify(name, rest), Some(app));
    }
    // As one frame (a zero size byte), then split by the payload's first byte.
    let mut one = vec![0];
    one.extend_from_slice(rest);
    l2::flow(app, &one);
    l2::flow(app, rest);
});

/// Frames of 28 bytes (an Ethernet/IPv4 ARP packet), one second apart, through one
/// binding table.
fn arp_table(data: &[u8]) {
    let mut t = bindings::ArpTable::default();
    let mut frames = 0u64;
    for (i, p) in data.chunks(28).enumerate() {
        for r in bindings::records(p, 0, i as u64 + 1, i as i64 * 1_000_000_000) {
            frames += !matches!(r.kind, bindings::ArpKind::Asked) as u64;
            t.update(&r, 0, 0);
        }
    }
    let extra = t.extra_macs;
    let b = bindings::finish(t.into_bindings());
    assert_eq!(b.iter().map(|x| x.frames).sum::<u64>() + extra, frames);
    for x in &b {
        assert!(x.gratuitous <= x.frames && x.took_over <= x.frames);
        assert!(x.first_ts <= x.last_ts);
    }
    black_box(format!("{b:?}"));
}
