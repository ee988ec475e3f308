//! Numbers reach Cedar exactly as written, or are refused with a reason:
//! never rounded through floating point.

mod common;

use std::fs;
use std::path::Path;

const SCHEMA: &str = r#"namespace Ledger {
  entity Clerk;
  entity Account { limit: decimal, count: Long };
  action pay appliesTo {
    principal: [Clerk],
    resource: [Account],
    context: { now: datetime, amount: decimal },
  };
}
"#;

const POLICY: &str = r#"@id("ledger-exact")
@clause("1")
@requirement("LEDGER-EXACT")
permit (principal, action == Ledger::Action::"pay", resource)
when { context.amount == decimal("123456789012345.6789") && resource.limit == decimal("-0.5") };
"#;

const CATALOGUE: &str = r#"regime: ledger
title: Ledger
source: lexgate's test of numbers
namespace: Ledger
groups:
  - {id: I, title: I}
requirements:
  - {id: LEDGER-EXACT, clause: "1", group: I, kind: access, summary: Only the exact amount is paid.}
"#;

/// A one-regime project whose only scenario pays `amount` from an account
/// with `limit` and `count`, expecting allow.
fn project(amount: &str, limit: &str, count: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write("policies/ledger/schema.cedarschema", SCHEMA);
    write("policies/ledger/exact.cedar", POLICY);
    write("cases/ledger/requirements.yaml", CATALOGUE);
    write(
        "cases/ledger/pay.yaml",
        &format!(
            "entities:\n  Clerk:\n    ana: {{}}\n  Account:\n    main: {{limit: {limit}, count: {count}}}\nscenarios:\n  - name: the exact amount\n    requirements: [LEDGER-EXACT]\n    at: 2025-01-01\n    principal: ana\n    action: pay\n    resource: main\n    context: {{amount: {amount}}}\n    expect: allow\n"
        ),
    );
    dir
}

fn check(root: &Path) -> (i32, String, String) {
    common::run(root, &["check"])
}

#[test]
fn a_decimal_written_as_a_yaml_number_keeps_every_digit() {
    let dir = project("123456789012345.6789", "-0.5", "1");
    let (code, out, err) = check(dir.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 pass"), "{out}");
}

#[test]
fn the_same_decimal_quoted_is_the_same_value() {
    let dir = project("\"123456789012345.6789\"", "\"-0.5\"", "1");
    let (code, out, err) = check(dir.path());
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_decimal_cedar_cannot_hold_is_refused_never_rounded() {
    for (amount, says) in [
        (
            "1.23456",
            "has 5 digits after the point; Cedar's decimals have at most four",
        ),
        ("1e3", "`1e3` is not written as Cedar writes a decimal"),
        (
            "922337203685477.5808",
            "outside the range of Cedar's decimals",
        ),
    ] {
        let dir = project(amount, "-0.5", "1");
        let (code, out, err) = check(dir.path());
        assert_eq!(code, 2, "{amount}: {out}{err}");
        assert!(err.contains(says), "{amount}: {err}");
        assert!(err.contains("pay.yaml:13:"), "{amount}: {err}");
    }
}

#[test]
fn the_edges_of_a_decimal_and_of_a_long_are_accepted() {
    let dir = project("-922337203685477.5808", "-0.5", "9223372036854775807");
    let (code, out, err) = check(dir.path());
    // The amount differs from the policy's, so the scenario fails: but it
    // was evaluated (exit 1), not refused (exit 2).
    assert_eq!(code, 1, "{out}{err}");
    let dir = project("123456789012345.6789", "-0.5", "-9223372036854775808");
    assert_eq!(check(dir.path()).0, 0);
}

#[test]
fn a_long_outside_cedars_range_is_refused() {
    for count in ["9223372036854775808", "-9223372036854775809", "1.5"] {
        let dir = project("123456789012345.6789", "-0.5", count);
        let (code, out, err) = check(dir.path());
        assert_eq!(code, 2, "{count}: {out}{err}");
        assert!(
            err.contains("expected a whole number")
                || err.contains("beyond any number Cedar holds"),
            "{count}: {err}"
        );
        assert!(err.contains("lexgate::wrong-type"), "{count}: {err}");
        assert!(err.contains("pay.yaml:5:"), "{count}: {err}");
    }
}
