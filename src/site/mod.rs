//! Site metadata: what the site says it has (`--metadata SITE.yml`), in the layout of
//! the reference tool's template so its users can bring their files. Every key is
//! read; the rules use the ones that can be checked against traffic (see
//! `docs/metadata.md`). A file that does not parse, or a value of the wrong type,
//! is an error naming the line and column.

pub mod suggest;

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// A yes/no answer a site may not know: `true`, `false`, or `Unknown`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    #[default]
    Unknown,
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            B(bool),
            S(String),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::B(true) => Answer::Yes,
            Raw::B(false) => Answer::No,
            Raw::S(s) => match s.trim().to_ascii_lowercase().as_str() {
                "yes" | "true" => Answer::Yes,
                "no" | "false" => Answer::No,
                "unknown" | "" => Answer::Unknown,
                other => {
                    return Err(serde::de::Error::custom(format!(
                        "expected true, false or Unknown, found '{other}'"
                    )))
                }
            },
        })
    }
}

impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Yes => s.serialize_bool(true),
            Answer::No => s.serialize_bool(false),
            Answer::Unknown => s.serialize_str("Unknown"),
        }
    }
}

/// Free text that YAML may have typed as a number or boolean (`area: 5`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            I(i64),
            F(f64),
            B(bool),
        }
        Ok(Text(match Option::<Raw>::deserialize(d)? {
            None => String::new(),
            Some(Raw::S(s)) => s,
            Some(Raw::I(i)) => i.to_string(),
            Some(Raw::F(f)) => f.to_string(),
            Some(Raw::B(b)) => b.to_string(),
        }))
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Pcap {
    pub file: Text,
    pub capture_start_local_time: Text,
    pub capture_duration: Text,
    pub normal_production: Answer,
    pub special_activity_during_capture: Text,
    pub comments: Text,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SiteInfo {
    pub plant: Text,
    pub area: Text,
    /// `standard`, `critical` or `unknown`.
    pub criticality: Text,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CapturePoint {
    pub switch_name: Text,
    pub switch_vendor_model: Text,
    pub switch_location: Text,
    pub mirror_source: Text,
    pub mirror_source_type: Text,
    pub mirror_destination: Text,
    pub mirror_direction: Text,
    pub vlans_observed: Vec<u16>,
    pub possible_oversubscription: Answer,
}

/// A host the site lists: an address, or a mapping with one and what is known of it.
#[derive(Clone, Debug, Default)]
pub struct Host {
    pub ips: Vec<IpAddr>,
    pub name: String,
    pub vendor: String,
    pub model: String,
    pub area: String,
}

impl<'de> Deserialize<'de> for Host {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Ip(IpAddr),
            Map(HostMap),
        }
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct HostMap {
            ip: Option<IpText>,
            ips: Vec<IpAddr>,
            name: Text,
            vendor: Text,
            model: Text,
            area: Text,
        }
        match Raw::deserialize(d) {
            Ok(Raw::Ip(ip)) => Ok(Host {
                ips: vec![ip],
                ..Host::default()
            }),
            Ok(Raw::Map(m)) => {
                let mut ips = m.ips;
                if let Some(IpText(Some(ip))) = m.ip {
                    ips.insert(0, ip);
                }
                Ok(Host {
                    ips,
                    name: m.name.0,
                    vendor: m.vendor.0,
                    model: m.model.0,
                    area: m.area.0,
                })
            }
            Err(_) => Err(serde::de::Error::custom(
                "expected an IP address, or a mapping with `ip` (an IP address) and \
                 optionally name, vendor, model, area",
            )),
        }
    }
}

/// An `ip:` value: an address, or `Unknown`/empty for a host whose address is not
/// known yet.
struct IpText(Option<IpAddr>);

impl<'de> Deserialize<'de> for IpText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Text::deserialize(d)?.0;
        let t = s.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("unknown") {
            return Ok(IpText(None));
        }
        t.parse()
            .map(|ip| IpText(Some(ip)))
            .map_err(|_| serde::de::Error::custom(format!("'{t}' is not an IP address")))
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Services {
    pub dns_servers: Vec<Host>,
    pub ntp_servers: Vec<Host>,
    pub dhcp_servers: Vec<Host>,
    pub domain_controllers: Vec<Host>,
    pub monitoring_servers: Vec<Host>,
    pub backup_servers: Vec<Host>,
    pub remote_access_servers: Vec<Host>,
}

