//! Syslog messages (RFC 5424 §6, and the BSD format of RFC 3164 §4.1): the priority
//! (facility and severity), and where the header parses, the sender's host name and
//! the application name (RFC 5424 APP-NAME, RFC 3164 TAG).

use super::textline::word;

/// Why bytes are not syslog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// No `<PRI>` of one to three digits, at most 191.
    NoPriority,
}

/// One message, borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    pub facility: u8,
    pub severity: u8,
    pub host: Option<&'a [u8]>,
    pub app: Option<&'a [u8]>,
}

const SEVERITIES: [&str; 8] = [
    "emergency",
    "alert",
    "critical",
    "error",
    "warning",
    "notice",
    "informational",
    "debug",
];
const FACILITIES: [&str; 24] = [
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
];
const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

impl Message<'_> {
    pub fn severity_name(&self) -> &'static str {
        SEVERITIES
            .get(self.severity as usize)
            .copied()
            .unwrap_or("")
    }
    pub fn facility_name(&self) -> &'static str {
        FACILITIES
            .get(self.facility as usize)
            .copied()
            .unwrap_or("")
    }
}

/// Reads one message.
pub fn parse(b: &[u8]) -> Result<Message<'_>, Error> {
    let rest = b.strip_prefix(b"<").ok_or(Error::NoPriority)?;
    let digits = rest
        .iter()
        .take(4)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(1..=3).contains(&digits) || rest.get(digits) != Some(&b'>') {
        return Err(Error::NoPriority);
    }
    let pri = rest[..digits]
        .iter()
        .fold(0u16, |a, &c| a * 10 + (c - b'0') as u16);
    if pri > 191 {
        return Err(Error::NoPriority);
    }
    let mut m = Message {
        facility: (pri / 8) as u8,
        severity: (pri % 8) as u8,
        host: None,
        app: None,
    };
    let rest = &rest[digits + 1..];
    let nil = |v: &[u8]| v != b"-" && !v.is_empty();
    if let Some(h) = rest.strip_prefix(b"1 ") {
        // RFC 5424: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP ...
        let (_ts, h) = word(h);
        let (host, h) = word(h);
        let (app, _) = word(h);
        m.host = Some(host).filter(|v| nil(v));
        m.app = Some(app).filter(|v| nil(v));
    } else if rest.len() > 16
        && MONTHS.iter().any(|mo| rest.starts_with(mo))
        && rest[3] == b' '
        && rest[15] == b' '
    {
        // RFC 3164: "Mmm dd hh:mm:ss" SP HOSTNAME SP TAG[pid]: ...
        let (host, h) = word(&rest[16..]);
        let (tag, _) = word(h);
        let end = tag
            .iter()
            .position(|&c| c == b':' || c == b'[')
            .unwrap_or(tag.len());
        m.host = Some(host).filter(|v| nil(v) && !v.ends_with(b":"));
        m.app = m.host.and(Some(&tag[..end])).filter(|v| nil(v));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BSD: &[u8] = b"<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed";
    const IETF: &[u8] = b"<165>1 2003-10-11T22:14:15.003Z plc7.example.com evntslog - ID47 - hi";

    #[test]
    fn formats() {
        let m = parse(BSD).unwrap();
        assert_eq!((m.facility_name(), m.severity_name()), ("auth", "critical"));
        assert_eq!(m.host, Some(&b"mymachine"[..]));
        assert_eq!(m.app, Some(&b"su"[..]));
        let m = parse(IETF).unwrap();
        assert_eq!((m.facility_name(), m.severity_name()), ("local4", "notice"));
        assert_eq!(m.host, Some(&b"plc7.example.com"[..]));
        assert_eq!(m.app, Some(&b"evntslog"[..]));
        let m = parse(b"<13>hello").unwrap();
        assert_eq!((m.host, m.app), (None, None));
        assert!(parse(b"<192>x").is_err());
        assert!(parse(b"<>x").is_err());
        assert!(parse(b"hello").is_err());
    }

    #[test]
    fn truncation_never_panics() {
        for m in [BSD, IETF] {
            for i in 0..=m.len() {
                let _ = format!("{:?}", parse(&m[..i]));
            }
        }
    }
}
