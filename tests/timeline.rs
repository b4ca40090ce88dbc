//! The traffic timeline (summary.json `timeline`, report.html): every frame with a
//! timestamp is in one bucket of one group, and the table is the same for any thread
//! count and chunk size.

use std::path::{Path, PathBuf};

use ottr::aggregate::timeline::{View, GROUPS};
use ottr::dissect::net::Outcome;
use ottr::pipeline::{analyze, Options};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn captures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures().join("equiv"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v.push(fixtures().join("demo/plant-enip-cip.pcap"));
    v.push(fixtures().join("rules/scan.pcap"));
    v
}

#[test]
fn timeline_counts_every_timestamped_frame_once_for_any_thread_count() {
    for cap in captures() {
        let mut one = Options::new(1);
        one.hash = false;
        let a = analyze(std::slice::from_ref(&cap), &one);
        let c = &a.counters;
        let untimed = c.accounting[Outcome::UnreadableRecord.index()]
            + c.accounting[Outcome::CustomBlock.index()];
        assert_eq!(
            a.timeline.total(),
            c.total.packets - untimed,
            "{}",
            cap.display()
        );
        let mut four = Options::new(4);
        four.hash = false;
        four.chunk_bytes = 4096;
        let b = analyze(std::slice::from_ref(&cap), &four);
        assert_eq!(
            a.timeline.buckets(),
            b.timeline.buckets(),
            "{}",
            cap.display()
        );
    }
}

#[test]
fn groups_follow_the_protocols() {
    let mut o = Options::new(2);
    o.hash = false;
    let a = analyze(&[fixtures().join("equiv/modbus_example.pcap")], &o);
    let span = a.counters.last_ts - a.counters.first_ts;
    let v = View::build(&a.timeline, span);
    let modbus = GROUPS.iter().position(|g| *g == "modbus").unwrap();
    assert_eq!(v.dominant, Some(modbus));
    assert!(v.group_totals[modbus] > 0);
    assert_eq!(v.totals.iter().sum::<u64>(), a.counters.total.packets);

    // Link-layer frames count too: the VXLAN capture carries ARP inside the tunnel
    // (counted under the carrier's flow), and PROFINET or ARP alone under their group.
    let a = analyze(&[fixtures().join("equiv/vxlan-arp.pcap")], &o);
    assert_eq!(a.timeline.total(), a.counters.total.packets);
}
