//! FTP control connection (RFC 959 §4, §5.3): one line is a command (a verb of letters
//! and its argument) or a reply (three digits, then a space or, on all but the last
//! line of a multi-line reply, a hyphen). Also the shape of POP3 and SMTP lines.

use super::textline::word;

/// Longest verb accepted (RFC 959 verbs are 3 or 4 letters; extensions stay short).
pub const MAX_VERB: usize = 8;

/// One control line, borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// A command: its verb (letters, as sent) and its argument.
    Command { verb: &'a [u8], arg: &'a [u8] },
    /// A reply line: its code, whether more lines follow, and its text.
    Reply {
        code: u16,
        more: bool,
        text: &'a [u8],
    },
    /// Neither (the middle lines of a multi-line reply, or not FTP).
    Other(&'a [u8]),
}

/// Reads one line (without its CR LF).
pub fn parse(line: &[u8]) -> Line<'_> {
    if let [a @ b'1'..=b'5', b @ b'0'..=b'9', c @ b'0'..=b'9', rest @ ..] = line {
        let code = (*a - b'0') as u16 * 100 + (*b - b'0') as u16 * 10 + (*c - b'0') as u16;
        match rest {
            [] => {
                return Line::Reply {
                    code,
                    more: false,
                    text: &[],
                }
            }
            [sep @ (b' ' | b'-'), text @ ..] => {
                return Line::Reply {
                    code,
                    more: *sep == b'-',
                    text,
                }
            }
            _ => {}
        }
    }
    let (verb, arg) = word(line);
    if (1..=MAX_VERB).contains(&verb.len()) && verb.iter().all(u8::is_ascii_alphabetic) {
        Line::Command { verb, arg }
    } else {
        Line::Other(line)
    }
}

/// The verb in upper case, in a fixed buffer (verbs are at most `MAX_VERB` letters).
pub fn upper(verb: &[u8]) -> ([u8; MAX_VERB], usize) {
    let mut out = [0u8; MAX_VERB];
    let n = verb.len().min(MAX_VERB);
    for (o, v) in out.iter_mut().zip(verb) {
        *o = v.to_ascii_uppercase();
    }
    (out, n)
}

/// Whether a command names a file: transfer, delete, rename, directory creation.
pub fn names_file(verb: &[u8]) -> bool {
    const FILE_VERBS: &[&[u8]] = &[
        b"RETR", b"STOR", b"STOU", b"APPE", b"DELE", b"RNFR", b"RNTO", b"MKD", b"RMD", b"XMKD",
        b"XRMD",
    ];
    FILE_VERBS.contains(&verb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_replies() {
        assert_eq!(
            parse(b"USER anonymous"),
            Line::Command {
                verb: b"USER",
                arg: b"anonymous"
            }
        );
        assert_eq!(
            parse(b"retr /a b.txt"),
            Line::Command {
                verb: b"retr",
                arg: b"/a b.txt"
            }
        );
        assert_eq!(
            parse(b"220 ProFTPD ready"),
            Line::Reply {
                code: 220,
                more: false,
                text: b"ProFTPD ready"
            }
        );
        assert_eq!(
            parse(b"230-Welcome"),
            Line::Reply {
                code: 230,
                more: true,
                text: b"Welcome"
            }
        );
        assert_eq!(
            parse(b" x"),
            Line::Command {
                verb: b"x",
                arg: b""
            }
        );
        assert_eq!(parse(b"2200 x"), Line::Other(b"2200 x"));
        assert_eq!(parse(b"\x01\x02"), Line::Other(b"\x01\x02"));
        let (u, n) = upper(b"stor");
        assert_eq!(&u[..n], b"STOR");
        assert!(names_file(b"DELE") && !names_file(b"LIST"));
    }

    #[test]
    fn truncation_never_panics() {
        for s in [&b"230-Welcome\r\n"[..], b"PASS secret\r\n", b"9"] {
            for i in 0..=s.len() {
                let _ = format!("{:?}", parse(&s[..i]));
            }
        }
    }
}
