//! Fuzzes the whole `validate` path: the first byte of the input chooses a
//! file of a copy of the demo project (a case file, the catalogue, the
//! waivers, the derived dates, a policy file or the schema), the rest of the
//! input becomes that file's bytes, and the project is discovered, read,
//! parsed, validated and lowered from disk as `lexgate validate` does. Any
//! panic is a bug; diagnostics are the expected outcome.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lexgate::load::{load, LoadOptions};
use libfuzzer_sys::fuzz_target;

const TARGETS: &[&str] = &[
    "cases/demo/fuzz.yaml",
    "cases/demo/requirements.yaml",
    "cases/demo/waivers.yaml",
    "policies/demo/derive.yaml",
    "policies/demo/fuzz.cedar",
    "policies/demo/schema.cedarschema",
    "cases/demo/access.yaml",
];

/// A private copy of the demo project, made once per fuzzing process.
fn project() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/demo");
        let to = std::env::temp_dir().join(format!("lexgate-fuzz-{}", std::process::id()));
        copy(&from, &to);
        to
    })
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("temporary folder");
    for entry in std::fs::read_dir(from).expect("the demo fixture") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a copy");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let root = project();
    let path = root.join(TARGETS[selector as usize % TARGETS.len()]);
    let before = std::fs::read(&path).ok();
    std::fs::write(&path, bytes).expect("write the fuzzed file");
    let _ = load(root, &LoadOptions::default());
    match before {
        Some(original) => std::fs::write(&path, original).expect("restore"),
        None => std::fs::remove_file(&path).expect("remove"),
    }
});
