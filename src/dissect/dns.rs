//! DNS messages (RFC 1035; AAAA from RFC 3596), which multicast DNS (RFC 6762), LLMNR
//! (RFC 4795) and the NetBIOS Name Service (RFC 1002) share: the header, the questions
//! and the resource records, with compressed names. Over TCP a message follows a
//! two-byte length (`parse_tcp`).
//!
//! Names are read lazily through [`Name`]: compression pointers must point strictly
//! before the part of the name that used them, so a name always ends, and a name
//! never yields more than 255 bytes of labels.

use std::fmt;

pub const HEADER_LEN: usize = 12;
/// Longest name in wire form (RFC 1035 2.3.4).
pub const MAX_NAME_LEN: usize = 255;
/// Most questions or records an iterator yields, whatever the counts say.
pub const MAX_ENTRIES: usize = 256;
/// Most compression pointers followed within one name.
const MAX_POINTERS: usize = 64;

/// Why bytes are not a DNS message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the header or the TCP length asks for.
    Short { need: usize, have: usize },
    /// A TCP length too small for a header.
    Length(u16),
}

/// A record or query type; unknown values survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Type(pub u16);

impl Type {
    pub const A: Self = Self(1);
    pub const NS: Self = Self(2);
    pub const CNAME: Self = Self(5);
    pub const SOA: Self = Self(6);
    pub const PTR: Self = Self(12);
    pub const MX: Self = Self(15);
    pub const TXT: Self = Self(16);
    pub const AAAA: Self = Self(28);
    pub const SRV: Self = Self(33);
    pub const OPT: Self = Self(41);
    pub const DNAME: Self = Self(39);
    pub const IXFR: Self = Self(251);
    pub const AXFR: Self = Self(252);
    pub const ANY: Self = Self(255);
    /// NetBIOS Name Service: general name (RFC 1002 4.2.1.3; NIMLOC in DNS).
    pub const NB: Self = Self(32);
    /// NetBIOS Name Service: node status (RFC 1002; SRV in DNS).
    pub const NBSTAT: Self = Self(33);

    /// The mnemonic of the registries (IANA DNS parameters), if known.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "A",
            2 => "NS",
            3 => "MD",
            4 => "MF",
            5 => "CNAME",
            6 => "SOA",
            7 => "MB",
            8 => "MG",
            9 => "MR",
            10 => "NULL",
            11 => "WKS",
            12 => "PTR",
            13 => "HINFO",
            14 => "MINFO",
            15 => "MX",
            16 => "TXT",
            17 => "RP",
            18 => "AFSDB",
            24 => "SIG",
            25 => "KEY",
            28 => "AAAA",
            29 => "LOC",
            33 => "SRV",
            35 => "NAPTR",
            36 => "KX",
            37 => "CERT",
            39 => "DNAME",
            41 => "OPT",
            43 => "DS",
            44 => "SSHFP",
            46 => "RRSIG",
            47 => "NSEC",
            48 => "DNSKEY",
            49 => "DHCID",
            50 => "NSEC3",
            51 => "NSEC3PARAM",
            52 => "TLSA",
            59 => "CDS",
            60 => "CDNSKEY",
            64 => "SVCB",
            65 => "HTTPS",
            99 => "SPF",
            249 => "TKEY",
            250 => "TSIG",
            251 => "IXFR",
            252 => "AXFR",
            253 => "MAILB",
            254 => "MAILA",
            255 => "ANY",
            256 => "URI",
            257 => "CAA",
            _ => return None,
        })
    }
}

/// A response code (header RCODE; extended codes need EDNS and are not read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rcode(pub u8);

impl Rcode {
    pub const NO_ERROR: Self = Self(0);
    pub const NX_DOMAIN: Self = Self(3);

    /// The name RFC 1035 and RFC 2136 give it.
    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "NoError",
            1 => "FormErr",
            2 => "ServFail",
            3 => "NXDomain",
            4 => "NotImp",
            5 => "Refused",
            6 => "YXDomain",
            7 => "YXRRSet",
            8 => "NXRRSet",
            9 => "NotAuth",
            10 => "NotZone",
            _ => "Unknown",
        }
    }
}

