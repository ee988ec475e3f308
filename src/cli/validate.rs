//! `lexgate validate`: load everything, evaluate nothing.

use lexgate::load::load;
use lexgate::RunOptions;

use super::args::{GlobalArgs, ValidateArgs};
use super::terminal::Terminal;
use super::Exit;

/// Runs `validate`.
pub fn run(global: &GlobalArgs, args: &ValidateArgs, term: &Terminal) -> Exit {
    let options = RunOptions {
        regimes: args.regime.clone(),
        ..RunOptions::default()
    };
    let loaded = options
        .resolve()
        .and_then(|resolved| load(&global.root, &resolved.load));
    match loaded {
        Ok(project) => {
            let policies: usize = project.regimes.iter().map(|r| r.policies.info.len()).sum();
            let requirements: usize = project
                .regimes
                .iter()
                .map(|r| r.catalogue.catalogue.requirements.len())
                .sum();
            let scenarios: usize = project
                .regimes
                .iter()
                .flat_map(|r| &r.files)
                .map(|f| f.scenarios.len())
                .sum();
            for r in project.regimes.iter().filter(|r| r.files.is_empty()) {
                term.err(&format!(
                    "warning: regime `{}` has {} requirements but no scenario file in cases/{}/: they are all untested\n",
                    r.name,
                    r.catalogue.catalogue.requirements.len(),
                    r.name
                ));
            }
            term.out(&format!(
                "ok: {} regime(s) valid: {policies} policies, {requirements} requirements, {scenarios} scenarios\n",
                project.regimes.len()
            ));
            Exit::Ok
        }
        Err(diags) => {
            term.diagnostics(&diags, "fix them and run `lexgate validate` again");
            Exit::Invalid
        }
    }
}
