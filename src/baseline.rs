//! The committed reports as a baseline, in the insta manner.
//!
//! A run's report files are compared with the baseline folder; a difference is
//! shown as a unified diff and, outside CI, written beside the baseline as a
//! pending file `<name>.new`. `accept` renames every pending file over its
//! baseline file, `reject` deletes them. An empty pending file stands for a
//! baseline file that no regime produces any more: accepting it removes the
//! baseline file (a real report is never empty).
//!
//! Accepting is all or nothing: the renames and removals are written to a
//! journal first ([`crate::journal`]), so a process killed midway leaves
//! either the old baseline with its pending files (killed before the journal
//! was written) or a journal that the next lexgate command completes. Every
//! function here that reads or writes the folder completes such a journal
//! first, so no command ever sees a mix of two runs.

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diag};
use crate::journal::{self, Step};
use crate::output::{unified_diff, write_atomic, ReportFile};
use crate::source::read_bounded;

/// The suffix of a pending file.
pub const PENDING_SUFFIX: &str = ".new";

/// One baseline file whose contents would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The file's name inside the baseline folder.
    pub name: String,
    /// Its committed contents; `None` when it does not exist yet.
    pub old: Option<String>,
    /// What the run produces; `None` when no regime produces it any more.
    pub new: Option<String>,
}

impl Change {
    /// The change as a unified diff (patience, 3 lines of context).
    pub fn diff(&self) -> String {
        unified_diff(
            self.old.as_deref().unwrap_or(""),
            self.new.as_deref().unwrap_or(""),
            &self.name,
        )
    }
}

/// What differs between the baseline folder `dir` and `files`, in the order
/// of `files`, then the stale baseline files (`*.md`, `*.json` that no file of
/// `files` names) by name when `stale` is true — pass false when `files` come
/// from a run narrowed to some regimes.
pub fn changes(dir: &Path, files: &[ReportFile], stale: bool) -> Result<Vec<Change>, Box<Diag>> {
    journal::recover(dir)?;
    let mut out = Vec::new();
    for f in files {
        let old = read_baseline(dir, &f.name)?;
        if old.as_deref() != Some(f.contents.as_str()) {
            out.push(Change {
                name: f.name.clone(),
                old,
                new: Some(f.contents.clone()),
            });
        }
    }
    if stale {
        for name in file_names(dir) {
            let report = name.ends_with(".md") || name.ends_with(".json");
            if report && !files.iter().any(|f| f.name == name) {
                out.push(Change {
                    old: read_baseline(dir, &name)?,
                    name,
                    new: None,
                });
            }
        }
    }
    Ok(out)
}

/// A baseline file's text, `None` when it does not exist; a pipe, a device,
/// a file over the input limit or one that is not UTF-8 is a diagnostic
/// (reading it could hang or exhaust memory).
fn read_baseline(dir: &Path, name: &str) -> Result<Option<String>, Box<Diag>> {
    let path = dir.join(name);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let shown = path.display().to_string();
    let bytes = read_bounded(&path, &shown)?;
    String::from_utf8(bytes).map(Some).map_err(|_| {
        Diag::new(
            Code::NotUtf8,
            format!("the baseline file `{shown}` is not UTF-8 text"),
        )
        .with_help("restore it from git, or delete it and accept the new report")
        .boxed()
    })
}

/// The names of the regular files directly in `dir`, sorted (none when `dir`
/// cannot be read).
fn file_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// A pending file waiting to be accepted or rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The baseline file it would replace (its name inside the folder).
    pub name: String,
    /// The pending file.
    pub path: PathBuf,
    /// True when accepting it removes the baseline file.
    pub removes: bool,
}

/// The pending files in `dir`, by name.
pub fn pending(dir: &Path) -> Vec<Pending> {
    file_names(dir)
        .into_iter()
        .filter_map(|n| {
            let name = n.strip_suffix(PENDING_SUFFIX)?.to_string();
            let path = dir.join(&n);
            let removes = std::fs::metadata(&path).is_ok_and(|m| m.len() == 0);
            (!name.is_empty()).then_some(Pending {
                name,
                path,
                removes,
            })
        })
        .collect()
}

/// Makes the pending files of `dir` those of `changes`: writes one per change
/// and deletes every other pending file of this run's scope — all of them
/// when `complete`, else only those of `files`. Returns the pending files
/// written.
pub fn write_pending(
    dir: &Path,
    changes: &[Change],
    files: &[ReportFile],
    complete: bool,
) -> Result<Vec<PathBuf>, Box<Diag>> {
    journal::recover(dir)?;
    for p in pending(dir) {
        let ours = complete || files.iter().any(|f| f.name == p.name);
        if ours && !changes.iter().any(|c| c.name == p.name) {
            remove(&p.path)?;
        }
    }
    let mut written = Vec::new();
    for c in changes {
        let path = dir.join(format!("{}{PENDING_SUFFIX}", c.name));
        write_atomic(&path, c.new.as_deref().unwrap_or(""))?;
        written.push(path);
    }
    Ok(written)
}

/// Deletes every pending file of `dir`; returns them.
pub fn reject(dir: &Path) -> Result<Vec<Pending>, Box<Diag>> {
    journal::recover(dir)?;
    let all = pending(dir);
    for p in &all {
        remove(&p.path)?;
    }
    Ok(all)
}

/// Renames every pending file of `dir` over its baseline file (or removes the
/// baseline file, for an empty pending file), as a whole; returns them.
pub fn accept(dir: &Path) -> Result<Vec<Pending>, Box<Diag>> {
    accept_with(dir, &mut journal::apply_step)
}

