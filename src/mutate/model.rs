//! The results of a mutation run: one model, which the renderers turn into
//! text.

use std::fmt;

use serde::Serialize;

use crate::verify::model::Counterexample;

/// A mutation operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operator {
    /// The whole policy removed.
    RemovePolicy,
    /// `permit` ↔ `forbid`.
    SwapEffect,
    /// A `principal`, `resource` or `action ==` constraint dropped.
    WidenScope,
    /// One action dropped from `action in [...]`.
    NarrowScope,
    /// One operand of a `&&` chain dropped.
    DropConjunct,
    /// One operand of a `||` chain dropped.
    DropDisjunct,
    /// A whole `when`/`unless` body negated.
    NegateCondition,
    /// A `!` removed.
    RemoveNegation,
    /// `<` ↔ `<=`, `>` ↔ `>=`, `.lessThan` ↔ `.lessThanOrEqual`, …
    RelationalBoundary,
    /// `==` ↔ `!=`.
    EqualityFlip,
    /// One element removed from a set literal.
    RemoveSetElement,
    /// A derived period one unit shorter.
    PeriodShorter,
    /// A derived period one unit longer.
    PeriodLonger,
    /// `start_of_day` ↔ `end_of_day` of a derived date.
    SwapMoment,
}

impl Operator {
    /// The operators on expressions, in the order their mutants are listed.
    pub const EXPRESSION: [Operator; 7] = [
        Operator::DropConjunct,
        Operator::DropDisjunct,
        Operator::NegateCondition,
        Operator::RemoveNegation,
        Operator::RelationalBoundary,
        Operator::EqualityFlip,
        Operator::RemoveSetElement,
    ];

    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Operator::RemovePolicy => "remove-policy",
            Operator::SwapEffect => "swap-effect",
            Operator::WidenScope => "widen-scope",
            Operator::NarrowScope => "narrow-scope",
            Operator::DropConjunct => "drop-conjunct",
            Operator::DropDisjunct => "drop-disjunct",
            Operator::NegateCondition => "negate-condition",
            Operator::RemoveNegation => "remove-negation",
            Operator::RelationalBoundary => "relational-boundary",
            Operator::EqualityFlip => "equality-flip",
            Operator::RemoveSetElement => "remove-set-element",
            Operator::PeriodShorter => "period-shorter",
            Operator::PeriodLonger => "period-longer",
            Operator::SwapMoment => "swap-moment",
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What became of a mutant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MutantStatus {
    /// A scenario that passes on the original no longer passes.
    Killed,
    /// Every scenario still passes: a condition nothing tests (or, when the
    /// solver was not asked or could not decide, perhaps an equivalent mutant).
    Survived,
    /// The solver proved that it decides every request as the original does.
    Equivalent,
    /// Fails to parse, validate or derive: not run.
    Invalid,
}

/// One mutant and its fate.
#[derive(Debug, Clone, Serialize)]
pub struct MutantResult {
    /// A stable id: `regime/policy/operator/n` (n counts from 1 per policy
    /// and operator).
    pub id: String,
    /// The mutated policy's `@id`, or `derive.yaml` for a derived date.
    pub target: String,
    /// The `@clause` (empty for derived dates).
    pub clause: String,
    /// The requirements the policy serves (none for derived dates).
    pub requirements: Vec<String>,
    /// The file changed.
    pub file: String,
    /// The line of the change (the mutated expression where it can be
    /// found, else the policy's `@id`).
    pub line: usize,
    /// The operator.
    pub operator: Operator,
    /// The changed part before.
    pub before: String,
    /// The changed part after.
    pub after: String,
    /// What became of it.
    pub status: MutantStatus,
    /// The first scenario that noticed (killed mutants).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub killed_by: Option<String>,
    /// Why it is invalid, or why the solver could not compare a survivor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For a survivor: a scenario the solver found that tells it from the
    /// original (its `expect` is what the policies decide today).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<Counterexample>,
}

/// Counts over a set of mutants.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Mutants generated (duplicates left out).
    pub mutants: usize,
    /// Noticed by a scenario.
    pub killed: usize,
    /// Noticed by none.
    pub survived: usize,
    /// Proved equivalent by the solver (left out of the score).
    pub equivalent: usize,
    /// Not run: the mutated policy set is not valid.
    pub invalid: usize,
    /// killed / (killed + survived) in percent, one decimal; none when no
    /// mutant ran.
    pub score: Option<f64>,
}

impl Counts {
    /// The counts of `mutants`.
    pub fn of<'a>(mutants: impl IntoIterator<Item = &'a MutantResult>) -> Self {
        let mut c = Self::default();
        for m in mutants {
            c.mutants += 1;
            match m.status {
                MutantStatus::Killed => c.killed += 1,
                MutantStatus::Survived => c.survived += 1,
                MutantStatus::Equivalent => c.equivalent += 1,
                MutantStatus::Invalid => c.invalid += 1,
            }
        }
        let ran = c.killed + c.survived;
        c.score = (ran > 0).then(|| (c.killed as f64 * 1000.0 / ran as f64).round() / 10.0);
        c
    }

    /// The score as text: `87.5%`, or `—` when no mutant ran.
    pub fn score_text(&self) -> String {
        self.score
            .map(|s| format!("{s:.1}%"))
            .unwrap_or_else(|| "—".to_string())
    }
}

/// Counts for one requirement or one policy.
#[derive(Debug, Clone, Serialize)]
pub struct GroupCounts {
    /// The requirement id or policy id.
    pub id: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: Counts,
}

/// The mutants of one regime.
#[derive(Debug, Clone, Serialize)]
pub struct RegimeMutations {
    /// The regime's slug.
    pub regime: String,
    /// Scenarios that pass on the original (the ones that can kill).
    pub scenarios: usize,
    /// Totals.
    #[serde(flatten)]
    pub counts: Counts,
    /// Mutants left out because their tree equals another's.
    pub duplicates: usize,
    /// Per requirement, in id order.
    pub requirements: Vec<GroupCounts>,
    /// Per policy (and `derive.yaml`), in id order.
    pub policies: Vec<GroupCounts>,
    /// Every mutant, in a stable order: file, policy, operator, position.
    pub mutants: Vec<MutantResult>,
}

/// A whole mutation run.
#[derive(Debug, Clone, Serialize)]
pub struct MutationReport {
    /// The format's version.
    pub version: u32,
    /// True when the solver compared every survivor with the original.
    pub equivalence_checked: bool,
    /// The regimes, by name.
    pub regimes: Vec<RegimeMutations>,
}

impl MutationReport {
    /// The regimes whose score is below `min`.
    pub fn below(&self, min: f64) -> Vec<&str> {
        self.regimes
            .iter()
            .filter(|r| r.counts.score.is_some_and(|s| s < min))
            .map(|r| r.regime.as_str())
            .collect()
    }
}
