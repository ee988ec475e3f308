//! Selecting regimes, requirements and scenarios by name: a pattern with glob
//! characters (`*`, `?`, `[`) is a glob over the whole name, anything else is a
//! case-insensitive substring.

use globset::{GlobBuilder, GlobMatcher};

/// One `--regime`, `--requirement` or `--scenario` pattern.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Matches names containing the text (case-insensitive).
    Substring(String),
    /// Matches whole names against a glob (case-insensitive).
    Glob(GlobMatcher),
}

impl Matcher {
    /// Parses a pattern; a malformed glob is an error message.
    pub fn new(pattern: &str) -> Result<Self, String> {
        if pattern.contains(['*', '?', '[']) {
            GlobBuilder::new(pattern)
                .case_insensitive(true)
                .literal_separator(false)
                .build()
                .map(|g| Matcher::Glob(g.compile_matcher()))
                .map_err(|e| format!("`{pattern}` is not a valid glob: {e}"))
        } else {
            Ok(Matcher::Substring(pattern.to_lowercase()))
        }
    }

    /// True when `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            Matcher::Substring(s) => name.to_lowercase().contains(s),
            Matcher::Glob(g) => g.is_match(name),
        }
    }
}

/// Requirement and scenario filters of a run.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// `--requirement` patterns (any may match).
    pub requirements: Vec<Matcher>,
    /// `--scenario` patterns (any may match).
    pub scenarios: Vec<Matcher>,
}

impl Selection {
    /// True when the requirement is selected.
    pub fn requirement(&self, id: &str) -> bool {
        self.requirements.is_empty() || self.requirements.iter().any(|m| m.matches(id))
    }

    /// True when a scenario (by name and its requirement ids) is selected.
    pub fn scenario(&self, name: &str, requirements: &[String]) -> bool {
        let by_name = self.scenarios.is_empty() || self.scenarios.iter().any(|m| m.matches(name));
        by_name && requirements.iter().any(|r| self.requirement(r))
    }

    /// True when only some scenarios are selected by name.
    pub fn narrows_scenarios(&self) -> bool {
        !self.scenarios.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_and_glob() {
        assert!(Matcher::new("vmi").unwrap().matches("mano-VMI"));
        assert!(Matcher::new("MVMI-*").unwrap().matches("MVMI-REG-1"));
        assert!(!Matcher::new("MVMI-*").unwrap().matches("X-MVMI-1"));
        assert!(Matcher::new("head * views")
            .unwrap()
            .matches("head of UAB views"));
        assert!(Matcher::new("[").is_err());
    }

    #[test]
    fn scenario_needs_a_selected_requirement() {
        let s = Selection {
            requirements: vec![Matcher::new("A-*").unwrap()],
            scenarios: vec![],
        };
        assert!(s.scenario("x", &["B-1".into(), "A-2".into()]));
        assert!(!s.scenario("x", &["B-1".into()]));
    }
}
