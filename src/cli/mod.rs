//! Command-line interface: arguments, dispatch, printing and exit codes.

mod args;
mod baseline;
mod check;
mod completions;
mod coverage;
mod date;
mod diff;
mod explain;
mod fmt;
mod generated;
mod man;
mod mutate;
mod new;
mod report;
mod schema;
mod terminal;
mod validate;
mod verify;

use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything passed (or nothing changed).
    Ok = 0,
    /// A requirement failed, a waiver expired, the reports differ from the
    /// baseline, or a decision changed.
    Failed = 1,
    /// Bad input or usage.
    Invalid = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Invalid.into()
            } else {
                Exit::Ok.into()
            };
        }
    };
    let term = terminal::Terminal::new(cli.global.color, cli.global.error_format);
    if let Some(jobs) = cli.global.jobs {
        // Only fails if a pool was already built, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    let exit = match &cli.command {
        Command::Check(args) => check::run(&cli.global, args, &term),
        Command::Validate(args) => validate::run(&cli.global, args, &term),
        Command::Report(args) => report::run(&cli.global, args, &term),
        Command::Date(args) => date::run(&cli.global, args, &term),
        Command::Coverage(args) => coverage::run(&cli.global, args, &term),
        Command::Explain(args) => explain::run(&cli.global, args, &term),
        Command::Schema(args) => schema::run(&cli.global, args, &term),
        Command::New(args) => new::run(&cli.global, args, &term),
        Command::Fmt(args) => fmt::run(&cli.global, args, &term),
        Command::Completions(args) => completions::run(&cli.global, args, &term),
        Command::Man(args) => man::run(&cli.global, args, &term),
        Command::Accept(args) => baseline::accept(&cli.global, args, &term),
        Command::Reject(args) => baseline::reject(&cli.global, args, &term),
        Command::Diff(args) => diff::run(&cli.global, args, &term),
        Command::Mutate(args) => mutate::run(&cli.global, args, &term),
        Command::Verify(args) => verify::run(&cli.global, args, &term),
    };
    exit.into()
}