/// One message, borrowed: the header is checked in `parse`, the rest read on demand.
#[derive(Clone, Copy)]
pub struct Message<'a> {
    msg: &'a [u8],
}

/// Parses the message that fills `data` (one UDP datagram).
pub fn parse(data: &[u8]) -> Result<Message<'_>, Error> {
    if data.len() < HEADER_LEN {
        return Err(Error::Short {
            need: HEADER_LEN,
            have: data.len(),
        });
    }
    Ok(Message { msg: data })
}

/// Parses a message over TCP: a two-byte length, then the message. Returns the message
/// and the bytes used, length included.
pub fn parse_tcp(data: &[u8]) -> Result<(Message<'_>, usize), Error> {
    let Some((len, rest)) = data.split_first_chunk::<2>() else {
        return Err(Error::Short {
            need: 2,
            have: data.len(),
        });
    };
    let len = u16::from_be_bytes(*len);
    if (len as usize) < HEADER_LEN {
        return Err(Error::Length(len));
    }
    match rest.get(..len as usize) {
        Some(msg) => Ok((Message { msg }, 2 + len as usize)),
        None => Err(Error::Short {
            need: 2 + len as usize,
            have: data.len(),
        }),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

impl<'a> Message<'a> {
    /// The message's bytes (without a TCP length).
    pub fn bytes(&self) -> &'a [u8] {
        self.msg
    }

    fn word(&self, at: usize) -> u16 {
        be16(self.msg, at).unwrap_or(0)
    }

    pub fn id(&self) -> u16 {
        self.word(0)
    }

    pub fn flags(&self) -> u16 {
        self.word(2)
    }

    /// QR: a response.
    pub fn is_response(&self) -> bool {
        self.flags() & 0x8000 != 0
    }

    /// 0 query, 1 inverse query, 2 status, 4 notify, 5 update (NBNS: 5 registration,
    /// 6 release, 7 WACK, 8 refresh).
    pub fn opcode(&self) -> u8 {
        ((self.flags() >> 11) & 0xf) as u8
    }

    pub fn authoritative(&self) -> bool {
        self.flags() & 0x0400 != 0
    }

    pub fn truncated(&self) -> bool {
        self.flags() & 0x0200 != 0
    }

    pub fn rcode(&self) -> Rcode {
        Rcode((self.flags() & 0xf) as u8)
    }

    pub fn qdcount(&self) -> u16 {
        self.word(4)
    }

    pub fn ancount(&self) -> u16 {
        self.word(6)
    }

    pub fn nscount(&self) -> u16 {
        self.word(8)
    }

    pub fn arcount(&self) -> u16 {
        self.word(10)
    }

    /// The questions, as many as the count says and the bytes hold.
    pub fn questions(&self) -> Questions<'a> {
        Questions {
            msg: self.msg,
            at: HEADER_LEN,
            left: (self.qdcount() as usize).min(MAX_ENTRIES),
            broken: None,
        }
    }

    /// The answer, authority and additional records, in order, as many as the counts
    /// say and the bytes hold.
    pub fn records(&self) -> Records<'a> {
        let mut q = self.questions();
        while q.next().is_some() {}
        let counts = [self.ancount(), self.nscount(), self.arcount()];
        Records {
            msg: self.msg,
            // Questions cut short leave no place to start the records.
            at: if q.left == 0 { q.at } else { self.msg.len() },
            counts,
            section: 0,
            seen: 0,
        }
    }

    /// Whether the sections the counts announce parse and fill the message exactly
    /// (no bytes short, none over): how a DNS message is told from other bytes on a
    /// port DNS does not own.
    pub fn exact(&self) -> bool {
        if self.questions().count() != self.qdcount() as usize {
            return false;
        }
        let mut r = self.records();
        let total = self.ancount() as usize + self.nscount() as usize + self.arcount() as usize;
        let mut seen = 0;
        while r.next().is_some() {
            seen += 1;
        }
        seen == total && r.at == self.msg.len() && (total > 0 || self.qdcount() > 0)
    }
}

