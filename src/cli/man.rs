//! `lexgate man`: the manual page, generated from the command line's
//! definition.

use clap::CommandFactory;
use clap_mangen::Man;
use lexgate::diagnostic::{Code, Diag};

use super::args::{Cli, GlobalArgs, ManArgs};
use super::terminal::Terminal;
use super::Exit;

/// Runs `man`.
pub fn run(_global: &GlobalArgs, args: &ManArgs, term: &Terminal) -> Exit {
    let cmd = Cli::command();
    let written = match &args.out {
        None => {
            let mut page = Vec::new();
            Man::new(cmd)
                .render(&mut page)
                .map(|()| String::from_utf8_lossy(&page).into_owned())
        }
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(cmd, dir))
            .map(|()| format!("wrote the manual pages to {}\n", dir.display())),
    };
    match written {
        Ok(text) => {
            term.out(&text);
            Exit::Ok
        }
        Err(e) => {
            let d = Diag::new(Code::WriteError, format!("cannot write the manual: {e}"));
            term.diagnostics(&[d], "nothing was written");
            Exit::Invalid
        }
    }
}
