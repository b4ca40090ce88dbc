//! IT protocols in a flow (names, time, management in cleartext, encrypted and remote
//! access): which ports make a flow a candidate, and each protocol's flow glue, one
//! file per protocol family, over the pure dissectors in `dissect/`. What they learn
//! goes to the flow's notes and secrets (`AppState::note`, `AppState::secret`), the
//! identity facts (`AppState::fact`) and, for device operations such as an SNMP Set,
//! to its operations.

pub mod dhcp;
pub mod dns;
pub mod ftp;
pub mod http;
pub mod kerberos;
pub mod ldap;
pub mod mail;
pub mod nbns;
pub mod ntp;
pub mod ptp;
pub mod rdp;
pub mod remote;
pub mod rsvc;
pub mod smb;
pub mod snmp;
pub mod ssdp;
pub mod ssh;
pub mod syslog;
pub mod telnet;
pub mod tftp;
pub mod tls;
pub mod vnc;
pub mod vpn;
pub mod winrm;
pub mod x11;

use super::app::{AppState, CodeTables, Pdu};
use super::FlowKey;
use crate::dissect::OpClass;

/// An IT protocol a flow may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItProto {
    Dns,
    Mdns,
    Llmnr,
    Nbns,
    Ssdp,
    Dhcp,
    Dhcpv6,
    Ntp,
    Ptp,
    Telnet,
    Ftp,
    Http,
    Pop3,
    Imap,
    Smtp,
    Snmp,
    Tftp,
    Syslog,
    Rexec,
    Rlogin,
    Rsh,
    Tls,
    Ssh,
    Rdp,
    Vnc,
    X11,
    Winrm,
    TeamViewer,
    AnyDesk,
    Smb,
    /// An SMB flow once it speaks SMB2/3 (tshark names the two apart).
    Smb2,
    Kerberos,
    Ldap,
    Ike,
    OpenVpn,
    WireGuard,
    L2tp,
    Pptp,
}

impl ItProto {
    /// The protocol id outputs use.
    pub fn id(self) -> &'static str {
        match self {
            ItProto::Dns => "dns",
            ItProto::Mdns => "mdns",
            ItProto::Llmnr => "llmnr",
            ItProto::Nbns => "nbns",
            ItProto::Ssdp => "ssdp",
            ItProto::Dhcp => "dhcp",
            ItProto::Dhcpv6 => "dhcpv6",
            ItProto::Ntp => "ntp",
            ItProto::Ptp => "ptp",
            ItProto::Telnet => "telnet",
            ItProto::Ftp => "ftp",
            ItProto::Http => "http",
            ItProto::Pop3 => "pop3",
            ItProto::Imap => "imap",
            ItProto::Smtp => "smtp",
            ItProto::Snmp => "snmp",
            ItProto::Tftp => "tftp",
            ItProto::Syslog => "syslog",
            ItProto::Rexec => "rexec",
            ItProto::Rlogin => "rlogin",
            ItProto::Rsh => "rsh",
            ItProto::Tls => "tls",
            ItProto::Ssh => "ssh",
            ItProto::Rdp => "rdp",
            ItProto::Vnc => "vnc",
            ItProto::X11 => "x11",
            ItProto::Winrm => "winrm",
            ItProto::TeamViewer => "teamviewer",
            ItProto::AnyDesk => "anydesk",
            ItProto::Smb => "smb",
            ItProto::Smb2 => "smb2",
            ItProto::Kerberos => "kerberos",
            ItProto::Ldap => "ldap",
            ItProto::Ike => "isakmp",
            ItProto::OpenVpn => "openvpn",
            ItProto::WireGuard => "wireguard",
            ItProto::L2tp => "l2tp",
            ItProto::Pptp => "pptp",
        }
    }

    /// Name and class of the function codes of protocols that report operations.
    pub(super) fn codes(self) -> CodeTables {
        match self {
            ItProto::Snmp => (snmp::code_name, snmp::code_class),
            ItProto::Tftp => (tftp::code_name, tftp::code_class),
            _ => (no_name, no_class),
        }
    }
}

