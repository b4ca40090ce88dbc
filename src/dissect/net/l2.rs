//! Names for link-layer protocols that carry no IP, from the ethertype, LLC SAP or
//! SNAP OUI/PID, so protocol counts and MAC endpoints can say what a frame was.

/// A link-layer protocol; unknown values keep their number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum L2Proto {
    Named(&'static str),
    Ppp,
    EtherType(u16),
    Llc(u8),
}

impl L2Proto {
    /// Identifies by ethertype; PROFINET is split by its frame id (IEC 61158-6-10).
    pub fn from_ethertype(t: u16, payload: &[u8]) -> L2Proto {
        let name = match t {
            0x0806 => "arp",
            0x8035 => "rarp",
            0x88cc => "lldp",
            0x8892 => {
                let fid = payload
                    .get(..2)
                    .map_or(0, |f| u16::from_be_bytes([f[0], f[1]]));
                match fid {
                    0xfefc..=0xfeff => "profinet_dcp",
                    0x0020..=0x007f | 0xff00..=0xff43 => "profinet_ptcp",
                    0xfe01 | 0xfe02 => "profinet_alarm",
                    _ => "profinet_rt",
                }
            }
            0x88b8 => "goose",
            0x88b9 => "gse_management",
            0x88ba => "sv",
            0x88a4 => "ethercat",
            0x88f7 => "ptp",
            0x888e => "eapol",
            0x88e5 => "macsec",
            0x8863 => "pppoe_discovery",
            0x88ab => "powerlink",
            0x88cd => "sercos3",
            0x8809 => "slow_protocols",
            0x8137 | 0x8138 => "ipx",
            0x9000 => "loop",
            0x88e3 => "mrp",
            0x892f => "hsr",
            0x88fb => "prp",
            0x22f0 => "avtp",
            0x88e1 => "homeplug",
            0x893a => "ieee1905",
            0x8902 => "cfm",
            0x0842 => "wake_on_lan",
            _ => return L2Proto::EtherType(t),
        };
        L2Proto::Named(name)
    }

    pub fn from_llc(dsap: u8) -> L2Proto {
        match dsap {
            0x42 => L2Proto::Named("stp"),
            0xe0 => L2Proto::Named("ipx"),
            0xf0 => L2Proto::Named("netbios"),
            0xfe => L2Proto::Named("osi"),
            d => L2Proto::Llc(d),
        }
    }

    pub fn from_snap(oui: [u8; 3], pid: u16) -> L2Proto {
        match (oui, pid) {
            ([0x00, 0x00, 0x0c], 0x2000) => L2Proto::Named("cdp"),
            ([0x00, 0x00, 0x0c], 0x2004) => L2Proto::Named("dtp"),
            ([0x00, 0x00, 0x0c], 0x2003) => L2Proto::Named("vtp"),
            ([0x00, 0x00, 0x0c], 0x010b) => L2Proto::Named("stp"),
            ([0x00, 0x00, 0x0c], 0x0111) => L2Proto::Named("udld"),
            _ => L2Proto::Llc(0xaa),
        }
    }

    /// The protocol id used in outputs.
    pub fn id(&self) -> String {
        match self {
            L2Proto::Named(n) => (*n).to_string(),
            L2Proto::Ppp => "ppp".to_string(),
            L2Proto::EtherType(t) => format!("ethertype_0x{t:04x}"),
            L2Proto::Llc(d) => format!("llc_0x{d:02x}"),
        }
    }
}
