//! The `analyze` command: expands targets, runs the pipeline per capture (or once over
//! all of them with `--combine`), writes each output folder and the batch files, and
//! decides the exit status.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::capture::scan::{self, Item, Scanner};
use crate::capture::source::Source;
use crate::catalog::Catalog;
use crate::cli::AnalyzeArgs;
use crate::pipeline::{self, Analysis, CaptureReport, Options, StageTime};
use crate::report::{
    csv_out, evidence, findings_json, html, it_csv, json_out, l2_csv, markdown, sections,
};
use crate::rules;
use crate::site::{self, Site};

/// Extensions that mark a file as meant to be a capture when walking directories.
const CAPTURE_EXTS: [&str; 6] = ["pcap", "pcapng", "cap", "dmp", "pcap0", "ntar"];

/// Runs the command; returns the process exit status (0 clean, 1 damage or failure).
pub fn analyze(args: &AnalyzeArgs, argv: &[String]) -> Result<i32> {
    let started = Instant::now();
    let cpu0 = pipeline::process_cpu();
    let catalog = Catalog::load(args.catalog_dir.as_deref())?;
    let site = match &args.metadata {
        Some(p) => {
            let s = Site::load(p)?;
            if !args.quiet && !s.unknown_keys.is_empty() {
                eprintln!(
                    "ottr: {}: keys not in the metadata layout, ignored: {}",
                    p.display(),
                    s.unknown_keys.join(", ")
                );
            }
            Some(s)
        }
        None => None,
    };
    let mut inputs = expand(&args.targets, args.recursive)?;
    if inputs.is_empty() {
        bail!("no capture files found in {}", show(&args.targets));
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let total_bytes: u64 = inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let progress = Arc::new(AtomicU64::new(0));
    let mut opts = Options::new(threads);
    opts.chunk_bytes = args.chunk_size;
    opts.use_mmap = !args.no_mmap;
    opts.hash = !args.no_hash;
    opts.speculate = !args.exact_scan;
    opts.prefetch = !args.no_prefetch;
    opts.dissect = !args.no_dissect;
    opts.dissect_it = !args.no_it_dissect;
    opts.progress = Some(progress.clone());
    let bar = Progress::start(
        !args.quiet && std::io::stderr().is_terminal(),
        total_bytes,
        progress,
    );

    if args.combine {
        inputs.sort_by_key(|p| (first_ts(p, opts.use_mmap).unwrap_or(i64::MAX), p.clone()));
    }
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| default_out(&inputs, args.combine));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;

    let mut analyses: Vec<(Analysis, String)> = Vec::new();
    if args.combine || inputs.len() == 1 {
        let mut a = pipeline::analyze(&inputs, &opts);
        a.finish(&catalog);
        analyses.push((a, String::new()));
    } else {
        let names = unique_names(&inputs);
        for (p, name) in inputs.iter().zip(names) {
            let mut a = pipeline::analyze(std::slice::from_ref(p), &opts);
            a.finish(&catalog);
            analyses.push((a, name));
        }
    }
    bar.finish();

    let run_info = |wall: f64, cpu: f64| json_out::RunInfo {
        args: argv,
        threads,
        wall_s: wall,
        cpu_s: cpu,
    };
    let single = analyses.len() == 1 && analyses[0].1.is_empty();
    let mut rows: Vec<(&CaptureReport, String)> = Vec::new();
    let wall = started.elapsed().as_secs_f64();
    let cpu = (pipeline::process_cpu() - cpu0).as_secs_f64();
    let write = |dir: &Path, a: &Analysis| {
        write_all(
            dir,
            a,
            &run_info(wall, cpu),
            args,
            site.as_ref(),
            &catalog,
            threads,
        )
    };
    for (a, name) in &analyses {
        let dir = if single { out.clone() } else { out.join(name) };
        write(&dir, a)?;
        for c in &a.captures {
            rows.push((c, if single { ".".into() } else { name.clone() }));
        }
    }
    if !single || args.combine {
        csv_out::captures(&out.join("captures.csv"), &rows)?;
    }
    if !single {
        let parts: Vec<&Analysis> = analyses.iter().map(|(a, _)| a).collect();
        let mut roll = Analysis::rollup(&parts);
        roll.finish(&catalog);
        write(&out.join("rollup"), &roll)?;
    }

    let mut status = 0;
    for (a, _) in &analyses {
        for c in &a.captures {
            if c.status() != "ok" {
                status = 1;
            }
            if !args.quiet {
                describe(c);
            }
        }
        debug_assert!(a.counters.accounting_adds_up());
    }
    if !args.quiet {
        eprintln!("ottr: wrote {}", out.display());
    }
    if args.profile {
        for (a, name) in &analyses {
            profile_table(a, name, wall);
        }
    }
    Ok(status)
}