fn no_name(_: u16) -> &'static str {
    ""
}

fn no_class(_: u16) -> OpClass {
    OpClass::Other
}

/// (IP protocol, first port, last port, protocol): the registered ports of each.
pub(crate) const PORTS: &[(u8, u16, u16, ItProto)] = &[
    (6, 53, 53, ItProto::Dns),
    (17, 53, 53, ItProto::Dns),
    (17, 5353, 5353, ItProto::Mdns),
    (6, 5355, 5355, ItProto::Llmnr),
    (17, 5355, 5355, ItProto::Llmnr),
    (17, 137, 137, ItProto::Nbns),
    (17, 1900, 1900, ItProto::Ssdp),
    (17, 67, 67, ItProto::Dhcp),
    (17, 68, 68, ItProto::Dhcp),
    (17, 546, 546, ItProto::Dhcpv6),
    (17, 547, 547, ItProto::Dhcpv6),
    (17, 123, 123, ItProto::Ntp),
    (17, 319, 319, ItProto::Ptp),
    (17, 320, 320, ItProto::Ptp),
    (6, 23, 23, ItProto::Telnet),
    (6, 21, 21, ItProto::Ftp),
    (6, 80, 80, ItProto::Http),
    (6, 8080, 8080, ItProto::Http),
    (6, 8000, 8000, ItProto::Http),
    (6, 8008, 8008, ItProto::Http),
    (6, 8081, 8081, ItProto::Http),
    (6, 8888, 8888, ItProto::Http),
    (6, 110, 110, ItProto::Pop3),
    (6, 143, 143, ItProto::Imap),
    (6, 25, 25, ItProto::Smtp),
    (6, 587, 587, ItProto::Smtp),
    (17, 161, 161, ItProto::Snmp),
    (17, 162, 162, ItProto::Snmp),
    (17, 69, 69, ItProto::Tftp),
    (17, 514, 514, ItProto::Syslog),
    (6, 512, 512, ItProto::Rexec),
    (6, 513, 513, ItProto::Rlogin),
    (6, 514, 514, ItProto::Rsh),
    (6, 443, 443, ItProto::Tls),
    (6, 8443, 8443, ItProto::Tls),
    (6, 4443, 4443, ItProto::Tls),
    (6, 993, 993, ItProto::Tls),
    (6, 995, 995, ItProto::Tls),
    (6, 465, 465, ItProto::Tls),
    (6, 636, 636, ItProto::Tls),
    (6, 853, 853, ItProto::Tls),
    (6, 3269, 3269, ItProto::Tls),
    (6, 22, 22, ItProto::Ssh),
    (6, 3389, 3389, ItProto::Rdp),
    (6, 5900, 5910, ItProto::Vnc),
    (6, 6000, 6063, ItProto::X11),
    (6, 5985, 5985, ItProto::Winrm),
    (6, 5986, 5986, ItProto::Winrm),
    (6, 5938, 5938, ItProto::TeamViewer),
    (17, 5938, 5938, ItProto::TeamViewer),
    (6, 7070, 7070, ItProto::AnyDesk),
    (6, 445, 445, ItProto::Smb),
    (6, 139, 139, ItProto::Smb),
    (17, 138, 138, ItProto::Smb),
    (6, 88, 88, ItProto::Kerberos),
    (17, 88, 88, ItProto::Kerberos),
    (6, 389, 389, ItProto::Ldap),
    (17, 389, 389, ItProto::Ldap),
    (17, 500, 500, ItProto::Ike),
    (17, 4500, 4500, ItProto::Ike),
    (17, 1194, 1194, ItProto::OpenVpn),
    (6, 1194, 1194, ItProto::OpenVpn),
    (17, 51820, 51820, ItProto::WireGuard),
    (17, 1701, 1701, ItProto::L2tp),
    (6, 1723, 1723, ItProto::Pptp),
];

