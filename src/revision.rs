//! A version of the project to compare: a folder as it is, or a git revision
//! read with the `git` command (`git archive` of `policies/` and `cases/`,
//! unpacked into a temporary folder that lives as long as the checkout).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagnostic::{Code, Diag};

/// A version of the project on disk.
#[derive(Debug)]
pub struct Checkout {
    /// How the user named it (the folder or the revision).
    pub label: String,
    /// The folder holding its `policies/` and `cases/`.
    pub root: PathBuf,
    /// The temporary folder of a git revision, removed when dropped.
    _temp: Option<tempfile::TempDir>,
}

impl Checkout {
    /// A folder, used as it is.
    pub fn folder(label: &str, root: &Path) -> Self {
        Self {
            label: label.to_string(),
            root: root.to_path_buf(),
            _temp: None,
        }
    }
}

/// Resolves `spec`: an existing folder (relative to the current folder), or
/// else a revision of the git repository that holds `repo_root`, whose
/// `policies/` and `cases/` (at the same place relative to the repository)
/// are extracted into a temporary folder.
pub fn checkout(spec: &str, repo_root: &Path) -> Result<Checkout, Box<Diag>> {
    let as_path = Path::new(spec);
    if as_path.is_dir() {
        return Ok(Checkout::folder(spec, as_path));
    }
    let fail = |why: String| {
        Diag::new(
            Code::GitError,
            format!("`{spec}` is neither a folder nor a readable git revision: {why}"),
        )
        .with_help("give a folder holding policies/ and cases/, or a revision such as `HEAD~1`, `main` or a commit id")
        .boxed()
    };
    let commit = git(
        repo_root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{spec}^{{commit}}"),
        ],
    )
    .map_err(|e| {
        fail(if e.is_empty() {
            "no such revision".into()
        } else {
            e
        })
    })?;
    let prefix = git(repo_root, &["rev-parse", "--show-prefix"]).map_err(fail)?;
    let top = git(repo_root, &["rev-parse", "--show-toplevel"]).map_err(fail)?;
    let tree = format!("{}:{}", commit.trim(), prefix.trim());
    let temp = tempfile::Builder::new()
        .prefix("lexgate-rev-")
        .tempdir()
        .map_err(|e| fail(e.to_string()))?;
    let tar = Command::new("git")
        .arg("-C")
        .arg(top.trim_end_matches('\n'))
        .args(["archive", "--format=tar", &tree, "--", "policies", "cases"])
        .output()
        .map_err(|e| fail(format!("cannot run git: {e}")))?;
    if !tar.status.success() {
        return Err(fail(
            String::from_utf8_lossy(&tar.stderr).trim().to_string(),
        ));
    }
    tar::Archive::new(tar.stdout.as_slice())
        .unpack(temp.path())
        .map_err(|e| fail(format!("cannot unpack the revision: {e}")))?;
    Ok(Checkout {
        label: spec.to_string(),
        root: temp.path().to_path_buf(),
        _temp: Some(temp),
    })
}

/// Runs git in `dir`; its standard output, or its standard error as the error.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}
