//! PTP version 2 (IEEE 1588-2008/2019) common header over UDP 319/320: message type,
//! version, domain, source clock identity, and an Announce's grandmaster identity.

pub const HEADER_LEN: usize = 34;
/// Announce: grandmasterIdentity after the header, origin timestamp, UTC offset,
/// reserved byte, priority1, clock quality and priority2.
const GRANDMASTER_AT: usize = HEADER_LEN + 10 + 2 + 1 + 1 + 4 + 1;

/// Why bytes are not a PTPv2 message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// versionPTP other than 2 (version 1 has another layout).
    Version(u8),
}

/// A message type; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MessageType(pub u8);

impl MessageType {
    pub const ANNOUNCE: Self = Self(0xb);

    pub fn name(self) -> &'static str {
        match self.0 {
            0x0 => "Sync",
            0x1 => "Delay_Req",
            0x2 => "Pdelay_Req",
            0x3 => "Pdelay_Resp",
            0x8 => "Follow_Up",
            0x9 => "Delay_Resp",
            0xa => "Pdelay_Resp_Follow_Up",
            0xb => "Announce",
            0xc => "Signaling",
            0xd => "Management",
            _ => "Reserved",
        }
    }
}

/// One message, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    hdr: &'a [u8; HEADER_LEN],
    body: &'a [u8],
}

/// Parses the message at the start of `data` (one datagram).
pub fn parse(data: &[u8]) -> Result<Message<'_>, Error> {
    let (hdr, body) = data.split_first_chunk::<HEADER_LEN>().ok_or(Error::Short {
        need: HEADER_LEN,
        have: data.len(),
    })?;
    if hdr[1] & 0xf != 2 {
        return Err(Error::Version(hdr[1] & 0xf));
    }
    Ok(Message { hdr, body })
}

/// An 8-byte clock identity as colon-separated hex.
pub fn identity_text(id: &[u8; 8]) -> String {
    let mut s = String::with_capacity(23);
    for (i, b) in id.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

impl<'a> Message<'a> {
    pub fn message_type(&self) -> MessageType {
        MessageType(self.hdr[0] & 0xf)
    }

    pub fn transport_specific(&self) -> u8 {
        self.hdr[0] >> 4
    }

    pub fn domain(&self) -> u8 {
        self.hdr[4]
    }

    /// The sending port's clock identity.
    pub fn clock_identity(&self) -> &'a [u8; 8] {
        let hdr: &'a [u8; HEADER_LEN] = self.hdr;
        hdr[20..28].try_into().unwrap_or(&[0; 8])
    }

    pub fn sequence_id(&self) -> u16 {
        u16::from_be_bytes([self.hdr[30], self.hdr[31]])
    }

    /// An Announce's grandmaster identity.
    pub fn grandmaster(&self) -> Option<&'a [u8; 8]> {
        if self.message_type() != MessageType::ANNOUNCE {
            return None;
        }
        let at = GRANDMASTER_AT - HEADER_LEN;
        self.body.get(at..at + 8)?.try_into().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn announce() -> Vec<u8> {
        let mut v = vec![0x0b, 0x02, 0, 64, 24];
        v.resize(20, 0);
        v.extend_from_slice(&[0, 0x1b, 0x19, 0xff, 0xfe, 0, 0, 1, 0, 1, 0, 7, 5, 1]);
        v.resize(GRANDMASTER_AT, 0);
        v.extend_from_slice(&[0xac, 0xde, 0x48, 0xff, 0xfe, 0, 0x11, 0x22, 0, 0, 0xa0]);
        v
    }

    #[test]
    fn announce_fields() {
        let a = announce();
        let m = parse(&a).unwrap();
        assert_eq!(
            (m.message_type().name(), m.domain(), m.sequence_id()),
            ("Announce", 24, 7)
        );
        assert_eq!(identity_text(m.clock_identity()), "00:1b:19:ff:fe:00:00:01");
        assert_eq!(
            m.grandmaster().map(identity_text).as_deref(),
            Some("ac:de:48:ff:fe:00:11:22")
        );
        let mut v1 = a.clone();
        v1[1] = 1;
        assert_eq!(parse(&v1).err(), Some(Error::Version(1)));
    }

    #[test]
    fn truncation_never_panics() {
        let a = announce();
        for n in 0..=a.len() {
            if let Ok(m) = parse(&a[..n]) {
                let _ = (m.grandmaster(), m.transport_specific(), format!("{m:?}"));
            }
        }
    }
}
