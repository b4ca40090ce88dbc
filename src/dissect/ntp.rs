//! NTP (RFC 5905; modes 6 and 7 of RFC 1305 and ntpd): the first word (leap indicator,
//! version, mode, stratum) and the reference identifier of time packets.

/// A time packet's header (modes 1 to 5).
pub const HEADER_LEN: usize = 48;

/// Why bytes are not an NTP packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the mode's header.
    Short { need: usize, have: usize },
}

/// An association mode; unknown values cannot occur (three bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mode(pub u8);

impl Mode {
    pub const CLIENT: Self = Self(3);
    pub const SERVER: Self = Self(4);
    pub const CONTROL: Self = Self(6);

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "symmetric active",
            2 => "symmetric passive",
            3 => "client",
            4 => "server",
            5 => "broadcast",
            6 => "control",
            7 => "private",
            _ => "reserved",
        }
    }

    /// Modes whose packets carry stratum and reference id.
    pub fn is_time(self) -> bool {
        (1..=5).contains(&self.0)
    }
}

/// One packet, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    b: &'a [u8],
}

/// Parses the packet at the start of `data` (one datagram).
pub fn parse(data: &[u8]) -> Result<Packet<'_>, Error> {
    let need = match data.first().map(|b| b & 7) {
        None => 1,
        // Control messages have a 12-byte header, ntpd's private mode 8 bytes.
        Some(6) => 12,
        Some(7) => 8,
        Some(_) => HEADER_LEN,
    };
    if data.len() < need {
        return Err(Error::Short {
            need,
            have: data.len(),
        });
    }
    Ok(Packet { b: data })
}

impl Packet<'_> {
    pub fn leap(&self) -> u8 {
        self.b[0] >> 6
    }

    pub fn version(&self) -> u8 {
        (self.b[0] >> 3) & 7
    }

    pub fn mode(&self) -> Mode {
        Mode(self.b[0] & 7)
    }

    /// Stratum of a time packet (0 kiss-o'-death, 1 primary, 2-15 secondary).
    pub fn stratum(&self) -> Option<u8> {
        self.mode()
            .is_time()
            .then(|| self.b.get(1).copied())
            .flatten()
    }

    /// The reference identifier of a time packet.
    pub fn reference_id(&self) -> Option<[u8; 4]> {
        if !self.mode().is_time() {
            return None;
        }
        self.b.get(12..16)?.try_into().ok()
    }

    /// The reference id as text: the ASCII code of a stratum 0 or 1 server (`GPS`,
    /// `PPS`, a kiss code), else the IPv4 address of the upstream server (for IPv6
    /// upstreams, the first four bytes of its address's MD5, shown the same way).
    pub fn reference(&self) -> Option<String> {
        let r = self.reference_id()?;
        match self.stratum()? {
            0 | 1 => {
                let end = r.iter().position(|&c| c == 0).unwrap_or(4);
                Some(r[..end].iter().map(|&c| c as char).collect())
            }
            _ => Some(std::net::Ipv4Addr::from(r).to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(stratum: u8, refid: [u8; 4]) -> Vec<u8> {
        let mut v = vec![0x24, stratum, 6, 0xec];
        v.resize(12, 0);
        v.extend_from_slice(&refid);
        v.resize(48, 0);
        v
    }

    #[test]
    fn modes_and_reference() {
        let p = server(1, *b"GPS\0");
        let n = parse(&p).unwrap();
        assert_eq!(
            (n.version(), n.mode().name(), n.stratum()),
            (4, "server", Some(1))
        );
        assert_eq!(n.reference().as_deref(), Some("GPS"));
        let p = server(3, [192, 0, 2, 1]);
        assert_eq!(parse(&p).unwrap().reference().as_deref(), Some("192.0.2.1"));
        let c = [0x16, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        let n = parse(&c).unwrap();
        assert_eq!(
            (n.version(), n.mode(), n.stratum()),
            (2, Mode::CONTROL, None)
        );
        assert!(matches!(
            parse(&p[..47]),
            Err(Error::Short { need: 48, .. })
        ));
    }

    #[test]
    fn truncation_never_panics() {
        let p = server(2, [10, 0, 0, 1]);
        for n in 0..=p.len() {
            if let Ok(x) = parse(&p[..n]) {
                let _ = (x.leap(), x.reference(), format!("{x:?}"));
            }
        }
    }
}
