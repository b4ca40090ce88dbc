//! Telnet (RFC 854, RFC 855): the data stream with its commands removed. `IAC` (255)
//! starts a command: `IAC IAC` is a data byte 255, `IAC WILL|WONT|DO|DONT <option>`
//! negotiates an option, `IAC SB ... IAC SE` is a subnegotiation, other commands are
//! two bytes. A decoder keeps its place between segments, so a command split across
//! them is removed too.

/// Command bytes (RFC 854 "Telnet command structure").
pub const IAC: u8 = 255;
pub const SB: u8 = 250;
pub const SE: u8 = 240;
pub const WILL: u8 = 251;
pub const DONT: u8 = 254;

/// Where a decoder is in the stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Decoder {
    #[default]
    Data,
    /// After `IAC`.
    Iac,
    /// After `IAC WILL|WONT|DO|DONT`: the option byte comes next.
    Option,
    /// Inside a subnegotiation.
    Sub,
    /// `IAC` inside a subnegotiation.
    SubIac,
}

impl Decoder {
    /// Feeds one byte; returns it when it is data.
    #[inline]
    pub fn feed(&mut self, c: u8) -> Option<u8> {
        let (next, out) = match (*self, c) {
            (Decoder::Data, IAC) => (Decoder::Iac, None),
            (Decoder::Data, c) => (Decoder::Data, Some(c)),
            (Decoder::Iac, IAC) => (Decoder::Data, Some(IAC)),
            (Decoder::Iac, WILL..=DONT) => (Decoder::Option, None),
            (Decoder::Iac, SB) => (Decoder::Sub, None),
            (Decoder::Iac, _) => (Decoder::Data, None),
            (Decoder::Option, _) => (Decoder::Data, None),
            (Decoder::Sub, IAC) => (Decoder::SubIac, None),
            (Decoder::Sub, _) => (Decoder::Sub, None),
            (Decoder::SubIac, SE) => (Decoder::Data, None),
            (Decoder::SubIac, _) => (Decoder::Sub, None),
        };
        *self = next;
        out
    }

    /// The data bytes of `b`, commands removed.
    pub fn data<'a>(&'a mut self, b: &'a [u8]) -> impl Iterator<Item = u8> + 'a {
        b.iter().filter_map(move |&c| self.feed(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(d: &mut Decoder, b: &[u8]) -> Vec<u8> {
        d.data(b).collect()
    }

    #[test]
    fn commands_are_removed() {
        let mut d = Decoder::default();
        // DO ECHO, WILL SGA, a subnegotiation (terminal type), IAC IAC, NOP.
        let b = b"\xff\xfd\x01\xff\xfb\x03login: \xff\xfa\x18\x00VT100\xff\xf0a\xff\xffb\xff\xf1c";
        assert_eq!(strip(&mut d, b), b"login: a\xffbc");
        assert_eq!(d, Decoder::Data);
    }

    #[test]
    fn split_commands_keep_their_place() {
        let mut d = Decoder::default();
        assert_eq!(strip(&mut d, b"ab\xff"), b"ab");
        assert_eq!(strip(&mut d, b"\xfd"), b"");
        assert_eq!(strip(&mut d, b"\x01cd\xff\xfa\x1f"), b"cd");
        assert_eq!(strip(&mut d, b"\x00\x50\xff"), b"");
        assert_eq!(strip(&mut d, b"\xf0e"), b"e");
    }

    #[test]
    fn truncation_never_panics() {
        let b = b"\xff\xfd\x01\xff\xfa\x18\x00VT\xff\xf0x";
        for i in 0..=b.len() {
            let mut d = Decoder::default();
            let _ = format!("{d:?} {:?}", strip(&mut d, &b[..i]));
        }
    }
}
