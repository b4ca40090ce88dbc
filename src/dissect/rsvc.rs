//! The BSD remote services' connection setup: rexec (512), rlogin (513) and rsh (514)
//! start with NUL-terminated strings from the client (rexec: stderr port, user,
//! password, command; rlogin: an empty string, local user, remote user,
//! terminal/speed; rsh: stderr port, local user, remote user, command). After that the
//! connection carries the session's bytes.

/// Longest setup read: four strings within this many bytes, or it is not one.
pub const MAX_SETUP: usize = 2048;

/// Why bytes are not a setup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The fourth NUL has not arrived.
    Short,
    /// No four strings within `MAX_SETUP` bytes.
    TooLong,
}

/// The setup: its four strings and the bytes they take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setup<'a> {
    pub fields: [&'a [u8]; 4],
    len: usize,
}

impl Setup<'_> {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Reads the four NUL-terminated strings at the start of `b`.
pub fn parse(b: &[u8]) -> Result<Setup<'_>, Error> {
    let mut fields: [&[u8]; 4] = [&[]; 4];
    let mut at = 0;
    for f in fields.iter_mut() {
        let rest = &b[at..];
        let Some(i) = rest.iter().position(|&c| c == 0) else {
            return Err(if b.len() >= MAX_SETUP {
                Error::TooLong
            } else {
                Error::Short
            });
        };
        *f = &rest[..i];
        at += i + 1;
        if at > MAX_SETUP {
            return Err(Error::TooLong);
        }
    }
    Ok(Setup { fields, len: at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setups() {
        let s = parse(b"\0alice\0root\0xterm/38400\0rest").unwrap();
        assert_eq!(s.fields, [&b""[..], b"alice", b"root", b"xterm/38400"]);
        assert_eq!(s.len(), 24);
        let s = parse(b"1022\0bob\0secret\0ls -l\0").unwrap();
        assert_eq!(s.fields[3], b"ls -l");
        assert_eq!(parse(b"1022\0bob\0"), Err(Error::Short));
        assert_eq!(parse(&[b'a'; MAX_SETUP]), Err(Error::TooLong));
    }

    #[test]
    fn truncation_never_panics() {
        let m = b"1022\0bob\0secret\0ls -l\0";
        for i in 0..=m.len() {
            let _ = format!("{:?}", parse(&m[..i]));
        }
    }
}
