//! Mail access and submission commands with credentials: POP3 (RFC 1939 USER/PASS,
//! RFC 5034 AUTH), IMAP (RFC 9051 LOGIN, AUTHENTICATE) and SMTP (RFC 5321, RFC 4954
//! AUTH). Lines are split by `textline`; SMTP and POP3 lines have the FTP shape
//! (`ftp::parse`). Here: IMAP's tagged commands and their string arguments.

use super::textline::{trim_start, word};

/// An IMAP command line: tag, command, arguments.
pub fn imap_command(line: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (tag, rest) = word(line);
    let (cmd, args) = word(rest);
    (!tag.is_empty() && !cmd.is_empty()).then_some((tag, cmd, args))
}

/// The first IMAP `astring` of `b` (an atom or a quoted string; a literal `{n}` is
/// not read) and what follows it. A quoted string's escapes are left in place.
pub fn astring(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let b = trim_start(b);
    match b.first()? {
        b'"' => {
            let mut esc = false;
            for (i, &c) in b.iter().enumerate().skip(1) {
                match c {
                    _ if esc => esc = false,
                    b'\\' => esc = true,
                    b'"' => return Some((&b[1..i], &b[i + 1..])),
                    _ => {}
                }
            }
            None
        }
        b'{' => None,
        _ => Some(word(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imap_login() {
        let (tag, cmd, args) = imap_command(b"a001 LOGIN \"j smith\" \"p\\\"w\"").unwrap();
        assert_eq!((tag, cmd), (&b"a001"[..], &b"LOGIN"[..]));
        let (u, rest) = astring(args).unwrap();
        let (p, _) = astring(rest).unwrap();
        assert_eq!((u, p), (&b"j smith"[..], &b"p\\\"w"[..]));
        let (u, rest) = astring(b"fred secret").unwrap();
        assert_eq!(
            (u, astring(rest).unwrap().0),
            (&b"fred"[..], &b"secret"[..])
        );
        assert_eq!(astring(b"{5}"), None);
        assert_eq!(astring(b"\"open"), None);
        assert_eq!(imap_command(b"a1"), None);
    }

    #[test]
    fn truncation_never_panics() {
        let s = b"a001 LOGIN \"j smith\" \"p\\\"w\"";
        for i in 0..=s.len() {
            if let Some((_, _, a)) = imap_command(&s[..i]) {
                let _ = astring(a).map(|(_, r)| astring(r));
            }
        }
    }
}
