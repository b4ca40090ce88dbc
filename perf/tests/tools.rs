//! End-to-end checks of gencap and floor on small captures.

use std::process::Command;

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ottr-perf-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn gencap(out: &std::path::Path, size: &str, extra: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_gencap"))
        .args(["--out", out.to_str().unwrap(), "--size", size, "--quiet"])
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn field(json: &str, key: &str) -> u64 {
    let pat = format!("\"{key}\":");
    let rest = &json[json.find(&pat).unwrap() + pat.len()..];
    rest.chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap()
}

#[test]
fn gencap_is_deterministic_and_sizes_are_prefixes() {
    let (a, b, c) = (tmp("a.pcap"), tmp("b.pcap"), tmp("c.pcap"));
    gencap(&a, "1MiB", &[]);
    gencap(&b, "1MiB", &[]);
    gencap(&c, "256KiB", &[]);
    let (a, b, c) = (
        std::fs::read(a).unwrap(),
        std::fs::read(b).unwrap(),
        std::fs::read(c).unwrap(),
    );
    assert_eq!(a, b);
    assert!(a.len() <= 1 << 20 && a.len() > (1 << 20) - 2000);
    assert!(c.len() <= 256 << 10);
    assert_eq!(&a[..c.len()], &c[..]);
    // classic pcap, microseconds, little-endian, Ethernet
    assert_eq!(&a[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
    assert_eq!(u32::from_le_bytes(a[20..24].try_into().unwrap()), 1);
}

#[test]
fn seed_and_hosts_change_the_plant() {
    let (a, b) = (tmp("s1.pcap"), tmp("s2.pcap"));
    gencap(&a, "256KiB", &["--seed", "2", "--hosts", "40"]);
    gencap(&b, "256KiB", &["--seed", "3", "--hosts", "40"]);
    assert_ne!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn floor_counts_every_generated_packet() {
    let f = tmp("floor.pcap");
    let g = gencap(&f, "2MiB", &[]);
    let o = Command::new(env!("CARGO_BIN_EXE_floor"))
        .args([f.to_str().unwrap(), "--json", "--threads", "2"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j = String::from_utf8(o.stdout).unwrap();
    assert_eq!(field(&j, "packets"), field(&g, "packets"));
    assert_eq!(field(&j, "file_bytes"), field(&g, "bytes"));
    assert_eq!(field(&j, "parse_errors"), 0);
    assert!(field(&j, "flows") > 100);
    let mean = field(&g, "bytes") as f64 / field(&g, "packets") as f64;
    assert!((100.0..160.0).contains(&mean), "mean record size {mean}");
}
