//! Small helpers shared by the `ottr-perf` binaries.

/// Parse a human size such as `2GiB`, `64MiB`, `512KiB`, `1G`, `100MB`, `12345`.
///
/// Binary suffixes (`KiB`, `MiB`, `GiB`, `TiB`, and the bare `K`/`M`/`G`/`T`) are
/// powers of 1024; decimal suffixes (`KB`, `MB`, `GB`, `TB`) are powers of 1000.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let num: f64 = num
        .parse()
        .map_err(|_| format!("invalid size {s:?}: expected e.g. 2GiB, 64MiB, 1000000"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        other => return Err(format!("invalid size unit {other:?} in {s:?}")),
    };
    Ok((num * mult as f64).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("2GiB").unwrap(), 2 << 30);
        assert_eq!(parse_size("64MiB").unwrap(), 64 << 20);
        assert_eq!(parse_size("1.5G").unwrap(), 3 << 29);
        assert_eq!(parse_size("100MB").unwrap(), 100_000_000);
        assert_eq!(parse_size("12345").unwrap(), 12345);
        assert!(parse_size("abc").is_err());
        assert!(parse_size("3XB").is_err());
    }
}
