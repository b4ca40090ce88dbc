//! A BER/DER TLV reader (ITU-T X.690 §8.1), shared by the ASN.1-encoded protocols: the
//! OSI upper layers and MMS (`mms`), and any other BER protocol (GOOSE, Sampled
//! Values, SNMP) that wants it.
//!
//! Zero-copy and bounded: [`read`] splits one TLV off the front of a slice; a
//! constructed value's children are iterated with [`Tlv::children`]. What it accepts:
//!
//! - identifiers in one byte or in the multi-byte form (tag numbers above 30), up to
//!   [`MAX_TAG_BYTES`] subsequent bytes, so a tag number fits 28 bits;
//! - definite lengths, short form or long form with up to [`MAX_LENGTH_BYTES`] length
//!   bytes (non-minimal long forms are accepted, as BER allows);
//! - the indefinite length (`0x80`) is rejected ([`Error::Indefinite`]): finding its
//!   end needs a recursive scan, and the protocols read here send definite lengths.
//!
//! Integers are read up to 64 bits ([`Tlv::uint`], [`Tlv::int`]); longer ones answer
//! `None` rather than wrapping.

use std::fmt;

/// Most subsequent identifier bytes of a multi-byte tag (4 x 7 = 28 bits of number).
pub const MAX_TAG_BYTES: usize = 4;
/// Most length bytes of a long-form length (4: up to 4 GiB, more than any capture).
pub const MAX_LENGTH_BYTES: usize = 4;

/// The class bits of an identifier (X.690 §8.1.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    Universal,
    Application,
    Context,
    Private,
}

/// An identifier: class, primitive/constructed and tag number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tag {
    pub class: Class,
    pub constructed: bool,
    pub number: u32,
}

impl Tag {
    /// Universal tag numbers used by the dissectors (X.680 §8.4).
    pub const BOOLEAN: u32 = 1;
    pub const INTEGER: u32 = 2;
    pub const BIT_STRING: u32 = 3;
    pub const OCTET_STRING: u32 = 4;
    pub const NULL: u32 = 5;
    pub const OID: u32 = 6;
    pub const EXTERNAL: u32 = 8;
    pub const SEQUENCE: u32 = 16;
    pub const SET: u32 = 17;
    pub const VISIBLE_STRING: u32 = 26;

    /// The identifier octet of a tag number below 31 (class, constructed bit and
    /// number); `0x1f` in the low bits for a multi-byte tag.
    pub fn id(&self) -> u8 {
        let class = match self.class {
            Class::Universal => 0,
            Class::Application => 0x40,
            Class::Context => 0x80,
            Class::Private => 0xc0,
        };
        class | (self.constructed as u8) << 5 | self.number.min(0x1f) as u8
    }

    /// Whether the tag is `number` of `class`, primitive or constructed.
    pub fn is(&self, class: Class, number: u32) -> bool {
        self.class == class && self.number == number
    }
    /// A context-specific tag `[number]`, primitive or constructed.
    pub fn is_context(&self, number: u32) -> bool {
        self.is(Class::Context, number)
    }
    /// A universal tag, primitive or constructed.
    pub fn is_universal(&self, number: u32) -> bool {
        self.is(Class::Universal, number)
    }
}

/// Why bytes are not a TLV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the identifier, the length or the value need.
    Short { need: usize, have: usize },
    /// Indefinite length (`0x80`): not handled (see the module docs).
    Indefinite,
    /// A multi-byte tag longer than `MAX_TAG_BYTES`.
    TagTooLong,
    /// A long-form length of more than `MAX_LENGTH_BYTES` bytes, or `0xFF` (reserved,
    /// X.690 §8.1.3.5 c).
    LengthTooLong,
}

/// One TLV, borrowed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: Tag,
    /// Bytes of the identifier and length.
    pub header_len: usize,
    /// The contents octets.
    pub value: &'a [u8],
}

/// Reads the TLV at the start of `data`; returns it and the bytes after it.
pub fn read(data: &[u8]) -> Result<(Tlv<'_>, &[u8]), Error> {
    let (tag, at, len) = header(data)?;
    let end = at.checked_add(len).ok_or(Error::LengthTooLong)?;
    let value = data.get(at..end).ok_or(Error::Short {
        need: end,
        have: data.len(),
    })?;
    Ok((
        Tlv {
            tag,
            header_len: at,
            value,
        },
        &data[end..],
    ))
}

