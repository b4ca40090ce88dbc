//! The `ottr` binary: parse arguments, run, map errors to exit codes.

use clap::Parser;
use ottr::cli::{Cli, Command};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Analyze(args) => match ottr::run::analyze(args, &argv) {
            Ok(code) => code,
            Err(e) => {
                if is_broken_pipe(&e) {
                    0
                } else {
                    eprintln!("ottr: error: {e:#}");
                    2
                }
            }
        },
    };
    std::process::exit(code);
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
