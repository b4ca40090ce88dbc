//! MAC address vendors from the IEEE registry (`catalogs/oui.tsv`): MA-L (24-bit),
//! MA-M (28-bit), MA-S and IAB (36-bit) blocks, the longest match winning.

use anyhow::{bail, Result};

/// Registered blocks of one prefix length, sorted by prefix.
#[derive(Default)]
struct Blocks {
    bits: u32,
    entries: Vec<(u64, u32)>,
}

/// The vendor table.
#[derive(Default)]
pub struct Oui {
    /// Longest prefix first.
    blocks: [Blocks; 3],
    names: Vec<String>,
}

impl Oui {
    pub fn parse(text: &str) -> Result<Oui> {
        let mut blocks = [36, 28, 24].map(|bits| Blocks {
            bits,
            entries: Vec::new(),
        });
        let mut names = Vec::new();
        let mut header = false;
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !header {
                if !line.starts_with("prefix\t") {
                    bail!(
                        "line {}: expected the header row 'prefix<TAB>vendor'",
                        n + 1
                    );
                }
                header = true;
                continue;
            }
            let Some((prefix, vendor)) = line.split_once('\t') else {
                bail!("line {}: expected prefix<TAB>vendor", n + 1);
            };
            let Ok(value) = u64::from_str_radix(prefix, 16) else {
                bail!("line {}: prefix '{prefix}' is not hexadecimal", n + 1);
            };
            let Some(b) = blocks
                .iter_mut()
                .find(|b| b.bits as usize == prefix.len() * 4)
            else {
                bail!("line {}: prefix '{prefix}' is not 6, 7 or 9 digits", n + 1);
            };
            if vendor.trim().is_empty() {
                bail!("line {}: empty vendor", n + 1);
            }
            b.entries.push((value, names.len() as u32));
            names.push(vendor.trim().to_string());
        }
        for b in &mut blocks {
            b.entries.sort_unstable();
            if b.entries.windows(2).any(|w| w[0].0 == w[1].0) {
                bail!("a {}-bit prefix is listed twice", b.bits);
            }
        }
        Ok(Oui { blocks, names })
    }

    /// The registered organization of a MAC address; `None` for locally administered
    /// (often randomised) addresses, group addresses and unassigned blocks.
    pub fn vendor(&self, mac: &[u8; 6]) -> Option<&str> {
        if mac[0] & 0x03 != 0 {
            return None;
        }
        let v = mac.iter().fold(0u64, |acc, &b| acc << 8 | b as u64);
        self.blocks.iter().find_map(|b| {
            let key = v >> (48 - b.bits);
            b.entries
                .binary_search_by_key(&key, |e| e.0)
                .ok()
                .map(|i| self.names[b.entries[i].1 as usize].as_str())
        })
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_block_wins() {
        let t = "prefix\tvendor\n0050C2\tIEEE RA\n0050C28F2\tSmall One\n70B3D5\tIEEE RA\n1C8259A\tMedium\n";
        let o = Oui::parse(t).unwrap();
        assert_eq!(
            o.vendor(&[0x00, 0x50, 0xc2, 0x8f, 0x20, 0x01]),
            Some("Small One")
        );
        assert_eq!(
            o.vendor(&[0x00, 0x50, 0xc2, 0x8f, 0x30, 0x01]),
            Some("IEEE RA")
        );
        assert_eq!(o.vendor(&[0x1c, 0x82, 0x59, 0xa0, 0, 1]), Some("Medium"));
        assert_eq!(o.vendor(&[0x1c, 0x82, 0x59, 0xb0, 0, 1]), None);
        // Locally administered and group addresses belong to no registrant.
        assert_eq!(o.vendor(&[0x02, 0x50, 0xc2, 0, 0, 1]), None);
        assert_eq!(o.vendor(&[0x01, 0x50, 0xc2, 0, 0, 1]), None);
    }

    #[test]
    fn bad_tables_are_rejected_with_the_line() {
        for (t, want) in [
            ("vendor\n", "line 1"),
            ("prefix\tvendor\nXYZ123\tA\n", "line 2"),
            ("prefix\tvendor\n00112\tA\n", "line 2"),
            ("prefix\tvendor\n001122\t \n", "line 2"),
        ] {
            let e = Oui::parse(t).err().unwrap().to_string();
            assert!(e.contains(want), "{t:?}: {e}");
        }
        assert!(Oui::parse("prefix\tvendor\n001122\tA\n001122\tB\n").is_err());
    }
}
