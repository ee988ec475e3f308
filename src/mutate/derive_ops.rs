//! Mutation operators on `derive.yaml`: a period one unit shorter or longer,
//! and the day boundary swapped. The file is changed as a YAML tree and
//! loaded again through [`crate::derive::Derivations::load`], so a mutant
//! is checked exactly like the original.

use serde_yaml::Value;

use super::model::Operator;
use crate::derive::{Count, Period};
use crate::source::SourceFile;
use crate::yaml::{self, Path};

/// One change of a derivation file.
#[derive(Debug, Clone)]
pub struct DeriveMutant {
    /// The operator that made it.
    pub operator: Operator,
    /// `Entity.attribute` of the rule.
    pub target: String,
    /// The line of the changed value.
    pub line: usize,
    /// The changed line before, as YAML.
    pub before: String,
    /// The changed line after, as YAML.
    pub after: String,
    /// The whole mutated file.
    pub text: String,
}

/// Every mutant of a derivation file, rule by rule in file order, each rule's
/// terms first (shorter, longer), then its moment. A file that does not
/// parse has none (loading has reported it).
pub fn mutants(file: &SourceFile) -> Vec<DeriveMutant> {
    let Ok((tree, index)) = yaml::parse::<Value>(file) else {
        return Vec::new();
    };
    let Some(rules) = tree.get("derive").and_then(Value::as_sequence) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let target = format!(
            "{}.{}",
            rule.get("entity").and_then(Value::as_str).unwrap_or("?"),
            rule.get("attribute").and_then(Value::as_str).unwrap_or("?")
        );
        let rule_path = Path::root().key("derive").index(i);
        let mut terms: Vec<(Path, Vec<Seg>)> = Vec::new();
        if rule.get("add").is_some() {
            terms.push((rule_path.key("add"), vec![Seg::Key("add")]));
        }
        for combine in ["earliest", "latest"] {
            if let Some(list) = rule.get(combine).and_then(Value::as_sequence) {
                for j in 0..list.len() {
                    terms.push((
                        rule_path.key(combine).index(j).key("add"),
                        vec![Seg::Key(combine), Seg::Index(j), Seg::Key("add")],
                    ));
                }
            }
        }
        let line = |p: &Path| file.line_of(index.value_span(p).offset());
        for (path, segs) in &terms {
            let Some(text) = get(rule, segs).and_then(Value::as_str) else {
                continue;
            };
            let Ok(Period {
                count: Count::Fixed(n),
                ..
            }) = Period::parse(text)
            else {
                continue;
            };
            let unit = text
                .split_whitespace()
                .skip(1)
                .collect::<Vec<_>>()
                .join(" ");
            for (operator, m) in [
                (Operator::PeriodShorter, n - 1),
                (Operator::PeriodLonger, n + 1),
            ] {
                let new = format!("{m} {unit}");
                let mut t = tree.clone();
                if let Some(slot) = t
                    .get_mut("derive")
                    .and_then(|d| d.get_mut(i))
                    .and_then(|r| get_mut(r, segs))
                {
                    *slot = Value::String(new.clone());
                }
                out.push(DeriveMutant {
                    operator,
                    target: target.clone(),
                    line: line(path),
                    before: format!("add: {text}"),
                    after: format!("add: {new}"),
                    text: serde_yaml::to_string(&t).unwrap_or_default(),
                });
            }
        }
        let swapped = match rule.get("moment").and_then(Value::as_str) {
            Some("start_of_day") => "end_of_day",
            Some("end_of_day") => "start_of_day",
            _ => continue,
        };
        let mut t = tree.clone();
        if let Some(slot) = t
            .get_mut("derive")
            .and_then(|d| d.get_mut(i))
            .and_then(|r| r.get_mut("moment"))
        {
            *slot = Value::String(swapped.to_string());
        }
        let before = rule.get("moment").and_then(Value::as_str).unwrap_or("");
        out.push(DeriveMutant {
            operator: Operator::SwapMoment,
            target,
            line: line(&rule_path.key("moment")),
            before: format!("moment: {before}"),
            after: format!("moment: {swapped}"),
            text: serde_yaml::to_string(&t).unwrap_or_default(),
        });
    }
    out
}

/// A step into a YAML tree.
#[derive(Debug, Clone, Copy)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

fn get<'a>(v: &'a Value, segs: &[Seg]) -> Option<&'a Value> {
    segs.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get(*k),
        Seg::Index(i) => v.get(*i),
    })
}

fn get_mut<'a>(v: &'a mut Value, segs: &[Seg]) -> Option<&'a mut Value> {
    segs.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get_mut(*k),
        Seg::Index(i) => v.get_mut(*i),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_shift_by_one_unit_and_moments_swap() {
        let text = "jurisdiction: LT\nderive:\n  - entity: G\n    attribute: due\n    earliest:\n      - {from: a, add: 4 weeks}\n      - {from: b, add: n days}\n    moment: end_of_day\n";
        let ms = mutants(&SourceFile::from_text("derive.yaml", text));
        let got: Vec<String> = ms
            .iter()
            .map(|m| {
                format!(
                    "{} {} {}: {} → {}",
                    m.target, m.line, m.operator, m.before, m.after
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "G.due 6 period-shorter: add: 4 weeks → add: 3 weeks",
                "G.due 6 period-longer: add: 4 weeks → add: 5 weeks",
                "G.due 8 swap-moment: moment: end_of_day → moment: start_of_day",
            ]
        );
        assert!(ms[0].text.contains("3 weeks"), "{}", ms[0].text);
        assert!(ms[2].text.contains("start_of_day"), "{}", ms[2].text);
    }
}
