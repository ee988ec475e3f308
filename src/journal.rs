//! Replacing a set of files in one folder as a whole, with a journal.
//!
//! Each file's new contents is first staged beside it (a pending `*.new`
//! file, or a hidden staged file). Then a journal listing every step is
//! written atomically: that write is the commit point. The steps (renames
//! and removals) follow, and the journal is removed last. A process killed
//! before the commit leaves the old set (and the staged files, which the
//! caller may clean up); one killed after it leaves a journal that
//! [`recover`] — run by every command that reads or writes the folder —
//! completes. Each step is idempotent, so completing twice is harmless.

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diag};
use crate::output::write_atomic;

/// The journal's file name inside the folder.
pub const FILE_NAME: &str = ".lexgate-journal";

/// One step of a replacement, by file names inside the folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "lowercase")]
pub enum Step {
    /// Rename `staged` over `target` (nothing to do once `staged` is gone).
    Replace {
        /// The staged file.
        staged: String,
        /// The file it replaces.
        target: String,
    },
    /// Remove `target`, then `marker` (a pending file standing for the
    /// removal), if any; nothing to do once `marker` is gone.
    Remove {
        /// The file to remove.
        target: String,
        /// The file whose presence means the removal is still to be done.
        marker: Option<String>,
    },
}

/// Carries out `steps` in `dir` as a whole: journal, steps, journal removed.
/// `apply` performs one step (tests pass one that fails or stops).
pub fn commit(
    dir: &Path,
    steps: &[Step],
    apply: &mut dyn FnMut(&Path, &Step) -> io::Result<()>,
) -> Result<(), Box<Diag>> {
    if steps.is_empty() {
        return Ok(());
    }
    let text = serde_json::to_string_pretty(steps).map_err(|e| {
        Diag::new(Code::WriteError, format!("cannot write the journal: {e}")).boxed()
    })?;
    write_atomic(&dir.join(FILE_NAME), &text)?;
    finish(dir, steps, apply)
}

/// Completes a replacement that a killed or failed run left half done;
/// returns whether there was one.
pub fn recover(dir: &Path) -> Result<bool, Box<Diag>> {
    remove_leftover_temporaries(dir);
    let path = dir.join(FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(failed(dir, &e)),
    };
    let steps: Vec<Step> = serde_json::from_str(&text).map_err(|e| {
        Diag::new(
            Code::WriteError,
            format!(
                "the journal `{}` of an interrupted replacement cannot be read: {e}",
                path.display()
            ),
        )
        .with_help("compare the folder with git (`git status`), restore it, and delete the journal")
        .boxed()
    })?;
    finish(dir, &steps, &mut apply_step)?;
    Ok(true)
}

/// Performs one step on the file system (idempotently).
pub fn apply_step(dir: &Path, step: &Step) -> io::Result<()> {
    match step {
        Step::Replace { staged, target } => {
            match std::fs::rename(dir.join(staged), dir.join(target)) {
                Err(e) if e.kind() == io::ErrorKind::NotFound && !dir.join(staged).exists() => {
                    Ok(())
                }
                other => other,
            }
        }
        Step::Remove { target, marker } => {
            if marker.as_ref().is_some_and(|m| !dir.join(m).exists()) {
                return Ok(());
            }
            remove_if_there(&dir.join(target))?;
            match marker {
                Some(m) => remove_if_there(&dir.join(m)),
                None => Ok(()),
            }
        }
    }
}

/// Temporary files (`.lexgate-*.tmp`) that a killed atomic write left.
fn remove_leftover_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".lexgate-") && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn remove_if_there(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

fn finish(
    dir: &Path,
    steps: &[Step],
    apply: &mut dyn FnMut(&Path, &Step) -> io::Result<()>,
) -> Result<(), Box<Diag>> {
    for step in steps {
        apply(dir, step).map_err(|e| failed(dir, &e))?;
    }
    remove_if_there(&dir.join(FILE_NAME)).map_err(|e| failed(dir, &e))
}

fn failed(dir: &Path, e: &dyn std::fmt::Display) -> Box<Diag> {
    Diag::new(
        Code::WriteError,
        format!(
            "the files in `{}` could not all be replaced: {e}",
            dir.display()
        ),
    )
    .with_help(
        "the journal keeps what is left to do: fix the cause and run the command again; it completes the replacement first",
    )
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn steps() -> Vec<Step> {
        vec![
            Step::Replace {
                staged: "a.md.new".into(),
                target: "a.md".into(),
            },
            Step::Remove {
                target: "b.md".into(),
                marker: Some("b.md.new".into()),
            },
        ]
    }

    #[test]
    fn an_interrupted_replacement_is_completed_by_recover() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (name, text) in [
            ("a.md", "old"),
            ("a.md.new", "new"),
            ("b.md", "b"),
            ("b.md.new", ""),
        ] {
            std::fs::write(d.join(name), text).unwrap();
        }
        // Killed after the first step.
        let mut done = 0;
        let err = commit(d, &steps(), &mut |dir, step| {
            done += 1;
            if done > 1 {
                Err(io::Error::other("killed"))
            } else {
                apply_step(dir, step)
            }
        })
        .unwrap_err();
        assert!(err.message.contains("killed"));
        assert_eq!(names(d), [FILE_NAME, "a.md", "b.md", "b.md.new"]);
        assert!(recover(d).unwrap());
        assert_eq!(names(d), ["a.md"]);
        assert_eq!(std::fs::read_to_string(d.join("a.md")).unwrap(), "new");
        // Completing again is harmless; nothing is left to recover.
        finish(d, &steps(), &mut apply_step).unwrap();
        assert!(!recover(d).unwrap());
        assert_eq!(names(d), ["a.md"]);
    }
}
