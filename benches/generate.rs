//! The suite generator on its own: writes a large suite over the bundled
//! regimes into a folder, to run `lexgate check --root DIR` on by hand, and
//! the same suite in the Cedar CLI's formats under `DIR/cedar/`.
//!
//! ```sh
//! cargo bench --bench generate -- --out /tmp/suite [--scenarios 100000] [--seed 8]
//! ```

#[path = "support/generate.rs"]
mod generate;
#[path = "support/peer.rs"]
mod peer;

use std::path::{Path, PathBuf};

use lexgate::evaluate::evaluate;
use lexgate::filter::Selection;
use lexgate::load::{load, LoadOptions};

fn main() {
    let mut out = None;
    let mut options = generate::Options {
        scenarios: 100_000,
        seed: 8,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(value())),
            "--scenarios" => options.scenarios = value().parse().expect("--scenarios N"),
            "--seed" => options.seed = value().parse().expect("--seed N"),
            "--bench" => {}
            other => panic!("unknown argument `{other}`"),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: cargo bench --bench generate -- --out DIR [--scenarios N] [--seed N]");
        return;
    };
    if out.exists() && std::fs::read_dir(&out).is_ok_and(|mut d| d.next().is_some()) {
        panic!("{} is not empty", out.display());
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = generate::generate(root, &out, options)
        .unwrap_or_else(|e| panic!("generation failed: {e}"));
    let project = load(&out, &LoadOptions::default()).expect("the suite loads");
    let outcomes = evaluate(&project, &Selection::default());
    let peer = peer::convert(&project, &outcomes, &out.join("cedar"), 5_000, 200)
        .unwrap_or_else(|e| panic!("conversion failed: {e}"));
    let script = out.join("cedar").join("peer.sh");
    std::fs::write(&script, peer_script(&peer)).expect("the peer script written");
    println!(
        "wrote {} scenarios in {} files to {} ({} dropped); the Cedar CLI runs: {}",
        generated.scenarios,
        generated.files,
        out.display(),
        generated.dropped,
        script.display()
    );
}

/// The Cedar CLI commands over the converted suite, as a shell script.
fn peer_script(peer: &peer::PeerSuite) -> String {
    let mut s = String::from("#!/bin/sh\n# cedar run-tests over the whole suite\n");
    for c in &peer.chunks {
        s.push_str(&format!(
            "cedar run-tests --policies {} --schema {} --tests {} | tail -1   # {} tests\n",
            c.policies.display(),
            c.schema.display(),
            c.tests.display(),
            c.count
        ));
    }
    s.push_str("# cedar authorize, one process per request (a sample)\n");
    for c in &peer.calls {
        s.push_str(&format!(
            "cedar authorize --policies {} --schema {} --entities {} --request-json {}   # {}\n",
            c.policies.display(),
            c.schema.display(),
            c.entities.display(),
            c.request.display(),
            c.expect
        ));
    }
    s
}
