//! SSDP (UPnP Device Architecture 2.0, section 1): HTTP-style messages over UDP, an
//! M-SEARCH or NOTIFY request or a search response, with their header fields.

/// Most header lines read.
const MAX_HEADERS: usize = 64;

/// Why bytes are not an SSDP message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The first line is not an SSDP request or an HTTP response.
    StartLine,
}

/// What the start line says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Search,
    Notify,
    Response,
}

/// One message, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    pub kind: Kind,
    /// The header lines after the start line (up to the empty line, if any).
    headers: &'a [u8],
}

/// Parses the message at the start of `data` (one datagram).
pub fn parse(data: &[u8]) -> Result<Message<'_>, Error> {
    let kind = if data.starts_with(b"M-SEARCH ") {
        Kind::Search
    } else if data.starts_with(b"NOTIFY ") {
        Kind::Notify
    } else if data.starts_with(b"HTTP/1.") {
        Kind::Response
    } else {
        return Err(Error::StartLine);
    };
    let line_end = data
        .iter()
        .position(|&c| c == b'\n')
        .map_or(data.len(), |i| i + 1);
    Ok(Message {
        kind,
        headers: data.get(line_end..).unwrap_or_default(),
    })
}

impl<'a> Message<'a> {
    /// Header lines as (name, value), both trimmed, until the empty line.
    pub fn headers(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> {
        self.headers
            .split(|&c| c == b'\n')
            .take(MAX_HEADERS)
            .map(|l| l.trim_ascii())
            .take_while(|l| !l.is_empty())
            .filter_map(|l| {
                let colon = l.iter().position(|&c| c == b':')?;
                Some((l[..colon].trim_ascii(), l[colon + 1..].trim_ascii()))
            })
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTIFY: &[u8] =
        b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\n\
Location: http://10.0.0.9:80/desc.xml\r\nserver: Linux/4.9 UPnP/1.0 PLC/2.1\r\n\r\n";

    #[test]
    fn headers() {
        let m = parse(NOTIFY).unwrap();
        assert_eq!(m.kind, Kind::Notify);
        assert_eq!(m.header("NT"), Some(&b"upnp:rootdevice"[..]));
        assert_eq!(
            m.header("LOCATION"),
            Some(&b"http://10.0.0.9:80/desc.xml"[..])
        );
        assert_eq!(m.header("Server"), Some(&b"Linux/4.9 UPnP/1.0 PLC/2.1"[..]));
        assert_eq!(m.header("ST"), None);
        assert_eq!(parse(b"GET / HTTP/1.1\r\n").err(), Some(Error::StartLine));
        let s = parse(b"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n").unwrap();
        assert_eq!(
            (s.kind, s.header("st")),
            (Kind::Search, Some(&b"ssdp:all"[..]))
        );
    }

    #[test]
    fn truncation_never_panics() {
        for n in 0..=NOTIFY.len() {
            if let Ok(m) = parse(&NOTIFY[..n]) {
                let _ = m.headers().count();
            }
        }
    }
}
