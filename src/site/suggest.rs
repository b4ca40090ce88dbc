//! `suggested_metadata.yml`: the metadata layout filled from what the capture shows,
//! each inferred entry with its evidence, for the site to review and pass back with
//! `--metadata` (the two-pass workflow in the README). Read back by [`super::Site`]
//! unchanged, it describes the capture as its own baseline: the site checks then
//! report nothing for the same traffic, and report what changes in later captures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::{Answer, Site};
use crate::aggregate::endpoints::Addr;
use crate::aggregate::scope::{self, Scope};
use crate::dissect::OpClass;
use crate::flow::app::AppProto;
use crate::pipeline::Analysis;
use crate::report::{addr_text as addr, ts_text};

#[derive(Serialize)]
struct Suggested {
    generated_by: String,
    requires_review: bool,
    generation_mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    provided_metadata_was_used: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    metadata_merge_guidance: Vec<&'static str>,
    metadata_version: &'static str,
    pcap: PcapOut,
    site: SiteOut,
    capture_point: CaptureOut,
    observed_private_subnets: Vec<SubnetOut>,
    expected_network_services: BTreeMap<&'static str, Vec<HostOut>>,
    expected_protocols: BTreeMap<&'static str, Vec<String>>,
    known_assets: BTreeMap<&'static str, Vec<HostOut>>,
    expected_communications: CommsOut,
    unknowns: Vec<String>,
}

#[derive(Serialize)]
struct PcapOut {
    file: String,
    capture_start_local_time: String,
    capture_duration: String,
    normal_production: Answer,
    special_activity_during_capture: String,
    comments: String,
}

#[derive(Serialize)]
struct SiteOut {
    plant: String,
    area: String,
    criticality: String,
}

#[derive(Serialize)]
struct CaptureOut {
    switch_name: String,
    switch_vendor_model: String,
    switch_location: String,
    mirror_source: String,
    mirror_source_type: String,
    mirror_destination: String,
    mirror_direction: String,
    vlans_observed: Vec<u16>,
    possible_oversubscription: Answer,
}

#[derive(Serialize)]
struct SubnetOut {
    subnet: String,
    hosts: usize,
}

#[derive(Serialize)]
struct HostOut {
    ip: String,
    name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    vendor: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    model: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    role: String,
    confidence: &'static str,
    /// What showed it, from the capture.
    inferred_from: Vec<String>,
}

#[derive(Serialize)]
struct TalkersOut {
    plc: String,
    allowed_sources: Vec<String>,
    inferred_from: Vec<String>,
}

#[derive(Serialize)]
struct CommsOut {
    plc_allowed_talkers: Vec<TalkersOut>,
    internet_access_allowed: Answer,
    it_network_access_allowed: Answer,
    vendor_remote_access_used: Answer,
    windows_domain_used: Answer,
    dhcp_used: Answer,
    smb_used: Answer,
    rdp_vnc_ssh_used: Answer,
    /// What the capture showed for each answer, for the reviewer.
    observed: BTreeMap<&'static str, String>,
}

fn duration_text(ns: i64) -> String {
    let s = ns.max(0) / 1_000_000_000;
    format!("{}h {:02}m {:02}s", s / 3600, s / 60 % 60, s % 60)
}

/// Writes the file; `provided` is the metadata given with `--metadata`, whose
/// site-only answers (names, capture point, booleans) are carried over.
pub fn write(path: &Path, a: &Analysis, provided: Option<&Site>, digits: u8) -> Result<()> {
    let text = yaml_serde::to_string(&build(a, provided, digits))?;
    let header = "# Suggested site metadata, inferred from the capture by ottr. Review every\n\
                  # entry (inferred_from says what showed it), correct it, then pass the file\n\
                  # back with --metadata. Keys and values follow the reference template.\n";
    std::fs::write(path, format!("{header}{text}"))?;
    Ok(())
}

