//! Catalogs from `catalogs/`: embedded at build time, each replaceable by a file of the
//! same name in `--catalog-dir`. Parsed once at start-up and checked by the tests.

use std::path::Path;

use anyhow::{bail, Context, Result};

pub mod context;
pub mod oui;

pub(crate) const PROTOCOLS_TSV: &str = include_str!("../../catalogs/protocols.tsv");
const OUI_TSV: &str = include_str!("../../catalogs/oui.tsv");
const ATTACK_TSV: &str = include_str!("../../catalogs/attack_ics.tsv");
const NIST_TSV: &str = include_str!("../../catalogs/nist_800_82r3.tsv");

/// The MAC vendor table: embedded, or `oui.tsv` from `dir` where present.
pub fn load_oui(dir: Option<&Path>) -> Result<oui::Oui> {
    match dir.map(|d| d.join("oui.tsv")) {
        Some(p) if p.exists() => {
            let text =
                std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
            oui::Oui::parse(&text).with_context(|| p.display().to_string())
        }
        _ => oui::Oui::parse(OUI_TSV).context("oui.tsv"),
    }
}

/// Protocol categories as outputs name them.
pub const CATEGORIES: [&str; 8] = [
    "industrial",
    "building",
    "utility",
    "it",
    "discovery",
    "management",
    "vpn",
    "other",
];

#[derive(Clone, Debug)]
pub struct Protocol {
    pub id: String,
    pub name: String,
    pub category: &'static str,
    /// (IP protocol, first port, last port).
    pub ports: Vec<(u8, u16, u16)>,
}

/// The protocol catalog with a port lookup per transport.
pub struct Catalog {
    pub protocols: Vec<Protocol>,
    /// MAC address vendors (empty unless loaded by [`Catalog::load`]).
    pub oui: oui::Oui,
    /// ATT&CK for ICS and NIST SP 800-82r3 context (empty unless loaded).
    pub attack: context::Attack,
    pub nist: context::Nist,
    tcp: Vec<u16>,
    udp: Vec<u16>,
}

const NONE: u16 = u16::MAX;

impl Catalog {
    /// The embedded catalog, or files from `dir` where present.
    pub fn load(dir: Option<&Path>) -> Result<Catalog> {
        let text = match dir.map(|d| d.join("protocols.tsv")) {
            Some(p) if p.exists() => {
                std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?
            }
            _ => PROTOCOLS_TSV.to_string(),
        };
        let mut c = Catalog::parse(&text).context("protocols.tsv")?;
        c.oui = load_oui(dir)?;
        c.attack = context::Attack::parse(&context::text_of(dir, "attack_ics.tsv", ATTACK_TSV)?)
            .context("attack_ics.tsv")?;
        c.nist = context::Nist::parse(&context::text_of(dir, "nist_800_82r3.tsv", NIST_TSV)?)
            .context("nist_800_82r3.tsv")?;
        Ok(c)
    }

    pub fn parse(text: &str) -> Result<Catalog> {
        let mut protocols: Vec<Protocol> = Vec::new();
        let mut header = false;
        for (n, line) in text.lines().enumerate() {
            let line_no = n + 1;
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if !header {
                if cols.first() != Some(&"id") {
                    bail!("line {line_no}: expected the header row starting with 'id'");
                }
                header = true;
                continue;
            }
            if cols.len() < 4 {
                bail!(
                    "line {line_no}: expected at least 4 tab-separated columns, found {}",
                    cols.len()
                );
            }
            let id = cols[0].trim();
            if id.is_empty()
                || !id
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
            {
                bail!("line {line_no}: protocol id '{id}' is not lower-case snake case");
            }
            if protocols.iter().any(|p| p.id == id) {
                bail!("line {line_no}: duplicate protocol id '{id}'");
            }
            let category = CATEGORIES
                .iter()
                .find(|c| **c == cols[2].trim())
                .with_context(|| format!("line {line_no}: unknown category '{}'", cols[2]))?;
            let mut ports = Vec::new();
            for spec in cols[3].split_whitespace() {
                let (t, range) = spec
                    .split_once('/')
                    .with_context(|| format!("line {line_no}: bad port '{spec}'"))?;
                let proto = match t {
                    "tcp" => 6,
                    "udp" => 17,
                    _ => bail!("line {line_no}: unknown transport '{t}' in '{spec}'"),
                };
                let (lo, hi) = range.split_once('-').unwrap_or((range, range));
                let lo: u16 = lo
                    .parse()
                    .with_context(|| format!("line {line_no}: bad port '{spec}'"))?;
                let hi: u16 = hi
                    .parse()
                    .with_context(|| format!("line {line_no}: bad port '{spec}'"))?;
                if lo == 0 || hi < lo {
                    bail!("line {line_no}: bad port range '{spec}'");
                }
                ports.push((proto, lo, hi));
            }
            protocols.push(Protocol {
                id: id.to_string(),
                name: cols[1].trim().to_string(),
                category,
                ports,
            });
        }
        if protocols.len() >= NONE as usize {
            bail!("too many protocols");
        }
        let mut tcp = vec![NONE; 65536];
        let mut udp = vec![NONE; 65536];
        for (i, p) in protocols.iter().enumerate() {
            for &(t, lo, hi) in &p.ports {
                let table = if t == 6 { &mut tcp } else { &mut udp };
                for port in lo..=hi {
                    // The first entry listed for a port wins.
                    if table[port as usize] == NONE {
                        table[port as usize] = i as u16;
                    }
                }
            }
        }
        Ok(Catalog {
            protocols,
            oui: oui::Oui::default(),
            attack: context::Attack::default(),
            nist: context::Nist::default(),
            tcp,
            udp,
        })
    }

