//! `lexgate date`: the lawyer's calculator for periods, with the holidays and
//! weekend days it skipped.

use jiff::civil::Date;
use lexgate::calendar::{self, Country};
use lexgate::derive::{add, Count, Period, Unit};

use super::args::{DateArgs, GlobalArgs};
use super::terminal::Terminal;
use super::Exit;

/// Runs `date`.
pub fn run(_global: &GlobalArgs, args: &DateArgs, term: &Terminal) -> Exit {
    match compute(args) {
        Ok(text) => {
            term.out(&text);
            Exit::Ok
        }
        Err(message) => {
            term.err(&format!("error: {message}\n"));
            Exit::Invalid
        }
    }
}

fn compute(args: &DateArgs) -> Result<String, String> {
    let country = Country::parse(&args.country)
        .ok_or_else(|| format!("no calendar for `{}`: use LT, LV or DK", args.country))?;
    let start: Date = args
        .start
        .parse()
        .map_err(|e| format!("`{}` is not a date (write 2024-03-29): {e}", args.start))?;
    let period = Period::parse_short(&args.period)?;
    let Count::Fixed(n) = period.count else {
        unreachable!("the short form always has a number")
    };
    let unit = match period.unit {
        Unit::Days => "calendar days",
        Unit::WorkingDays => "working days",
        Unit::Weeks => "weeks",
        Unit::Months => "calendar months",
        Unit::Years => "calendar years",
    };
    let mut out = String::new();
    let end = add(country, start, n, period.unit)?;
    out.push_str(&format!(
        "{} {} {} {unit} ({}) = {}\n",
        describe(start),
        if n < 0 { "-" } else { "+" },
        n.abs(),
        country.code(),
        describe(end)
    ));
    if period.unit == Unit::WorkingDays {
        let counted = calendar::add_working_days(country, start, n).map_err(|e| e.to_string())?;
        out.push_str(&format!(
            "skipped {} weekend day(s)",
            counted.skipped_weekend_days
        ));
        if counted.skipped_holidays.is_empty() {
            out.push_str(" and no public holiday\n");
        } else {
            out.push_str(" and these public holidays:\n");
            for h in &counted.skipped_holidays {
                out.push_str(&format!("  {}  {}\n", describe(h.date), h.name));
            }
        }
    }
    out.push_str(&format!("calendar: {}\n", country.statute()));
    Ok(out)
}

fn describe(d: Date) -> String {
    d.strftime("%Y-%m-%d (%A)").to_string()
}
