//! Finding the regimes: `policies/<regime>/` and `cases/<regime>/` folders,
//! walked with walkdir (symlinks followed, loops reported), in sorted order so
//! that everything downstream is deterministic.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::catalogue;
use crate::diagnostic::{did_you_mean, Code, Diag, Diagnostics};
use crate::source::display_name;
use crate::waiver;

/// `policies/<regime>/invariants.cedar`: the legal invariants `lexgate verify`
/// proves, not policies; the loader leaves it out of the regime's policies.
pub const INVARIANTS_FILE_NAME: &str = "invariants.cedar";

/// The files of one regime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegimeFiles {
    /// The regime's slug (its folder name).
    pub name: String,
    /// `policies/<regime>/*.cedarschema` (exactly one expected).
    pub schemas: Vec<PathBuf>,
    /// `policies/<regime>/**/*.cedar`, sorted, except the invariants file.
    pub policies: Vec<PathBuf>,
    /// `policies/<regime>/derive.yaml`, if present.
    pub derive: Option<PathBuf>,
    /// `cases/<regime>/requirements.yaml`, if present.
    pub catalogue: Option<PathBuf>,
    /// `cases/<regime>/waivers.yaml`, if present.
    pub waivers: Option<PathBuf>,
    /// Every other `cases/<regime>/**/*.yaml`, sorted.
    pub scenarios: Vec<PathBuf>,
}

/// Finds every regime under `root`. Problems (unreadable folders, symlink
/// loops, a regime with half its files) go to `diags`.
pub fn discover(root: &Path, diags: &mut Diagnostics) -> Vec<RegimeFiles> {
    let policies_dir = root.join("policies");
    let cases_dir = root.join("cases");
    for dir in [&policies_dir, &cases_dir] {
        if !dir.is_dir() {
            diags.push(
                Diag::new(
                    Code::NoRegimes,
                    format!("there is no `{}` folder", display_name(root, dir)),
                )
                .with_help("run lexgate from the project root, or pass --root"),
            );
        }
    }
    let names: BTreeSet<String> = [&policies_dir, &cases_dir]
        .iter()
        .flat_map(|d| subfolders(root, d, diags))
        .collect();
    let mut regimes = Vec::new();
    for name in names {
        let mut files = RegimeFiles {
            name: name.clone(),
            schemas: Vec::new(),
            policies: Vec::new(),
            derive: None,
            catalogue: None,
            waivers: None,
            scenarios: Vec::new(),
        };
        for path in walk(root, &policies_dir.join(&name), diags) {
            match extension(root, &path, diags) {
                Some("cedarschema") => files.schemas.push(path),
                Some("cedar")
                    if path.parent() == Some(policies_dir.join(&name).as_path())
                        && path.file_name().is_some_and(|f| f == INVARIANTS_FILE_NAME) => {}
                Some("cedar") => files.policies.push(path),
                Some("yaml")
                    if path
                        .file_name()
                        .is_some_and(|f| f == crate::derive::FILE_NAME) =>
                {
                    files.derive = Some(path)
                }
                _ => {}
            }
        }
        for path in walk(root, &cases_dir.join(&name), diags) {
            if !matches!(extension(root, &path, diags), Some("yaml" | "yml")) {
                continue;
            }
            let top = path.parent() == Some(cases_dir.join(&name).as_path());
            let named = |n: &str| top && path.file_name().is_some_and(|f| f == n);
            if named(catalogue::FILE_NAME) {
                files.catalogue = Some(path);
            } else if named(waiver::FILE_NAME) {
                files.waivers = Some(path);
            } else {
                files.scenarios.push(path);
            }
        }
        regimes.push(files);
    }
    let all: Vec<String> = regimes.iter().map(|r| r.name.clone()).collect();
    for files in &regimes {
        check_complete(root, files, &all, diags);
    }
    if regimes.is_empty() && diags.is_empty() {
        diags.push(
            Diag::new(Code::NoRegimes, "no regime found: `policies/` and `cases/` have no subfolders")
                .with_help("create one with policies/<regime>/schema.cedarschema and cases/<regime>/requirements.yaml"),
        );
    }
    regimes
}

/// Every `policies/**/*.cedar` file under `root`, sorted (for `lexgate fmt`).
pub fn policy_files(root: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    walk(root, &root.join("policies"), diags)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "cedar"))
        .collect()
}

