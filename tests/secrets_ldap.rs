//! The LDAP simple bind fixture (`fixtures/secrets/ldap_simple_bind.pcap`, written by
//! `fixtures/secrets/make_ldap.py`): one redacted `ldap_simple_bind` hit for the DN,
//! the anonymous bind is no secret, and the password appears in no output file
//! unless `--show-secrets` is given.

use std::path::Path;
use std::process::Command;

const PASSWORD: &str = "Op3rator-Secret!";
const DN: &str = "cn=operator,dc=plant,dc=example";

/// Runs ottr on the fixture; returns the output directory and every output file's
/// text.
fn run(show: bool) -> (tempfile::TempDir, Vec<(String, String)>) {
    let pcap = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/secrets/ldap_simple_bind.pcap");
    let out = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ottr"));
    cmd.args(["analyze", "--quiet", "--no-hash", "-o"])
        .arg(out.path())
        .arg(&pcap);
    if show {
        cmd.arg("--show-secrets");
    }
    let st = cmd.status().unwrap();
    assert!(matches!(st.code(), Some(0 | 1)), "{st}");
    let mut files = Vec::new();
    let mut dirs = vec![out.path().to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
                files.push((p.display().to_string(), text));
            }
        }
    }
    (out, files)
}

fn hits(files: &[(String, String)]) -> Vec<csv::StringRecord> {
    let (_, text) = files
        .iter()
        .find(|(p, _)| p.ends_with("sensitive_hits_redacted.csv"))
        .expect("sensitive_hits_redacted.csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (kind, user, value) = (col("kind"), col("user"), col("value"));
    r.records()
        .map(|x| x.unwrap())
        .map(|x| csv::StringRecord::from(vec![&x[kind], &x[user], &x[value]]))
        .collect()
}

#[test]
fn ldap_simple_bind_is_redacted() {
    let (_dir, files) = run(false);
    let rows = hits(&files);
    let ldap: Vec<_> = rows
        .iter()
        .filter(|r| &r[0] == "ldap_simple_bind")
        .collect();
    assert_eq!(ldap.len(), 1, "{rows:?}");
    assert_eq!(&ldap[0][1], DN);
    assert_eq!(&ldap[0][2], "O***!");
    for (path, text) in &files {
        assert!(!text.contains(PASSWORD), "password in {path}");
    }
    let obs = &files
        .iter()
        .find(|(p, _)| p.ends_with("observations.csv"))
        .unwrap()
        .1;
    assert!(obs.contains("ldap_bind,anonymous"), "{obs}");
    assert!(obs.contains(DN), "{obs}");
}

#[test]
fn ldap_simple_bind_shown_on_request() {
    let (_dir, files) = run(true);
    let rows = hits(&files);
    let ldap: Vec<_> = rows
        .iter()
        .filter(|r| &r[0] == "ldap_simple_bind")
        .collect();
    assert_eq!(ldap.len(), 1);
    assert_eq!(&ldap[0][2], PASSWORD);
    // Only the secrets file carries it, and the evidence captures, whose frames are
    // then left as captured.
    for (path, text) in &files {
        if !path.ends_with("sensitive_hits_redacted.csv") && !path.ends_with(".pcapng") {
            assert!(!text.contains(PASSWORD), "password in {path}");
        }
    }
}
