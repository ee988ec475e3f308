//! Finding cvc5 and talking to it.
//!
//! symcc speaks SMT-LIB to an external cvc5 process through an async API;
//! the rest of lexgate is synchronous, so each [`Session`] owns a
//! current-thread tokio runtime and one solver process, and blocks on every
//! query. A query's time limit is cvc5's own `--tlimit-per`: when it runs
//! out, cvc5 answers `unknown`, which is reported as such, never as proved.

use std::path::{Path, PathBuf};
use std::time::Duration;

use cedar_policy_symcc::solver::LocalSolver;
use cedar_policy_symcc::CedarSymCompiler;

/// How to install the solver, for the message when it is missing.
pub const INSTALL_HELP: &str =
    "install cvc5 (Debian/Ubuntu: `apt-get install -y cvc5`; others: https://cvc5.github.io/downloads.html), or set CVC5 to the path of its executable";

/// Where the cvc5 executable is: `$CVC5` when set, otherwise the first
/// `cvc5` on `PATH`. `None` when neither exists.
pub fn find_cvc5() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CVC5").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return is_executable(&path).then_some(path);
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .map(|d| d.join("cvc5"))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// The solver executable and the time limit of each query.
#[derive(Debug, Clone)]
pub struct SolverConfig {
    /// The cvc5 executable.
    pub path: PathBuf,
    /// The time limit of one query.
    pub timeout: Duration,
}

/// One solver process with the runtime that drives it.
pub struct Session {
    runtime: tokio::runtime::Runtime,
    compiler: CedarSymCompiler<LocalSolver>,
}

impl Session {
    /// Starts cvc5.
    pub fn start(config: &SolverConfig) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let limit = format!("--tlimit-per={}", config.timeout.as_millis().max(1));
        let solver = runtime
            .block_on(async {
                LocalSolver::from_command(
                    tokio::process::Command::new(&config.path)
                        .args(["--lang", "smt", &limit])
                        .kill_on_drop(true),
                )
            })
            .map_err(|e| format!("cannot start `{}`: {e}", config.path.display()))?;
        let compiler = CedarSymCompiler::new(solver)
            .map_err(|e| format!("cannot start the symbolic compiler: {e}"))?;
        Ok(Self { runtime, compiler })
    }

    /// Runs one query to completion.
    pub fn run<T, F>(&mut self, query: F) -> T
    where
        F: AsyncFnOnce(&mut CedarSymCompiler<LocalSolver>) -> T,
    {
        let compiler = &mut self.compiler;
        self.runtime.block_on(query(compiler))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_cvc5_variable_target_is_not_found() {
        assert!(!is_executable(Path::new("/nonexistent/cvc5")));
    }
}
