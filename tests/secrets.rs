//! Cleartext credentials end to end, on the generated captures in `fixtures/secrets/`
//! (`make.py` writes them): each gives exactly one hit of its kind with its user and
//! the redacted value, the secret appears in no output file without `--show-secrets`,
//! and in `sensitive_hits_redacted.csv` with it.

use std::path::Path;
use std::process::Command;

/// (capture, protocol, secret kind, user, secret): the table in `make.py`.
const SECRETS: &[(&str, &str, &str, &str, &str)] = &[
    ("ftp.pcap", "ftp", "ftp_password", "operator", "ftp-S3cret!"),
    (
        "telnet.pcap",
        "telnet",
        "telnet_password",
        "eng",
        "tel-P4ss",
    ),
    ("http.pcap", "http", "http_basic", "admin", "http-B4sic"),
    ("snmp.pcap", "snmp", "snmp_community", "", "snmp-C0mm"),
    ("pop3.pcap", "pop3", "pop3_password", "mailer", "pop-P4ss"),
    ("imap.pcap", "imap", "imap_password", "reader", "imap-P4ss"),
    ("smtp.pcap", "smtp", "smtp_auth", "sender", "smtp-P4ss"),
];

fn run(capture: &Path, show: bool) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ottr"));
    cmd.args(["analyze", "--quiet", "--no-hash", "-o"])
        .arg(out.path())
        .arg(capture);
    if show {
        cmd.arg("--show-secrets");
    }
    let st = cmd.status().unwrap();
    assert!(
        matches!(st.code(), Some(0 | 1)),
        "{}: {st}",
        capture.display()
    );
    out
}

/// Every file under `dir`, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            all.extend(files(&p));
        } else {
            all.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The rows of sensitive_hits_redacted.csv: (protocol, kind, user, value).
fn hits(dir: &Path) -> Vec<(String, String, String, String)> {
    let mut r = csv::Reader::from_path(dir.join("sensitive_hits_redacted.csv")).unwrap();
    r.records()
        .map(|r| r.unwrap())
        .map(|r| {
            (
                r[6].to_string(),
                r[7].to_string(),
                r[8].to_string(),
                r[9].to_string(),
            )
        })
        .collect()
}

#[test]
fn one_redacted_hit_per_credential_and_no_leak() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/secrets");
    for &(file, proto, kind, user, secret) in SECRETS {
        let capture = dir.join(file);
        let out = run(&capture, false);
        let first = &secret[..1];
        let last = &secret[secret.len() - 1..];
        assert_eq!(
            hits(out.path()),
            vec![(
                proto.to_string(),
                kind.to_string(),
                user.to_string(),
                format!("{first}***{last}")
            )],
            "{file}"
        );
        for (name, bytes) in files(out.path()) {
            assert!(
                !contains(&bytes, secret),
                "{file}: {secret} leaked into {name}"
            );
        }

        let out = run(&capture, true);
        assert_eq!(
            hits(out.path()),
            vec![(
                proto.to_string(),
                kind.to_string(),
                user.to_string(),
                secret.to_string()
            )],
            "{file} with --show-secrets"
        );
        let csv = std::fs::read(out.path().join("sensitive_hits_redacted.csv")).unwrap();
        assert!(contains(&csv, secret), "{file}");
    }
}
