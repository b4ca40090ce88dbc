//! WireGuard messages (the WireGuard whitepaper §5.4): a type byte, three reserved
//! zero bytes, and a fixed length per handshake type; transport data is padded to
//! 16 bytes and carries a 16-byte tag.

pub const HEADER_LEN: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// Unknown type, reserved bytes not zero, or a length the type does not have.
    NotWireGuard,
}

/// The message type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageType(pub u8);

impl MessageType {
    pub const INITIATION: Self = Self(1);
    pub const RESPONSE: Self = Self(2);
    pub const COOKIE_REPLY: Self = Self(3);
    pub const TRANSPORT_DATA: Self = Self(4);

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "handshake_initiation",
            2 => "handshake_response",
            3 => "cookie_reply",
            4 => "transport_data",
            _ => "unknown",
        }
    }
}

/// Checks a whole datagram and returns its type.
pub fn parse(data: &[u8]) -> Result<MessageType, Error> {
    let Some((hdr, _)) = data.split_first_chunk::<HEADER_LEN>() else {
        return Err(Error::Short {
            need: HEADER_LEN,
            have: data.len(),
        });
    };
    if hdr[1..] != [0, 0, 0] {
        return Err(Error::NotWireGuard);
    }
    let ok = match hdr[0] {
        1 => data.len() == 148,
        2 => data.len() == 92,
        3 => data.len() == 64,
        // Header 16, encrypted payload padded to 16, tag 16 (keepalive: empty payload).
        4 => data.len() >= 32 && data.len() % 16 == 0,
        _ => false,
    };
    if ok {
        Ok(MessageType(hdr[0]))
    } else {
        Err(Error::NotWireGuard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_lengths() {
        for (t, len) in [(1u8, 148usize), (2, 92), (3, 64), (4, 32), (4, 1440)] {
            let mut d = vec![0u8; len];
            d[0] = t;
            assert_eq!(parse(&d), Ok(MessageType(t)));
            for cut in 0..d.len() {
                let r = parse(&d[..cut]);
                assert!(
                    r.is_err() || (t == 4 && cut >= 32 && cut % 16 == 0),
                    "{t} {cut}"
                );
            }
        }
        let mut d = vec![0u8; 148];
        d[0] = 1;
        d[2] = 1;
        assert_eq!(parse(&d), Err(Error::NotWireGuard));
        assert_eq!(MessageType(3).name(), "cookie_reply");
    }
}
