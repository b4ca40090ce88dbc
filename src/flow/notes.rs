//! What IT protocols say in a flow, kept per flow and bounded: observations (names,
//! banners, fingerprints, commands; `observations.csv`) aggregated by what was seen,
//! and cleartext credentials and secrets (`sensitive_hits_redacted.csv`), one per
//! occurrence with its frame.

use std::borrow::Cow;
use std::hash::BuildHasher;

use hashbrown::HashTable;

/// Distinct observations kept per flow; beyond it they are counted as dropped.
pub const MAX_NOTES: usize = 4096;
/// Secrets kept per flow.
pub const MAX_SECRETS: usize = 1024;
/// Longest value kept (characters).
pub const MAX_VALUE: usize = 256;

/// Where in the capture something was seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct At {
    /// (capture index, frame).
    pub frame: (u32, u64),
    pub ts_ns: i64,
}

/// One observation of a flow, with how often it was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// What it is: `dns_query`, `dns_answer`, `tls_sni`, `http_user_agent`, `user`, ...
    /// (the list is in docs/outputs.md).
    pub kind: &'static str,
    /// Said by the server side of the flow (else by the client).
    pub by_server: bool,
    pub value: String,
    /// A second value qualifying the first (a DNS answer's address, a query's type).
    pub detail: String,
    pub count: u64,
    pub first: At,
    pub last_ts: i64,
}

/// A cleartext credential or secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secret {
    /// `ftp_password`, `telnet_password`, `http_basic`, `snmp_community`, ...
    pub kind: &'static str,
    /// Sent by the client side of the flow.
    pub from_client: bool,
    /// The account it belongs to, where the protocol says (not a secret itself).
    pub user: String,
    /// The secret itself: redacted when written unless the user asks for it.
    pub value: String,
    pub at: At,
}

/// The notes and secrets of one flow.
#[derive(Clone, Default)]
pub struct Notes {
    pub list: Vec<Note>,
    /// Positions in `list`, by the hash of a note's (kind, side, value, detail).
    index: HashTable<usize>,
    /// Distinct observations not kept because the flow had `MAX_NOTES` already.
    pub dropped: u64,
    pub secrets: Vec<Secret>,
    pub secrets_dropped: u64,
}

// Not derived: the index's iteration order is a hash table's, and the fuzz targets
// compare runs by their `Debug` text.
impl std::fmt::Debug for Notes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notes")
            .field("list", &self.list)
            .field("dropped", &self.dropped)
            .field("secrets", &self.secrets)
            .field("secrets_dropped", &self.secrets_dropped)
            .finish()
    }
}

/// Text from a capture as kept: borrowed when the bytes already are (valid UTF-8,
/// trimmed, no control characters, within the bound), so a note seen again costs no
/// allocation.
fn clean(raw: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(raw) {
        Ok(s)
            if s.len() <= MAX_VALUE
                && s.trim().len() == s.len()
                && !s.chars().any(char::is_control) =>
        {
            Cow::Borrowed(s)
        }
        _ => Cow::Owned(text(raw)),
    }
}

fn key_hash(kind: &str, by_server: bool, value: &str, detail: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0).hash_one((kind, by_server, value, detail))
}

