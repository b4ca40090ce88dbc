//! SMB over TCP: the 4-byte session header (RFC 1002 §4.3 for NetBIOS on 139; the
//! same header with a 24-bit length for direct TCP on 445, MS-SMB2 §2.1), and the
//! SMB1 (MS-CIFS §2.2.3) and SMB2/3 (MS-SMB2 §2.2.1) headers it carries, with the
//! fields of the commands that name things: negotiated dialects, tree connect paths,
//! file names of creates and the security blobs of session setups (where NTLMSSP
//! sits, see `ntlmssp`).

use std::fmt;

pub const NBSS_HEADER_LEN: usize = 4;
pub const SMB1_HEADER_LEN: usize = 32;
pub const SMB2_HEADER_LEN: usize = 64;
/// SMB3 transform header (encrypted message, MS-SMB2 §2.2.41).
pub const TRANSFORM_HEADER_LEN: usize = 52;
/// Most SMB2 commands read from one compounded message, and SMB1 AndX blocks.
pub const MAX_CHAIN: usize = 32;

/// NetBIOS session packet types (RFC 1002 §4.3.1).
pub mod nbss_type {
    pub const SESSION_MESSAGE: u8 = 0x00;
    pub const SESSION_REQUEST: u8 = 0x81;
    pub const POSITIVE_RESPONSE: u8 = 0x82;
    pub const NEGATIVE_RESPONSE: u8 = 0x83;
    pub const RETARGET_RESPONSE: u8 = 0x84;
    pub const KEEP_ALIVE: u8 = 0x85;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short {
        need: usize,
        have: usize,
    },
    /// A session packet type RFC 1002 does not define, or reserved flag bits set.
    Nbss(u8),
}

/// One session packet, borrowed.
#[derive(Clone, Copy)]
pub struct Nbss<'a> {
    kind: u8,
    body: &'a [u8],
}

/// Parses the session packet at the start of `data`.
pub fn nbss(data: &[u8]) -> Result<Nbss<'_>, Error> {
    let Some((hdr, rest)) = data.split_first_chunk::<NBSS_HEADER_LEN>() else {
        return Err(Error::Short {
            need: NBSS_HEADER_LEN,
            have: data.len(),
        });
    };
    let len = match hdr[0] {
        // Direct TCP uses all 24 bits; on 139 the top 7 are zero (RFC 1002 flags).
        nbss_type::SESSION_MESSAGE => u32::from_be_bytes([0, hdr[1], hdr[2], hdr[3]]),
        0x81..=0x85 if hdr[1] & 0xFE == 0 => u32::from_be_bytes([0, hdr[1], hdr[2], hdr[3]]),
        t => return Err(Error::Nbss(t)),
    } as usize;
    let body = rest.get(..len).ok_or(Error::Short {
        need: NBSS_HEADER_LEN + len,
        have: data.len(),
    })?;
    Ok(Nbss { kind: hdr[0], body })
}

impl<'a> Nbss<'a> {
    pub fn kind(&self) -> u8 {
        self.kind
    }
    pub fn body(&self) -> &'a [u8] {
        self.body
    }
    pub fn len(&self) -> usize {
        NBSS_HEADER_LEN + self.body.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    /// The SMB message of a session message.
    pub fn message(&self) -> Option<Message<'a>> {
        (self.kind == nbss_type::SESSION_MESSAGE)
            .then(|| message(self.body))
            .flatten()
    }
}

impl fmt::Debug for Nbss<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Nbss")
            .field("kind", &self.kind)
            .field("len", &self.body.len())
            .field("message", &self.message())
            .finish()
    }
}

/// NetBIOS datagram service (RFC 1002 §4.4.2, UDP 138): the first fragment of a
/// direct or broadcast datagram names its sender and carries SMB (mailslots).
pub const NBDGM_HEADER_LEN: usize = 14;

/// A direct or broadcast NetBIOS datagram, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Datagram<'a> {
    /// The source name, first-level decoded (16 bytes: 15 name characters and the
    /// suffix), when it is in the usual 32-character form.
    pub source: Option<[u8; 16]>,
    pub user_data: &'a [u8],
}

/// A NetBIOS name's labels (length-prefixed, up to a zero); the first label and
/// the bytes after the name.
fn netbios_name(d: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut rest = d;
    let mut first = None;
    for _ in 0..64 {
        let (&len, r) = rest.split_first()?;
        if len == 0 {
            return Some((first.unwrap_or(&[]), r));
        }
        if len > 63 {
            return None;
        }
        let label = r.get(..len as usize)?;
        first.get_or_insert(label);
        rest = &r[len as usize..];
    }
    None
}

