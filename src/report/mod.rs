//! Writers: JSON and CSV files per ../shared/spec/outputs.md, and the two reports
//! (`sections` computes their content once; `html` and `markdown` render it). They
//! format what the aggregates and rules computed and decide nothing.

pub mod csv_out;
pub mod evidence;
pub mod findings_json;
pub mod html;
pub mod it_csv;
pub mod json_out;
pub mod l2_csv;
pub mod markdown;
pub mod sections;
pub mod svg;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Text of a flow address: IPv4-mapped addresses print as IPv4.
pub fn addr_text(a: &[u8; 16], v6: bool) -> String {
    ip_of(a, v6).to_string()
}

pub fn ip_of(a: &[u8; 16], v6: bool) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::from(*a))
    } else {
        IpAddr::V4(Ipv4Addr::new(a[12], a[13], a[14], a[15]))
    }
}

pub fn mac_text(m: &[u8; 6]) -> String {
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        m[0], m[1], m[2], m[3], m[4], m[5]
    )
}

/// RFC 3339 UTC with `digits` of sub-second precision.
pub fn ts_text(ns: i64, digits: u8) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(ns as i128) else {
        return String::new();
    };
    let mut s = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    if digits > 0 {
        let frac = format!("{:09}", t.nanosecond());
        s.push('.');
        s.push_str(&frac[..digits.min(9) as usize]);
    }
    s.push('Z');
    s
}

/// Neutralises a CSV cell taken from outside input so spreadsheets do not run it as a
/// formula (OWASP CSV injection guidance).
pub fn safe_cell(s: &str) -> String {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_keep_precision() {
        assert_eq!(
            ts_text(1_500_000_000_123_456_789, 6),
            "2017-07-14T02:40:00.123456Z"
        );
        assert_eq!(
            ts_text(1_500_000_000_123_456_789, 9),
            "2017-07-14T02:40:00.123456789Z"
        );
        assert_eq!(ts_text(0, 0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(safe_cell("=cmd()"), "'=cmd()");
        assert_eq!(safe_cell("@x"), "'@x");
        assert_eq!(safe_cell("plc-1"), "plc-1");
    }
}