/// [`accept`] with the step given, so that tests can make it fail.
fn accept_with(
    dir: &Path,
    apply: &mut dyn FnMut(&Path, &Step) -> io::Result<()>,
) -> Result<Vec<Pending>, Box<Diag>> {
    journal::recover(dir)?;
    let all = pending(dir);
    for p in &all {
        if dir.join(&p.name).is_dir() {
            return Err(Diag::new(
                Code::WriteError,
                format!(
                    "cannot accept `{}`: `{}` is a folder; nothing was accepted",
                    p.path.display(),
                    p.name
                ),
            )
            .boxed());
        }
    }
    let steps: Vec<Step> = all
        .iter()
        .map(|p| {
            let pending_name = format!("{}{PENDING_SUFFIX}", p.name);
            if p.removes {
                Step::Remove {
                    target: p.name.clone(),
                    marker: Some(pending_name),
                }
            } else {
                Step::Replace {
                    staged: pending_name,
                    target: p.name.clone(),
                }
            }
        })
        .collect();
    journal::commit(dir, &steps, apply)?;
    Ok(all)
}

fn remove(path: &Path) -> Result<(), Box<Diag>> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(Diag::new(
            Code::WriteError,
            format!("cannot remove `{}`: {e}", path.display()),
        )
        .boxed()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, contents: &str) -> ReportFile {
        ReportFile {
            name: name.into(),
            contents: contents.into(),
        }
    }

    fn read(dir: &Path, name: &str) -> Option<String> {
        std::fs::read_to_string(dir.join(name)).ok()
    }

    #[test]
    fn changes_are_changed_missing_and_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "x\n").unwrap();
        std::fs::write(dir.path().join("same.md"), "s\n").unwrap();
        std::fs::write(dir.path().join("old.json"), "{}\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "kept\n").unwrap();
        let files = [
            file("a.md", "y\n"),
            file("b.md", "z\n"),
            file("same.md", "s\n"),
        ];
        let all = changes(dir.path(), &files, true).unwrap();
        let names: Vec<_> = all.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a.md", "b.md", "old.json"]);
        assert!(all[0].diff().contains("-x\n+y"));
        assert_eq!(all[1].old, None);
        assert_eq!(all[2].new, None);
        assert_eq!(changes(dir.path(), &files, false).unwrap().len(), 2);
    }

    #[test]
    fn pending_files_are_written_then_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.md"), "old a\n").unwrap();
        std::fs::write(d.join("gone.json"), "{}\n").unwrap();
        let files = [file("a.md", "new a\n"), file("b.md", "new b\n")];
        let all = changes(d, &files, true).unwrap();
        let written = write_pending(d, &all, &files, true).unwrap();
        assert_eq!(written.len(), 3);
        assert_eq!(read(d, "gone.json.new").as_deref(), Some(""));
        let accepted = accept(d).unwrap();
        assert_eq!(accepted.len(), 3);
        assert_eq!(read(d, "a.md").as_deref(), Some("new a\n"));
        assert_eq!(read(d, "b.md").as_deref(), Some("new b\n"));
        assert_eq!(read(d, "gone.json"), None);
        assert_eq!(file_names(d), ["a.md", "b.md"]);
        assert!(changes(d, &files, true).unwrap().is_empty());
    }

    #[test]
    fn an_accept_that_stops_midway_is_completed_by_the_next_command() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (name, text) in [
            ("a.md", "old a\n"),
            ("b.md", "old b\n"),
            ("c.md", "old c\n"),
        ] {
            std::fs::write(d.join(name), text).unwrap();
            std::fs::write(d.join(format!("{name}.new")), text.replace("old", "new")).unwrap();
        }
        std::fs::write(d.join("d.json.new"), "").unwrap();
        std::fs::write(d.join("d.json"), "old d\n").unwrap();
        let mut calls = 0;
        let err = accept_with(d, &mut |dir, step| {
            calls += 1;
            if calls == 3 {
                Err(io::Error::other("disk on fire"))
            } else {
                journal::apply_step(dir, step)
            }
        })
        .unwrap_err();
        assert!(err.message.contains("disk on fire"), "{}", err.message);
        // Whatever reads the folder next completes the accept first.
        assert!(changes(d, &[], false).unwrap().is_empty());
        for name in ["a.md", "b.md", "c.md"] {
            assert_eq!(read(d, name).unwrap(), format!("new {}\n", &name[..1]));
        }
        assert_eq!(read(d, "d.json"), None);
        assert_eq!(file_names(d), ["a.md", "b.md", "c.md"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_baseline_file_that_is_a_pipe_is_refused_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::os::unix::fs::symlink("/dev/zero", d.join("a.md")).unwrap();
        let err = changes(d, &[file("a.md", "a\n")], true).unwrap_err();
        assert!(
            err.message.contains("is not a regular file"),
            "{}",
            err.message
        );
    }

    #[test]
    fn writing_pending_files_drops_outdated_ones_of_the_run_only() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.md.new"), "outdated\n").unwrap();
        std::fs::write(d.join("other.md.new"), "another regime\n").unwrap();
        std::fs::write(d.join("a.md"), "a\n").unwrap();
        let files = [file("a.md", "a\n")];
        write_pending(d, &[], &files, false).unwrap();
        assert_eq!(file_names(d), ["a.md", "other.md.new"]);
        write_pending(d, &[], &files, true).unwrap();
        assert_eq!(file_names(d), ["a.md"]);
    }

    #[test]
    fn reject_deletes_pending_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.md"), "a\n").unwrap();
        std::fs::write(d.join("a.md.new"), "b\n").unwrap();
        assert_eq!(reject(d).unwrap().len(), 1);
        assert_eq!(file_names(d), ["a.md"]);
        assert!(accept(d).unwrap().is_empty());
    }
}