/// Parses a NetBIOS datagram: `None` unless it is a direct unique, direct group or
/// broadcast datagram with its names.
pub fn nbdgm(data: &[u8]) -> Option<Datagram<'_>> {
    let hdr = data.get(..NBDGM_HEADER_LEN)?;
    if !(0x10..=0x12).contains(&hdr[0]) || hdr[1] & 0xF0 != 0 {
        return None;
    }
    let (src, rest) = netbios_name(&data[NBDGM_HEADER_LEN..])?;
    let (_dst, user_data) = netbios_name(rest)?;
    let source = (src.len() == 32 && src.iter().all(|c| (b'A'..=b'P').contains(c))).then(|| {
        let mut n = [0u8; 16];
        for (o, p) in n.iter_mut().zip(src.chunks_exact(2)) {
            *o = (p[0] - b'A') << 4 | (p[1] - b'A');
        }
        n
    });
    Some(Datagram { source, user_data })
}

/// What a session message carries.
#[derive(Clone, Copy, Debug)]
pub enum Message<'a> {
    Smb1(Smb1<'a>),
    /// The first SMB2 header of a (possibly compounded) message; see [`smb2_chain`].
    Smb2(Smb2<'a>),
    /// SMB3 encrypted (transform header).
    Encrypted,
    /// SMB 3.1.1 compressed (compression transform header).
    Compressed,
}

/// The SMB message at the start of a session message's body.
pub fn message(body: &[u8]) -> Option<Message<'_>> {
    match body.get(..4)? {
        b"\xFFSMB" if body.len() >= SMB1_HEADER_LEN => Some(Message::Smb1(Smb1 { data: body })),
        b"\xFESMB" => smb2_chain(body).next().map(Message::Smb2),
        b"\xFDSMB" if body.len() >= TRANSFORM_HEADER_LEN => Some(Message::Encrypted),
        b"\xFCSMB" if body.len() >= 8 => Some(Message::Compressed),
        _ => None,
    }
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        d.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        d.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// An SMB1 message (header and parameter blocks), from its header to the end of the
/// session message.
#[derive(Clone, Copy)]
pub struct Smb1<'a> {
    data: &'a [u8],
}

/// SMB1 command codes (MS-CIFS §2.2.2.1) that name things.
pub mod smb1_command {
    pub const NEGOTIATE: u8 = 0x72;
    pub const SESSION_SETUP_ANDX: u8 = 0x73;
    pub const TREE_CONNECT_ANDX: u8 = 0x75;
    pub const NT_CREATE_ANDX: u8 = 0xA2;
}

/// Whether an SMB1 command's parameters start with an AndX header (MS-CIFS §2.2.4).
fn is_andx(command: u8) -> bool {
    matches!(
        command,
        0x24 | 0x2D | 0x2E | 0x2F | 0x73 | 0x74 | 0x75 | 0xA2
    )
}

/// One command of an SMB1 message: its parameter words and data bytes.
#[derive(Clone, Copy, Debug)]
pub struct Block<'a> {
    pub command: u8,
    pub words: &'a [u8],
    pub bytes: &'a [u8],
    /// Offset of `bytes` from the SMB header (Unicode strings align to it).
    pub bytes_at: usize,
}

