//! The committed reports as a baseline, in the insta manner.
//!
//! A run's report files are compared with the baseline folder; a difference is
//! shown as a unified diff and, outside CI, written beside the baseline as a
//! pending file `<name>.new`. `accept` renames every pending file over its
//! baseline file, `reject` deletes them. An empty pending file stands for a
//! baseline file that no regime produces any more: accepting it removes the
//! baseline file (a real report is never empty).
//!
//! Accepting is all or nothing as far as the file system lets it be: every
//! baseline file that will be replaced is first backed up, then the pending
//! files are renamed one by one (each rename is atomic, so a file is always
//! whole, old or new); if a rename fails, those already done are undone and
//! every pending file is left where it was.

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diag};
use crate::output::{unified_diff, write_atomic, ReportFile};

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
pub fn changes(dir: &Path, files: &[ReportFile], stale: bool) -> Vec<Change> {
    let mut out = Vec::new();
    for f in files {
        let old = std::fs::read_to_string(dir.join(&f.name)).ok();
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
                    old: std::fs::read_to_string(dir.join(&name)).ok(),
                    name,
                    new: None,
                });
            }
        }
    }
    out
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
    let all = pending(dir);
    for p in &all {
        remove(&p.path)?;
    }
    Ok(all)
}

/// Renames every pending file of `dir` over its baseline file (or removes the
/// baseline file, for an empty pending file); returns them. On failure
/// nothing is accepted: the baseline and the pending files are as they were.
pub fn accept(dir: &Path) -> Result<Vec<Pending>, Box<Diag>> {
    accept_with(dir, &mut |from, to| std::fs::rename(from, to))
}

/// [`accept`] with the rename step given, so that tests can make it fail.
fn accept_with(
    dir: &Path,
    rename: &mut dyn FnMut(&Path, &Path) -> io::Result<()>,
) -> Result<Vec<Pending>, Box<Diag>> {
    let all = pending(dir);
    if all.is_empty() {
        return Ok(all);
    }
    let fail = |p: &Pending, e: &dyn std::fmt::Display| {
        Diag::new(
            Code::WriteError,
            format!(
                "cannot accept `{}`: {e}; nothing was accepted",
                p.path.display()
            ),
        )
        .with_help("the baseline and the pending files are unchanged; fix the cause and run `lexgate accept` again")
        .boxed()
    };
    // Write: a backup of every baseline file that will be replaced or removed.
    let backups = tempfile::Builder::new()
        .prefix(".lexgate-accept-")
        .tempdir_in(dir)
        .map_err(|e| fail(&all[0], &e))?;
    let mut saved = Vec::new();
    for p in &all {
        let target = dir.join(&p.name);
        let backup = backups.path().join(&p.name);
        let had = match std::fs::symlink_metadata(&target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            _ => {
                std::fs::copy(&target, &backup).map_err(|e| fail(p, &e))?;
                true
            }
        };
        saved.push((target, backup, had));
    }
    // Rename, one file at a time; undo on the first failure.
    for (i, p) in all.iter().enumerate() {
        let (target, _, had) = &saved[i];
        let step = if p.removes {
            if *had {
                rename(target, &backups.path().join(format!("{}.removed", p.name)))
            } else {
                Ok(())
            }
        } else {
            rename(&p.path, target)
        };
        if let Err(e) = step {
            undo(&all[..i], &saved[..i], backups.path());
            return Err(fail(p, &e));
        }
    }
    for p in all.iter().filter(|p| p.removes) {
        remove(&p.path)?;
    }
    Ok(all)
}

/// Puts back the baseline files and pending files of the steps done.
fn undo(done: &[Pending], saved: &[(PathBuf, PathBuf, bool)], backups: &Path) {
    for (p, (target, backup, had)) in done.iter().zip(saved).rev() {
        if p.removes {
            if *had {
                let _ = std::fs::rename(backups.join(format!("{}.removed", p.name)), target);
            }
        } else {
            let _ = std::fs::rename(target, &p.path);
            if *had {
                let _ = std::fs::rename(backup, target);
            }
        }
    }
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
        let all = changes(dir.path(), &files, true);
        let names: Vec<_> = all.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a.md", "b.md", "old.json"]);
        assert!(all[0].diff().contains("-x\n+y"));
        assert_eq!(all[1].old, None);
        assert_eq!(all[2].new, None);
        assert_eq!(changes(dir.path(), &files, false).len(), 2);
    }

    #[test]
    fn pending_files_are_written_then_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.md"), "old a\n").unwrap();
        std::fs::write(d.join("gone.json"), "{}\n").unwrap();
        let files = [file("a.md", "new a\n"), file("b.md", "new b\n")];
        let all = changes(d, &files, true);
        let written = write_pending(d, &all, &files, true).unwrap();
        assert_eq!(written.len(), 3);
        assert_eq!(read(d, "gone.json.new").as_deref(), Some(""));
        let accepted = accept(d).unwrap();
        assert_eq!(accepted.len(), 3);
        assert_eq!(read(d, "a.md").as_deref(), Some("new a\n"));
        assert_eq!(read(d, "b.md").as_deref(), Some("new b\n"));
        assert_eq!(read(d, "gone.json"), None);
        assert_eq!(file_names(d), ["a.md", "b.md"]);
        assert!(changes(d, &files, true).is_empty());
    }

    #[test]
    fn a_failed_rename_undoes_the_renames_done() {
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
        let err = accept_with(d, &mut |from, to| {
            calls += 1;
            if calls == 3 {
                Err(io::Error::other("disk on fire"))
            } else {
                std::fs::rename(from, to)
            }
        })
        .unwrap_err();
        assert!(err.message.contains("disk on fire"), "{}", err.message);
        assert!(err.message.contains("c.md.new"), "{}", err.message);
        for name in ["a.md", "b.md", "c.md"] {
            assert_eq!(read(d, name).unwrap(), format!("old {}\n", &name[..1]));
            assert_eq!(
                read(d, &format!("{name}.new")).unwrap(),
                format!("new {}\n", &name[..1])
            );
        }
        assert_eq!(read(d, "d.json").as_deref(), Some("old d\n"));
        assert_eq!(pending(d).len(), 4);
        assert_eq!(
            file_names(d),
            [
                "a.md",
                "a.md.new",
                "b.md",
                "b.md.new",
                "c.md",
                "c.md.new",
                "d.json",
                "d.json.new"
            ]
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