impl fmt::Debug for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut l = f.debug_struct("Message");
        l.field("id", &self.id())
            .field("response", &self.is_response())
            .field("opcode", &self.opcode())
            .field("rcode", &self.rcode().name());
        l.field("questions", &self.questions().collect::<Vec<_>>());
        l.field("records", &self.records().collect::<Vec<_>>());
        l.finish()
    }
}

/// The end of the name at `at` in place (after its terminating zero or its pointer).
fn skip_name(msg: &[u8], mut at: usize) -> Option<usize> {
    for _ in 0..=MAX_NAME_LEN {
        let b = *msg.get(at)?;
        match b & 0xc0 {
            0 if b == 0 => return Some(at + 1),
            0 => at += 1 + b as usize,
            0xc0 => return (at + 2 <= msg.len()).then_some(at + 2),
            _ => return None,
        }
    }
    None
}

/// A name inside a message (it may point elsewhere in it).
#[derive(Clone, Copy)]
pub struct Name<'a> {
    msg: &'a [u8],
    at: usize,
}

impl<'a> Name<'a> {
    /// The name at `at` in `msg` (for names in record data).
    pub fn at(msg: &'a [u8], at: usize) -> Name<'a> {
        Name { msg, at }
    }

    /// Its labels, pointers followed. `Labels::complete` says afterwards whether the
    /// name ended properly.
    pub fn labels(&self) -> Labels<'a> {
        Labels {
            msg: self.msg,
            at: self.at,
            limit: self.at,
            pointers: 0,
            total: 0,
            done: false,
            end: End::Truncated,
        }
    }

    /// Appends the name in dotted form: labels joined by `.`, no trailing dot, the root
    /// as `<Root>`; ASCII letters lower-cased when `lower`. Returns how the name ended
    /// (a broken name leaves the labels read so far).
    pub fn write(&self, out: &mut Vec<u8>, lower: bool) -> End {
        let start = out.len();
        let mut l = self.labels();
        for label in l.by_ref() {
            if out.len() > start {
                out.push(b'.');
            }
            if lower {
                out.extend(label.iter().map(u8::to_ascii_lowercase));
            } else {
                out.extend_from_slice(label);
            }
        }
        if l.complete() && out.len() == start {
            out.extend_from_slice(b"<Root>");
        }
        l.end
    }
}

impl fmt::Debug for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut v = Vec::new();
        self.write(&mut v, false);
        write!(f, "{:?}", String::from_utf8_lossy(&v))
    }
}

/// How reading a name ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// At its zero label.
    Complete,
    /// The bytes ended first (or not read to the end yet).
    Truncated,
    /// More than 255 bytes of labels.
    TooLong,
    /// A pointer forward, into a loop, or one too many.
    BadPointer,
    /// An extended or bit-string label (RFC 6891, RFC 2673), which is not read.
    Extended,
}

/// The labels of a name.
pub struct Labels<'a> {
    msg: &'a [u8],
    at: usize,
    /// A pointer must point before this: where the part of the name being read began.
    limit: usize,
    pointers: usize,
    total: usize,
    done: bool,
    end: End,
}

impl<'a> Labels<'a> {
    /// Whether the name ended with its zero label (after the iterator is exhausted).
    pub fn complete(&self) -> bool {
        self.end == End::Complete
    }

