//! What the user typed: clap types only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Offline, passive triage of OT/ICS packet captures.
///
/// ottr reads pcap and pcapng files (one, many, a directory or a glob) and writes what
/// an analyst needs first: every conversation and endpoint, the protocols on the wire,
/// and how every packet was accounted for. It never sends a packet, opens a socket or
/// runs another program.
#[derive(Parser, Debug)]
#[command(name = "ottr", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Analyse captures and write the reports.
    ///
    /// One capture: OUT/ holds summary.json, conversations.csv, endpoints.csv,
    /// protocols.csv, ot_operations.csv, ot_timing.csv, assets.csv, assets.json,
    /// observations.csv, sensitive_hits_redacted.csv, remote_access.csv, arp.csv and
    /// run.json. Several captures: OUT/<capture-name>/ for each,
    /// OUT/rollup/ with the same files over all of them, and OUT/captures.csv with one
    /// row per input. With --combine, the inputs are one continuous recording and OUT/
    /// holds a single analysis.
    ///
    /// Exit status: 0 when every input was analysed cleanly; 1 when an input could not
    /// be read or was damaged (the others are still analysed and written, and the damage
    /// is described with its byte offset); 2 for a usage error.
    #[command(after_long_help = EXAMPLES)]
    Analyze(AnalyzeArgs),
}

const EXAMPLES: &str = "\
Examples:
  ottr analyze plant.pcapng -o out/
  ottr analyze captures/ -r -o out/            every capture below captures/
  ottr analyze 'span-*.pcap' --combine -o out/  rotated files as one recording
  ottr analyze big.pcap --threads 2 --profile   per-stage timing at the end";

#[derive(Args, Debug, Clone)]
pub struct AnalyzeArgs {
    /// Capture files, directories or glob patterns. A capture is recognised by its magic
    /// number, never by its name.
    #[arg(required = true, value_name = "TARGET")]
    pub targets: Vec<PathBuf>,

    /// Output directory [default: output/<capture-name>-<UTC timestamp>/]
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Descend into subdirectories of directory targets.
    #[arg(short = 'r', long)]
    pub recursive: bool,

    /// Treat the inputs as one continuous recording (rotated files), ordered by their
    /// first timestamp, so a flow crossing file boundaries is one conversation.
    #[arg(long)]
    pub combine: bool,

    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Read captures with plain reads instead of memory-mapping them (for filesystems
    /// where mapping misbehaves).
    #[arg(long)]
    pub no_mmap: bool,

    /// Bytes per parallel work unit; accepts K, M and G suffixes.
    #[arg(long, value_name = "SIZE", default_value = "2M", value_parser = parse_size)]
    pub chunk_size: usize,

    /// Directory whose catalog files replace the built-in ones (see catalogs/README.md).
    #[arg(long, value_name = "DIR")]
    pub catalog_dir: Option<PathBuf>,

    /// Skip the SHA-256 of each input (summary.json and run.json then leave `sha256`
    /// empty). Hashing runs beside the analysis but costs a core-second per ~1.5 GB.
    #[arg(long)]
    pub no_hash: bool,

    /// Walk every record header to cut chunks instead of guessing pcap chunk boundaries
    /// and confirming them in the workers (for testing; outputs are identical).
    #[arg(long, hide = true)]
    pub exact_scan: bool,

    /// Do not ask the kernel to map the next wave ahead of the workers (for measuring
    /// what the prefetch saves).
    #[arg(long, hide = true)]
    pub no_prefetch: bool,

    /// Run the capture engine alone, without application-protocol dissectors (for
    /// measuring what the dissectors cost).
    #[arg(long, hide = true)]
    pub no_dissect: bool,

    /// Run the industrial dissectors only: no IT protocol by port or by content (for
    /// measuring what the IT dissectors cost on their own).
    #[arg(long, hide = true)]
    pub no_it_dissect: bool,

    /// Write credentials and secrets seen in cleartext as they are, instead of only
    /// their first and last character (sensitive_hits_redacted.csv).
    #[arg(long)]
    pub show_secrets: bool,

    /// Site metadata (YAML, the layout of `suggested_metadata.yml`): expected services,
    /// protocols, assets and allowed talkers are checked against the traffic.
    #[arg(short = 'm', long, value_name = "SITE.yml")]
    pub metadata: Option<PathBuf>,

    /// Evidence frames listed per finding (findings.json), at most 32.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub max_evidence: u16,

    /// Conversations (client, server, protocol) drawn per graph in report.html; the
    /// rest are counted under the graph.
    #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(u32).range(3..))]
    pub graph_top_n: u32,

    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Print the per-stage wall and CPU time table at the end.
    #[arg(long)]
    pub profile: bool,
}

/// Parses sizes such as `4M`, `512K`, `1G` or plain bytes.
pub fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let (num, mul) = match s.char_indices().last() {
        Some((i, 'K' | 'k')) => (&s[..i], 1 << 10),
        Some((i, 'M' | 'm')) => (&s[..i], 1 << 20),
        Some((i, 'G' | 'g')) => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    let n: usize = num
        .parse()
        .map_err(|_| format!("'{s}' is not a size (examples: 4M, 512K, 65536)"))?;
    n.checked_mul(mul)
        .filter(|&v| v > 0)
        .ok_or_else(|| format!("size '{s}' must be above 0 and fit in memory"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4M"), Ok(4 << 20));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("0").is_err());
        assert!(parse_size("x").is_err());
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
