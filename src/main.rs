use std::process::ExitCode;

use clap::Parser;

// A build allocates and frees millions of small strings on every core; mimalloc's
// per-thread heaps make that markedly cheaper than glibc's malloc (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    statusgen::cli::run(statusgen::cli::Cli::parse())
}