/// Like [`read`], for PDUs a capture often cuts (GOOSE, Sampled Values): a value
/// shorter than its length is returned as far as the bytes go, with `true` (cut); the
/// bytes after it are then empty.
pub fn read_lax(data: &[u8]) -> Result<(Tlv<'_>, bool, &[u8]), Error> {
    let (tag, at, len) = header(data)?;
    let end = at.saturating_add(len);
    let cut = end > data.len();
    let end = end.min(data.len());
    let tlv = Tlv {
        tag,
        header_len: at,
        value: &data[at..end],
    };
    Ok((tlv, cut, &data[end..]))
}

/// The TLVs laid end to end in `data`, read with [`read_lax`]: each with whether it
/// is cut. A TLV that cannot be read is yielded as the error, and ends the iteration.
pub fn iter_lax(mut data: &[u8]) -> impl Iterator<Item = Result<(Tlv<'_>, bool), Error>> {
    std::iter::from_fn(move || {
        if data.is_empty() {
            return None;
        }
        match read_lax(data) {
            Ok((t, cut, rest)) => {
                data = rest;
                Some(Ok((t, cut)))
            }
            Err(e) => {
                data = &[];
                Some(Err(e))
            }
        }
    })
}

/// The identifier and length at the start of `data`: (tag, bytes of both, length of
/// the value).
fn header(data: &[u8]) -> Result<(Tag, usize, usize), Error> {
    let short = |need: usize| Error::Short {
        need,
        have: data.len(),
    };
    let &first = data.first().ok_or(short(1))?;
    let class = match first >> 6 {
        0 => Class::Universal,
        1 => Class::Application,
        2 => Class::Context,
        _ => Class::Private,
    };
    let constructed = first & 0x20 != 0;
    let mut at = 1;
    let mut number = (first & 0x1F) as u32;
    if number == 0x1F {
        // Multi-byte tag: base-128 digits, the last without bit 8 (§8.1.2.4).
        number = 0;
        loop {
            if at > MAX_TAG_BYTES {
                return Err(Error::TagTooLong);
            }
            let &b = data.get(at).ok_or(short(at + 1))?;
            at += 1;
            number = number << 7 | (b & 0x7F) as u32;
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let &l = data.get(at).ok_or(short(at + 1))?;
    at += 1;
    let len = match l {
        0..=0x7F => l as usize,
        0x80 => return Err(Error::Indefinite),
        0xFF => return Err(Error::LengthTooLong),
        _ => {
            let n = (l & 0x7F) as usize;
            if n > MAX_LENGTH_BYTES {
                return Err(Error::LengthTooLong);
            }
            let bytes = data.get(at..at + n).ok_or(short(at + n))?;
            at += n;
            bytes.iter().fold(0usize, |acc, &b| acc << 8 | b as usize)
        }
    };
    let tag = Tag {
        class,
        constructed,
        number,
    };
    Ok((tag, at, len))
}

/// Reads the TLV at the start of `data`, ignoring what follows it.
pub fn first(data: &[u8]) -> Option<Tlv<'_>> {
    read(data).ok().map(|(t, _)| t)
}

impl<'a> Tlv<'a> {
    /// Bytes of the whole TLV.
    pub fn len(&self) -> usize {
        self.header_len + self.value.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    /// The TLVs inside the value (meaningful for constructed encodings). Iteration
    /// stops at the first malformed child.
    pub fn children(&self) -> Tlvs<'a> {
        Tlvs { rest: self.value }
    }
    /// The first child with context tag `[number]`.
    pub fn context(&self, number: u32) -> Option<Tlv<'a>> {
        self.children().find(|c| c.tag.is_context(number))
    }
    /// The first child with universal tag `number`.
    pub fn universal(&self, number: u32) -> Option<Tlv<'a>> {
        self.children().find(|c| c.tag.is_universal(number))
    }
    /// The only (first) child: the value of an explicitly tagged type or of a CHOICE.
    pub fn inner(&self) -> Option<Tlv<'a>> {
        self.children().next()
    }
    /// The value as an unsigned integer of up to 64 bits (a leading zero byte that
    /// keeps a large value positive is allowed); `None` if empty, negative or larger.
    pub fn uint(&self) -> Option<u64> {
        uint(self.value)
    }
    /// The value as a two's-complement integer of up to 64 bits.
    pub fn int(&self) -> Option<i64> {
        let v = self.value;
        if v.is_empty() || v.len() > 8 {
            return None;
        }
        let init = if v[0] & 0x80 != 0 { -1i64 } else { 0 };
        Some(v.iter().fold(init, |acc, &b| acc << 8 | b as i64))
    }
    /// The value of a BOOLEAN (any non-zero byte is true).
    pub fn boolean(&self) -> Option<bool> {
        match self.value {
            [b] => Some(*b != 0),
            _ => None,
        }
    }
}

