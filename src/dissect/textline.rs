//! Text-line helpers shared by the line-based cleartext protocols (FTP, Telnet, POP3,
//! IMAP, SMTP, HTTP headers): one line split off the front of a stream, words,
//! case-insensitive comparisons, and a base64 decoder (RFC 4648 §4) into the caller's
//! buffer. Zero-copy, never panics, bounded by the caller's slices.

/// Longest line the protocols read; longer runs without a line feed are not text.
pub const MAX_LINE: usize = 4096;

/// The first line of `b` without its CR LF (or bare LF), and the bytes it used
/// including the terminator; `None` while no line feed has arrived.
pub fn line(b: &[u8]) -> Option<(&[u8], usize)> {
    let end = b.iter().take(MAX_LINE).position(|&c| c == b'\n')?;
    let text = &b[..end];
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    Some((text, end + 1))
}

/// The first word of `b` and what follows it (leading spaces removed).
pub fn word(b: &[u8]) -> (&[u8], &[u8]) {
    let b = trim_start(b);
    match b.iter().position(|&c| c == b' ' || c == b'\t') {
        Some(i) => (&b[..i], trim_start(&b[i..])),
        None => (b, &[]),
    }
}

/// `b` without leading spaces and tabs.
pub fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    &b[n..]
}

/// `b` without trailing whitespace.
pub fn trim_end(b: &[u8]) -> &[u8] {
    let n = b
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_whitespace())
        .count();
    &b[..b.len() - n]
}

/// Whether `b` starts with `prefix`, ignoring ASCII case.
pub fn starts_ci(b: &[u8], prefix: &[u8]) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Whether `b` ends with `suffix`, ignoring ASCII case.
pub fn ends_ci(b: &[u8], suffix: &[u8]) -> bool {
    b.len() >= suffix.len() && b[b.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Decodes base64 (standard alphabet, padding optional, whitespace not allowed) into
/// `out`; `None` when `b` is not base64 or does not fit.
pub fn base64(b: &[u8], out: &mut [u8]) -> Option<usize> {
    let b = trim_end(b);
    let b = b.strip_suffix(b"==").or(b.strip_suffix(b"=")).unwrap_or(b);
    let (mut acc, mut bits, mut n) = (0u32, 0u32, 0usize);
    for &c in b {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6 | v as u32) & 0xff_ffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            *out.get_mut(n)? = (acc >> bits) as u8;
            n += 1;
        }
    }
    // A single leftover sextet cannot come from whole bytes.
    (bits < 6).then_some(n)
}

/// The SASL PLAIN message (RFC 4616): authorization id, authentication id, password.
pub fn sasl_plain(msg: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut it = msg.splitn(3, |&c| c == 0);
    let _authz = it.next()?;
    let user = it.next()?;
    let pass = it.next()?;
    Some((user, pass))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_words() {
        assert_eq!(line(b"USER a\r\nPASS"), Some((&b"USER a"[..], 8)));
        assert_eq!(line(b"x\nrest"), Some((&b"x"[..], 2)));
        assert_eq!(line(b"partial"), None);
        assert_eq!(word(b"  RETR  a b"), (&b"RETR"[..], &b"a b"[..]));
        assert_eq!(word(b"NOOP"), (&b"NOOP"[..], &b""[..]));
        assert!(starts_ci(b"user x", b"USER"));
        assert!(ends_ci(b"Login:", b"login:"));
        assert!(!ends_ci(b":", b"login:"));
    }

    #[test]
    fn base64_decodes() {
        let mut out = [0u8; 64];
        let n = base64(b"dXNlcjpwYXNz", &mut out).unwrap();
        assert_eq!(&out[..n], b"user:pass");
        let n = base64(b"YQ==", &mut out).unwrap();
        assert_eq!(&out[..n], b"a");
        let n = base64(b"YWI=", &mut out).unwrap();
        assert_eq!(&out[..n], b"ab");
        assert_eq!(base64(b"Y", &mut out), None);
        assert_eq!(base64(b"a b", &mut out), None);
        assert_eq!(base64(b"dXNlcjpwYXNz", &mut out[..3]), None);
        let n = base64(b"AHVzZXIAcGFzcw==", &mut out).unwrap();
        assert_eq!(sasl_plain(&out[..n]), Some((&b"user"[..], &b"pass"[..])));
    }

    #[test]
    fn truncation_never_panics() {
        let s = b"AUTH PLAIN AHVzZXIAcGFzcw==\r\n";
        let mut out = [0u8; 8];
        for i in 0..=s.len() {
            let _ = line(&s[..i]);
            let _ = word(&s[..i]);
            let _ = base64(&s[..i], &mut out);
            let _ = sasl_plain(&s[..i]);
        }
    }
}