fn write_all(
    dir: &Path,
    a: &Analysis,
    info: &json_out::RunInfo<'_>,
    args: &AnalyzeArgs,
    site: Option<&Site>,
    catalog: &Catalog,
    threads: usize,
) -> Result<()> {
    let (t0, c0) = (Instant::now(), pipeline::process_cpu());
    let show_secrets = args.show_secrets;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let digits = a.precision();
    // The tables do not depend on the rules: with a second thread they are written
    // beside the rules, the reports and the evidence.
    let tables = || -> Result<()> {
        json_out::summary(&dir.join("summary.json"), a, digits)?;
        csv_out::conversations(&dir.join("conversations.csv"), a, digits)?;
        csv_out::endpoints(&dir.join("endpoints.csv"), a, digits)?;
        csv_out::protocols(&dir.join("protocols.csv"), a)?;
        csv_out::operations(&dir.join("ot_operations.csv"), a, digits)?;
        csv_out::timing(&dir.join("ot_timing.csv"), a)?;
        csv_out::assets(&dir.join("assets.csv"), a, digits)?;
        json_out::assets(&dir.join("assets.json"), a, digits)?;
        l2_csv::arp(&dir.join("arp.csv"), a, digits)?;
        it_csv::observations(&dir.join("observations.csv"), a, digits)?;
        it_csv::sensitive_hits(
            &dir.join("sensitive_hits_redacted.csv"),
            a,
            digits,
            show_secrets,
        )?;
        it_csv::remote_access(&dir.join("remote_access.csv"), a, digits)
    };
    let triage = || -> Result<StageTime> {
        let (t1, c1) = (Instant::now(), pipeline::thread_cpu());
        let settings = rules::Settings {
            max_evidence: args.max_evidence as usize,
            site,
        };
        let findings = rules::run(a, &settings);
        let rules_time = StageTime {
            name: "rules",
            wall: t1.elapsed(),
            cpu: pipeline::thread_cpu().saturating_sub(c1),
        };
        findings_json::write(&dir.join("findings.json"), a, &findings, digits)?;
        let report = sections::Report::build(
            a,
            &findings,
            &sections::Options {
                digits,
                graph_top_n: args.graph_top_n as usize,
                site,
                catalog: Some(catalog),
            },
        );
        markdown::write(&dir.join("report.md"), &report)?;
        html::write(&dir.join("report.html"), &report)?;
        site::suggest::write(&dir.join("suggested_metadata.yml"), a, site, digits)?;
        evidence::write(dir, a, &findings, show_secrets)?;
        Ok(rules_time)
    };
    let rules_time = if threads > 1 {
        std::thread::scope(|s| {
            let t = s.spawn(tables);
            let r = triage();
            t.join().expect("table writer")?;
            r
        })?
    } else {
        tables()?;
        triage()?
    };
    // Everything but the rules, on all threads.
    let report_time = StageTime {
        name: "report",
        wall: t0.elapsed().saturating_sub(rules_time.wall),
        cpu: pipeline::process_cpu()
            .saturating_sub(c0)
            .saturating_sub(rules_time.cpu),
    };
    json_out::run(&dir.join("run.json"), a, info, &[rules_time, report_time])?;
    Ok(())
}

/// Prints what happened to one input on stderr.
fn describe(c: &CaptureReport) {
    let p = c.path.display();
    if let Some(e) = &c.fatal {
        eprintln!("ottr: {p}: not analysed: {e}");
        return;
    }
    eprintln!(
        "ottr: {p}: {} packets, {} bytes, {}",
        c.counters_packets,
        c.counters_bytes,
        c.status()
    );
    for e in c.errors.iter().take(5) {
        eprintln!("ottr: {p}: damage {e}");
    }
    if c.errors.len() > 5 {
        eprintln!(
            "ottr: {p}: ... {} more (see summary.json)",
            c.errors.len() - 5 + c.suppressed as usize
        );
    }
    if !c.warnings.is_empty() {
        eprintln!(
            "ottr: {p}: {} warning(s), first {}",
            c.warnings.len(),
            c.warnings[0]
        );
    }
}