    /// The catalog entry registered for a transport port.
    #[inline]
    pub fn by_port(&self, proto: u8, port: u16) -> Option<&Protocol> {
        let i = match proto {
            6 => self.tcp[port as usize],
            17 => self.udp[port as usize],
            _ => NONE,
        };
        (i != NONE).then(|| &self.protocols[i as usize])
    }

    pub fn get(&self, id: &str) -> Option<&Protocol> {
        self.protocols.iter().find(|p| p.id == id)
    }

    /// Category of a protocol id; unknown ids are `other`.
    pub fn category(&self, id: &str) -> &'static str {
        self.get(id).map_or("other", |p| p.category)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn industrial_vendors_resolve_by_mac() {
        let o = load_oui(None).unwrap();
        assert!(o.len() > 40_000, "{} blocks", o.len());
        for (mac, want) in [
            ([0x00, 0x1b, 0x1b, 1, 2, 3], "Siemens"),
            ([0x00, 0x00, 0xbc, 1, 2, 3], "Rockwell"),
            ([0x00, 0x00, 0x54, 1, 2, 3], "Schneider"),
            ([0x00, 0x00, 0x23, 1, 2, 3], "ABB"),
            ([0x00, 0xa0, 0x45, 1, 2, 3], "PHOENIX CONTACT"),
            ([0x00, 0x90, 0xe8, 1, 2, 3], "MOXA"),
            ([0x00, 0x80, 0x63, 1, 2, 3], "Hirschmann"),
        ] {
            let v = o.vendor(&mac).unwrap_or("");
            assert!(v.contains(want), "{mac:02x?}: {v:?}");
        }
    }

    #[test]
    fn embedded_catalog_is_valid() {
        let c = Catalog::load(None).unwrap();
        assert_eq!(c.by_port(6, 502).unwrap().id, "modbus");
        assert_eq!(c.by_port(6, 102).unwrap().id, "s7comm");
        assert_eq!(c.by_port(17, 47809).unwrap().id, "bacnet");
        assert_eq!(c.by_port(6, 514).unwrap().id, "rsh");
        assert_eq!(c.by_port(17, 514).unwrap().id, "syslog");
        assert!(c.by_port(6, 47808).is_none(), "transport-aware");
        for id in [
            "arp",
            "lldp",
            "goose",
            "sv",
            "profinet_dcp",
            "ethercat",
            "tcp",
            "udp",
            "icmp",
        ] {
            assert!(c.get(id).is_some(), "{id} missing");
        }
        for p in &c.protocols {
            assert!(CATEGORIES.contains(&p.category));
        }
    }

    #[test]
    fn bad_catalogs_are_rejected_with_the_line() {
        let e = Catalog::parse("id\tname\tcategory\tports\nx\tX\tnope\ttcp/1\n")
            .err()
            .unwrap();
        assert!(format!("{e:#}").contains("line 2"));
        assert!(Catalog::parse("id\tname\tcategory\tports\nx\tX\tit\ttcp/0\n").is_err());
        assert!(Catalog::parse("id\tname\tcategory\tports\nx\tX\tit\tsctp/5\n").is_err());
        assert!(Catalog::parse("id\tname\tcategory\tports\nx\tX\tit\t\nx\tY\tit\t\n").is_err());
    }
}
