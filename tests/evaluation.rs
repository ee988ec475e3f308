//! The two ways of evaluating a project agree: `check` evaluates each case
//! file as soon as it is lowered and keeps only the results; `explain` and
//! the benchmark load everything first and evaluate afterwards.

use std::path::Path;

use lexgate::evaluate::evaluate;
use lexgate::filter::{Matcher, Selection};
use lexgate::load::{load, load_evaluated, LoadOptions};

fn outcomes_both_ways(selection: &Selection) -> (Vec<String>, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let options = LoadOptions::default();
    let project = load(root, &options).expect("the bundled project loads");
    let loaded: Vec<String> = evaluate(&project, selection)
        .iter()
        .flatten()
        .map(|(s, o)| format!("{} {}:{} {o:?}", s.info.name, s.info.file, s.info.line))
        .collect();
    let (evaluated_project, outcomes) =
        load_evaluated(root, &options, selection).expect("the bundled project loads");
    assert!(evaluated_project.regimes.iter().all(|r| r.files.is_empty()));
    let streamed: Vec<String> = outcomes
        .iter()
        .flatten()
        .map(|(s, o)| format!("{} {}:{} {o:?}", s.name, s.file, s.line))
        .collect();
    (loaded, streamed)
}

#[test]
fn evaluating_as_files_are_lowered_gives_the_same_outcomes_in_the_same_order() {
    let (loaded, streamed) = outcomes_both_ways(&Selection::default());
    assert!(loaded.len() > 900, "{} scenarios", loaded.len());
    assert_eq!(loaded, streamed);
}

#[test]
fn the_selection_applies_the_same_way() {
    let selection = Selection {
        requirements: vec![Matcher::new("DK-*").unwrap()],
        scenarios: vec![],
    };
    let (loaded, streamed) = outcomes_both_ways(&selection);
    assert!(!loaded.is_empty() && loaded.len() < 300, "{}", loaded.len());
    assert_eq!(loaded, streamed);
}