impl Services {
    /// Every list with its key.
    pub fn all(&self) -> [(&'static str, &Vec<Host>); 7] {
        [
            ("dns_servers", &self.dns_servers),
            ("ntp_servers", &self.ntp_servers),
            ("dhcp_servers", &self.dhcp_servers),
            ("domain_controllers", &self.domain_controllers),
            ("monitoring_servers", &self.monitoring_servers),
            ("backup_servers", &self.backup_servers),
            ("remote_access_servers", &self.remote_access_servers),
        ]
    }
}

/// Protocols the site expects, by category or as one flat list.
#[derive(Clone, Debug, Default)]
pub struct Protocols {
    /// Lower-case names: ottr protocol ids or the reference tool's rule names.
    pub names: BTreeSet<String>,
}

impl<'de> Deserialize<'de> for Protocols {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Flat(Vec<Text>),
            ByCategory(std::collections::BTreeMap<String, Option<Vec<Text>>>),
        }
        let names = match Option::<Raw>::deserialize(d)? {
            None => Vec::new(),
            Some(Raw::Flat(v)) => v,
            Some(Raw::ByCategory(m)) => m.into_values().flatten().flatten().collect(),
        };
        Ok(Protocols {
            names: names
                .into_iter()
                .map(|t| t.0.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect(),
        })
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct KnownAssets {
    pub plcs: Vec<Host>,
    pub hmis: Vec<Host>,
    pub scada_servers: Vec<Host>,
    pub engineering_stations: Vec<Host>,
    pub historian_mes_opc_servers: Vec<Host>,
    pub switches_routers_firewalls: Vec<Host>,
    pub vendor_remote_access_devices: Vec<Host>,
    pub other_assets: Vec<Host>,
}

impl KnownAssets {
    /// Every listed host with the list it is in.
    pub fn all(&self) -> Vec<(&'static str, &Host)> {
        let lists: [(&'static str, &Vec<Host>); 8] = [
            ("plcs", &self.plcs),
            ("hmis", &self.hmis),
            ("scada_servers", &self.scada_servers),
            ("engineering_stations", &self.engineering_stations),
            ("historian_mes_opc_servers", &self.historian_mes_opc_servers),
            (
                "switches_routers_firewalls",
                &self.switches_routers_firewalls,
            ),
            (
                "vendor_remote_access_devices",
                &self.vendor_remote_access_devices,
            ),
            ("other_assets", &self.other_assets),
        ];
        lists
            .into_iter()
            .flat_map(|(k, v)| v.iter().map(move |h| (k, h)))
            .collect()
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct Talkers {
    pub plc: IpAddr,
    #[serde(default)]
    pub allowed_sources: Vec<IpAddr>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Communications {
    pub plc_allowed_talkers: Vec<Talkers>,
    pub internet_access_allowed: Answer,
    pub it_network_access_allowed: Answer,
    pub vendor_remote_access_used: Answer,
    pub windows_domain_used: Answer,
    pub dhcp_used: Answer,
    pub smb_used: Answer,
    pub rdp_vnc_ssh_used: Answer,
}

/// A site metadata file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Site {
    pub metadata_version: Text,
    pub pcap: Pcap,
    pub site: SiteInfo,
    pub capture_point: CapturePoint,
    pub expected_network_services: Services,
    pub expected_protocols: Protocols,
    pub known_assets: KnownAssets,
    pub expected_communications: Communications,
    pub unknowns: Vec<Text>,
    /// Keys the layout does not have (typos, newer tools): reported, not fatal.
    #[serde(skip)]
    pub unknown_keys: Vec<String>,
}

/// The keys of the layout, `parent.child`; lists of hosts take any keys.
const KEYS: &[&str] = &[
    "metadata_version",
    "pcap",
    "pcap.file",
    "pcap.capture_start_local_time",
    "pcap.capture_duration",
    "pcap.normal_production",
    "pcap.special_activity_during_capture",
    "pcap.comments",
    "site",
    "site.plant",
    "site.area",
    "site.criticality",
    "capture_point",
    "capture_point.switch_name",
    "capture_point.switch_vendor_model",
    "capture_point.switch_location",
    "capture_point.mirror_source",
    "capture_point.mirror_source_type",
    "capture_point.mirror_destination",
    "capture_point.mirror_direction",
    "capture_point.vlans_observed",
    "capture_point.possible_oversubscription",
    "expected_network_services",
    "expected_network_services.dns_servers",
    "expected_network_services.ntp_servers",
    "expected_network_services.dhcp_servers",
    "expected_network_services.domain_controllers",
    "expected_network_services.monitoring_servers",
    "expected_network_services.backup_servers",
    "expected_network_services.remote_access_servers",
    "expected_protocols",
    "expected_protocols.industrial",
    "expected_protocols.infrastructure",
    "expected_protocols.administration",
    "expected_protocols.file_transfer",
    "known_assets",
    "known_assets.plcs",
    "known_assets.hmis",
    "known_assets.scada_servers",
    "known_assets.engineering_stations",
    "known_assets.historian_mes_opc_servers",
    "known_assets.switches_routers_firewalls",
    "known_assets.vendor_remote_access_devices",
    "known_assets.other_assets",
    "expected_communications",
    "expected_communications.plc_allowed_talkers",
    "expected_communications.internet_access_allowed",
    "expected_communications.it_network_access_allowed",
    "expected_communications.vendor_remote_access_used",
    "expected_communications.windows_domain_used",
    "expected_communications.dhcp_used",
    "expected_communications.smb_used",
    "expected_communications.rdp_vnc_ssh_used",
    "unknowns",
    // What `suggested_metadata.yml` adds, so a reviewed suggestion reads back.
    "generated_by",
    "generation_mode",
    "requires_review",
    "provided_metadata_was_used",
    "metadata_merge_guidance",
    "observed_private_subnets",
    "observed_vlans",
    "expected_communications.observed",
];

impl Site {
    /// Reads and checks a metadata file. Errors name the file, line and column.
    pub fn load(path: &Path) -> Result<Site> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Site::parse(&text).with_context(|| format!("metadata {}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Site> {
        let located = |e: yaml_serde::Error| match e.location() {
            Some(l) => anyhow::anyhow!("line {}, column {}: {e}", l.line(), l.column()),
            None => anyhow::anyhow!("{e}"),
        };
        let value: yaml_serde::Value = yaml_serde::from_str(text).map_err(located)?;
        match &value {
            yaml_serde::Value::Mapping(_) => {}
            yaml_serde::Value::Null => return Ok(Site::default()),
            _ => bail!("the top level must be a mapping of the template's sections"),
        }
        let mut site: Site = yaml_serde::from_str(text).map_err(located)?;
        unknown_keys(&value, "", &mut site.unknown_keys);
        Ok(site)
    }

    /// Whether `ip` is listed in `list`.
    pub fn listed(list: &[Host], ip: &IpAddr) -> bool {
        list.iter().any(|h| h.ips.contains(ip))
    }

    /// The site calls itself critical.
    pub fn critical(&self) -> bool {
        self.site
            .criticality
            .0
            .trim()
            .eq_ignore_ascii_case("critical")
    }

    /// Whether `name` (an ottr protocol id or a reference rule name) is expected. With
    /// no list every protocol is.
    pub fn expects(&self, names: &[&str]) -> bool {
        let e = &self.expected_protocols.names;
        e.is_empty() || names.iter().any(|n| e.contains(*n))
    }

    /// The provided metadata in a few lines, for the reports.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut put = |k: &'static str, v: &str| {
            if !v.trim().is_empty() {
                out.push((k, v.trim().to_string()));
            }
        };
        put("plant", &self.site.plant.0);
        put("area", &self.site.area.0);
        put("criticality", &self.site.criticality.0);
        put("switch", &self.capture_point.switch_name.0);
        put("mirror source", &self.capture_point.mirror_source.0);
        put("mirror type", &self.capture_point.mirror_source_type.0);
        put("mirror direction", &self.capture_point.mirror_direction.0);
        put(
            "special activity",
            &self.pcap.special_activity_during_capture.0,
        );
        let n = self.known_assets.all().len();
        if n > 0 {
            put("known assets", &n.to_string());
        }
        if !self.expected_protocols.names.is_empty() {
            let list: Vec<&str> = self
                .expected_protocols
                .names
                .iter()
                .map(String::as_str)
                .collect();
            put("expected protocols", &list.join(", "));
        }
        let t = self.expected_communications.plc_allowed_talkers.len();
        if t > 0 {
            put("controllers with allowed talkers", &t.to_string());
        }
        out
    }
}

fn unknown_keys(v: &yaml_serde::Value, path: &str, out: &mut Vec<String>) {
    let yaml_serde::Value::Mapping(m) = v else {
        return;
    };
    for (k, child) in m {
        let key = match k {
            yaml_serde::Value::String(s) => s.clone(),
            other => format!("{other:?}"),
        };
        let full = if path.is_empty() {
            key
        } else {
            format!("{path}.{key}")
        };
        if !KEYS.contains(&full.as_str()) {
            out.push(full);
            continue;
        }
        // Sections only: lists of hosts and values are not walked.
        if !path.contains('.') && path.is_empty() {
            unknown_keys(child, &full, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = "\
metadata_version: '1.0'
pcap:
  file: plant.pcap
  normal_production: true
  special_activity_during_capture: PLC maintenance
site:
  plant: North
  area: 5
  criticality: critical
capture_point:
  switch_name: sw-1
  mirror_source_type: uplink
  vlans_observed: [10, 20]
expected_network_services:
  dns_servers:
    - ip: 10.0.0.53
      name: dns-1
  ntp_servers: [10.0.0.123]
expected_protocols:
  industrial: [modbus, s7comm]
  infrastructure: [dns]
known_assets:
  plcs:
    - ip: 10.0.0.10
      vendor: Siemens
    - ip: Unknown
expected_communications:
  plc_allowed_talkers:
    - plc: 10.0.0.10
      allowed_sources: [10.0.0.5]
  internet_access_allowed: false
  dhcp_used: Unknown
unknowns:
  - who runs the historian
";

    #[test]
    fn the_template_layout_reads() {
        let s = Site::parse(FULL).unwrap();
        assert_eq!(s.site.area.0, "5");
        assert!(s.critical());
        assert_eq!(s.capture_point.vlans_observed, vec![10, 20]);
        assert_eq!(s.expected_network_services.dns_servers[0].name, "dns-1");
        assert!(Site::listed(
            &s.expected_network_services.ntp_servers,
            &"10.0.0.123".parse().unwrap()
        ));
        assert!(s.expects(&["modbus"]));
        assert!(!s.expects(&["dnp3"]));
        assert_eq!(s.known_assets.plcs.len(), 2);
        assert!(s.known_assets.plcs[1].ips.is_empty());
        let t = &s.expected_communications.plc_allowed_talkers[0];
        assert_eq!(
            t.allowed_sources,
            vec!["10.0.0.5".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(
            s.expected_communications.internet_access_allowed,
            Answer::No
        );
        assert_eq!(s.expected_communications.dhcp_used, Answer::Unknown);
        assert_eq!(s.pcap.normal_production, Answer::Yes);
        assert!(s.unknown_keys.is_empty(), "{:?}", s.unknown_keys);
    }

    #[test]
    fn flat_protocol_lists_and_unknown_keys() {
        let s = Site::parse("expected_protocols: [Modbus, dnp3]\nsite:\n  plnat: x\n").unwrap();
        assert!(s.expects(&["modbus"]));
        assert_eq!(s.unknown_keys, vec!["site.plnat".to_string()]);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = Site::parse("site:\n  plant: a\nexpected_communications:\n  dhcp_used: maybe\n")
            .unwrap_err();
        let text = format!("{e:#}");
        assert!(text.contains("line 4"), "{text}");
        let e = Site::parse("known_assets:\n  plcs:\n    - ip: 10.0.0.300\n").unwrap_err();
        assert!(format!("{e:#}").contains("line 3"), "{e:#}");
        let e = Site::parse("site: [unclosed\n").unwrap_err();
        assert!(format!("{e:#}").contains("line"), "{e:#}");
        assert!(Site::parse("- a\n- b\n").is_err());
        let e = Site::parse("capture_point:\n  vlans_observed: [ten]\n").unwrap_err();
        assert!(format!("{e:#}").contains("line 2"), "{e:#}");
    }
}
