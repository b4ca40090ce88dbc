//! `report.md`: the report an analyst reads or hands on, in Markdown. It renders the
//! sections of [`super::sections`] (the same as report.html's, with tables where the
//! HTML page draws) and computes nothing. Every string passes through [`md_cut`], so
//! text from a capture cannot open a link, an HTML tag, code or a table cell; code
//! spans are used only for text that cannot close or break them.

use std::path::Path;

use anyhow::Result;

use super::sections::{Block, Report, Span};

/// Text from a capture made inert in Markdown: punctuation that starts markup is
/// escaped, control characters and line breaks become spaces, and it is cut at 200
/// characters.
pub fn md(s: &str) -> String {
    md_cut(s, 200)
}

/// [`md`], cut at `max` characters.
pub fn md_cut(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '<' | '>' | '#' | '|'
            | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span when the text cannot end it, break a table cell, open a tag or a link
/// (letters, digits and harmless punctuation); otherwise escaped text.
fn code(s: &str, max: usize) -> String {
    let plain = |c: char| c.is_alphanumeric() || " .,:;-_/=&!@%+*'\"~?$(){}…".contains(c);
    let t = super::html::cut(s, max);
    if t.is_empty() {
        String::new()
    } else if t.chars().all(plain) && !t.starts_with(' ') && !t.ends_with(' ') {
        format!("`{t}`")
    } else {
        md_cut(s, max)
    }
}

pub fn write(path: &Path, r: &Report) -> Result<()> {
    std::fs::write(path, render(r))?;
    Ok(())
}

/// The whole document.
pub fn render(r: &Report) -> String {
    let mut s = String::with_capacity(64 << 10);
    s.push_str("# ottr report\n\n");
    spans(&mut s, &r.subtitle);
    s.push_str("\n\n");
    for sec in &r.sections {
        s.push_str("## ");
        s.push_str(&md(sec.title));
        s.push_str("\n\n");
        for b in &sec.blocks {
            block(&mut s, b, 3);
        }
    }
    s.push_str(
        "Written by ottr from passive capture analysis only; every finding needs an \
         analyst's confirmation.\n",
    );
    s
}

fn span(s: &mut String, sp: &Span) {
    match sp {
        Span::Text(t, max) => s.push_str(&md_cut(t, *max)),
        Span::Num(t) => s.push_str(&md(t)),
        Span::Code(t, max) => s.push_str(&code(t, *max)),
        Span::Strong(t) => {
            s.push_str("**");
            s.push_str(&md(t));
            s.push_str("**");
        }
        Span::Severity(v) | Span::Tag(_, v) => s.push_str(&md(v)),
        // Heading anchors differ between Markdown renderers: the text alone.
        Span::Link { text, .. } => s.push_str(&md(text)),
        Span::Break => s.push_str("; "),
    }
}

fn spans(s: &mut String, list: &[Span]) {
    for sp in list {
        span(s, sp);
    }
}

/// Renders `b`; `level` is the level of its headings.
fn block(s: &mut String, b: &Block, level: usize) {
    match b {
        Block::Para(t) | Block::Note(t) => {
            spans(s, t);
            s.push_str("\n\n");
        }
        Block::Notice(t) => {
            s.push_str("> ");
            spans(s, t);
            s.push_str("\n\n");
        }
        Block::Heading(t) => {
            s.push_str(&"#".repeat(level));
            s.push(' ');
            s.push_str(&md(t));
            s.push_str("\n\n");
        }
        Block::Facts(list) => {
            for (k, v) in list {
                s.push_str("- ");
                s.push_str(&md(k));
                s.push_str(": ");
                spans(s, v);
                s.push('\n');
            }
            s.push('\n');
        }
        Block::List { ordered, items, .. } => {
            for (i, item) in items.iter().enumerate() {
                if *ordered {
                    s.push_str(&format!("{}. ", i + 1));
                } else {
                    s.push_str("- ");
                }
                spans(s, item);
                s.push('\n');
            }
            s.push('\n');
        }
        Block::Table { head, rows } => {
            // A column of numbers only is right-aligned.
            let numeric: Vec<bool> = (0..head.len())
                .map(|i| {
                    !rows.is_empty()
                        && rows.iter().all(|r| {
                            r.get(i)
                                .is_some_and(|c| c.iter().all(|sp| matches!(sp, Span::Num(_))))
                        })
                })
                .collect();
            s.push('|');
            for h in head {
                s.push(' ');
                s.push_str(&md(h));
                s.push_str(" |");
            }
            s.push_str("\n|");
            for num in &numeric {
                s.push_str(if *num { "---:|" } else { "---|" });
            }
            s.push('\n');
            for row in rows {
                s.push('|');
                for i in 0..head.len() {
                    s.push(' ');
                    if let Some(cell) = row.get(i) {
                        spans(s, cell);
                    }
                    s.push_str(" |");
                }
                s.push('\n');
            }
            s.push('\n');
        }
        Block::Svg { fallback, .. } => {
            for b in fallback {
                block(s, b, level);
            }
        }
        Block::Alt { markdown, .. } => {
            for b in markdown {
                block(s, b, level);
            }
        }
        Block::Article {
            badge,
            title,
            blocks,
            ..
        } => {
            s.push_str(&"#".repeat(level));
            s.push(' ');
            spans(s, title);
            if let Some(b) = badge {
                s.push_str(" (");
                span(s, b);
                s.push(')');
            }
            s.push_str("\n\n");
            for b in blocks {
                block(s, b, level + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_text_is_inert() {
        let hostile = "<script>alert(1)</script>|[x](http://e/)`code`\n# h\u{7}";
        let out = md(hostile);
        // Every character that opens markup is escaped (a tag, a link, code, a table
        // cell, a heading), so a renderer shows it as text.
        for c in ['<', '>', '[', ']', '(', ')', '`', '|', '#'] {
            let escaped = format!("\\{c}");
            assert_eq!(
                out.matches(c).count(),
                out.matches(&escaped).count(),
                "{c} in {out}"
            );
        }
        assert!(!out.contains('\n') && !out.contains('\u{7}'), "{out}");
        assert_eq!(md(&"a".repeat(500)).chars().count(), 201);
    }

    #[test]
    fn code_spans_only_for_text_that_cannot_escape_them() {
        assert_eq!(code("T0843", 200), "`T0843`");
        assert_eq!(code("", 200), "");
        assert_eq!(
            code("frame.number in {17 19}", 200),
            "`frame.number in {17 19}`"
        );
        // A backtick, a pipe, a tag or a link: escaped text, no code span.
        for bad in ["a`b", "ip.addr == 1 || x", "<b>", "[x](http://e/)"] {
            let out = code(bad, 200);
            assert!(!out.starts_with('`'), "{out}");
            assert_eq!(out, md(bad));
        }
    }
}
