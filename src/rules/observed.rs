//! What protocols are on the network: the reference tool's 19 core and 19 industrial
//! rules, over what ottr decoded instead of display filters on ports.
//!
//! What: for each rule, the conversations, link-layer flows or ARP bindings whose
//! protocol is one of the rule's protocol ids (decoded by a dissector, or matched by
//! the catalog port on the server side, never a client's ephemeral port), one finding
//! with the first frame of each as evidence and the packet total.
//!
//! Why: each is a review point of plant network hygiene (cleartext management,
//! Windows file sharing, remote administration, discovery chatter) or context for
//! the industrial view (which industrial protocols run where).
//!
//! ATT&CK for ICS (v17) and NIST SP 800-82r3 themes: per rule in `RULES`.
//!
//! Example: `OT-NET-PLAINTEXT-001` "Cleartext management (telnet, ftp, tftp)", high,
//! confirmed_by_rule, hosts the servers, evidence the first frame of each session.
//!
//! Status and severity: `informational` with severity info for context (DNS, NTP,
//! TLS, ARP, discovery, industrial protocols); `confirmed_by_rule` when a dissector
//! decoded a cleartext or risky protocol; `candidate` when only a port matched. Site
//! metadata changes them: a protocol the site does not list in `expected_protocols`
//! becomes a medium candidate (the reference tool's escalation, applied to every
//! rule), and the `*_used` answers settle DHCP, SMB, domain and remote-admin rules:
//! `true` makes them informational, `false` raises them to high.

use std::collections::{BTreeMap, BTreeSet};

use super::{gather, Evidence, Finding, Rule, Severity, Status};
use crate::aggregate::protocols::Detection;
use crate::aggregate::scope::{self, Scope};
use crate::pipeline::Analysis;
use crate::report::it_csv::client_server;
use crate::report::mac_text;
use crate::site::{Answer, Site};

/// A rule over protocol ids.
struct Spec {
    rule: Rule,
    /// The reference tool's name for metadata matching (`expected_protocols`).
    name: &'static str,
    protocols: &'static [&'static str],
    /// Severity and status when decoded and nothing else is known.
    severity: Severity,
    status: Status,
    /// Which `expected_communications` answer settles it.
    answer: Option<fn(&Site) -> Answer>,
    recommendation: &'static str,
}

const SEGMENT: &[&str] = &[
    "Network segmentation",
    "Disable unused services",
    "Corporate/OT separation",
];
const CLEAR: &[&str] = &[
    "Secure protocols",
    "Credential protection",
    "Data in transit",
    "Disable unused services",
];
const REMOTE: &[&str] = &[
    "Remote access",
    "Multi-factor authentication",
    "Jump hosts",
    "Logging",
];
const MONITOR: &[&str] = &["Continuous monitoring", "Anomalies and events", "Logging"];
const INDUSTRIAL: &[&str] = &[
    "OT protocol security",
    "Authentication and integrity",
    "Allowed talkers",
    "Network segmentation",
    "Engineering access control",
];
const INVENTORY: &[&str] = &[
    "Asset management",
    "Passive discovery",
    "Expected architecture",
];

const IND_MITRE: &[&str] = &["T0869", "T0885", "T0840"];

macro_rules! spec {
    ($id:literal, $group:literal, $title:literal, $name:literal, [$($p:literal),*],
     $sev:ident, $status:ident, $mitre:expr, $nist:expr, $answer:expr, $rec:literal) => {
        Spec {
            rule: Rule {
                id: $id,
                group: $group,
                title: $title,
                mitre_ics: $mitre,
                nist_800_82r3: $nist,
            },
            name: $name,
            protocols: &[$($p),*],
            severity: Severity::$sev,
            status: Status::$status,
            answer: $answer,
            recommendation: $rec,
        }
    };
}

const N: Option<fn(&Site) -> Answer> = None;