    /// How the name ended (after the iterator is exhausted).
    pub fn end(&self) -> End {
        self.end
    }
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        while !self.done {
            let Some(&b) = self.msg.get(self.at) else {
                break;
            };
            match b & 0xc0 {
                0 if b == 0 => {
                    self.end = End::Complete;
                    break;
                }
                0 => {
                    let start = self.at + 1;
                    let end = start + b as usize;
                    self.total += 1 + b as usize;
                    let label = self.msg.get(start..end);
                    if self.total > MAX_NAME_LEN {
                        self.end = End::TooLong;
                        break;
                    }
                    if label.is_none() {
                        break;
                    }
                    self.at = end;
                    return label;
                }
                0xc0 => {
                    let Some(&lo) = self.msg.get(self.at + 1) else {
                        break;
                    };
                    let target = ((b as usize & 0x3f) << 8) | lo as usize;
                    // Strictly backwards from where this part began: no loops.
                    if target >= self.limit || self.pointers >= MAX_POINTERS {
                        self.end = End::BadPointer;
                        break;
                    }
                    self.pointers += 1;
                    self.limit = target;
                    self.at = target;
                }
                _ => {
                    self.end = End::Extended;
                    break;
                }
            }
        }
        self.done = true;
        None
    }
}

/// A question: name, type and class.
#[derive(Clone, Copy)]
pub struct Question<'a> {
    pub name: Name<'a>,
    pub qtype: Type,
    /// The class (mDNS: the top bit asks for a unicast response, see `class`).
    pub raw_class: u16,
}

impl Question<'_> {
    /// The class without mDNS's top bit.
    pub fn class(&self) -> u16 {
        self.raw_class & 0x7fff
    }
}

impl fmt::Debug for Question<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {:?} {}", self.name, self.qtype, self.raw_class)
    }
}

/// The questions of a message.
pub struct Questions<'a> {
    msg: &'a [u8],
    at: usize,
    left: usize,
    broken: Option<usize>,
}

impl<'a> Questions<'a> {
    /// The name of the question that stopped the iterator, when its bytes were there
    /// but it could not be skipped (an extended label) or its type and class were cut.
    pub fn broken(&self) -> Option<Name<'a>> {
        self.broken.map(|at| Name { msg: self.msg, at })
    }
}

impl<'a> Iterator for Questions<'a> {
    type Item = Question<'a>;

    fn next(&mut self) -> Option<Question<'a>> {
        if self.left == 0 {
            return None;
        }
        let parsed = skip_name(self.msg, self.at)
            .and_then(|end| Some((end, be16(self.msg, end)?, be16(self.msg, end + 2)?)));
        let Some((end, qtype, class)) = parsed else {
            // Cut short: stop, leaving `left` above zero.
            self.broken = (self.at < self.msg.len()).then_some(self.at);
            self.at = self.msg.len();
            return None;
        };
        let q = Question {
            name: Name {
                msg: self.msg,
                at: self.at,
            },
            qtype: Type(qtype),
            raw_class: class,
        };
        self.at = end + 4;
        self.left -= 1;
        Some(q)
    }
}

/// Where a record sits in the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Answer,
    Authority,
    Additional,
}

/// A resource record.
#[derive(Clone, Copy)]
pub struct Record<'a> {
    pub section: Section,
    pub name: Name<'a>,
    pub rtype: Type,
    /// The class (mDNS: the top bit is cache-flush, see `class`).
    pub raw_class: u16,
    pub ttl: u32,
    pub rdata: &'a [u8],
    msg: &'a [u8],
    rdata_at: usize,
}

impl<'a> Record<'a> {
    /// The class without mDNS's cache-flush bit.
    pub fn class(&self) -> u16 {
        self.raw_class & 0x7fff
    }

    /// The address of an A or AAAA record of class IN (or any class in mDNS).
    pub fn addr(&self) -> Option<std::net::IpAddr> {
        match (self.rtype, self.rdata.len()) {
            (Type::A, 4) => Some(<[u8; 4]>::try_from(self.rdata).ok()?.into()),
            (Type::AAAA, 16) => Some(<[u8; 16]>::try_from(self.rdata).ok()?.into()),
            _ => None,
        }
    }

