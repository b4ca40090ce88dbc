//! PPTP control connection messages (RFC 2637 §2): length, message type, the magic
//! cookie 0x1A2B3C4D and the control message type; Start-Control-Connection
//! request and reply carry the sender's host name and vendor string (§2.1, §2.2).

pub const HEADER_LEN: usize = 12;
pub const MAGIC: u32 = 0x1A2B_3C4D;
/// Start-Control-Connection-Request/Reply: host name at 28, vendor at 92 (64 each).
pub const START_LEN: usize = 156;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// Wrong magic cookie, or a length below the header.
    NotPptp,
}

/// Control message types (RFC 2637 §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ControlType(pub u16);

impl ControlType {
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "Start-Control-Connection-Request",
            2 => "Start-Control-Connection-Reply",
            3 => "Stop-Control-Connection-Request",
            4 => "Stop-Control-Connection-Reply",
            5 => "Echo-Request",
            6 => "Echo-Reply",
            7 => "Outgoing-Call-Request",
            8 => "Outgoing-Call-Reply",
            9 => "Incoming-Call-Request",
            10 => "Incoming-Call-Reply",
            11 => "Incoming-Call-Connected",
            12 => "Call-Clear-Request",
            13 => "Call-Disconnect-Notify",
            14 => "WAN-Error-Notify",
            15 => "Set-Link-Info",
            _ => "unknown",
        }
    }
}

/// One control message, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    data: &'a [u8],
}

pub fn parse(data: &[u8]) -> Result<Message<'_>, Error> {
    let Some(hdr) = data.first_chunk::<HEADER_LEN>() else {
        return Err(Error::Short {
            need: HEADER_LEN,
            have: data.len(),
        });
    };
    let len = u16::from_be_bytes([hdr[0], hdr[1]]) as usize;
    if u32::from_be_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]) != MAGIC || len < HEADER_LEN {
        return Err(Error::NotPptp);
    }
    let data = data.get(..len).ok_or(Error::Short {
        need: len,
        have: data.len(),
    })?;
    Ok(Message { data })
}

/// A fixed-size string field up to its first NUL.
fn field(d: &[u8]) -> &[u8] {
    let end = d.iter().position(|&b| b == 0).unwrap_or(d.len());
    &d[..end]
}

impl<'a> Message<'a> {
    pub fn len(&self) -> usize {
        self.data.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    pub fn control_type(&self) -> ControlType {
        ControlType(u16::from_be_bytes([self.data[8], self.data[9]]))
    }
    fn start(&self) -> Option<&'a [u8]> {
        matches!(self.control_type().0, 1 | 2)
            .then(|| self.data.get(..START_LEN))
            .flatten()
    }
    /// Start-Control-Connection request or reply: the sender's host name.
    pub fn host_name(&self) -> Option<&'a [u8]> {
        self.start().map(|d| field(&d[28..92]))
    }
    /// Start-Control-Connection request or reply: the sender's vendor string.
    pub fn vendor(&self) -> Option<&'a [u8]> {
        self.start().map(|d| field(&d[92..156]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn start_request() -> Vec<u8> {
        let mut m = vec![0, 156, 0, 1, 0x1A, 0x2B, 0x3C, 0x4D, 0, 1, 0, 0];
        m.extend([1, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0, 1]);
        let mut host = b"vpn-client".to_vec();
        host.resize(64, 0);
        let mut vendor = b"Microsoft".to_vec();
        vendor.resize(64, 0);
        m.extend(host);
        m.extend(vendor);
        m
    }

    #[test]
    fn start_control_connection() {
        let d = start_request();
        let m = parse(&d).unwrap();
        assert_eq!(m.control_type().name(), "Start-Control-Connection-Request");
        assert_eq!(m.host_name(), Some(&b"vpn-client"[..]));
        assert_eq!(m.vendor(), Some(&b"Microsoft"[..]));
        assert_eq!(m.len(), 156);
        for cut in 0..d.len() {
            assert!(
                matches!(parse(&d[..cut]), Err(Error::Short { .. })),
                "{cut}"
            );
        }
        let mut bad = d.clone();
        bad[4] = 0;
        assert_eq!(parse(&bad).err(), Some(Error::NotPptp));
    }
}
