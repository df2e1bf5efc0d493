use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    statusgen::cli::run(statusgen::cli::Cli::parse())
}