    /// The name a CNAME, PTR, NS or DNAME record points to.
    pub fn target(&self) -> Option<Name<'a>> {
        matches!(self.rtype, Type::CNAME | Type::PTR | Type::NS | Type::DNAME)
            .then_some(Name::at(self.msg, self.rdata_at))
    }

    /// Offset of the record data in the message (for names inside it).
    pub fn rdata_offset(&self) -> usize {
        self.rdata_at
    }
}

impl fmt::Debug for Record<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} {:?} {:?} {} {} {:?} {:?}",
            self.section,
            self.name,
            self.rtype,
            self.raw_class,
            self.ttl,
            self.addr(),
            self.target()
        )
    }
}

/// The records of a message.
pub struct Records<'a> {
    msg: &'a [u8],
    at: usize,
    counts: [u16; 3],
    section: usize,
    seen: usize,
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        while self.section < 3 && self.counts[self.section] == 0 {
            self.section += 1;
        }
        if self.section >= 3 || self.seen >= MAX_ENTRIES {
            return None;
        }
        let end = skip_name(self.msg, self.at);
        let parsed = end.and_then(|end| {
            let rtype = be16(self.msg, end)?;
            let class = be16(self.msg, end + 2)?;
            let ttl = be32(self.msg, end + 4)?;
            let len = be16(self.msg, end + 8)? as usize;
            let rdata = self.msg.get(end + 10..end + 10 + len)?;
            Some((end, rtype, class, ttl, rdata))
        });
        let Some((end, rtype, class, ttl, rdata)) = parsed else {
            self.section = 3;
            return None;
        };
        let r = Record {
            section: [Section::Answer, Section::Authority, Section::Additional][self.section],
            name: Name {
                msg: self.msg,
                at: self.at,
            },
            rtype: Type(rtype),
            raw_class: class,
            ttl,
            rdata,
            msg: self.msg,
            rdata_at: end + 10,
        };
        self.at = end + 10 + rdata.len();
        self.counts[self.section] -= 1;
        self.seen += 1;
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Vec<u8> {
        let mut v = Vec::new();
        for l in n.split('.').filter(|l| !l.is_empty()) {
            v.push(l.len() as u8);
            v.extend_from_slice(l.as_bytes());
        }
        v.push(0);
        v
    }

    fn header(id: u16, flags: u16, counts: [u16; 4]) -> Vec<u8> {
        let mut v = id.to_be_bytes().to_vec();
        v.extend_from_slice(&flags.to_be_bytes());
        for c in counts {
            v.extend_from_slice(&c.to_be_bytes());
        }
        v
    }

    fn text(n: Name<'_>) -> (String, bool) {
        let mut v = Vec::new();
        let ok = n.write(&mut v, true) == End::Complete;
        (String::from_utf8(v).unwrap(), ok)
    }

    /// A query for www.Example.com A.
    fn query() -> Vec<u8> {
        let mut m = header(0x1234, 0x0100, [1, 0, 0, 0]);
        m.extend(name("www.Example.com"));
        m.extend_from_slice(&[0, 1, 0, 1]);
        m
    }

    /// Its answer: a CNAME to web.example.com (compressed) and an A record for it.
    fn answer() -> Vec<u8> {
        let mut m = header(0x1234, 0x8180, [1, 2, 0, 0]);
        m.extend(name("www.Example.com"));
        m.extend_from_slice(&[0, 1, 0, 1]);
        // www.example.com CNAME web.<example.com at 16>
        m.extend_from_slice(&[0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6]);
        let web = m.len();
        m.extend_from_slice(&[3, b'w', b'e', b'b', 0xc0, 16]);
        m.extend_from_slice(&[0xc0, web as u8, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
        m.extend_from_slice(&[192, 0, 2, 7]);
        m
    }

    #[test]
    fn query_and_answer() {
        let q = query();
        let m = parse(&q).unwrap();
        assert!(!m.is_response());
        let qs: Vec<_> = m.questions().collect();
        assert_eq!(qs.len(), 1);
        assert_eq!(text(qs[0].name), ("www.example.com".into(), true));
        assert_eq!(qs[0].qtype.name(), Some("A"));
        assert_eq!(m.records().count(), 0);

        let a = answer();
        let m = parse(&a).unwrap();
        assert!(m.is_response());
        assert_eq!(m.rcode(), Rcode::NO_ERROR);
        let rs: Vec<_> = m.records().collect();
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].rtype, Type::CNAME);
        assert_eq!(text(rs[0].name).0, "www.example.com");
        assert_eq!(text(rs[0].target().unwrap()).0, "web.example.com");
        assert_eq!(text(rs[1].name).0, "web.example.com");
        assert_eq!(rs[1].addr(), Some([192, 0, 2, 7].into()));
        assert!(format!("{m:?}").contains("web.Example.com"));
    }

    #[test]
    fn tcp_length() {
        let q = query();
        let mut t = (q.len() as u16).to_be_bytes().to_vec();
        t.extend_from_slice(&q);
        t.extend_from_slice(&[0, 5]);
        let (m, used) = parse_tcp(&t).unwrap();
        assert_eq!(used, q.len() + 2);
        assert_eq!(m.bytes(), &q[..]);
        assert_eq!(parse_tcp(&t[used..]).err(), Some(Error::Length(5)));
        assert!(matches!(
            parse_tcp(&t[..10]),
            Err(Error::Short { need, .. }) if need == q.len() + 2
        ));
    }

    #[test]
    fn root_and_rcode() {
        let mut m = header(1, 0x8183, [1, 0, 0, 0]);
        m.extend(name("."));
        m.extend_from_slice(&[0, 2, 0, 1]);
        let d = parse(&m).unwrap();
        assert_eq!(d.rcode().name(), "NXDomain");
        assert_eq!(text(d.questions().next().unwrap().name).0, "<Root>");
    }

    #[test]
    fn compression_loops_end() {
        // A pointer to itself, two pointers to each other, and a pointer forward.
        let mut m = header(1, 0, [3, 0, 0, 0]);
        m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        m.extend_from_slice(&[1, b'a', 0xc0, 26, 0, 1, 0, 1]);
        m.extend_from_slice(&[1, b'b', 0xc0, 18, 0, 1, 0, 1]);
        let d = parse(&m).unwrap();
        let qs: Vec<_> = d.questions().collect();
        assert_eq!(qs.len(), 3);
        assert_eq!(text(qs[0].name), (String::new(), false));
        // a -> b (forward: refused)
        assert_eq!(text(qs[1].name), ("a".into(), false));
        // b -> a -> b: the second jump is not before the first target.
        assert_eq!(text(qs[2].name), ("b.a".into(), false));
        // A long chain of backwards pointers ends too.
        let mut m = header(1, 0, [1, 0, 0, 0]);
        m.extend_from_slice(&[0; 4]);
        for i in 0..200u16 {
            m.extend_from_slice(&(0xc000 | (12 + 2 * i)).to_be_bytes());
        }
        let at = m.len() - 2;
        let mut l = Name::at(&m, at).labels();
        assert_eq!(l.by_ref().count(), 0);
        // More pointers than MAX_POINTERS: given up, not complete.
        assert!(!l.complete());
    }

    #[test]
    fn long_names_are_cut() {
        let mut m = header(1, 0, [1, 0, 0, 0]);
        for _ in 0..10 {
            m.push(63);
            m.extend_from_slice(&[b'x'; 63]);
        }
        m.extend_from_slice(&[0, 0, 1, 0, 1]);
        let d = parse(&m).unwrap();
        let n = d.questions().next().unwrap().name;
        let (t, ok) = text(n);
        assert!(!ok);
        assert!(t.len() <= MAX_NAME_LEN);
    }

    #[test]
    fn truncation_never_panics() {
        for pdu in [query(), answer()] {
            for n in 0..=pdu.len() {
                let b = &pdu[..n];
                if let Ok(m) = parse(b) {
                    let _ = format!("{m:?}");
                }
                let _ = parse_tcp(b).map(|(m, _)| format!("{m:?}"));
            }
        }
    }
}