/// INTEGER contents as an unsigned value of up to 64 bits (see [`Tlv::uint`]).
pub fn uint(v: &[u8]) -> Option<u64> {
    let v = match v {
        [0, rest @ ..] if !rest.is_empty() => rest,
        [b, ..] if b & 0x80 != 0 => return None,
        v => v,
    };
    if v.is_empty() || v.len() > 8 {
        return None;
    }
    Some(v.iter().fold(0u64, |acc, &b| acc << 8 | b as u64))
}

impl fmt::Debug for Tlv<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let class = match self.tag.class {
            Class::Universal => "U",
            Class::Application => "A",
            Class::Context => "C",
            Class::Private => "P",
        };
        let kind = if self.tag.constructed { "c" } else { "p" };
        write!(
            f,
            "{class}{}{kind}[{} bytes]",
            self.tag.number,
            self.value.len()
        )
    }
}

/// The TLVs of a constructed value, in order. Stops at the first malformed one;
/// `rest` then holds the bytes not read.
#[derive(Clone, Copy, Debug)]
pub struct Tlvs<'a> {
    pub rest: &'a [u8],
}

/// The TLVs laid end to end in `data`.
pub fn iter(data: &[u8]) -> Tlvs<'_> {
    Tlvs { rest: data }
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Tlv<'a>;
    fn next(&mut self) -> Option<Tlv<'a>> {
        let (t, rest) = read(self.rest).ok()?;
        self.rest = rest;
        Some(t)
    }
}

/// An OBJECT IDENTIFIER's contents (X.690 §8.19), printed in dotted form.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Oid<'a>(pub &'a [u8]);

/// Most arcs an OID prints (longer ones end in `...`).
const MAX_OID_ARCS: usize = 32;

impl<'a> Oid<'a> {
    /// The sub-identifiers as encoded (the first one holds the first two arcs); one
    /// that overflows 64 bits or is cut off ends the iteration.
    fn subids(&self) -> impl Iterator<Item = u64> + 'a {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            let mut v = 0u64;
            for (i, &b) in rest.iter().enumerate() {
                if v > u64::MAX >> 7 {
                    rest = &[];
                    return None;
                }
                v = v << 7 | (b & 0x7F) as u64;
                if b & 0x80 == 0 {
                    rest = &rest[i + 1..];
                    return Some(v);
                }
            }
            rest = &[];
            None
        })
    }

    /// The arcs, the first sub-identifier split into two (§8.19.4).
    pub fn arcs(&self) -> impl Iterator<Item = u64> + 'a {
        let mut first = true;
        self.subids().flat_map(move |s| {
            let pair = if std::mem::take(&mut first) {
                let a = (s / 40).min(2);
                [Some(a), Some(s - a * 40)]
            } else {
                [Some(s), None]
            };
            pair.into_iter().flatten()
        })
    }
}

impl fmt::Display for Oid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.arcs().enumerate() {
            if i == MAX_OID_ARCS {
                return f.write_str(".…");
            }
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{a}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Oid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lax_reading_keeps_what_a_cut_value_has() {
        let (t, cut, rest) = read_lax(&[0x9f, 0x81, 0x00, 0x81, 0x01, 0xaa, 0xbb]).unwrap();
        assert_eq!(
            (t.tag.number, t.value, cut, rest),
            (128, &[0xaa][..], false, &[0xbb][..])
        );
        assert_eq!(t.tag.id(), 0x9f);
        let (t, cut, rest) = read_lax(&[0x84, 0x05, 1, 2]).unwrap();
        assert_eq!(
            (t.tag.id(), t.value, cut, rest),
            (0x84, &[1, 2][..], true, &[][..])
        );
        assert_eq!(read_lax(&[0x30, 0x80]).err(), Some(Error::Indefinite));
        assert_eq!(
            read_lax(&[0x30, 0x85, 1, 1, 1, 1, 1]).err(),
            Some(Error::LengthTooLong)
        );
        let items: Vec<_> = iter_lax(&[0x80, 0x01, 7, 0x81, 0x03, 1]).collect();
        assert_eq!(items.len(), 2);
        assert!(matches!(items[1], Ok((_, true))));
        assert_eq!(
            iter_lax(&[0x80]).next(),
            Some(Err(Error::Short { need: 2, have: 1 }))
        );
        assert_eq!(
            (uint(&[0, 0xff]), uint(&[]), uint(&[0x80])),
            (Some(255), None, None)
        );
    }

    use super::*;

