//! The review context findings point to: MITRE ATT&CK for ICS techniques with their
//! tactics (`attack_ics.tsv`) and NIST SP 800-82r3 themes (`nist_800_82r3.tsv`).
//! Parsed from the embedded files or `--catalog-dir`, and checked: every technique's
//! tactic must be a listed tactic, ids must be well formed and unique.

use anyhow::{bail, Context, Result};

#[derive(Clone, Debug)]
pub struct Technique {
    pub id: String,
    pub name: String,
    pub tactics: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Attack {
    /// (id, name) in matrix order.
    pub tactics: Vec<(String, String)>,
    pub techniques: Vec<Technique>,
}

#[derive(Clone, Debug)]
pub struct Theme {
    pub name: String,
    /// CSF function.category, e.g. `DE.CM`.
    pub csf: String,
    /// Chapter of SP 800-82r3.
    pub chapter: String,
    pub why: String,
}

#[derive(Clone, Debug, Default)]
pub struct Nist {
    pub themes: Vec<Theme>,
}

/// The data rows of a TSV catalog (comments and the header skipped), with their line
/// numbers; the header must start with `first`.
fn rows<'t>(text: &'t str, first: &str, cols: usize) -> Result<Vec<(usize, Vec<&'t str>)>> {
    let mut out = Vec::new();
    let mut header = false;
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let c: Vec<&str> = line.split('\t').map(str::trim).collect();
        if !header {
            if c.first() != Some(&first) {
                bail!("line {line_no}: expected the header row starting with '{first}'");
            }
            header = true;
            continue;
        }
        if c.len() < cols {
            bail!(
                "line {line_no}: expected {cols} tab-separated columns, found {}",
                c.len()
            );
        }
        out.push((line_no, c));
    }
    if !header {
        bail!("no header row");
    }
    Ok(out)
}

impl Attack {
    pub fn parse(text: &str) -> Result<Attack> {
        let mut a = Attack::default();
        for (n, c) in rows(text, "kind", 3)? {
            let (id, name) = (c[1], c[2]);
            if name.is_empty() {
                bail!("line {n}: empty name");
            }
            match c[0] {
                "tactic" => {
                    if !well_formed(id, "TA") {
                        bail!("line {n}: bad tactic id '{id}'");
                    }
                    a.tactics.push((id.into(), name.into()));
                }
                "technique" => {
                    if !well_formed(id, "T") {
                        bail!("line {n}: bad technique id '{id}'");
                    }
                    let tactics: Vec<String> = c
                        .get(3)
                        .unwrap_or(&"")
                        .split(';')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(String::from)
                        .collect();
                    if tactics.is_empty() {
                        bail!("line {n}: technique {id} has no tactic");
                    }
                    for t in &tactics {
                        if !a.tactics.iter().any(|(_, name)| name == t) {
                            bail!("line {n}: technique {id}: unknown tactic '{t}'");
                        }
                    }
                    a.techniques.push(Technique {
                        id: id.into(),
                        name: name.into(),
                        tactics,
                    });
                }
                k => bail!("line {n}: unknown kind '{k}'"),
            }
            let dup = a.tactics.iter().filter(|(i, _)| i == id).count()
                + a.techniques.iter().filter(|t| t.id == id).count();
            if dup > 1 {
                bail!("line {n}: duplicate id '{id}'");
            }
        }
        Ok(a)
    }

    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.techniques.iter().find(|t| t.id == id)
    }
}

/// `T0846`, `T0846.001`, `TA0102`: the prefix then four digits, an optional
/// three-digit sub-technique.
fn well_formed(id: &str, prefix: &str) -> bool {
    let Some(rest) = id.strip_prefix(prefix) else {
        return false;
    };
    let (main, sub) = rest.split_once('.').unwrap_or((rest, ""));
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    digits(main, 4) && (sub.is_empty() || (prefix == "T" && digits(sub, 3)))
}

impl Nist {
    pub fn parse(text: &str) -> Result<Nist> {
        let mut themes: Vec<Theme> = Vec::new();
        for (n, c) in rows(text, "theme", 4)? {
            if c[0].is_empty() || c[3].is_empty() {
                bail!("line {n}: a theme needs a name and a why");
            }
            let csf_ok = c[1].split_once('.').is_some_and(|(f, cat)| {
                ["ID", "PR", "DE", "RS", "RC"].contains(&f)
                    && cat.len() == 2
                    && cat.bytes().all(|b| b.is_ascii_uppercase())
            });
            if !csf_ok {
                bail!("line {n}: bad CSF category '{}'", c[1]);
            }
            if themes.iter().any(|t| t.name == c[0]) {
                bail!("line {n}: duplicate theme '{}'", c[0]);
            }
            themes.push(Theme {
                name: c[0].into(),
                csf: c[1].into(),
                chapter: c[2].into(),
                why: c[3].into(),
            });
        }
        Ok(Nist { themes })
    }

    pub fn theme(&self, name: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.name == name)
    }
}

/// Reads `name` from `dir` when it holds one, else takes the embedded text.
pub(crate) fn text_of(dir: Option<&std::path::Path>, name: &str, embedded: &str) -> Result<String> {
    match dir.map(|d| d.join(name)) {
        Some(p) if p.exists() => {
            std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))
        }
        _ => Ok(embedded.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        assert!(well_formed("T0846", "T"));
        assert!(well_formed("T0846.001", "T"));
        assert!(well_formed("TA0102", "TA"));
        assert!(!well_formed("T846", "T"));
        assert!(!well_formed("TA0102.001", "TA"));
        assert!(!well_formed("X0846", "T"));
    }

    #[test]
    fn bad_rows_name_their_line() {
        let e = Attack::parse(
            "kind\tid\tname\ttactics\ntactic\tTA0102\tDiscovery\t\ntechnique\tT0846\tX\tNope\n",
        )
        .unwrap_err();
        assert!(format!("{e:#}").contains("line 3"), "{e:#}");
        assert!(Attack::parse("kind\tid\tname\ttactics\ntactic\tTA01\tX\t\n").is_err());
        let e = Nist::parse("theme\tcsf\twhere\twhy\nX\tZZ.AM\t6\twhy\n").unwrap_err();
        assert!(format!("{e:#}").contains("line 2"), "{e:#}");
        assert!(
            Nist::parse("theme\tcsf\twhere\twhy\nX\tID.AM\t6\twhy\nX\tID.AM\t6\twhy\n").is_err()
        );
    }
}
