//! JUnit XML for CI: one test suite per requirement, one test case per
//! scenario (named by the scenario, classed by regime and requirement so that
//! no two cases share a name), untested requirements and waived failures as
//! skipped cases; per regime with waivers, a suite of its waivers (an expired
//! one fails, a stale one is skipped).

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use super::{RegimeReport, Report, RequirementStatus, WaiverState};
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
                        _ if s.waived => {
                            let mut st = TestCaseStatus::skipped();
                            st.set_message(format!(
                                "waived: {}",
                                s.outcome.reason.as_deref().unwrap_or("")
                            ));
                            st
                        }
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
        if !regime.waivers.is_empty() {
            junit.add_test_suite(waivers(regime));
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

fn waivers(regime: &RegimeReport) -> TestSuite {
    let mut suite = TestSuite::new(format!("{}::waivers", regime.id));
    for w in &regime.waivers {
        let status = match w.state {
            WaiverState::Active => TestCaseStatus::success(),
            WaiverState::Stale => {
                let mut st = TestCaseStatus::skipped();
                st.set_message("stale: what it covers does not fail; remove the waiver");
                st
            }
            WaiverState::Expired => {
                let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
                st.set_message(format!("the waiver expired on {}", w.expires));
                st.set_description(format!(
                    "{}:{}: approved by {}: {}",
                    w.file, w.line, w.approver, w.justification
                ));
                st
            }
        };
        let mut case = TestCase::new(w.target.to_string(), status);
        case.set_classname(format!("{}.waivers", regime.id));
        suite.add_test_case(case);
    }
    suite
}