    #[test]
    fn short_and_long_forms() {
        let (t, rest) = read(&[0x02, 0x01, 0x05, 0xAA]).unwrap();
        assert_eq!(
            (t.tag.class, t.tag.constructed, t.tag.number),
            (Class::Universal, false, 2)
        );
        assert_eq!(
            (t.uint(), t.int(), t.len(), rest),
            (Some(5), Some(5), 3, &[0xAA][..])
        );
        let mut long = vec![0x04, 0x82, 0x01, 0x00];
        long.extend([7u8; 256]);
        let (t, rest) = read(&long).unwrap();
        assert_eq!((t.value.len(), t.header_len, rest.len()), (256, 4, 0));
        // A non-minimal long form is still BER.
        let (t, _) = read(&[0x80, 0x81, 0x01, 0x09]).unwrap();
        assert_eq!(
            (t.tag.class, t.tag.number, t.uint()),
            (Class::Context, 0, Some(9))
        );
    }

    #[test]
    fn multi_byte_tags() {
        // [APPLICATION 79] constructed (two-byte number), and a context tag 200.
        let (t, _) = read(&[0x7F, 0x4F, 0x00]).unwrap();
        assert_eq!(
            (t.tag.class, t.tag.constructed, t.tag.number),
            (Class::Application, true, 79)
        );
        let (t, _) = read(&[0x9F, 0x81, 0x48, 0x01, 0xFF]).unwrap();
        assert_eq!((t.tag.number, t.header_len, t.int()), (200, 4, Some(-1)));
        assert_eq!(
            read(&[0x9F, 0x81, 0x81, 0x81, 0x81, 0x01, 0]),
            Err(Error::TagTooLong)
        );
    }

    #[test]
    fn rejected_lengths() {
        assert_eq!(read(&[0x30, 0x80, 0, 0]), Err(Error::Indefinite));
        assert_eq!(read(&[0x30, 0xFF]), Err(Error::LengthTooLong));
        assert_eq!(
            read(&[0x30, 0x85, 1, 1, 1, 1, 1]),
            Err(Error::LengthTooLong)
        );
        assert_eq!(
            read(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]),
            Err(Error::Short {
                need: 6 + 0xFFFF_FFFF,
                have: 6
            })
        );
        assert_eq!(
            read(&[0x30, 0x03, 1]),
            Err(Error::Short { need: 5, have: 3 })
        );
    }

    #[test]
    fn integers() {
        fn int(v: &[u8]) -> Tlv<'_> {
            let tag = Tag {
                class: Class::Universal,
                constructed: false,
                number: Tag::INTEGER,
            };
            Tlv {
                tag,
                header_len: 2,
                value: v,
            }
        }
        assert_eq!(
            int(&[0x00, 0xFF, 0xFF, 0xFF, 0xFF]).uint(),
            Some(0xFFFF_FFFF)
        );
        assert_eq!(int(&[0xFF]).uint(), None);
        assert_eq!(int(&[0xFF, 0x7F]).int(), Some(-129));
        assert_eq!(int(&[]).uint(), None);
        assert_eq!(int(&[1; 9]).uint(), None);
        assert_eq!(
            int(&[0, 1, 2, 3, 4, 5, 6, 7, 8]).uint(),
            Some(0x0102030405060708)
        );
    }

    #[test]
    fn children_stop_at_malformed() {
        let seq = [0x30, 0x08, 0x02, 0x01, 0x01, 0x81, 0x01, 0x02, 0x04, 0x05];
        let t = first(&seq).unwrap();
        let kids: Vec<_> = t.children().collect();
        assert_eq!(kids.len(), 2);
        assert_eq!(t.context(1).and_then(|c| c.uint()), Some(2));
        assert_eq!(t.universal(Tag::INTEGER).and_then(|c| c.uint()), Some(1));
        let mut it = t.children();
        it.by_ref().count();
        assert_eq!(it.rest, &[0x04, 0x05]);
    }

    #[test]
    fn oids_print_dotted() {
        // 1.0.9506.2.3 (MMS application context) and 2.999.3.
        assert_eq!(
            Oid(&[0x28, 0xCA, 0x22, 0x02, 0x03]).to_string(),
            "1.0.9506.2.3"
        );
        assert_eq!(Oid(&[0x88, 0x37, 0x03]).to_string(), "2.999.3");
        assert_eq!(
            Oid(&[0x28, 0xCA]).to_string(),
            "1.0",
            "a cut arc is dropped"
        );
        let long = [0x81u8; 12];
        assert_eq!(
            Oid(&long).to_string(),
            "",
            "an arc over 64 bits ends the OID"
        );
    }

    #[test]
    fn every_prefix_is_handled() {
        let data = [0x7F, 0x4F, 0x82, 0x00, 0x03, 0x30, 0x01, 0x00];
        for cut in 0..data.len() {
            assert!(
                matches!(read(&data[..cut]), Err(Error::Short { .. })),
                "cut {cut}"
            );
        }
        assert!(read(&data).is_ok());
    }
}
