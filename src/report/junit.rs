//! JUnit XML for CI: one test suite per requirement, one test case per
//! scenario (named by the scenario, classed by regime and requirement so that
//! no two cases share a name), untested requirements as a skipped case.

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use super::{Report, RequirementStatus};
use crate::evaluate::Status;

/// Renders the report as JUnit XML.
pub fn render(report: &Report) -> String {
    let mut junit = quick_junit::Report::new("lexgate");
    for regime in &report.regimes {
        for group in &regime.groups {
            for req in &group.requirements {
                let mut suite = TestSuite::new(format!("{}::{}", regime.id, req.id));
                let classname = format!("{}.{}", regime.id, req.id);
                if req.status == RequirementStatus::Untested {
                    let mut status = TestCaseStatus::skipped();
                    status.set_message(
                        req.note
                            .clone()
                            .unwrap_or_else(|| "no scenario exercises this requirement".into()),
                    );
                    let mut case = TestCase::new("untested", status);
                    case.set_classname(classname.clone());
                    suite.add_test_case(case);
                }
                for s in &req.scenarios {
                    let status = match s.outcome.status {
                        Status::Pass => TestCaseStatus::success(),
                        other => {
                            let kind = if other == Status::Error {
                                NonSuccessKind::Error
                            } else {
                                NonSuccessKind::Failure
                            };
                            let mut st = TestCaseStatus::non_success(kind);
                            st.set_message(s.outcome.reason.clone().unwrap_or_default());
                            st.set_description(format!(
                                "{}:{}: clause {} — {}\nrequest: {} {} {}{}",
                                s.file,
                                s.line,
                                req.clause,
                                req.summary,
                                s.request.principal,
                                s.request.action,
                                s.request.resource,
                                s.request
                                    .at
                                    .as_ref()
                                    .map(|a| format!(" at {a}"))
                                    .unwrap_or_default()
                            ));
                            st
                        }
                    };
                    let mut case = TestCase::new(s.name.clone(), status);
                    case.set_classname(classname.clone());
                    suite.add_test_case(case);
                }
                junit.add_test_suite(suite);
            }
        }
    }
    let mut text = junit
        .to_string()
        .expect("JUnit serialisation of owned strings cannot fail");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