fn profile_table(a: &Analysis, name: &str, wall: f64) {
    let bytes: u64 = a.captures.iter().map(|c| c.size).sum();
    eprintln!("ottr profile {name}");
    eprintln!("  {:<8} {:>10} {:>10}", "stage", "wall_s", "cpu_s");
    for s in &a.stages {
        eprintln!(
            "  {:<8} {:>10.3} {:>10.3}",
            s.name,
            s.wall.as_secs_f64(),
            s.cpu.as_secs_f64()
        );
    }
    if wall > 0.0 {
        eprintln!(
            "  total {wall:.3} s, {:.3} GB/s, {:.2} Mpps",
            bytes as f64 / wall / 1e9,
            a.counters.total.packets as f64 / wall / 1e6
        );
    }
}

/// Expands files, directories and globs into the list of inputs, in a stable order.
pub fn expand(targets: &[PathBuf], recursive: bool) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for t in targets {
        if t.is_dir() {
            let mut found = Vec::new();
            walk(t, recursive, &mut found)?;
            found.sort();
            out.extend(found);
        } else if t.exists() {
            out.push(t.clone());
        } else {
            let pat = t.to_string_lossy();
            if pat.contains(['*', '?', '[']) {
                let mut found: Vec<PathBuf> = glob::glob(&pat)
                    .with_context(|| format!("bad pattern {pat}"))?
                    .filter_map(|r| r.ok())
                    .filter(|p| p.is_file())
                    .collect();
                if found.is_empty() {
                    bail!("no file matches {pat}");
                }
                found.sort();
                out.extend(found);
            } else {
                // Kept so the batch reports it as failed with the reason.
                out.push(t.clone());
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    Ok(out)
}

fn walk(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("reading directory {}", dir.display()))?;
    for e in entries.flatten() {
        let p = e.path();
        let ft = match e.file_type() {
            Ok(ft) => ft,
            Err(_) => continue,
        };
        if ft.is_dir() {
            if recursive {
                walk(&p, recursive, out)?;
            }
        } else if ft.is_file() && looks_like_capture(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// In a directory, a file is an input when its magic number is a capture's or its name
/// says it should be one (so a damaged capture is reported, not skipped).
fn looks_like_capture(p: &Path) -> bool {
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    if ext.is_some_and(|e| CAPTURE_EXTS.contains(&e.as_str()) || e.starts_with("pcap")) {
        return true;
    }
    let mut head = [0u8; 4];
    std::fs::File::open(p)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|_| crate::capture::Format::detect(&head).is_some())
}

/// Timestamp of a capture's first packet, for ordering rotated files.
fn first_ts(p: &Path, mmap: bool) -> Option<i64> {
    let src = Source::open(p, mmap).ok()?;
    let mut sc = Scanner::open(&src).ok()?;
    let wave = sc.next_wave(&src, 1 << 16, 1).ok()??;
    let chunk = wave.chunks.first()?;
    let ts = scan::records(chunk, &wave.data, wave.base).find_map(|i| match i {
        Item::Packet(r) => Some(r.ts_ns),
        Item::Bad { .. } | Item::Custom { .. } => None,
    });
    ts
}

fn unique_names(inputs: &[PathBuf]) -> Vec<String> {
    let mut used = std::collections::HashMap::<String, usize>::new();
    inputs
        .iter()
        .map(|p| {
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "capture".into());
            let stem: String = stem
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || "-_.".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let stem = if stem.is_empty() || stem == "rollup" {
                format!("capture_{stem}")
            } else {
                stem
            };
            let n = used.entry(stem.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                stem
            } else {
                format!("{stem}-{n}")
            }
        })
        .collect()
}

fn default_out(inputs: &[PathBuf], combine: bool) -> PathBuf {
    let now = time::OffsetDateTime::now_utc();
    let ts = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        now.month() as u8,
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let name = if inputs.len() == 1 || combine {
        unique_names(&inputs[..1]).remove(0)
    } else {
        "batch".to_string()
    };
    PathBuf::from("output").join(format!("{name}-{ts}"))
}

fn show(t: &[PathBuf]) -> String {
    t.iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The progress bar on stderr: bytes, rate, ETA.
struct Progress {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(enabled: bool, total: u64, pos: Arc<AtomicU64>) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        if !enabled {
            return Progress { stop, handle: None };
        }
        let s = stop.clone();
        let handle = std::thread::spawn(move || {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            while !s.load(Ordering::Relaxed) {
                bar.set_position(pos.load(Ordering::Relaxed).min(total));
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        Progress {
            stop,
            handle: Some(handle),
        }
    }

    fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