impl<'a> Smb1<'a> {
    pub fn command(&self) -> u8 {
        self.data.get(4).copied().unwrap_or(0)
    }
    pub fn status(&self) -> u32 {
        u32_at(self.data, 5).unwrap_or(0)
    }
    /// SMB_FLAGS_REPLY.
    pub fn is_response(&self) -> bool {
        self.data.get(9).is_some_and(|f| f & 0x80 != 0)
    }
    /// SMB_FLAGS2_UNICODE: strings are UTF-16LE.
    pub fn unicode(&self) -> bool {
        u16_at(self.data, 10).is_some_and(|f| f & 0x8000 != 0)
    }
    /// The message from its header (offsets in blocks count from here).
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    fn block(&self, command: u8, at: usize) -> Option<Block<'a>> {
        let wc = *self.data.get(at)? as usize;
        let words = self.data.get(at + 1..at + 1 + 2 * wc)?;
        let bc_at = at + 1 + 2 * wc;
        let bc = u16_at(self.data, bc_at)? as usize;
        let bytes_at = bc_at + 2;
        // A cut-off data block keeps what is there (snaplen, or a lying count).
        let end = (bytes_at + bc).min(self.data.len());
        let bytes = self.data.get(bytes_at..end)?;
        Some(Block {
            command,
            words,
            bytes,
            bytes_at,
        })
    }

    /// The command blocks: the header's command, then AndX follow-ups in order.
    pub fn blocks(&self) -> impl Iterator<Item = Block<'a>> + 'a {
        let this = *self;
        let mut next = Some((self.command(), SMB1_HEADER_LEN));
        let mut n = 0;
        std::iter::from_fn(move || {
            let (command, at) = next.take()?;
            n += 1;
            let b = this.block(command, at)?;
            if is_andx(command) && n < MAX_CHAIN && b.words.len() >= 4 {
                let cmd = b.words[0];
                let off = u16_at(b.words, 2)? as usize;
                // Offsets only move forward, so a chain cannot loop.
                if cmd != 0xFF && off > at {
                    next = Some((cmd, off));
                }
            }
            Some(b)
        })
    }

    /// A null-terminated string at `at` (from the header), aligned for Unicode;
    /// returns its bytes (without the terminator) and where the next one starts.
    pub fn string(&self, at: usize) -> Option<(&'a [u8], usize)> {
        string(self.data, at, self.unicode())
    }
}

/// A null-terminated string of `data` at `at`, UTF-16LE aligned to 2 when `unicode`.
pub fn string(data: &[u8], mut at: usize, unicode: bool) -> Option<(&[u8], usize)> {
    if unicode {
        at += at % 2;
        let rest = data.get(at..)?;
        let end = rest
            .chunks_exact(2)
            .position(|c| c == [0, 0])
            .map_or(rest.len() & !1, |i| i * 2);
        Some((&rest[..end], at + end + 2))
    } else {
        let rest = data.get(at..)?;
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        Some((&rest[..end], at + end + 1))
    }
}

impl<'a> Block<'a> {
    /// NEGOTIATE request: the dialect strings the client offers.
    pub fn dialects(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let mut rest = if self.command == smb1_command::NEGOTIATE {
            self.bytes
        } else {
            &[]
        };
        std::iter::from_fn(move || {
            let (&fmt, r) = rest.split_first()?;
            if fmt != 0x02 {
                rest = &[];
                return None;
            }
            let end = r.iter().position(|&b| b == 0).unwrap_or(r.len());
            rest = r.get(end + 1..).unwrap_or(&[]);
            Some(&r[..end])
        })
    }

    /// NEGOTIATE response: the index of the chosen dialect (0xFFFF: none).
    pub fn dialect_index(&self) -> Option<u16> {
        (self.command == smb1_command::NEGOTIATE)
            .then(|| u16_at(self.words, 0))
            .flatten()
    }
}

impl fmt::Debug for Smb1<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smb1")
            .field("command", &self.command())
            .field("status", &self.status())
            .field("response", &self.is_response())
            .field("unicode", &self.unicode())
            .field("blocks", &self.blocks().collect::<Vec<_>>())
            .finish()
    }
}

/// One SMB2 header and its command body, up to the next compounded command.
#[derive(Clone, Copy)]
pub struct Smb2<'a> {
    data: &'a [u8],
}

/// SMB2 commands (MS-SMB2 §2.2.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Command(pub u16);

impl Command {
    pub const NEGOTIATE: Self = Self(0);
    pub const SESSION_SETUP: Self = Self(1);
    pub const LOGOFF: Self = Self(2);
    pub const TREE_CONNECT: Self = Self(3);
    pub const CREATE: Self = Self(5);

    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "NEGOTIATE",
            1 => "SESSION_SETUP",
            2 => "LOGOFF",
            3 => "TREE_CONNECT",
            4 => "TREE_DISCONNECT",
            5 => "CREATE",
            6 => "CLOSE",
            7 => "FLUSH",
            8 => "READ",
            9 => "WRITE",
            10 => "LOCK",
            11 => "IOCTL",
            12 => "CANCEL",
            13 => "ECHO",
            14 => "QUERY_DIRECTORY",
            15 => "CHANGE_NOTIFY",
            16 => "QUERY_INFO",
            17 => "SET_INFO",
            18 => "OPLOCK_BREAK",
            _ => "unknown",
        }
    }
}