/// Per-flow state an IT protocol keeps between PDUs.
#[derive(Clone, Debug, Default)]
pub enum ItState {
    #[default]
    None,
    /// DNS, mDNS, LLMNR, NBNS: the transport and the addresses of both sides.
    Names(dns::Peers),
    Telnet(Box<telnet::State>),
    Ftp(ftp::State),
    Http(http::State),
    Mail(mail::State),
    Snmp(snmp::State),
    Rsvc(rsvc::State),
    Smb(smb::State),
    Ldap(ldap::State),
    Vpn(vpn::State),
    Tls(tls::Flow),
    Ssh(ssh::Flow),
    Rdp(rdp::Flow),
    Vnc(vnc::Flow),
    X11(x11::Flow),
    Winrm(winrm::Flow),
    Remote(remote::Flow),
}

/// The application state of a new flow of `proto` with key `key` (an IT protocol's
/// starts with what it needs of the key).
pub fn app_state(
    proto: super::app::AppProto,
    key: &FlowKey,
    server_is_lo: bool,
    port: u16,
) -> AppState {
    let mut a = AppState::new(proto, server_is_lo, port);
    a.symmetric = key.lo_port == key.hi_port;
    if let super::app::AppProto::It(p) = proto {
        a.it = initial(p, key, server_is_lo);
    }
    a
}

/// The state a new flow of `p` starts with (`server_is_lo` as in `candidate`).
pub fn initial(p: ItProto, key: &FlowKey, server_is_lo: bool) -> ItState {
    match p {
        ItProto::Dns | ItProto::Mdns | ItProto::Llmnr | ItProto::Nbns => {
            ItState::Names(dns::Peers::new(key, server_is_lo))
        }
        _ => ItState::None,
    }
}

/// The next PDU of an IT protocol at the start of `b`, in direction `dir` (0 client to
/// server, 1 server to client).
pub(super) fn next_pdu(s: &mut AppState, p: ItProto, b: &[u8], dir: usize) -> Pdu {
    if b.is_empty() {
        return Pdu::Short;
    }
    match p {
        ItProto::Dns | ItProto::Mdns | ItProto::Llmnr => dns::pdu(s, p, b, dir),
        ItProto::Nbns => nbns::pdu(s, p, b, dir),
        ItProto::Ssdp => ssdp::pdu(s, p, b, dir),
        ItProto::Dhcp | ItProto::Dhcpv6 => dhcp::pdu(s, p, b, dir),
        ItProto::Ntp => ntp::pdu(s, p, b, dir),
        ItProto::Ptp => ptp::pdu(s, p, b, dir),
        ItProto::Telnet => telnet::pdu(s, p, b, dir),
        ItProto::Ftp => ftp::pdu(s, p, b, dir),
        ItProto::Http => http::pdu(s, p, b, dir),
        ItProto::Pop3 | ItProto::Imap | ItProto::Smtp => mail::pdu(s, p, b, dir),
        ItProto::Snmp => snmp::pdu(s, p, b, dir),
        ItProto::Tftp => tftp::pdu(s, p, b, dir),
        ItProto::Syslog => syslog::pdu(s, p, b, dir),
        ItProto::Rexec | ItProto::Rlogin | ItProto::Rsh => rsvc::pdu(s, p, b, dir),
        ItProto::Tls => tls::pdu(s, p, b, dir),
        ItProto::Ssh => ssh::pdu(s, p, b, dir),
        ItProto::Rdp => rdp::pdu(s, p, b, dir),
        ItProto::Vnc => vnc::pdu(s, p, b, dir),
        ItProto::X11 => x11::pdu(s, p, b, dir),
        ItProto::Winrm => winrm::pdu(s, p, b, dir),
        ItProto::TeamViewer | ItProto::AnyDesk => remote::pdu(s, p, b, dir),
        ItProto::Smb | ItProto::Smb2 => smb::pdu(s, p, b, dir),
        ItProto::Kerberos => kerberos::pdu(s, p, b, dir),
        ItProto::Ldap => ldap::pdu(s, p, b, dir),
        ItProto::Ike | ItProto::OpenVpn | ItProto::WireGuard | ItProto::L2tp | ItProto::Pptp => {
            vpn::pdu(s, p, b, dir)
        }
    }
}
