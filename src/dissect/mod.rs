//! Stateless dissectors: pure functions over a byte slice, zero-copy, that never panic.
//! `net` is the link/network/tunnel decoder every packet goes through; application
//! protocols get one file each.

pub mod arp;
pub mod bacnet;
pub mod ber;
pub mod cdp;
pub mod dhcp;
pub mod dnp3;
pub mod dns;
pub mod enip;
pub mod ftp;
pub mod goose;
pub mod http;
pub mod iec104;
pub mod ike;
pub mod kerberos;
pub mod l2tp;
pub mod ldap;
pub mod lldp;
pub mod mail;
pub mod mms;
pub mod modbus;
pub mod net;
pub mod ntlmssp;
pub mod ntp;
pub mod opcua;
pub mod openvpn;
pub mod pnio_cm;
pub mod pptp;
pub mod profinet;
pub mod ptp;
pub mod rdp;
pub mod rsvc;
pub mod s7comm;
pub mod smb;
pub mod snmp;
pub mod ssdp;
pub mod ssh;
pub mod sv;
pub mod syslog;
pub mod telnet;
pub mod textline;
pub mod tftp;
pub mod tls;
pub mod vnc;
pub mod wireguard;
pub mod x11;

/// Set bits as names joined by `,` (bits without a name as `bitN`): capability masks
/// of LLDP and CDP.
pub fn bit_names(bits: u32, names: &[&str]) -> String {
    let mut out = String::new();
    for i in 0..32 {
        if bits & (1 << i) != 0 {
            if !out.is_empty() {
                out.push(',');
            }
            match names.get(i) {
                Some(n) => out.push_str(n),
                None => out.push_str(&format!("bit{i}")),
            }
        }
    }
    out
}

/// One operation a PDU performs, as `ot_operations.csv` counts it. Every stream
/// dissector reports its PDUs' operations in this form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Op {
    /// The unit the PDU addresses: Modbus unit id, DNP3 outstation address, IEC 104
    /// common address; 0 where the protocol has none in the PDU (S7: the flow supplies
    /// rack/slot from the COTP connection).
    pub unit: u64,
    /// The protocol's own function code (printed in decimal).
    pub function: u16,
    /// An exception, error or negative response.
    pub exception: bool,
    /// The direction the PDU itself states (S7 ROSCTR, DNP3 DIR bit, IEC 104 U-frame
    /// act/con): `Some(true)` for a request. `None`: the TCP side decides.
    pub request: Option<bool>,
}

/// Operation classes shared by every industrial protocol's outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpClass {
    Read,
    Write,
    Control,
    Program,
    Diagnostic,
    Identity,
    Session,
    Other,
}

impl OpClass {
    pub fn name(self) -> &'static str {
        match self {
            OpClass::Read => "read",
            OpClass::Write => "write",
            OpClass::Control => "control",
            OpClass::Program => "program",
            OpClass::Diagnostic => "diagnostic",
            OpClass::Identity => "identity",
            OpClass::Session => "session",
            OpClass::Other => "other",
        }
    }
}
