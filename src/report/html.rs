//! `report.html`: one self-contained page, the report an analyst opens first. It
//! renders the sections of [`super::sections`]; it computes nothing.
//!
//! Safety, because every name in it comes from a capture an attacker may have shaped:
//! - every string of a section passes through [`esc_cut`] (text) or [`attr`]
//!   (attribute values), the `html-escape` crate's encoders, after control characters
//!   are replaced and the string is cut ([`MAX_TEXT`] characters for capture text), in
//!   HTML and inside the inline SVG alike; the only markup not made here is the SVG
//!   that [`super::svg`] draws under the same rule;
//! - there is no script, no `style=` attribute, no remote font, image or link: all CSS
//!   is in one `<style>` element whose SHA-256 the Content-Security-Policy names, so a
//!   browser refuses any other style or any script even if one slipped through.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::sections::{Block, Report, Span, Tag};
pub use super::sections::{MAX_TEXT, SECTIONS};

/// Capture text made safe for HTML text, cut at `max` characters.
pub fn esc_cut(s: &str, max: usize) -> String {
    html_escape::encode_text(&cut(s, max)).into_owned()
}

/// Capture text made safe for HTML text, cut at [`MAX_TEXT`].
pub fn esc(s: &str) -> String {
    esc_cut(s, MAX_TEXT)
}

/// Capture text made safe inside a double-quoted attribute.
pub fn attr(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(&cut(s, MAX_TEXT)).into_owned()
}

/// At most `max` characters; control characters become spaces.
pub fn cut(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max.saturating_mul(4)));
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// The report's style sheet (its hash goes in the Content-Security-Policy).
pub const CSS: &str = include_str!("report.css");

/// The CSP `style-src` source for `css`: `'sha256-<base64>'`.
pub fn style_hash(css: &str) -> String {
    let digest = Sha256::digest(css.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

pub fn write(path: &Path, r: &Report) -> Result<()> {
    std::fs::write(path, render(r))?;
    Ok(())
}

/// The whole page.
pub fn render(r: &Report) -> String {
    let mut s = String::with_capacity(256 << 10);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; img-src data:\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>ottr report</title><style>{CSS}</style></head><body>\n",
        style_hash(CSS)
    );
    s.push_str("<header><h1>ottr report</h1><p class=\"sub\">");
    spans(&mut s, &r.subtitle);
    s.push_str("</p></header>\n<nav><ol>");
    for sec in &r.sections {
        let _ = write!(
            s,
            "<li><a href=\"#{}\">{}</a></li>",
            attr(sec.id),
            esc(sec.title)
        );
    }
    s.push_str("</ol></nav>\n<main>\n");
    for sec in &r.sections {
        let _ = writeln!(
            s,
            "<section id=\"{}\"><h2>{}</h2>",
            attr(sec.id),
            esc(sec.title)
        );
        for b in &sec.blocks {
            block(&mut s, b);
        }
        s.push_str("</section>\n");
    }
    s.push_str(
        "</main><footer>Written by ottr from passive capture analysis only; every \
         finding needs an analyst's confirmation.</footer></body></html>\n",
    );
    s
}

fn span(s: &mut String, sp: &Span) {
    match sp {
        Span::Text(t, max) => s.push_str(&esc_cut(t, *max)),
        Span::Num(t) => s.push_str(&esc(t)),
        Span::Code(t, max) => {
            let _ = write!(s, "<code>{}</code>", esc_cut(t, *max));
        }
        Span::Strong(t) => {
            let _ = write!(s, "<strong>{}</strong>", esc(t));
        }
        Span::Severity(v) => {
            let _ = write!(s, "<span class=\"sev sev-{}\">{}</span>", attr(v), esc(v));
        }
        Span::Tag(tag, v) => {
            let _ = match tag {
                Tag::Status => write!(s, "<span class=\"st-{}\">{}</span>", attr(v), esc(v)),
                Tag::Op => write!(s, "<span class=\"op-{}\">{}</span>", attr(v), esc(v)),
                Tag::Role => write!(s, "<span class=\"role\">{}</span>", esc(v)),
                Tag::Group => write!(s, "<span class=\"dot g-{}\"></span>{}", attr(v), esc(v)),
            };
        }
        Span::Link { anchor, text } => {
            let _ = write!(s, "<a href=\"#{}\">{}</a>", attr(anchor), esc(text));
        }
        Span::Break => s.push_str("<br>"),
    }
}

fn spans(s: &mut String, list: &[Span]) {
    for sp in list {
        span(s, sp);
    }
}

fn block(s: &mut String, b: &Block) {
    match b {
        Block::Para(t) => {
            s.push_str("<p>");
            spans(s, t);
            s.push_str("</p>\n");
        }
        Block::Note(t) => {
            s.push_str("<p class=\"note\">");
            spans(s, t);
            s.push_str("</p>\n");
        }
        Block::Notice(t) => {
            s.push_str("<div class=\"notice\"><p>");
            spans(s, t);
            s.push_str("</p></div>\n");
        }
        Block::Heading(t) => {
            let _ = writeln!(s, "<h3>{}</h3>", esc(t));
        }
        Block::Facts(list) => {
            s.push_str("<dl class=\"facts\">");
            for (k, v) in list {
                let _ = write!(s, "<dt>{}</dt><dd>", esc(k));
                spans(s, v);
                s.push_str("</dd>");
            }
            s.push_str("</dl>\n");
        }
        Block::List {
            ordered,
            class,
            items,
        } => {
            let tag = if *ordered { "ol" } else { "ul" };
            if class.is_empty() {
                let _ = write!(s, "<{tag}>");
            } else {
                let _ = write!(s, "<{tag} class=\"{}\">", attr(class));
            }
            for item in items {
                s.push_str("<li>");
                spans(s, item);
                s.push_str("</li>");
            }
            let _ = writeln!(s, "</{tag}>");
        }
        Block::Table { head, rows } => {
            // A scrolling table with sticky headers.
            s.push_str("<div class=\"tw\"><table><thead><tr>");
            for h in head {
                let _ = write!(s, "<th>{}</th>", esc(h));
            }
            s.push_str("</tr></thead><tbody>\n");
            for row in rows {
                s.push_str("<tr>");
                for cell in row {
                    s.push_str("<td>");
                    spans(s, cell);
                    s.push_str("</td>");
                }
                s.push_str("</tr>\n");
            }
            s.push_str("</tbody></table></div>\n");
        }
        Block::Svg { html, .. } => {
            s.push_str(html);
            s.push('\n');
        }
        Block::Alt { html, .. } => {
            for b in html {
                block(s, b);
            }
        }
        Block::Article {
            anchor,
            badge,
            title,
            blocks,
        } => {
            let _ = write!(s, "<article class=\"finding\" id=\"{}\"><h3>", attr(anchor));
            if let Some(b) = badge {
                span(s, b);
                s.push(' ');
            }
            spans(s, title);
            s.push_str("</h3>\n");
            for b in blocks {
                block(s, b);
            }
            s.push_str("</article>\n");
        }
    }
}
