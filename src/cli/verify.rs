//! `lexgate verify`: prove properties with cvc5, report, and optionally
//! append the confirmed counterexamples to a case file.

use std::time::{Duration, Instant};

use lexgate::diagnostic::{Code, Diag};
use lexgate::verify::model::{Confirmation, VerifyReport};
use lexgate::verify::solver::{find_cvc5, SolverConfig, INSTALL_HELP};
use lexgate::verify::{render, verify, VerifyOptions};
use lexgate::RunOptions;

use lexgate::revision::Checkout;

use super::args::{DiffArgs, DiffFormat, GlobalArgs, VerifyArgs, VerifyFormat};
use super::terminal::Terminal;
use super::Exit;

/// The solver and the regime filter, or the reason there are none.
fn prepare(regime: &[String], timeout: u64, term: &Terminal) -> Option<VerifyOptions> {
    let Some(path) = find_cvc5() else {
        let diag = Diag::new(
            Code::SolverMissing,
            "cvc5 was not found (looked at $CVC5, then PATH)",
        )
        .with_help(INSTALL_HELP);
        term.diagnostics(&[diag], "nothing was verified");
        return None;
    };
    let resolved = (RunOptions {
        regimes: regime.to_vec(),
        ..RunOptions::default()
    })
    .resolve()
    .map_err(|diags| term.diagnostics(&diags, "nothing was verified"))
    .ok()?;
    Some(VerifyOptions {
        regimes: resolved.load.regimes,
        solver: SolverConfig {
            path,
            timeout: Duration::from_secs(timeout.max(1)),
        },
    })
}

/// Runs `diff --symbolic` on two checked-out versions.
pub fn symbolic_diff(args: &DiffArgs, old: &Checkout, new: &Checkout, term: &Terminal) -> Exit {
    let Some(options) = prepare(&args.filter.regime, DIFF_TIMEOUT_SECS, term) else {
        return Exit::Invalid;
    };
    let diff = match lexgate::verify::diff::symbolic_diff(
        &old.root,
        &new.root,
        &options.regimes,
        &options.solver,
    ) {
        Ok(d) => d,
        Err(diags) => {
            term.diagnostics(&diags, "nothing was compared");
            return Exit::Invalid;
        }
    };
    term.out(&match args.format {
        DiffFormat::Json => {
            let mut text = serde_json::to_string_pretty(&diff).unwrap_or_default();
            text.push('\n');
            text
        }
        DiffFormat::Text | DiffFormat::Markdown => lexgate::verify::diff::render_text(&diff),
    });
    if diff.is_equivalent() {
        Exit::Ok
    } else {
        Exit::Failed
    }
}

/// The time limit of one query of `diff --symbolic`.
const DIFF_TIMEOUT_SECS: u64 = 30;

/// Runs `verify`.
pub fn run(global: &GlobalArgs, args: &VerifyArgs, term: &Terminal) -> Exit {
    let Some(options) = prepare(&args.regime, args.timeout, term) else {
        return Exit::Invalid;
    };
    let started = Instant::now();
    let report = match verify(&global.root, &options) {
        Ok(r) => r,
        Err(diags) => {
            term.diagnostics(&diags, "nothing was verified");
            return Exit::Invalid;
        }
    };
    let text = match args.format {
        VerifyFormat::Human => render::human(&report),
        VerifyFormat::Json => render::json(&report),
        VerifyFormat::Sarif => render::sarif(&report),
        VerifyFormat::Junit => render::junit(&report),
    };
    match &args.output {
        Some(path) => {
            if let Err(d) = lexgate::output::write_atomic(path, &text) {
                term.diagnostics(&[*d], "the report was not written");
                return Exit::Invalid;
            }
        }
        None => term.out(&text),
    }
    if let Some(file) = &args.write_cases {
        match write_cases(file, &report) {
            Ok(n) => term.err(&format!(
                "{n} confirmed counterexample(s) appended to {}\n",
                file.display()
            )),
            Err(d) => {
                term.diagnostics(&[*d], "no counterexample was written");
                return Exit::Invalid;
            }
        }
    }
    term.err(&format!(
        "verified in {:.1} s\n",
        started.elapsed().as_secs_f64()
    ));
    if report.passed() {
        Exit::Ok
    } else {
        Exit::Failed
    }
}

/// Appends the confirmed counterexamples not yet in `file` under its
/// `scenarios:` (which must be its last top-level key), or creates it.
fn write_cases(file: &std::path::Path, report: &VerifyReport) -> Result<usize, Box<Diag>> {
    let confirmed: Vec<(&str, &str)> = report
        .counterexamples()
        .filter(|(_, cx)| cx.confirmation == Confirmation::Confirmed)
        .map(|(regime, cx)| (regime, cx.yaml.as_str()))
        .collect();
    let regimes: std::collections::BTreeSet<&str> = confirmed.iter().map(|(r, _)| *r).collect();
    if regimes.len() > 1 {
        return Err(Diag::new(
            Code::Usage,
            format!(
                "counterexamples of {} regimes cannot go to one case file",
                regimes.len()
            ),
        )
        .with_help("add --regime to verify one regime at a time")
        .boxed());
    }
    let existing = match std::fs::read_to_string(file) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Diag::new(
                Code::IoError,
                format!("cannot read `{}`: {e}", file.display()),
            )
            .boxed())
        }
    };
    let mut text = match &existing {
        Some(t) => {
            let last_key = t
                .lines()
                .rfind(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()));
            if last_key.map(str::trim_end) != Some("scenarios:") {
                return Err(Diag::new(
                    Code::Usage,
                    format!(
                        "`{}` does not end with its `scenarios:` list",
                        file.display()
                    ),
                )
                .with_help("move `scenarios:` to the end of the file, or name a new file")
                .boxed());
            }
            let mut t = t.clone();
            if !t.ends_with('\n') {
                t.push('\n');
            }
            t
        }
        None => "# Counterexamples found by `lexgate verify`.\nscenarios:\n".to_string(),
    };
    let mut added = 0;
    for (_, yaml) in confirmed {
        let name_line = yaml.lines().find(|l| l.trim_start().starts_with("- name:"));
        if name_line.is_some_and(|l| text.contains(l.trim())) {
            continue;
        }
        text.push_str(yaml);
        added += 1;
    }
    lexgate::output::write_atomic(file, &text)?;
    Ok(added)
}