fn build(a: &Analysis, provided: Option<&Site>, digits: u8) -> Suggested {
    let c = &a.counters;
    let files: Vec<String> = a
        .captures
        .iter()
        .filter_map(|r| r.path.file_name().map(|f| f.to_string_lossy().into_owned()))
        .collect();
    let p = provided.cloned().unwrap_or_default();
    let internal =
        |a: &[u8; 16], v6: bool| matches!(scope::of(a, v6), Scope::Private | Scope::Shared);

    // Services: who answered what, from decoded conversations.
    let mut services: BTreeMap<&'static str, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let service_list = |proto: &str| -> Option<&'static str> {
        Some(match proto {
            "dns" => "dns_servers",
            "ntp" => "ntp_servers",
            "dhcp" => "dhcp_servers",
            "kerberos" | "ldap" => "domain_controllers",
            "syslog" | "snmp_trap" => "monitoring_servers",
            "ssh" | "rdp" | "vnc" | "teamviewer" | "anydesk" | "isakmp" | "openvpn"
            | "wireguard" | "l2tp" | "pptp" => "remote_access_servers",
            _ => return None,
        })
    };
    for conv in &a.convs {
        let Some(st) = conv.decoded() else { continue };
        let proto = st.proto.id();
        let Some(list) = service_list(proto) else {
            continue;
        };
        let server_dir = usize::from(st.server_is_lo == conv.a_is_lo);
        if conv.packets[server_dir] == 0 {
            continue;
        }
        let (_, server, port) = crate::report::it_csv::client_server(conv);
        if proto == "dhcp" && server == "0.0.0.0" {
            continue;
        }
        services
            .entry(list)
            .or_default()
            .entry(server)
            .or_default()
            .insert(format!("answered {proto} on port {port}"));
    }
    // SNMP managers poll agents: the client side is the monitoring server.
    for (k, _) in &a.ops {
        if k.proto.id() == "snmp" && k.request {
            let ((cl, c6), _) = k.ends();
            services
                .entry("monitoring_servers")
                .or_default()
                .entry(addr(&cl, c6))
                .or_default()
                .insert("sends SNMP requests".into());
        }
    }
    let names: BTreeMap<String, (&crate::aggregate::assets::Asset, String)> = a
        .assets
        .iter()
        .filter_map(|x| match &x.endpoint.addr {
            Addr::Ip(ip, v6) => Some((
                addr(ip, *v6),
                (
                    x,
                    x.names
                        .iter()
                        .next()
                        .cloned()
                        .unwrap_or_else(|| "Unknown".into()),
                ),
            )),
            Addr::Mac(_) => None,
        })
        .collect();
    let name_of = |ip: &str| names.get(ip).map_or("Unknown".to_string(), |n| n.1.clone());
    let mut expected_network_services: BTreeMap<&'static str, Vec<HostOut>> =
        super::Services::default()
            .all()
            .into_iter()
            .map(|(k, _)| (k, Vec::new()))
            .collect();
    for (list, hosts) in services {
        let out = expected_network_services.entry(list).or_default();
        for (ip, why) in hosts {
            out.push(HostOut {
                name: name_of(&ip),
                ip,
                vendor: String::new(),
                model: String::new(),
                role: String::new(),
                confidence: "medium",
                inferred_from: why.into_iter().collect(),
            });
        }
    }

    // Protocols by category.
    let mut expected_protocols: BTreeMap<&'static str, Vec<String>> = [
        "industrial",
        "infrastructure",
        "administration",
        "file_transfer",
    ]
    .into_iter()
    .map(|k| (k, Vec::new()))
    .collect();
    for row in &a.protocols {
        if row.detection == crate::aggregate::protocols::Detection::Port
            || matches!(
                row.protocol.as_str(),
                "ipv4" | "ipv6" | "tcp" | "udp" | "icmp" | "icmpv6" | "igmp"
            )
        {
            continue;
        }
        let key = match (row.category, row.protocol.as_str()) {
            ("industrial" | "building" | "utility", _) => "industrial",
            (_, "ftp" | "tftp" | "smb" | "smb2" | "nfs" | "ftp_data") => "file_transfer",
            ("management", _) => "administration",
            _ => "infrastructure",
        };
        expected_protocols
            .entry(key)
            .or_default()
            .push(row.protocol.clone());
    }

    // Assets by role; every other internal host under other_assets, so the same
    // capture read back has no unlisted host.
    let mut known_assets: BTreeMap<&'static str, Vec<HostOut>> = [
        "plcs",
        "hmis",
        "scada_servers",
        "engineering_stations",
        "historian_mes_opc_servers",
        "switches_routers_firewalls",
        "vendor_remote_access_devices",
        "other_assets",
    ]
    .into_iter()
    .map(|k| (k, Vec::new()))
    .collect();
    let listed_services: BTreeSet<String> = expected_network_services
        .values()
        .flatten()
        .map(|h| h.ip.clone())
        .collect();
    for x in &a.assets {
        let Addr::Ip(ip, v6) = &x.endpoint.addr else {
            continue;
        };
        if !internal(ip, *v6) || x.endpoint.sent.packets == 0 {
            continue;
        }
        let text = addr(ip, *v6);
        let list = match x.role {
            Some("controller" | "ied") => "plcs",
            Some("hmi_scada") => "hmis",
            Some("engineering_workstation") => "engineering_stations",
            Some("network_device") => "switches_routers_firewalls",
            _ if listed_services.contains(&text) => continue,
            _ => "other_assets",
        };
        let ident = |k: &str| {
            x.identity
                .get(k)
                .map(|f| f.value.clone())
                .unwrap_or_default()
        };
        let mut vendor = ident("vendor");
        if vendor.is_empty() {
            vendor = x.endpoint.vendor.clone().unwrap_or_default();
        }
        let mut why = x.role_evidence.clone();
        if why.is_empty() {
            let used: Vec<&str> = x.protocols_used.iter().map(String::as_str).collect();
            let served: Vec<&str> = x.protocols_served.iter().map(String::as_str).collect();
            why.push(format!(
                "sent traffic; uses [{}], serves [{}]",
                used.join(", "),
                served.join(", ")
            ));
        }
        known_assets.entry(list).or_default().push(HostOut {
            name: name_of(&text),
            ip: text,
            vendor,
            model: {
                let m = ident("model");
                if m.is_empty() {
                    ident("product")
                } else {
                    m
                }
            },
            role: x.role.unwrap_or("").to_string(),
            confidence: if x.role.is_some() { "medium" } else { "low" },
            inferred_from: why,
        });
    }

    // Allowed talkers: each industrial server with the clients seen.
    let mut talkers: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for (k, s) in &a.ops {
        if !k.request || matches!(k.proto, AppProto::It(_)) {
            continue;
        }
        let ((cl, c6), (sv, v6)) = k.ends();
        let t = talkers.entry(addr(&sv, v6)).or_default();
        t.0.insert(addr(&cl, c6));
        let changes = matches!(
            k.class(),
            OpClass::Write | OpClass::Control | OpClass::Program
        );
        t.1.insert(format!(
            "{} {} {} from {}{}",
            s.pdus,
            k.proto.id(),
            k.function_name(),
            addr(&cl, c6),
            if changes { " (changes state)" } else { "" }
        ));
    }
    let plc_allowed_talkers = talkers
        .into_iter()
        .map(|(plc, (sources, why))| TalkersOut {
            plc,
            allowed_sources: sources.into_iter().collect(),
            inferred_from: why.into_iter().take(10).collect(),
        })
        .collect();

    let public = a
        .endpoints
        .iter()
        .filter(|e| e.scope() == Some(Scope::Public))
        .count();
    let seen = |ids: &[&str]| -> String {
        let n: u64 = a
            .protocols
            .iter()
            .filter(|r| {
                ids.contains(&r.protocol.as_str())
                    && r.detection != crate::aggregate::protocols::Detection::Port
            })
            .map(|r| r.count.packets)
            .sum();
        if n > 0 {
            format!("observed: {n} packets")
        } else {
            "not observed".into()
        }
    };
    let observed: BTreeMap<&'static str, String> = [
        (
            "internet_access_allowed",
            format!("{public} public address(es) seen"),
        ),
        (
            "vendor_remote_access_used",
            seen(&[
                "teamviewer",
                "anydesk",
                "isakmp",
                "openvpn",
                "wireguard",
                "l2tp",
                "pptp",
                "esp",
            ]),
        ),
        ("windows_domain_used", seen(&["kerberos", "ldap"])),
        ("dhcp_used", seen(&["dhcp", "dhcpv6"])),
        ("smb_used", seen(&["smb", "smb2", "nbdgm"])),
        ("rdp_vnc_ssh_used", seen(&["rdp", "vnc", "ssh"])),
    ]
    .into_iter()
    .collect();

    let mut subnets: BTreeMap<String, usize> = BTreeMap::new();
    for e in &a.endpoints {
        if let Addr::Ip(ip, v6) = &e.addr {
            if internal(ip, *v6) {
                *subnets
                    .entry(scope::subnet(&crate::report::ip_of(ip, *v6)))
                    .or_insert(0) += 1;
            }
        }
    }
    let mut vlans: BTreeSet<u16> = a.convs.iter().map(|c| c.key.vlan).collect();
    vlans.extend(a.l2.iter().map(|f| f.key.vlan));
    vlans.remove(&0);
    let cp = &p.capture_point;
    let ec = &p.expected_communications;
    Suggested {
        generated_by: format!("ottr {}", env!("CARGO_PKG_VERSION")),
        requires_review: true,
        generation_mode: if provided.is_some() {
            "pcap_inferred_with_external_metadata_available"
        } else {
            "pcap_inferred"
        },
        provided_metadata_was_used: provided.map(|_| true),
        metadata_merge_guidance: if provided.is_some() {
            vec![
                "Site answers (names, capture point, yes/no answers) were carried over from the provided file.",
                "Lists were inferred from this capture: merge them with the provided ones by hand.",
            ]
        } else {
            Vec::new()
        },
        metadata_version: "1",
        pcap: PcapOut {
            file: files.join(", "),
            capture_start_local_time: if c.first_ts <= c.last_ts {
                ts_text(c.first_ts, digits)
            } else {
                String::new()
            },
            capture_duration: duration_text(if c.first_ts <= c.last_ts {
                c.last_ts.saturating_sub(c.first_ts)
            } else {
                0
            }),
            normal_production: p.pcap.normal_production,
            special_activity_during_capture: p.pcap.special_activity_during_capture.0.clone(),
            comments: p.pcap.comments.0.clone(),
        },
        site: SiteOut {
            plant: p.site.plant.0.clone(),
            area: p.site.area.0.clone(),
            criticality: if p.site.criticality.0.is_empty() {
                "unknown".into()
            } else {
                p.site.criticality.0.clone()
            },
        },
        capture_point: CaptureOut {
            switch_name: cp.switch_name.0.clone(),
            switch_vendor_model: cp.switch_vendor_model.0.clone(),
            switch_location: cp.switch_location.0.clone(),
            mirror_source: cp.mirror_source.0.clone(),
            mirror_source_type: if cp.mirror_source_type.0.is_empty() {
                "unknown".into()
            } else {
                cp.mirror_source_type.0.clone()
            },
            mirror_destination: cp.mirror_destination.0.clone(),
            mirror_direction: if cp.mirror_direction.0.is_empty() {
                "unknown".into()
            } else {
                cp.mirror_direction.0.clone()
            },
            vlans_observed: vlans.into_iter().collect(),
            possible_oversubscription: cp.possible_oversubscription,
        },
        observed_private_subnets: subnets
            .into_iter()
            .map(|(subnet, hosts)| SubnetOut { subnet, hosts })
            .collect(),
        expected_network_services,
        expected_protocols,
        known_assets,
        expected_communications: CommsOut {
            plc_allowed_talkers,
            internet_access_allowed: ec.internet_access_allowed,
            it_network_access_allowed: ec.it_network_access_allowed,
            vendor_remote_access_used: ec.vendor_remote_access_used,
            windows_domain_used: ec.windows_domain_used,
            dhcp_used: ec.dhcp_used,
            smb_used: ec.smb_used,
            rdp_vnc_ssh_used: ec.rdp_vnc_ssh_used,
            observed,
        },
        unknowns: {
            let mut u: Vec<String> = p.unknowns.iter().map(|t| t.0.clone()).collect();
            for q in [
                "Which hosts are engineering workstations, and who uses them?",
                "Was the capture taken during normal production?",
                "Which external connections (vendor support, updates) are approved?",
            ] {
                if !u.iter().any(|x| x == q) {
                    u.push(q.into());
                }
            }
            u
        },
    }
}
