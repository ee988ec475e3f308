//! `lexgate completions`: a shell completion script, generated from the
//! command line's definition.

use clap::CommandFactory;
use clap_complete::generate;
use lexgate::diagnostic::{Code, Diag};

use super::args::{Cli, CompletionsArgs, GlobalArgs};
use super::terminal::Terminal;
use super::Exit;

/// Runs `completions`.
pub fn run(_global: &GlobalArgs, args: &CompletionsArgs, term: &Terminal) -> Exit {
    let mut cmd = Cli::command();
    let name = cmd.get_name().to_string();
    match &args.out {
        None => {
            let mut script = Vec::new();
            generate(args.shell, &mut cmd, name, &mut script);
            term.out(&String::from_utf8_lossy(&script));
            Exit::Ok
        }
        Some(dir) => {
            let written = std::fs::create_dir_all(dir)
                .and_then(|()| clap_complete::generate_to(args.shell, &mut cmd, name, dir));
            match written {
                Ok(path) => {
                    term.out(&format!("wrote {}\n", path.display()));
                    Exit::Ok
                }
                Err(e) => {
                    let d = Diag::new(
                        Code::WriteError,
                        format!("cannot write the completions to `{}`: {e}", dir.display()),
                    );
                    term.diagnostics(&[d], "nothing was written");
                    Exit::Invalid
                }
            }
        }
    }
}