/// The SMB2 headers of a session message: compounded commands follow
/// `NextCommand` (MS-SMB2 §3.2.4.1.4); at most `MAX_CHAIN`.
pub fn smb2_chain(body: &[u8]) -> impl Iterator<Item = Smb2<'_>> + '_ {
    let mut rest = body;
    let mut n = 0;
    std::iter::from_fn(move || {
        if n >= MAX_CHAIN
            || rest.len() < SMB2_HEADER_LEN
            || !rest.starts_with(b"\xFESMB")
            || u16_at(rest, 4) != Some(SMB2_HEADER_LEN as u16)
        {
            return None;
        }
        n += 1;
        let next = u32_at(rest, 20).unwrap_or(0) as usize;
        let (this, after) = if next >= SMB2_HEADER_LEN && next <= rest.len() {
            rest.split_at(next)
        } else {
            (rest, &[][..])
        };
        rest = after;
        Some(Smb2 { data: this })
    })
}

/// An SMB2 dialect revision's name (MS-SMB2 §2.2.3).
pub fn dialect_name(d: u16) -> &'static str {
    match d {
        0x0202 => "2.0.2",
        0x0210 => "2.1",
        0x0222 => "2.2.2",
        0x0224 => "2.2.4",
        0x02FF => "2.x",
        0x0300 => "3.0",
        0x0302 => "3.0.2",
        0x0310 => "3.1",
        0x0311 => "3.1.1",
        _ => "unknown",
    }
}

impl<'a> Smb2<'a> {
    pub fn command(&self) -> Command {
        Command(u16_at(self.data, 12).unwrap_or(0xFFFF))
    }
    pub fn status(&self) -> u32 {
        u32_at(self.data, 8).unwrap_or(0)
    }
    /// SMB2_FLAGS_SERVER_TO_REDIR.
    pub fn is_response(&self) -> bool {
        u32_at(self.data, 16).is_some_and(|f| f & 1 != 0)
    }
    /// The command's structure (after the header).
    pub fn body(&self) -> &'a [u8] {
        self.data.get(SMB2_HEADER_LEN..).unwrap_or(&[])
    }
    /// A buffer given by an offset from the header and a length; a cut-off one keeps
    /// what is there.
    fn buffer(&self, off: Option<u16>, len: Option<u16>) -> Option<&'a [u8]> {
        let off = off? as usize;
        let end = (off + len? as usize).min(self.data.len());
        self.data.get(off..end)
    }

    /// NEGOTIATE request: the dialects offered.
    pub fn dialects(&self) -> impl Iterator<Item = u16> + 'a {
        let b = self.body();
        let list = if self.command() == Command::NEGOTIATE && !self.is_response() {
            let n = u16_at(b, 2).unwrap_or(0) as usize;
            b.get(36..).map_or(&[][..], |l| &l[..(2 * n).min(l.len())])
        } else {
            &[]
        };
        list.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
    }

    /// NEGOTIATE response: the dialect chosen.
    pub fn dialect(&self) -> Option<u16> {
        (self.command() == Command::NEGOTIATE && self.is_response())
            .then(|| u16_at(self.body(), 4))
            .flatten()
    }

    /// SESSION_SETUP request or response: the security blob (SPNEGO/NTLMSSP).
    pub fn security_buffer(&self) -> Option<&'a [u8]> {
        if self.command() != Command::SESSION_SETUP {
            return None;
        }
        let b = self.body();
        if self.is_response() {
            self.buffer(u16_at(b, 4), u16_at(b, 6))
        } else {
            self.buffer(u16_at(b, 12), u16_at(b, 14))
        }
    }

    /// TREE_CONNECT request: the share path (UTF-16LE).
    pub fn tree_path(&self) -> Option<&'a [u8]> {
        (self.command() == Command::TREE_CONNECT && !self.is_response())
            .then(|| self.buffer(u16_at(self.body(), 4), u16_at(self.body(), 6)))
            .flatten()
    }

    /// CREATE request: the file name (UTF-16LE, relative to the share).
    pub fn create_name(&self) -> Option<&'a [u8]> {
        (self.command() == Command::CREATE && !self.is_response())
            .then(|| self.buffer(u16_at(self.body(), 44), u16_at(self.body(), 46)))
            .flatten()
    }
}

