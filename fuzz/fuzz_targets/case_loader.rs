//! Fuzzes the case loader and lowering: arbitrary bytes as a scenario file of
//! the demo regime (tests/fixtures/demo), through YAML parsing, the position
//! index, schema-directed lowering, derived dates and Cedar's entity and
//! request construction. Any panic is a bug; diagnostics are the expected
//! outcome for nearly every input.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lexgate::load::{load, LoadOptions, Project};

static PROJECT: OnceLock<Project> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let project = PROJECT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/demo");
        load(&root, &LoadOptions::default()).expect("the demo fixture loads")
    });
    let _ = project.regimes[0].lower_text("fuzz.yaml", text, Some("2024-05-02"));
});