fn check_complete(root: &Path, files: &RegimeFiles, all: &[String], diags: &mut Diagnostics) {
    let mut missing = Vec::new();
    if files.schemas.is_empty() {
        missing.push(format!("policies/{}/schema.cedarschema", files.name));
    }
    if files.catalogue.is_none() {
        missing.push(format!("cases/{}/{}", files.name, catalogue::FILE_NAME));
    }
    if !missing.is_empty() {
        // A folder named almost like another regime is that regime, misspelt.
        let normal = |n: &str| n.to_lowercase().replace('_', "-");
        let twin = all
            .iter()
            .filter(|n| **n != files.name)
            .find(|n| normal(n) == normal(&files.name))
            .cloned()
            .or_else(|| {
                did_you_mean(
                    &files.name,
                    all.iter().map(String::as_str).filter(|n| *n != files.name),
                )
                .and_then(|s| s.split('`').nth(1).map(str::to_string))
            });
        let help = match twin {
            Some(twin) if files.schemas.is_empty() => format!(
                "did you mean `cases/{twin}/`? A regime's folders in policies/ and cases/ have the same name"
            ),
            Some(twin) => format!(
                "its cases seem to be in `cases/{twin}/`: a regime's folders in policies/ and cases/ have the same name"
            ),
            None => "every regime needs a schema in policies/<regime>/ and a catalogue in cases/<regime>/".to_string(),
        };
        diags.push(
            Diag::new(
                Code::RegimeIncomplete,
                format!("regime `{}` lacks {}", files.name, missing.join(" and ")),
            )
            .with_help(help),
        );
    }
    if files.schemas.len() > 1 {
        let names: Vec<_> = files
            .schemas
            .iter()
            .map(|p| display_name(root, p))
            .collect();
        diags.push(
            Diag::new(
                Code::RegimeIncomplete,
                format!(
                    "regime `{}` has more than one schema: {}",
                    files.name,
                    names.join(", ")
                ),
            )
            .with_help("keep one schema file per regime"),
        );
    }
}

/// The file's extension when it is one lexgate reads, in lower case; a
/// known extension in other case (`.YAML`) is a diagnostic, never skipped.
fn extension<'a>(root: &Path, path: &'a Path, diags: &mut Diagnostics) -> Option<&'a str> {
    let ext = path.extension().and_then(|e| e.to_str())?;
    let known = ["yaml", "yml", "cedar", "cedarschema"];
    if !known.contains(&ext) {
        if let Some(lower) = known.iter().find(|k| k.eq_ignore_ascii_case(ext)) {
            diags.push(
                Diag::new(
                    Code::IoError,
                    format!(
                        "`{}` is not read: lexgate reads `.{lower}` files, in lower case",
                        display_name(root, path)
                    ),
                )
                .with_help(format!("rename it to end in `.{lower}`")),
            );
        }
    }
    Some(ext)
}

fn subfolders(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) if e.path().is_dir() => {
                if let Some(name) = e.file_name().to_str() {
                    if !name.starts_with('.') {
                        out.push(name.to_string());
                    }
                }
            }
            Ok(_) => {}
            Err(e) => diags.push(Diag::new(
                Code::WalkError,
                format!("cannot list `{}`: {e}", display_name(root, dir)),
            )),
        }
    }
    out
}

/// Every file under `dir`, sorted; missing `dir` gives nothing.
fn walk(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(dir).follow_links(true).sort_by_file_name();
    for entry in walker {
        match entry {
            // Pipes, devices and links to them too: reading refuses them
            // with a diagnostic rather than skipping them without a word.
            Ok(e) if !e.file_type().is_dir() => out.push(e.into_path()),
            Ok(_) => {}
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display_name(root, p))
                    .unwrap_or_else(|| display_name(root, dir));
                let (code, help) = if e.loop_ancestor().is_some() {
                    (
                        Code::WalkError,
                        "remove the symbolic link that points back to its own folder",
                    )
                } else {
                    (Code::WalkError, "check the file's permissions")
                };
                diags.push(Diag::new(code, format!("cannot walk `{path}`: {e}")).with_help(help));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_files_of_each_regime_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        for f in [
            "policies/b/schema.cedarschema",
            "policies/b/z.cedar",
            "policies/b/a.cedar",
            "cases/b/requirements.yaml",
            "cases/b/waivers.yaml",
            "cases/b/sub/waivers.yaml",
            "cases/b/sub/two.yaml",
            "cases/b/one.yaml",
            "cases/b/readme.md",
        ] {
            std::fs::create_dir_all(r.join(f).parent().unwrap()).unwrap();
            std::fs::write(r.join(f), "").unwrap();
        }
        let mut d = Diagnostics::default();
        let regimes = discover(r, &mut d);
        assert!(d.is_empty());
        assert_eq!(regimes.len(), 1);
        let names = |v: &[PathBuf]| v.iter().map(|p| display_name(r, p)).collect::<Vec<_>>();
        assert_eq!(
            names(&regimes[0].policies),
            ["policies/b/a.cedar", "policies/b/z.cedar"]
        );
        assert_eq!(
            names(&regimes[0].scenarios),
            [
                "cases/b/one.yaml",
                "cases/b/sub/two.yaml",
                "cases/b/sub/waivers.yaml"
            ]
        );
        assert_eq!(
            regimes[0].waivers.as_deref().map(|p| display_name(r, p)),
            Some("cases/b/waivers.yaml".into())
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_a_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        std::fs::create_dir_all(r.join("policies/a")).unwrap();
        std::fs::create_dir_all(r.join("cases/a")).unwrap();
        std::os::unix::fs::symlink(r.join("cases/a"), r.join("cases/a/loop")).unwrap();
        let mut d = Diagnostics::default();
        discover(r, &mut d);
        let all = d.into_sorted();
        assert!(all.iter().any(|d| d.code == Code::WalkError), "{all:?}");
    }
}
