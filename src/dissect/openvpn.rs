//! OpenVPN packets (the OpenVPN protocol as documented in its `ssl.h`/`reliable.h`
//! wire description): the opcode and key id byte, then for control packets the
//! sender's session id. On TCP each packet follows a 2-byte length ([`tcp_packet`]).
//! With tls-auth/tls-crypt an HMAC or encryption follows the session id, so nothing
//! past it is read.

pub const TCP_HEADER_LEN: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// Unknown opcode, or a packet too short for its opcode.
    NotOpenVpn,
}

/// The opcode (the byte's top five bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opcode(pub u8);

impl Opcode {
    pub const DATA_V1: Self = Self(6);
    pub const DATA_V2: Self = Self(9);

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "P_CONTROL_HARD_RESET_CLIENT_V1",
            2 => "P_CONTROL_HARD_RESET_SERVER_V1",
            3 => "P_CONTROL_SOFT_RESET_V1",
            4 => "P_CONTROL_V1",
            5 => "P_ACK_V1",
            6 => "P_DATA_V1",
            7 => "P_CONTROL_HARD_RESET_CLIENT_V2",
            8 => "P_CONTROL_HARD_RESET_SERVER_V2",
            9 => "P_DATA_V2",
            10 => "P_CONTROL_HARD_RESET_CLIENT_V3",
            11 => "P_CONTROL_WKC_V1",
            _ => "unknown",
        }
    }

    pub fn is_data(self) -> bool {
        self == Self::DATA_V1 || self == Self::DATA_V2
    }
}

/// One packet, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    pub opcode: Opcode,
    pub key_id: u8,
    /// The bytes after the opcode byte.
    pub rest: &'a [u8],
}

/// Parses a whole packet (a UDP datagram, or one from [`tcp_packet`]).
pub fn parse(data: &[u8]) -> Result<Packet<'_>, Error> {
    let (&b, rest) = data
        .split_first()
        .ok_or(Error::Short { need: 1, have: 0 })?;
    let opcode = Opcode(b >> 3);
    // Control packets carry an 8-byte session id and at least the ack array length;
    // P_DATA_V2 a 3-byte peer id.
    let min = match opcode.0 {
        1..=5 | 7 | 8 | 10 | 11 => 9,
        6 => 1,
        9 => 4,
        _ => return Err(Error::NotOpenVpn),
    };
    if rest.len() < min {
        return Err(Error::NotOpenVpn);
    }
    Ok(Packet {
        opcode,
        key_id: b & 7,
        rest,
    })
}

/// Splits the packet at the start of a TCP stream: its bytes and the length used.
pub fn tcp_packet(data: &[u8]) -> Result<(&[u8], usize), Error> {
    let Some((hdr, rest)) = data.split_first_chunk::<TCP_HEADER_LEN>() else {
        return Err(Error::Short {
            need: TCP_HEADER_LEN,
            have: data.len(),
        });
    };
    let len = u16::from_be_bytes(*hdr) as usize;
    let p = rest.get(..len).ok_or(Error::Short {
        need: TCP_HEADER_LEN + len,
        have: data.len(),
    })?;
    Ok((p, TCP_HEADER_LEN + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcodes() {
        let reset = [7 << 3, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0];
        let p = parse(&reset).unwrap();
        assert_eq!(
            (p.opcode.name(), p.key_id),
            ("P_CONTROL_HARD_RESET_CLIENT_V2", 0)
        );
        assert!(parse(&[9 << 3 | 1, 0, 0, 1, 0xAA])
            .unwrap()
            .opcode
            .is_data());
        assert_eq!(parse(&[0, 1, 2]).err(), Some(Error::NotOpenVpn));
        assert_eq!(parse(&[4 << 3, 1]).err(), Some(Error::NotOpenVpn));
        let mut tcp = vec![0, reset.len() as u8];
        tcp.extend(reset);
        assert_eq!(tcp_packet(&tcp).unwrap(), (&reset[..], tcp.len()));
        for cut in 0..tcp.len() {
            assert!(matches!(tcp_packet(&tcp[..cut]), Err(Error::Short { .. })));
            let _ = parse(&reset[..cut.min(reset.len())]);
        }
    }
}
