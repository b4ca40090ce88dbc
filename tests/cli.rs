//! The command line as a user meets it: targets (files, directories, globs), exit
//! statuses, messages for files that are not captures, and catalog overrides.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ottr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ottr"))
        .args(args)
        .output()
        .unwrap()
}

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(p)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn bad_inputs_are_named_with_offsets_and_do_not_stop_a_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("empty.pcap"), b"").unwrap();
    std::fs::write(dir.join("notes.pcap"), b"this is not a capture at all").unwrap();
    std::fs::write(
        dir.join("readme.txt"),
        b"ignored: neither magic nor extension",
    )
    .unwrap();
    std::fs::copy(fixture("equiv/dnp3_example.pcap"), dir.join("good.pcap")).unwrap();
    let out = tmp.path().join("out");
    let o = ottr(&["analyze", s(&dir), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("empty.pcap") && err.contains("empty file"),
        "{err}"
    );
    assert!(
        err.contains("notes.pcap") && err.contains("offset 0"),
        "{err}"
    );
    let csv = std::fs::read_to_string(out.join("captures.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "three inputs and a header:\n{csv}");
    assert!(csv.contains(",ok,834,"), "{csv}");
    assert!(!csv.contains("readme"));
    assert!(out.join("good/summary.json").exists());
    assert!(out.join("rollup/conversations.csv").exists());
}

#[test]
fn directories_recurse_only_with_r_and_globs_expand() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(fixture("equiv/dnp3_example.pcap"), dir.join("a.pcap")).unwrap();
    std::fs::copy(fixture("equiv/erspan2.pcap"), dir.join("sub/b.pcap")).unwrap();
    let rows = |out: &Path| {
        std::fs::read_to_string(out.join("captures.csv")).map_or(1, |c| c.lines().count())
    };
    let flat = tmp.path().join("flat");
    assert_eq!(
        ottr(&["analyze", s(&dir), "-o", s(&flat), "-q"])
            .status
            .code(),
        Some(0)
    );
    assert!(
        flat.join("summary.json").exists(),
        "one capture found: single layout"
    );
    let deep = tmp.path().join("deep");
    assert_eq!(
        ottr(&["analyze", s(&dir), "-r", "-o", s(&deep), "-q"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(rows(&deep), 3);
    let globbed = tmp.path().join("glob");
    let pat = format!("{}/**/*.pcap", s(&dir));
    assert_eq!(
        ottr(&["analyze", &pat, "-o", s(&globbed), "-q"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(rows(&globbed), 3);
    let none = ottr(&[
        "analyze",
        &format!("{}/*.nothing", s(&dir)),
        "-o",
        s(&globbed),
    ]);
    assert_eq!(none.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2_and_help_reads_like_a_manual() {
    assert_eq!(ottr(&["analyze"]).status.code(), Some(2));
    assert_eq!(
        ottr(&["analyze", "x.pcap", "--threads", "many"])
            .status
            .code(),
        Some(2)
    );
    let help = String::from_utf8_lossy(&ottr(&["analyze", "--help"]).stdout).into_owned();
    for word in [
        "--combine",
        "--no-mmap",
        "Exit status",
        "Examples",
        "--chunk-size",
    ] {
        assert!(help.contains(word), "help lacks {word}");
    }
}

#[test]
fn catalog_dir_overrides_the_embedded_catalog() {
    let tmp = tempfile::tempdir().unwrap();
    let cat = tmp.path().join("cat");
    std::fs::create_dir(&cat).unwrap();
    std::fs::write(
        cat.join("protocols.tsv"),
        "id\tname\tcategory\tports\tnotes\nsite_telemetry\tSite telemetry\tutility\tudp/17000\t\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    // A UDP flow to port 17000 that no dissector claims: only the catalog names it.
    let o = ottr(&[
        "analyze",
        s(&fixture("equiv/4in4tunnel.pcap")),
        "-o",
        s(&out),
        "-q",
        "--catalog-dir",
        s(&cat),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let p = std::fs::read_to_string(out.join("protocols.csv")).unwrap();
    assert!(p.contains("site_telemetry,utility,5,"), "{p}");
    std::fs::write(
        cat.join("protocols.tsv"),
        "id\tname\tcategory\tports\nx\tX\tnowhere\ttcp/1\n",
    )
    .unwrap();
    let o = ottr(&[
        "analyze",
        s(&fixture("equiv/dnp3_example.pcap")),
        "-o",
        s(&out),
        "--catalog-dir",
        s(&cat),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 2"));
}

#[test]
fn endpoints_name_mac_vendors_and_address_scopes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let demo = fixture("demo/plant-enip-cip.pcap");
    let o = ottr(&["analyze", s(&demo), "-o", s(&out), "-q"]);
    assert_eq!(o.status.code(), Some(0));
    let e = std::fs::read_to_string(out.join("endpoints.csv")).unwrap();
    assert!(
        e.lines().next().unwrap().ends_with(",protocols,scope"),
        "{e}"
    );
    // 00:1d:9c is a Rockwell Automation block in the IEEE registry.
    let row = e.lines().find(|l| l.contains("00:1d:9c")).unwrap();
    assert!(
        row.contains(",Rockwell Automation,") && row.ends_with(",private"),
        "{row}"
    );
    let a = std::fs::read_to_string(out.join("assets.csv")).unwrap();
    assert!(a.contains("Rockwell Automation"), "{a}");
    // A catalog directory's oui.tsv replaces the registry.
    let cat = tmp.path().join("cat");
    std::fs::create_dir(&cat).unwrap();
    std::fs::write(
        cat.join("oui.tsv"),
        "prefix\tvendor\n001D9C\tSite PLC Vendor\n",
    )
    .unwrap();
    let o = ottr(&[
        "analyze",
        s(&demo),
        "-o",
        s(&out),
        "-q",
        "--catalog-dir",
        s(&cat),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let e = std::fs::read_to_string(out.join("endpoints.csv")).unwrap();
    assert!(
        e.contains(",Site PLC Vendor,") && !e.contains("Rockwell"),
        "{e}"
    );
}

/// The measuring switch `--no-it-dissect` leaves the industrial dissectors on and
/// every IT protocol undecoded (counted by port only).
#[test]
fn no_it_dissect_turns_off_only_the_it_protocols() {
    let detection = |extra: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        let mut args = vec!["analyze", "--quiet", "--no-hash", "--combine", "-o"];
        args.push(s(out.path()));
        args.extend_from_slice(extra);
        let (it, ot) = (
            fixture("rules/public.pcap"),
            fixture("rules/modbus-units.pcap"),
        );
        args.extend([s(&it), s(&ot)]);
        assert!(ottr(&args).status.success());
        let csv = std::fs::read_to_string(out.path().join("protocols.csv")).unwrap();
        let mut got: Vec<String> = csv
            .lines()
            .filter(|l| {
                ["modbus,", "http,", "dns,", "ssh,"]
                    .iter()
                    .any(|p| l.starts_with(p))
            })
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                format!("{} {}", f[0], f[5])
            })
            .collect();
        got.sort();
        got
    };
    assert_eq!(
        detection(&[]),
        [
            "dns decoded",
            "http decoded",
            "modbus decoded",
            "ssh decoded"
        ]
    );
    assert_eq!(
        detection(&["--no-it-dissect"]),
        ["dns port", "http port", "modbus decoded", "ssh port"]
    );
}
