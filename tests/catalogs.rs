//! Every catalog parses, and every cross-reference holds: rules name ATT&CK for ICS
//! techniques and NIST SP 800-82r3 themes that the catalogs list, protocol ids the
//! rules match on are in the protocol catalog, and every rule of the reference tool
//! has a rule of the same id.

use std::collections::BTreeSet;

use ottr::catalog::Catalog;
use ottr::rules::{observed, registry};

/// The reference tool's rule ids (ot-pcap-triage 0.4.0: 19 core, 19 industrial, 4
/// dynamic, the PLC talker check, 4 sensitive).
const REFERENCE: &[&str] = &[
    "OT-NET-DHCP",
    "OT-NET-DISCOVERY",
    "OT-NET-SMB-NETBIOS",
    "OT-NET-PLAINTEXT",
    "OT-NET-RSH",
    "OT-NET-HTTP",
    "OT-NET-TLS",
    "OT-NET-REMOTE-ADMIN",
    "OT-NET-SNMP",
    "OT-NET-DNS",
    "OT-NET-NTP",
    "OT-NET-AD",
    "OT-NET-BROADCAST-ARP",
    "OT-NET-TCP-SYN",
    "OT-NET-TCP-RESET",
    "OT-NET-ICMP-UNREACHABLE",
    "OT-NET-TCP-QUALITY",
    "OT-NET-IPV6",
    "OT-NET-SENTINEL-HASP",
    "OT-ICS-MODBUS",
    "OT-ICS-S7",
    "OT-ICS-PROFINET",
    "OT-ICS-ENIP-CIP",
    "OT-ICS-OPCUA",
    "OT-ICS-OPCDA-DCOM",
    "OT-ICS-DNP3",
    "OT-ICS-IEC104",
    "OT-ICS-BACNET",
    "OT-ICS-ETHERCAT",
    "OT-ICS-FINS",
    "OT-ICS-MITSUBISHI-SLMP",
    "OT-ICS-BECKHOFF-ADS",
    "OT-ICS-GE-SRTP",
    "OT-ICS-HART-IP",
    "OT-L2-LLDP-CDP",
    "OT-L2-STP",
    "OT-NET-ROUTING-HA",
    "OT-NET-SYSLOG",
    "OT-NET-PUBLIC-IP",
    "OT-NET-PUBLIC-DNS",
    "OT-NET-PUBLIC-NTP",
    "OT-NET-VPN-TRAFFIC",
    "OT-ICS-UNEXPECTED-PLC-TALKER",
    "OT-SENSITIVE-FTP-PASS",
    "OT-SENSITIVE-HTTP-AUTH",
    "OT-SENSITIVE-SNMP-COMMUNITY",
    "OT-SENSITIVE-TELNET",
];

#[test]
fn every_cross_reference_resolves() {
    let c = Catalog::load(None).unwrap();
    assert!(
        c.attack.techniques.len() > 50,
        "{}",
        c.attack.techniques.len()
    );
    assert_eq!(c.attack.tactics.len(), 12, "the ICS matrix has 12 tactics");
    assert!(c.nist.themes.len() > 20);
    let rules = registry();
    let mut seen = BTreeSet::new();
    for r in &rules {
        assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
        assert!(
            r.id.starts_with("OT-")
                && r.id
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'),
            "{}",
            r.id
        );
        assert!(
            !r.title.is_empty() && !r.nist_800_82r3.is_empty(),
            "{}",
            r.id
        );
        for t in r.mitre_ics {
            assert!(
                c.attack.technique(t).is_some(),
                "{}: {t} is not in attack_ics.tsv",
                r.id
            );
        }
        for n in r.nist_800_82r3 {
            assert!(
                c.nist.theme(n).is_some(),
                "{}: theme '{n}' is not in nist_800_82r3.tsv",
                r.id
            );
        }
    }
    for p in observed::protocol_ids() {
        assert!(
            c.get(p).is_some(),
            "protocol id {p} is not in protocols.tsv"
        );
    }
    for id in REFERENCE {
        assert!(seen.contains(id), "reference rule {id} has no ottr rule");
    }
    for t in &c.attack.techniques {
        for tactic in &t.tactics {
            assert!(c.attack.tactics.iter().any(|(_, n)| n == tactic));
        }
    }
}

#[test]
fn a_catalog_dir_overrides_and_bad_files_fail_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nist_800_82r3.tsv"),
        "theme\tcsf\twhere\twhy\nOnly one\tDE.CM\t6\tbecause\n",
    )
    .unwrap();
    let c = Catalog::load(Some(dir.path())).unwrap();
    assert_eq!(c.nist.themes.len(), 1);
    std::fs::write(
        dir.path().join("attack_ics.tsv"),
        "kind\tid\tname\ttactics\ntechnique\tT0846\tX\tNowhere\n",
    )
    .unwrap();
    let e = format!("{:#}", Catalog::load(Some(dir.path())).err().unwrap());
    assert!(e.contains("attack_ics.tsv") && e.contains("line 2"), "{e}");
}

/// The rule table of `docs/rules.md` between its markers, as the registry gives it.
fn rules_table() -> String {
    let c = Catalog::load(None).unwrap();
    let mut s = String::from(
        "| id | group | title | ATT&CK for ICS | NIST SP 800-82r3 themes |\n|---|---|---|---|---|\n",
    );
    for r in registry() {
        let mitre: Vec<String> = r
            .mitre_ics
            .iter()
            .map(|t| format!("{t} {}", c.attack.technique(t).map_or("", |x| &x.name)))
            .collect();
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            r.id,
            r.group,
            r.title,
            mitre.join(", "),
            r.nist_800_82r3.join(", ")
        ));
    }
    s
}

/// docs/rules.md lists every rule with its context; `OTTR_BLESS=1 cargo test --test
/// catalogs` rewrites the table after a rule changes.
#[test]
fn docs_list_every_rule() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- rules:begin -->\n", "<!-- rules:end -->");
    let i = doc.find(begin).expect("begin marker") + begin.len();
    let j = doc.find(end).expect("end marker");
    let want = rules_table();
    if std::env::var_os("OTTR_BLESS").is_some() {
        std::fs::write(&path, format!("{}{want}{}", &doc[..i], &doc[j..])).unwrap();
        return;
    }
    assert_eq!(
        &doc[i..j],
        want,
        "docs/rules.md is stale: run OTTR_BLESS=1 cargo test --test catalogs"
    );
}