static SPECS: [Spec; 39] = [
    spec!("OT-NET-DHCP", "core", "DHCP on the network", "dhcp", ["dhcp", "dhcpv6"], Low, Candidate,
        &["T0846"], &["Asset management", "Expected architecture"],
        Some(|s: &Site| s.expected_communications.dhcp_used),
        "Give control devices static addresses, or reserve them on a DHCP server the site manages; a rogue DHCP server can redirect devices."),
    spec!("OT-NET-DISCOVERY", "core", "Discovery protocols (LLMNR, NetBIOS, mDNS, SSDP, WS-Discovery)", "discovery",
        ["llmnr", "nbns", "mdns", "ssdp", "ws_discovery"], Info, Informational,
        &["T0846", "T0888"], &["Disable unused services", "Network segmentation"], N,
        "Disable name and service discovery on control hosts that do not need it; LLMNR and NetBIOS answers can be spoofed to capture credentials."),
    spec!("OT-NET-SMB-NETBIOS", "core", "Windows file sharing (SMB, NetBIOS)", "smb_netbios",
        ["smb", "smb2", "nbdgm", "netbios"], Medium, ConfirmedByRule,
        &["T0886", "T0867"], SEGMENT, Some(|s: &Site| s.expected_communications.smb_used),
        "Limit SMB to the hosts that need file transfer, require signing, and keep it off controller networks."),
    spec!("OT-NET-PLAINTEXT", "core", "Cleartext management (Telnet, FTP, TFTP)", "plaintext",
        ["telnet", "ftp", "tftp"], High, ConfirmedByRule,
        &["T0886", "T0859", "T0842"], CLEAR, N,
        "Replace Telnet, FTP and TFTP with SSH and SFTP, or disable them; change any password that crossed the network."),
    spec!("OT-NET-RSH", "core", "Berkeley r-services (rsh, rlogin, rexec)", "rsh",
        ["rsh", "rlogin", "rexec"], High, ConfirmedByRule,
        &["T0886", "T0859"], CLEAR, N,
        "Disable the r-services; they trust addresses and send passwords in the clear."),
    spec!("OT-NET-HTTP", "core", "Cleartext web (HTTP)", "http", ["http"], Medium, ConfirmedByRule,
        &["T0886", "T0869"], CLEAR, N,
        "Serve device and HMI web interfaces over HTTPS only, or restrict them to the engineering network."),
    spec!("OT-NET-TLS", "core", "Encrypted web and services (TLS)", "tls", ["tls"], Info, Informational,
        &["T0869"], &["Data in transit", "Continuous monitoring"], N,
        "Check that the TLS servers and the names clients ask for (SNI) are known services."),
    spec!("OT-NET-REMOTE-ADMIN", "core", "Remote administration (RDP, VNC, SSH, X11, WinRM, vendor tools)", "remote_admin",
        ["rdp", "vnc", "ssh", "x11", "winrm", "teamviewer", "anydesk"], Medium, ConfirmedByRule,
        &["T0886", "T0822"], REMOTE, Some(|s: &Site| s.expected_communications.rdp_vnc_ssh_used),
        "Make remote sessions go through an approved jump host with MFA and logging; remove direct remote access to control hosts."),
    spec!("OT-NET-SNMP", "core", "SNMP management", "snmp", ["snmp", "snmp_trap"], Medium, ConfirmedByRule,
        &["T0888", "T0842"], CLEAR, N,
        "Use SNMPv3 with authentication and privacy; change default communities and make agents read-only."),
    spec!("OT-NET-DNS", "core", "Name resolution (DNS)", "dns", ["dns"], Info, Informational,
        &["T0869"], &["Name resolution", "Continuous monitoring"], N,
        "Check that control hosts resolve names through internal servers only."),
    spec!("OT-NET-NTP", "core", "Time synchronisation (NTP)", "ntp", ["ntp"], Info, Informational,
        &["T0869"], &["Time synchronization"], N,
        "Check that control hosts take time from internal, authenticated sources."),
    spec!("OT-NET-AD", "core", "Windows domain (LDAP, Kerberos)", "active_directory",
        ["ldap", "ldaps", "kerberos"], Medium, ConfirmedByRule,
        &["T0859", "T0886"], &["Corporate/OT separation", "Credential protection", "Network segmentation"],
        Some(|s: &Site| s.expected_communications.windows_domain_used),
        "Control hosts should join an OT domain separate from the corporate one, if any; check where domain traffic goes."),
    spec!("OT-NET-BROADCAST-ARP", "core", "ARP and broadcast traffic", "arp", ["arp"], Info, Informational,
        &["T0846", "T0842"], INVENTORY, N,
        "Context for the inventory; see arp.csv for address conflicts and moved addresses."),
    spec!("OT-NET-IPV6", "core", "IPv6 traffic", "ipv6", ["ipv6", "icmpv6"], Info, Informational,
        &["T0846"], &["Network segmentation", "Boundary protection", "Disable unused services"], N,
        "Disable IPv6 where it is not used, or make sure firewalls filter it as they filter IPv4."),
    spec!("OT-NET-SENTINEL-HASP", "core", "Licence manager discovery (Sentinel HASP)", "sentinel_hasp",
        ["sentinel_hasp"], Info, Informational, &["T0846"], &["Disable unused services"], N,
        "Context: engineering software licence servers; keep their broadcasts inside the engineering zone."),
    spec!("OT-ICS-MODBUS", "industrial", "Modbus/TCP", "modbus", ["modbus"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review which hosts poll and write to Modbus devices; Modbus has no authentication."),
    spec!("OT-ICS-S7", "industrial", "Siemens S7 (S7comm, S7comm-plus)", "s7comm", ["s7comm", "s7comm_plus"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review which hosts talk S7 to the controllers; restrict engineering access."),
    spec!("OT-ICS-PROFINET", "industrial", "PROFINET (RT, DCP, PTCP, CM)", "profinet",
        ["profinet_rt", "profinet_dcp", "profinet_ptcp", "profinet_alarm", "profinet_cm"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Context: PROFINET devices and their controllers; DCP Set can rename or readdress devices."),
    spec!("OT-ICS-ENIP-CIP", "industrial", "EtherNet/IP and CIP", "ethernet_ip_cip", ["enip", "cip_io", "cip_security"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review CIP connections and which hosts send explicit messages."),
    spec!("OT-ICS-OPCUA", "industrial", "OPC UA", "opcua", ["opcua"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Check OPC UA security modes and user tokens (see OT-ICS-OPCUA-INSECURE)."),
    spec!("OT-ICS-OPCDA-DCOM", "industrial", "OPC DA over DCOM (MS-RPC)", "opc_da_dcom", ["opc_da_dcom", "msrpc"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "OPC DA needs wide DCOM port ranges; prefer OPC UA or a tunnel through the DMZ."),
    spec!("OT-ICS-DNP3", "industrial", "DNP3", "dnp3", ["dnp3"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review masters and outstations; use DNP3 Secure Authentication where supported."),
    spec!("OT-ICS-IEC104", "industrial", "IEC 60870-5-104", "iec104", ["iec104", "iec104_tls"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review controlling and controlled stations; IEC 104 has no authentication without IEC 62351."),
    spec!("OT-ICS-BACNET", "industrial", "BACnet/IP", "bacnet", ["bacnet"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review BACnet devices and who writes to them."),
    spec!("OT-ICS-ETHERCAT", "industrial", "EtherCAT", "ethercat", ["ethercat", "ethercat_udp"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "EtherCAT should stay on its own segment; seen on a mirror port it may mean a flat network."),
    spec!("OT-ICS-FINS", "industrial", "Omron FINS", "fins", ["omron_fins"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review FINS clients; FINS has no authentication."),
    spec!("OT-ICS-MITSUBISHI-SLMP", "industrial", "Mitsubishi SLMP/MELSEC", "mitsubishi_slmp_mc", ["melsec"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review MELSEC clients; restrict access to the controllers."),
    spec!("OT-ICS-BECKHOFF-ADS", "industrial", "Beckhoff ADS/AMS", "beckhoff_ads_ams", ["ads"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review ADS routes and clients; ADS can change PLC state."),
    spec!("OT-ICS-GE-SRTP", "industrial", "GE SRTP", "ge_srtp", ["ge_srtp", "ge_egd"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review SRTP clients of GE controllers."),
    spec!("OT-ICS-HART-IP", "industrial", "HART-IP", "hart_ip", ["hart_ip"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review HART-IP clients of field device gateways."),
    spec!("OT-ICS-IEC61850", "industrial", "IEC 61850 (MMS, GOOSE, SV)", "iec61850", ["mms", "goose", "sv", "gse_management"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Review MMS clients and GOOSE/SV publishers of the substation."),
    spec!("OT-ICS-OTHER", "industrial", "Other industrial protocols", "other_industrial",
        ["codesys", "wago_codesys", "bsap", "genisys", "tristation", "pcworx", "proconos", "fox", "knxnet_ip",
         "lonworks", "artnet", "c37_118", "ansi_c1222", "dlms", "atg", "iccp", "mqtt", "mqtt_tls", "coap",
         "dds", "modbus_tls", "saia_sbus", "powerlink", "sercos3"], Info, Informational,
        IND_MITRE, INDUSTRIAL, N, "Identify the devices behind these protocols and add them to the inventory."),
    spec!("OT-L2-LLDP-CDP", "industrial", "Link-layer discovery (LLDP, CDP)", "lldp_cdp", ["lldp", "cdp"], Info, Informational,
        &["T0846", "T0888"], INVENTORY, N, "Context: switch and device names; disable LLDP/CDP on ports facing untrusted hosts."),
    spec!("OT-L2-STP", "industrial", "Spanning tree and ring redundancy (STP, MRP, HSR, PRP)", "stp",
        ["stp", "mrp", "hsr", "prp"], Info, Informational,
        &["T0846"], &["Availability", "Network segmentation"], N,
        "Context: a topology change storm stops control traffic; protect edge ports (BPDU guard)."),
    spec!("OT-NET-ROUTING-HA", "industrial", "Routing and gateway redundancy (VRRP, HSRP, OSPF, RIP, BGP)", "routing_ha",
        ["vrrp", "hsrp", "ospf", "rip", "bgp"], Info, Informational,
        &["T0846"], &["Availability", "Network segmentation"], N,
        "Routing protocols on a control segment should be authenticated; check who speaks them."),
    spec!("OT-NET-SYSLOG", "industrial", "Syslog", "syslog", ["syslog"], Info, Informational,
        &["T0842"], MONITOR, N, "Context: log collectors; syslog is cleartext and unauthenticated."),
    spec!("OT-NET-FILE-TRANSFER", "core", "Other file and database services (NFS, SQL)", "file_transfer",
        ["nfs", "portmap", "sql_server", "oracle", "mysql", "postgresql"], Low, Candidate,
        &["T0811", "T0867"], SEGMENT, N,
        "Check that database and file services on the control network are the historian's and approved."),
    spec!("OT-NET-MAIL", "core", "Mail protocols (SMTP, POP3, IMAP)", "mail", ["smtp", "pop3", "imap"], Low, Candidate,
        &["T0869"], &["Corporate/OT separation", "Disable unused services"], N,
        "Mail on a control network is unusual; find the hosts and why they send or fetch mail."),
    spec!("OT-NET-TUNNEL", "core", "Tunnels and encapsulation (GRE, VXLAN, Geneve, L2TP)", "tunnel",
        ["gre", "vxlan", "geneve"], Info, Informational,
        &["T0884"], &["Boundary protection", "Network segmentation"], N,
        "Context: tunnels can carry traffic past filters; confirm each is part of the design (ERSPAN, overlay)."),
];

/// The rules of this file.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    SPECS.iter().map(|s| &s.rule)
}

/// The protocol ids and reference names of the rules, for the catalog checks.
pub fn protocol_ids() -> impl Iterator<Item = &'static str> {
    SPECS.iter().flat_map(|s| s.protocols.iter().copied())
}

/// What one rule saw.
#[derive(Default)]
struct Seen {
    packets: u64,
    decoded: bool,
    protocols: BTreeSet<&'static str>,
    servers: BTreeSet<String>,
    flows: u64,
    evidence: Vec<Evidence>,
    /// IPv6 between routable (global or unique local) addresses, not only link-local.
    routable: bool,
}

pub fn run(a: &Analysis, site: Option<&Site>) -> Vec<Finding> {
    // Protocol id -> rules that take it.
    let mut by_proto: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, s) in SPECS.iter().enumerate() {
        for p in s.protocols {
            by_proto.entry(p).or_default().push(i);
        }
    }
    let mut seen: Vec<Seen> = (0..SPECS.len()).map(|_| Seen::default()).collect();
    // Decoded protocols count their packets; a port match alone counts below, only
    // for conversations that look like a service answered.
    for row in &a.protocols {
        if row.detection == Detection::Port {
            continue;
        }
        for &i in by_proto.get(row.protocol.as_str()).into_iter().flatten() {
            let s = &mut seen[i];
            s.packets += row.count.packets;
            s.decoded = true;
            if let Some(p) = SPECS[i].protocols.iter().find(|p| **p == row.protocol) {
                s.protocols.insert(p);
            }
        }
    }
    for (c, app) in a.convs.iter().zip(&a.conv_app) {
        let Some(app) = app.as_deref() else { continue };
        let decoded = c.decoded().is_some();
        if !decoded && !answered(c) {
            // A probe to a closed or silent port shows no service.
            continue;
        }
        // IPv6 is a network-layer rule: its conversations are the IPv6 ones.
        for &i in by_proto.get(app).into_iter().flatten() {
            let (client, server, port) = client_server(c);
            let s = &mut seen[i];
            if !decoded {
                s.packets += c.total_packets();
                if let Some(p) = SPECS[i].protocols.iter().find(|p| **p == app) {
                    s.protocols.insert(p);
                }
            }
            s.flows += 1;
            s.servers.insert(server.clone());
            gather(&mut s.evidence, || {
                Evidence::first_of(
                    c,
                    client,
                    server,
                    app.to_string(),
                    format!("first frame of a {app} conversation to port {port}"),
                )
            });
        }
    }
    if let Some(&[i]) = by_proto.get("ipv6").map(Vec::as_slice) {
        for c in a.convs.iter().filter(|c| c.key.v6) {
            let (client, server, _) = client_server(c);
            let s = &mut seen[i];
            s.routable |= [&c.key.lo, &c.key.hi]
                .iter()
                .all(|x| matches!(scope::of(x, true), Scope::Public | Scope::Private));
            s.flows += 1;
            s.servers.insert(server.clone());
            gather(&mut s.evidence, || {
                Evidence::first_of(
                    c,
                    client,
                    server,
                    "ipv6",
                    "first frame of an IPv6 conversation",
                )
            });
        }
    }
    for f in &a.l2 {
        let app = f.key.app.id();
        for &i in by_proto.get(app).into_iter().flatten() {
            let s = &mut seen[i];
            s.flows += 1;
            s.servers.insert(mac_text(&f.key.src));
            gather(&mut s.evidence, || Evidence {
                frame: f.first_frame,
                ts_ns: f.first_ts,
                src: mac_text(&f.key.src),
                dst: mac_text(&f.key.dst),
                protocol: app.to_string(),
                detail: format!("first {app} frame from this sender"),
            });
        }
    }
    if let Some(&[i]) = by_proto.get("arp").map(Vec::as_slice) {
        for b in &a.arp {
            let s = &mut seen[i];
            s.flows += 1;
            gather(&mut s.evidence, || Evidence {
                frame: b.first_frame,
                ts_ns: b.first_ts,
                src: mac_text(&b.mac),
                dst: std::net::Ipv4Addr::from(b.ip).to_string(),
                protocol: "arp".into(),
                detail: format!(
                    "{} claimed by {}",
                    std::net::Ipv4Addr::from(b.ip),
                    mac_text(&b.mac)
                ),
            });
        }
    }
    let mut out = Vec::new();
    for (spec, s) in SPECS.iter().zip(seen) {
        if s.packets == 0 && s.flows == 0 {
            continue;
        }
        out.push(finding(spec, s, site));
    }
    out
}

/// What a port match needs before it stands for a service: a TCP conversation both
/// sides spoke in past a handshake and a reset; a datagram flow answered, sent to a
/// group or broadcast, or sent more than once (publishers and hellos are one-way),
/// not a lone probe.
fn answered(c: &crate::flow::Conv) -> bool {
    let both = c.packets[0] > 0 && c.packets[1] > 0;
    if c.key.proto == 6 {
        return both && c.total_packets() > 4;
    }
    let group = [&c.key.lo, &c.key.hi]
        .iter()
        .any(|x| matches!(scope::of(x, c.key.v6), Scope::Multicast | Scope::Broadcast));
    both || group || c.total_packets() >= 2
}

/// Wireshark's name for a protocol id where it differs.
fn wireshark_name(id: &str) -> &str {
    match id {
        "ethercat" => "ecat",
        "profinet_rt" => "pn_rt",
        "profinet_dcp" => "pn_dcp",
        "profinet_ptcp" => "pn_ptcp",
        "profinet_cm" => "pn_io",
        "enip" => "enip",
        "omron_fins" => "omron",
        "melsec" => "slmp",
        "ads" => "ams",
        "opc_da_dcom" | "msrpc" => "dcerpc",
        "snmp_trap" => "snmp",
        "nbdgm" => "nbdgm",
        "netbios" => "netbios",
        "hart_ip" => "hart_ip",
        "ldaps" => "tls",
        "sentinel_hasp" => "udp.port == 1947",
        other => other,
    }
}

fn finding(spec: &'static Spec, s: Seen, site: Option<&Site>) -> Finding {
    let (mut severity, mut status) = (spec.severity, spec.status);
    let how = if s.decoded {
        "decoded"
    } else {
        // A port match only: the analyst must confirm what runs there.
        if status == Status::ConfirmedByRule {
            status = Status::Candidate;
        }
        "port-based candidate"
    };
    let mut notes = String::new();
    if s.routable {
        // Routed IPv6 may pass where IPv4 rules filter.
        severity = Severity::Low;
        status = Status::Candidate;
        notes.push_str(" Some conversations are between routable IPv6 addresses.");
    }
    if let Some(site) = site {
        let mut names: Vec<&str> = s.protocols.iter().copied().collect();
        names.push(spec.name);
        if !site.expects(&names) {
            severity = severity.max(Severity::Medium);
            status = Status::Candidate;
            notes.push_str(" The site metadata does not list it in expected_protocols.");
        } else if let Some(answer) = spec.answer.map(|f| f(site)) {
            match answer {
                Answer::Yes => {
                    severity = Severity::Info;
                    status = Status::Informational;
                    notes.push_str(" The site metadata says it is used.");
                }
                Answer::No => {
                    severity = Severity::High;
                    status = Status::Candidate;
                    notes.push_str(" The site metadata says it is not used.");
                }
                Answer::Unknown => {}
            }
        }
    }
    let list: Vec<&str> = s.protocols.iter().copied().collect();
    let protocols = if list.is_empty() {
        spec.protocols[0].to_string()
    } else {
        list.join(", ")
    };
    let mut hosts: BTreeSet<String> = s.servers.iter().take(20).cloned().collect();
    if hosts.is_empty() {
        hosts.extend(s.evidence.iter().take(20).map(|e| e.src.clone()));
    }
    let display_filter = list
        .iter()
        .map(|p| wireshark_name(p))
        .collect::<Vec<_>>()
        .join(" || ");
    Finding {
        display_filter,
        title: format!("{} ({protocols})", spec.rule.title),
        status,
        severity,
        summary: format!(
            "{protocols}: {} packets in {} flows, {} server(s) or sender(s); {how}.{notes}",
            s.packets,
            s.flows,
            s.servers.len()
        ),
        hosts,
        evidence_total: s.flows,
        evidence: s.evidence,
        recommendation: spec.recommendation,
        validation: &[
            "Open the evidence frames and confirm the protocol and the hosts.",
            "Ask the site whether these hosts are meant to use it.",
        ],
        ..Finding::of(&spec.rule)
    }
}