/// Text from a capture: lossy UTF-8, control characters replaced, trimmed, bounded.
pub fn text(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .trim()
        .chars()
        .take(MAX_VALUE)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

impl Notes {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.secrets.is_empty() && self.dropped == 0
    }

    /// Counts an observation; an empty value is ignored.
    pub fn note(
        &mut self,
        kind: &'static str,
        by_server: bool,
        value: &[u8],
        detail: &[u8],
        at: At,
    ) {
        let (value, detail) = (clean(value), clean(detail));
        if value.is_empty() {
            return;
        }
        self.add(kind, by_server, &value, &detail, 1, at, at.ts_ns);
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        kind: &'static str,
        by_server: bool,
        value: &str,
        detail: &str,
        count: u64,
        first: At,
        last_ts: i64,
    ) {
        let hash = key_hash(kind, by_server, value, detail);
        let list = &self.list;
        let found = self.index.find(hash, |&i| {
            let n = &list[i];
            n.kind == kind && n.by_server == by_server && n.value == value && n.detail == detail
        });
        if let Some(&i) = found {
            let n = &mut self.list[i];
            n.count += count;
            if first < n.first {
                n.first = first;
            }
            n.last_ts = n.last_ts.max(last_ts);
            return;
        }
        if self.list.len() >= MAX_NOTES {
            self.dropped += count;
            return;
        }
        let list = &self.list;
        self.index.insert_unique(hash, list.len(), |&i| {
            let n = &list[i];
            key_hash(n.kind, n.by_server, &n.value, &n.detail)
        });
        self.list.push(Note {
            kind,
            by_server,
            value: value.to_string(),
            detail: detail.to_string(),
            count,
            first,
            last_ts,
        });
    }

    /// Keeps a secret (bounded per flow; the rest are counted).
    pub fn secret(
        &mut self,
        kind: &'static str,
        from_client: bool,
        user: &[u8],
        value: &[u8],
        at: At,
    ) {
        if self.secrets.len() >= MAX_SECRETS {
            self.secrets_dropped += 1;
            return;
        }
        self.secrets.push(Secret {
            kind,
            from_client,
            user: text(user),
            value: String::from_utf8_lossy(&value[..value.len().min(MAX_VALUE)]).into_owned(),
            at,
        });
    }

    /// Adds the notes of another part of the same flow (another capture of a batch);
    /// `flip` when that part's client is this part's server.
    pub fn merge(&mut self, o: &Notes, flip: bool) {
        for n in &o.list {
            self.add(
                n.kind,
                n.by_server != flip,
                &n.value,
                &n.detail,
                n.count,
                n.first,
                n.last_ts,
            );
        }
        self.dropped += o.dropped;
        for s in &o.secrets {
            if self.secrets.len() < MAX_SECRETS {
                self.secrets.push(Secret {
                    from_client: s.from_client != flip,
                    ..s.clone()
                });
            } else {
                self.secrets_dropped += 1;
            }
        }
        self.secrets_dropped += o.secrets_dropped;
        self.secrets.sort_by_key(|s| s.at);
    }
}

/// A secret as outputs show it unless asked otherwise: its first and last character
/// (none of a value of three characters or fewer) and its length hidden.
pub fn redact(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    match chars.len() {
        0 => String::new(),
        1..=3 => "***".to_string(),
        n => format!("{}***{}", chars[0], chars[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(f: u64) -> At {
        At {
            frame: (0, f),
            ts_ns: f as i64 * 1000,
        }
    }

    #[test]
    fn notes_aggregate_and_stay_bounded() {
        let mut n = Notes::default();
        n.note("dns_query", false, b"plc1.site", b"A", at(3));
        n.note("dns_query", false, b"plc1.site", b"A", at(1));
        n.note("dns_query", false, b"plc1.site", b"AAAA", at(2));
        n.note("dns_query", false, b"", b"A", at(2));
        assert_eq!(n.list.len(), 2);
        assert_eq!((n.list[0].count, n.list[0].first.frame.1), (2, 1));
        for i in 0..MAX_NOTES as u64 + 10 {
            n.note("x", true, i.to_string().as_bytes(), b"", at(i));
        }
        assert_eq!(n.list.len(), MAX_NOTES);
        assert_eq!(n.dropped, 12);
        assert_eq!(text(b" a\x01b\n"), "a\u{fffd}b");
        assert_eq!(text(&[b'x'; 1000]).len(), MAX_VALUE);
    }

    #[test]
    fn clean_text_is_borrowed_and_dirty_text_normalised() {
        assert!(matches!(clean(b"plc1.site"), Cow::Borrowed("plc1.site")));
        assert_eq!(clean(b" a\x01b\n"), "a\u{fffd}b");
        assert_eq!(clean(&[0xff, b'x']), "\u{fffd}x");
        // The same observation, clean or not, is one note.
        let mut n = Notes::default();
        n.note("user", false, b"alice", b"", at(1));
        n.note("user", false, b" alice\n", b"", at(2));
        assert_eq!((n.list.len(), n.list[0].count), (1, 2));
    }

    #[test]
    fn merge_flips_sides() {
        let mut a = Notes::default();
        a.note("user", false, b"alice", b"", at(5));
        let mut b = Notes::default();
        b.note("user", true, b"alice", b"", at(2));
        b.secret("ftp_password", false, b"alice", b"s3cret", at(2));
        a.merge(&b, true);
        assert_eq!(a.list.len(), 1);
        assert_eq!((a.list[0].count, a.list[0].first.frame.1), (2, 2));
        assert!(a.secrets[0].from_client);
    }

    #[test]
    fn redaction_keeps_at_most_the_ends() {
        assert_eq!(redact("s3cr3t-pw"), "s***w");
        assert_eq!(redact("abc"), "***");
        assert_eq!(redact(""), "");
        assert_eq!(redact("é€漢字"), "é***字");
    }
}