impl fmt::Debug for Smb2<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smb2")
            .field("command", &self.command().name())
            .field("status", &self.status())
            .field("response", &self.is_response())
            .field("dialects", &self.dialects().collect::<Vec<_>>())
            .field("dialect", &self.dialect())
            .field("security_buffer", &self.security_buffer().map(|b| b.len()))
            .field("tree_path", &self.tree_path())
            .field("create_name", &self.create_name())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    fn nb(body: &[u8]) -> Vec<u8> {
        let mut v = vec![0, 0, (body.len() >> 8) as u8, body.len() as u8];
        v.extend(body);
        v
    }

    fn smb2_header(command: u16, response: bool, next: u32) -> Vec<u8> {
        let mut h = b"\xFESMB".to_vec();
        h.extend(64u16.to_le_bytes());
        h.extend([0; 6]); // credit charge, status
        h.extend(command.to_le_bytes());
        h.extend(1u16.to_le_bytes());
        h.extend((response as u32).to_le_bytes());
        h.extend(next.to_le_bytes());
        h.resize(64, 0);
        h
    }

    /// SMB2 NEGOTIATE request offering 2.0.2, 2.1 and 3.1.1.
    pub(crate) fn smb2_negotiate() -> Vec<u8> {
        let mut m = smb2_header(0, false, 0);
        m.extend(36u16.to_le_bytes());
        m.extend(3u16.to_le_bytes());
        m.resize(64 + 36, 0);
        for d in [0x0202u16, 0x0210, 0x0311] {
            m.extend(d.to_le_bytes());
        }
        nb(&m)
    }

    /// SMB2 TREE_CONNECT request for \\srv\C$ compounded with a CREATE of a\b.txt.
    pub(crate) fn smb2_tree_and_create() -> Vec<u8> {
        let path = utf16("\\\\srv\\C$");
        let mut t = smb2_header(3, false, 0);
        t.extend(9u16.to_le_bytes());
        t.extend(0u16.to_le_bytes());
        t.extend(72u16.to_le_bytes());
        t.extend((path.len() as u16).to_le_bytes());
        t.extend(&path);
        t.resize(t.len().div_ceil(8) * 8, 0);
        let next = t.len() as u32;
        t[20..24].copy_from_slice(&next.to_le_bytes());
        let name = utf16("a\\b.txt");
        let mut c = smb2_header(5, false, 0);
        c.extend(57u16.to_le_bytes());
        c.resize(64 + 44, 0);
        c.extend(120u16.to_le_bytes());
        c.extend((name.len() as u16).to_le_bytes());
        c.resize(120, 0);
        c.extend(name);
        t.extend(c);
        nb(&t)
    }

    /// SMB2 SESSION_SETUP request whose blob is `blob`.
    pub(crate) fn smb2_session_setup(blob: &[u8], response: bool) -> Vec<u8> {
        let mut m = smb2_header(1, response, 0);
        if response {
            m.extend(9u16.to_le_bytes());
            m.extend(0u16.to_le_bytes());
            m.extend(72u16.to_le_bytes());
            m.extend((blob.len() as u16).to_le_bytes());
        } else {
            m.extend(25u16.to_le_bytes());
            m.resize(64 + 12, 0);
            m.extend(88u16.to_le_bytes());
            m.extend((blob.len() as u16).to_le_bytes());
            m.resize(88, 0);
        }
        m.extend(blob);
        nb(&m)
    }

    fn smb1_header(command: u8, response: bool) -> Vec<u8> {
        let mut h = b"\xFFSMB".to_vec();
        h.push(command);
        h.extend([0; 4]);
        h.push(if response { 0x98 } else { 0x18 });
        h.extend(0xC807u16.to_le_bytes());
        h.resize(32, 0);
        h
    }

    /// SMB1 NEGOTIATE request offering two dialects.
    pub(crate) fn smb1_negotiate() -> Vec<u8> {
        let mut m = smb1_header(0x72, false);
        let bytes = b"\x02PC NETWORK PROGRAM 1.0\0\x02NT LM 0.12\0";
        m.push(0);
        m.extend((bytes.len() as u16).to_le_bytes());
        m.extend(bytes);
        nb(&m)
    }

    /// SMB1 TREE_CONNECT_ANDX request for \\H\IPC$ (Unicode), one password byte.
    pub(crate) fn smb1_tree_connect() -> Vec<u8> {
        let mut m = smb1_header(0x75, false);
        m.push(4);
        m.extend([0xFF, 0, 0, 0, 8, 0, 1, 0]);
        let mut bytes = vec![0u8]; // password; the path then starts at 44 (even)
        bytes.extend(utf16("\\\\H\\IPC$\0"));
        bytes.extend(b"?????\0");
        m.extend((bytes.len() as u16).to_le_bytes());
        m.extend(bytes);
        nb(&m)
    }

    fn msg(v: &[u8]) -> Message<'_> {
        nbss(v).unwrap().message().unwrap()
    }

    #[test]
    fn smb2_negotiate_and_compound() {
        let n = smb2_negotiate();
        let Message::Smb2(h) = msg(&n) else { panic!() };
        assert_eq!(h.command(), Command::NEGOTIATE);
        assert_eq!(h.dialects().collect::<Vec<_>>(), [0x0202, 0x0210, 0x0311]);
        let t = smb2_tree_and_create();
        let p = nbss(&t).unwrap();
        assert_eq!(p.len(), t.len());
        let cmds: Vec<_> = smb2_chain(p.body()).collect();
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].tree_path(), Some(&utf16("\\\\srv\\C$")[..]));
        assert_eq!(cmds[1].create_name(), Some(&utf16("a\\b.txt")[..]));
        let s = smb2_session_setup(b"xxNTLMSSP\0", false);
        let Message::Smb2(h) = msg(&s) else { panic!() };
        assert_eq!(h.security_buffer(), Some(&b"xxNTLMSSP\0"[..]));
    }

    #[test]
    fn smb1_negotiate_and_tree_connect() {
        let n = smb1_negotiate();
        let Message::Smb1(m) = msg(&n) else { panic!() };
        let b = m.blocks().next().unwrap();
        let d: Vec<_> = b.dialects().collect();
        assert_eq!(d, [&b"PC NETWORK PROGRAM 1.0"[..], b"NT LM 0.12"]);
        let t = smb1_tree_connect();
        let Message::Smb1(m) = msg(&t) else { panic!() };
        assert!(m.unicode());
        let b = m.blocks().next().unwrap();
        assert_eq!(b.bytes_at, 32 + 1 + 8 + 2);
        let (path, _) = m.string(b.bytes_at + 1).unwrap();
        assert_eq!(path, utf16("\\\\H\\IPC$"));
    }

    #[test]
    fn netbios_datagram() {
        let mut d = vec![0x11, 0x02, 0, 1, 10, 0, 0, 1, 0, 138, 0, 0, 0, 0];
        // "WS1" padded with spaces, suffix 0x00; then the group name, then SMB.
        let mut name = *b"WS1            \0";
        name[15] = 0;
        d.push(32);
        for b in name {
            d.extend([b'A' + (b >> 4), b'A' + (b & 15)]);
        }
        d.push(0);
        d.extend([32; 33]);
        d.push(0);
        d.extend(b"\xFFSMB%");
        let g = nbdgm(&d).unwrap();
        assert_eq!(&g.source.unwrap()[..3], b"WS1");
        assert_eq!(g.user_data, b"\xFFSMB%");
        for cut in 0..d.len() - 5 {
            assert!(nbdgm(&d[..cut]).is_none(), "{cut}");
        }
    }

    #[test]
    fn session_packets() {
        let req = [0x81, 0, 0, 2, 0x20, 0x20];
        let p = nbss(&req).unwrap();
        assert_eq!((p.kind(), p.len(), p.message().is_none()), (0x81, 6, true));
        assert_eq!(nbss(&[0x81, 2, 0, 0]).err(), Some(Error::Nbss(0x81)));
        assert_eq!(nbss(&[0x42, 0, 0, 0]).err(), Some(Error::Nbss(0x42)));
        assert!(nbss(&[0, 0, 0, 4, 0xFD]).is_err());
    }

    #[test]
    fn every_prefix_is_handled() {
        for pdu in [
            smb2_negotiate(),
            smb2_tree_and_create(),
            smb2_session_setup(&[1, 2, 3], true),
            smb1_negotiate(),
            smb1_tree_connect(),
        ] {
            for cut in 0..pdu.len() {
                assert!(
                    matches!(nbss(&pdu[..cut]), Err(Error::Short { .. })),
                    "cut {cut}"
                );
                // The message alone, cut anywhere.
                if let Some(m) = message(&pdu[4..cut.max(4)]) {
                    let _ = format!("{m:?}");
                }
            }
            let _ = format!("{:?}", nbss(&pdu).unwrap());
        }
    }
}
