//! Working-day calendars and calendar arithmetic for legal periods.
//!
//! # Calendars
//!
//! | Country | Statute | Years |
//! |---|---|---|
//! | LT | Labour Code, Article 123(1) (2016 Code, from 1 July 2017); before that Article 162(1) of the 2002 Code (in force 1 January 2003) | 2003–2035 |
//! | LV | Law "On Public Holidays, Commemoration Days and Celebration Days", Section 1 | 2000–2027 |
//! | DK | Public Holidays Act (helligdagsloven), section 1: the holidays of the Church of Denmark | 2000–2035 |
//!
//! LT starts in 2003, when the 2002 Code entered into force (the earlier law's
//! list differed). LV ends in 2027 because the Song and Dance Festival closing
//! day, a holiday whose date the Cabinet fixes per festival, is not yet fixed
//! for the 2028 festival.
//!
//! Rules that changed within a range apply from the year they began:
//! * LT: Christmas Eve from 2011, All Souls' Day (2 November) from 2020.
//! * LV: 4 May from 2002; Christmas Eve and the transfer of 4 May and
//!   18 November from a weekend to the next working day from 2007; the Song and
//!   Dance Festival closing day (same transfer) from 2014, with each festival's
//!   date listed; one-off holidays enacted for a single day (24 September 2018,
//!   29 May 2023) are listed explicitly.
//! * DK: Great Prayer Day until 2023, abolished from 2024. Constitution Day,
//!   Christmas Eve and New Year's Eve are not public holidays and count as
//!   working days.
//!
//! The submodules `lt`, `lv` and `dk` give the details and sources.
//!
//! # Boundary rules
//!
//! * Saturday and Sunday are never working days. A holiday on a weekend is
//!   still listed (so are the Sunday holidays: Mother's and Father's Day,
//!   Whitsunday); it moves to another day only where the statute says so (LV),
//!   and then the new day is listed as its own holiday.
//! * A year outside [`Country::years`] is an error, never a guess: the
//!   calendar is not known there. This also holds when counting working days
//!   runs past the range.
//! * [`add_working_days`] starts counting on the day after `start`.
//! * Government or Cabinet orders that move a working day to a Saturday
//!   (bridge days, used in Lithuania 2005–2010 and in Latvia) are not public
//!   holidays and are not modelled.
//! * [`add_months`] and [`add_years`] use jiff's span arithmetic, which clamps
//!   to the last day of the target month when the day does not exist there
//!   (31 January + 1 month = 28 or 29 February; 29 February + 1 year =
//!   28 February); the tests pin this behaviour.

mod dk;
mod easter;
mod lt;
mod lv;

use std::fmt;
use std::ops::RangeInclusive;

use jiff::civil::{date, Date, Weekday};
use jiff::Span;

/// A jurisdiction with a working-day calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Country {
    /// Lithuania.
    Lt,
    /// Latvia.
    Lv,
    /// Denmark.
    Dk,
}

impl Country {
    /// Every country with a calendar.
    pub const ALL: [Country; 3] = [Country::Lt, Country::Lv, Country::Dk];

    /// Parses "LT"/"lt"/"LV"/"DK" (case-insensitive); None otherwise.
    pub fn parse(code: &str) -> Option<Country> {
        Country::ALL
            .into_iter()
            .find(|country| country.code().eq_ignore_ascii_case(code))
    }

    /// "LT", "LV", "DK".
    pub fn code(self) -> &'static str {
        match self {
            Country::Lt => "LT",
            Country::Lv => "LV",
            Country::Dk => "DK",
        }
    }

    /// The statute the calendar follows, as a citation string.
    pub fn statute(self) -> &'static str {
        match self {
            Country::Lt => lt::STATUTE,
            Country::Lv => lv::STATUTE,
            Country::Dk => dk::STATUTE,
        }
    }

    /// The years this calendar is known for (inclusive range).
    pub fn years(self) -> RangeInclusive<i16> {
        match self {
            Country::Lt => lt::YEARS,
            Country::Lv => lv::YEARS,
            Country::Dk => dk::YEARS,
        }
    }
}

/// One public holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// The holiday's name in English, e.g. "Easter Monday".
    pub name: &'static str,
}

/// Why a calendar question cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The year is outside the years the country's calendar is known for.
    YearOutOfRange {
        /// The country asked about.
        country: Country,
        /// The year asked about (or reached while counting).
        year: i16,
        /// The years that are known.
        known: RangeInclusive<i16>,
    },
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarError::YearOutOfRange {
                country,
                year,
                known,
            } => write!(
                f,
                "no {} holiday calendar for {year}: known years are {}–{}",
                country.code(),
                known.start(),
                known.end()
            ),
        }
    }
}

impl std::error::Error for CalendarError {}

/// The public holidays of a year, sorted by date.
///
/// A holiday that falls on a weekend is still listed; transferred days are
/// listed as their own entries. Two holidays can share a date (in Lithuania,
/// Mother's Day is 1 May when that is a Sunday); both are listed.
pub fn holidays(country: Country, year: i16) -> Result<Vec<Holiday>, CalendarError> {
    let known = country.years();
    if !known.contains(&year) {
        return Err(CalendarError::YearOutOfRange {
            country,
            year,
            known,
        });
    }
    let mut days = match country {
        Country::Lt => lt::holidays(year),
        Country::Lv => lv::holidays(year),
        Country::Dk => dk::holidays(year),
    };
    days.sort_by_key(|h| h.date);
    Ok(days)
}

/// The holiday on this date, if any (the first listed when two share it).
pub fn holiday_on(country: Country, date: Date) -> Result<Option<Holiday>, CalendarError> {
    Ok(holidays(country, date.year())?
        .into_iter()
        .find(|h| h.date == date))
}

/// True for Monday–Friday that are not public holidays.
///
/// Weekend days outside the known years are an error too, like every other
/// date there.
pub fn is_working_day(country: Country, date: Date) -> Result<bool, CalendarError> {
    let holiday = holiday_on(country, date)?;
    Ok(!is_weekend(date) && holiday.is_none())
}

/// The result of counting working days, with what was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingDays {
    /// The working day reached.
    pub date: Date,
    /// Holidays on Monday–Friday passed over while counting, sorted by date.
    pub skipped_holidays: Vec<Holiday>,
    /// Saturdays and Sundays passed over, including those that are also
    /// holidays (a weekend day is counted here, never in `skipped_holidays`).
    pub skipped_weekend_days: usize,
}

/// `start` + `n` working days: the n-th working day after `start`.
///
/// Counting begins on the day after `start` ("within 3 working days from the
/// day of receipt": receipt on a Friday gives the Wednesday when Monday to
/// Wednesday are working days). `n = 0` gives `start` itself, whatever day it
/// is. Negative `n` counts backwards ("no later than 10 working days before
/// publication" is the 10th working day before `start`).
///
/// Errors when `start`, or any day the count passes, lies outside the
/// country's known years.
pub fn add_working_days(
    country: Country,
    start: Date,
    n: i32,
) -> Result<WorkingDays, CalendarError> {
    let step = if n < 0 { -1 } else { 1 };
    let mut remaining = n.unsigned_abs();
    let mut year_holidays = holidays(country, start.year())?;
    let mut day = start;
    let mut skipped_holidays = Vec::new();
    let mut skipped_weekend_days = 0;
    while remaining > 0 {
        let next = shift(day, step);
        if next.year() != day.year() {
            year_holidays = holidays(country, next.year())?;
        }
        day = next;
        if is_weekend(day) {
            skipped_weekend_days += 1;
        } else if let Some(h) = year_holidays.iter().find(|h| h.date == day) {
            skipped_holidays.push(h.clone());
        } else {
            remaining -= 1;
        }
    }
    if step < 0 {
        skipped_holidays.reverse();
    }
    Ok(WorkingDays {
        date: day,
        skipped_holidays,
        skipped_weekend_days,
    })
}

/// Calendar months: `date` + `n` months, clamped to the last day of the target
/// month when the day does not exist there (31 January + 1 month = 28/29
/// February; 29 February 2024 + 12 months = 28 February 2025). Negative `n`
/// allowed.
///
/// # Panics
///
/// If the result lies outside jiff's dates (years -9999 to 9999), which takes
/// |n| in the tens of thousands; use [`checked_add_months`] for untrusted `n`.
pub fn add_months(date: Date, n: i32) -> Date {
    checked_add_months(date, n)
        .expect("month count out of range: use checked_add_months for untrusted input")
}

/// [`add_months`], or `None` when the result lies outside jiff's dates.
pub fn checked_add_months(date: Date, n: i32) -> Option<Date> {
    date.checked_add(Span::new().try_months(n).ok()?).ok()
}

/// Calendar years: `date` + `n` years, with the same clamping as
/// [`add_months`] (29 February + 1 year = 28 February). Negative `n` allowed.
///
/// # Panics
///
/// If the result lies outside jiff's dates (years -9999 to 9999); use
/// [`checked_add_years`] for untrusted `n`.
pub fn add_years(date: Date, n: i32) -> Date {
    checked_add_years(date, n)
        .expect("year count out of range: use checked_add_years for untrusted input")
}

/// [`add_years`], or `None` when the result lies outside jiff's dates.
pub fn checked_add_years(date: Date, n: i32) -> Option<Date> {
    date.checked_add(Span::new().try_years(n).ok()?).ok()
}

/// A [`Holiday`], for the calendar tables.
const fn holiday(date: Date, name: &'static str) -> Holiday {
    Holiday { date, name }
}

/// Saturday or Sunday.
fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// `date` moved by `days` (earlier when negative). Only used on dates of
/// supported years, a few days from them, so jiff's limits are never reached.
fn shift(date: Date, days: i64) -> Date {
    date.checked_add(Span::new().days(days))
        .expect("calendar dates are far from jiff's limits")
}

/// The `nth` Sunday (1-based, at most 4) of a month.
fn nth_sunday(year: i16, month: i8, nth: i8) -> Date {
    date(year, month, 1)
        .nth_weekday_of_month(nth, Weekday::Sunday)
        .expect("every month has at least four Sundays")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(month, day, name)` triples as holidays of `year`.
    fn expected(year: i16, days: &[(i8, i8, &'static str)]) -> Vec<Holiday> {
        days.iter()
            .map(|&(month, day, name)| holiday(date(year, month, day), name))
            .collect()
    }

    fn working(country: Country, day: Date) -> bool {
        is_working_day(country, day).unwrap()
    }

    #[test]
    fn country_codes() {
        for country in Country::ALL {
            assert_eq!(Country::parse(country.code()), Some(country));
            assert_eq!(
                Country::parse(&country.code().to_lowercase()),
                Some(country)
            );
            assert!(!country.statute().is_empty());
        }
        assert_eq!(Country::parse("Dk"), Some(Country::Dk));
        for bad in ["", "EE", "LTU", " lt", "l"] {
            assert_eq!(Country::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Country::Lt.years(), 2003..=2035);
        assert_eq!(Country::Lv.years(), 2000..=2027);
        assert_eq!(Country::Dk.years(), 2000..=2035);
    }

    #[test]
    fn lithuania_2024() {
        let want = expected(
            2024,
            &[
                (1, 1, "New Year's Day"),
                (2, 16, "Restoration of the State Day"),
                (3, 11, "Restoration of Independence Day"),
                (3, 31, "Easter Sunday"),
                (4, 1, "Easter Monday"),
                (5, 1, "International Workers' Day"),
                (5, 5, "Mother's Day"),
                (6, 2, "Father's Day"),
                (6, 24, "St John's Day (Day of Dew)"),
                (7, 6, "Statehood Day"),
                (8, 15, "Assumption Day"),
                (11, 1, "All Saints' Day"),
                (11, 2, "All Souls' Day"),
                (12, 24, "Christmas Eve"),
                (12, 25, "Christmas Day"),
                (12, 26, "Second Day of Christmas"),
            ],
        );
        assert_eq!(holidays(Country::Lt, 2024).unwrap(), want);
    }

    #[test]
    fn lithuania_rules_by_year() {
        // Christmas Eve from 2011: 24 December 2010 (a Friday) is a working day
        // under the Code.
        assert!(working(Country::Lt, date(2010, 12, 24)));
        assert_eq!(
            holiday_on(Country::Lt, date(2012, 12, 24))
                .unwrap()
                .unwrap()
                .name,
            "Christmas Eve"
        );
        // All Souls' Day from 2020: 2 November 2018 was a Friday.
        assert!(working(Country::Lt, date(2018, 11, 2)));
        assert!(!working(Country::Lt, date(2021, 11, 2)));
        // Mother's Day on 1 May 2016, a Sunday: both are listed, no transfer.
        let first_may: Vec<_> = holidays(Country::Lt, 2016)
            .unwrap()
            .into_iter()
            .filter(|h| h.date == date(2016, 5, 1))
            .collect();
        assert_eq!(first_may.len(), 2);
        assert!(working(Country::Lt, date(2016, 5, 2)));
    }

    #[test]
    fn latvia_2024() {
        let want = expected(
            2024,
            &[
                (1, 1, "New Year's Day"),
                (3, 29, "Good Friday"),
                (3, 31, "Easter Sunday"),
                (4, 1, "Easter Monday"),
                (5, 1, "Labour Day"),
                (5, 4, "Restoration of Independence Day"),
                (5, 6, "Restoration of Independence Day (transferred)"),
                (5, 12, "Mother's Day"),
                (5, 19, "Whitsunday"),
                (6, 23, "Midsummer Eve (Līgo Day)"),
                (6, 24, "Midsummer Day (Jāņi)"),
                (11, 18, "Proclamation Day of the Republic of Latvia"),
                (12, 24, "Christmas Eve"),
                (12, 25, "Christmas Day"),
                (12, 26, "Second Day of Christmas"),
                (12, 31, "New Year's Eve"),
            ],
        );
        assert_eq!(holidays(Country::Lv, 2024).unwrap(), want);
    }

    #[test]
    fn latvia_weekend_transfers() {
        // 4 May 2024 is a Saturday, 4 May 2025 a Sunday.
        assert!(!working(Country::Lv, date(2024, 5, 6)));
        assert_eq!(
            holiday_on(Country::Lv, date(2025, 5, 5))
                .unwrap()
                .unwrap()
                .name,
            "Restoration of Independence Day (transferred)"
        );
        // 18 November 2023 is a Saturday; 18 November 2007 a Sunday (the first transfer).
        assert!(!working(Country::Lv, date(2023, 11, 20)));
        assert!(!working(Country::Lv, date(2007, 11, 19)));
        // Before the 2007 amendment nothing moved: 18 November 2006 was a
        // Saturday and 4 May 2003 a Sunday.
        assert!(working(Country::Lv, date(2006, 11, 20)));
        assert!(working(Country::Lv, date(2003, 5, 5)));
        // 4 May became a holiday in 2002; in 2001 it was a working Friday.
        assert!(working(Country::Lv, date(2001, 5, 4)));
        assert!(holiday_on(Country::Lv, date(2002, 5, 4)).unwrap().is_some());
        // Christmas Eve from 2007: 24 December 2004 was a working Friday.
        assert!(working(Country::Lv, date(2004, 12, 24)));
        assert!(!working(Country::Lv, date(2008, 12, 24)));
    }

    #[test]
    fn latvia_festival_and_one_off_days() {
        for (day, name) in [
            (date(2018, 7, 8), "Song and Dance Festival Closing Day"),
            (
                date(2018, 7, 9),
                "Song and Dance Festival Closing Day (transferred)",
            ),
            (
                date(2018, 9, 24),
                "Day of the Pastoral Visit of Pope Francis",
            ),
            (
                date(2023, 5, 29),
                "Ice Hockey World Championship Bronze Medal Day",
            ),
            (date(2023, 7, 9), "Song and Dance Festival Closing Day"),
            (
                date(2023, 7, 10),
                "Song and Dance Festival Closing Day (transferred)",
            ),
        ] {
            assert_eq!(
                holiday_on(Country::Lv, day).unwrap().map(|h| h.name),
                Some(name),
                "{day}"
            );
        }
        // The 2013 festival predates the 2014 amendment.
        assert!(working(Country::Lv, date(2013, 7, 8)));
    }

    #[test]
    fn denmark_2023_has_great_prayer_day() {
        let want = expected(
            2023,
            &[
                (1, 1, "New Year's Day"),
                (4, 6, "Maundy Thursday"),
                (4, 7, "Good Friday"),
                (4, 9, "Easter Sunday"),
                (4, 10, "Easter Monday"),
                (5, 5, "Great Prayer Day"),
                (5, 18, "Ascension Day"),
                (5, 28, "Whitsunday"),
                (5, 29, "Whit Monday"),
                (12, 25, "Christmas Day"),
                (12, 26, "Second Day of Christmas"),
            ],
        );
        assert_eq!(holidays(Country::Dk, 2023).unwrap(), want);
    }

    #[test]
    fn denmark_2024_has_no_great_prayer_day() {
        let want = expected(
            2024,
            &[
                (1, 1, "New Year's Day"),
                (3, 28, "Maundy Thursday"),
                (3, 29, "Good Friday"),
                (3, 31, "Easter Sunday"),
                (4, 1, "Easter Monday"),
                (5, 9, "Ascension Day"),
                (5, 19, "Whitsunday"),
                (5, 20, "Whit Monday"),
                (12, 25, "Christmas Day"),
                (12, 26, "Second Day of Christmas"),
            ],
        );
        assert_eq!(holidays(Country::Dk, 2024).unwrap(), want);
        // The fourth Friday after Easter 2024 is a working day.
        assert!(working(Country::Dk, date(2024, 4, 26)));
    }

    #[test]
    fn denmark_days_that_are_not_public_holidays() {
        // Constitution Day (Wednesday), Christmas Eve (Tuesday), New Year's Eve
        // (Tuesday), 1 May (Wednesday).
        for day in [
            date(2024, 6, 5),
            date(2024, 12, 24),
            date(2024, 12, 31),
            date(2024, 5, 1),
        ] {
            assert!(working(Country::Dk, day), "{day}");
        }
    }

    #[test]
    fn every_year_is_consistent() {
        for country in Country::ALL {
            for year in country.years() {
                let days = holidays(country, year).unwrap();
                assert!(
                    days.windows(2).all(|w| w[0].date <= w[1].date),
                    "{country:?} {year} unsorted"
                );
                assert!(
                    days.iter().all(|h| h.date.year() == year),
                    "{country:?} {year}"
                );
                // Only Sundays carry two holidays, so holiday_on never hides a
                // working-day distinction.
                for pair in days.windows(2).filter(|w| w[0].date == w[1].date) {
                    assert_eq!(
                        pair[0].date.weekday(),
                        Weekday::Sunday,
                        "{country:?} {:?}",
                        pair
                    );
                }
            }
        }
    }

    #[test]
    fn counting_over_a_weekend() {
        let friday = date(2024, 6, 14);
        let result = add_working_days(Country::Lt, friday, 1).unwrap();
        assert_eq!(
            result,
            WorkingDays {
                date: date(2024, 6, 17),
                skipped_holidays: vec![],
                skipped_weekend_days: 2
            }
        );
        // Receipt on a Friday, 3 working days: the Wednesday.
        assert_eq!(
            add_working_days(Country::Lt, friday, 3).unwrap().date,
            date(2024, 6, 19)
        );
    }

    #[test]
    fn counting_over_easter() {
        // Friday 29 March 2024 + 3 working days: Easter Monday is skipped, so
        // the count runs Tuesday, Wednesday, Thursday.
        let result = add_working_days(Country::Lt, date(2024, 3, 29), 3).unwrap();
        assert_eq!(
            result,
            WorkingDays {
                date: date(2024, 4, 4),
                skipped_holidays: vec![holiday(date(2024, 4, 1), "Easter Monday")],
                skipped_weekend_days: 2,
            }
        );
        // In Denmark the count from Wednesday 27 March skips Maundy Thursday,
        // Good Friday, the weekend and Easter Monday.
        let result = add_working_days(Country::Dk, date(2024, 3, 27), 1).unwrap();
        assert_eq!(result.date, date(2024, 4, 2));
        let names: Vec<_> = result.skipped_holidays.iter().map(|h| h.name).collect();
        assert_eq!(names, ["Maundy Thursday", "Good Friday", "Easter Monday"]);
        assert_eq!(result.skipped_weekend_days, 2);
    }

    #[test]
    fn counting_backwards() {
        // 5 working days before Friday 5 April 2024 in Denmark.
        let result = add_working_days(Country::Dk, date(2024, 4, 5), -5).unwrap();
        assert_eq!(result.date, date(2024, 3, 26));
        let dates: Vec<_> = result.skipped_holidays.iter().map(|h| h.date).collect();
        assert_eq!(
            dates,
            [date(2024, 3, 28), date(2024, 3, 29), date(2024, 4, 1)]
        );
        assert_eq!(result.skipped_weekend_days, 2);
        // 10 working days before Monday 20 May 2024 in Latvia: skips the
        // transferred 6 May and the weekends.
        let result = add_working_days(Country::Lv, date(2024, 5, 20), -10).unwrap();
        assert_eq!(result.date, date(2024, 5, 3));
        assert_eq!(
            result
                .skipped_holidays
                .iter()
                .map(|h| h.date)
                .collect::<Vec<_>>(),
            [date(2024, 5, 6)]
        );
    }

    #[test]
    fn counting_zero_gives_start() {
        let saturday = date(2024, 5, 4);
        let result = add_working_days(Country::Lv, saturday, 0).unwrap();
        assert_eq!(
            result,
            WorkingDays {
                date: saturday,
                skipped_holidays: vec![],
                skipped_weekend_days: 0
            }
        );
    }

    #[test]
    fn counting_agrees_with_is_working_day() {
        for country in Country::ALL {
            let mut day = date(2024, 1, 1);
            while day.year() == 2024 {
                for n in [1, -1] {
                    let reached = add_working_days(country, day, n).unwrap().date;
                    assert!(working(country, reached), "{country:?} {day} {n}");
                    let mut between = shift(day, i64::from(n));
                    while between != reached {
                        assert!(
                            !working(country, between),
                            "{country:?} {day} {n} {between}"
                        );
                        between = shift(between, i64::from(n));
                    }
                }
                day = shift(day, 1);
            }
        }
    }

    #[test]
    fn years_out_of_range_are_errors() {
        let err = holidays(Country::Lt, 1999).unwrap_err();
        assert_eq!(
            err,
            CalendarError::YearOutOfRange {
                country: Country::Lt,
                year: 1999,
                known: 2003..=2035
            }
        );
        assert_eq!(
            err.to_string(),
            "no LT holiday calendar for 1999: known years are 2003–2035"
        );
        assert!(holidays(Country::Dk, 2036).is_err());
        assert!(holiday_on(Country::Lv, date(2028, 7, 10)).is_err());
        // A weekend day outside the range is not silently "not working".
        assert!(is_working_day(Country::Dk, date(1999, 12, 25)).is_err());
        assert!(add_working_days(Country::Dk, date(2040, 1, 2), 0).is_err());
    }

    #[test]
    fn counting_out_of_the_range_is_an_error() {
        // Thursday 30 December 2027: 31 December is a holiday, then the weekend,
        // then 2028, which Latvia's calendar does not know.
        let err = add_working_days(Country::Lv, date(2027, 12, 30), 1).unwrap_err();
        assert_eq!(
            err,
            CalendarError::YearOutOfRange {
                country: Country::Lv,
                year: 2028,
                known: 2000..=2027
            }
        );
        let err = add_working_days(Country::Dk, date(2000, 1, 3), -1).unwrap_err();
        assert!(matches!(
            err,
            CalendarError::YearOutOfRange { year: 1999, .. }
        ));
        assert!(add_working_days(Country::Lt, date(2035, 12, 31), 1).is_err());
        // Staying inside the range at its edge is fine.
        assert_eq!(
            add_working_days(Country::Dk, date(2035, 12, 27), 1)
                .unwrap()
                .date,
            date(2035, 12, 28)
        );
    }

    #[test]
    fn huge_counts_stop_at_the_range() {
        assert!(add_working_days(Country::Dk, date(2024, 1, 1), i32::MAX).is_err());
        assert!(add_working_days(Country::Dk, date(2024, 1, 1), i32::MIN).is_err());
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        for (from, n, to) in [
            (date(2024, 1, 31), 1, date(2024, 2, 29)),
            (date(2023, 1, 31), 1, date(2023, 2, 28)),
            (date(2024, 2, 29), 12, date(2025, 2, 28)),
            (date(2024, 3, 31), -1, date(2024, 2, 29)),
            (date(2024, 5, 31), 1, date(2024, 6, 30)),
            (date(2024, 1, 31), -2, date(2023, 11, 30)),
            (date(2024, 12, 15), 1, date(2025, 1, 15)),
            (date(2024, 8, 31), 6, date(2025, 2, 28)),
            (date(2024, 4, 30), 1, date(2024, 5, 30)),
            (date(2024, 7, 4), 0, date(2024, 7, 4)),
        ] {
            assert_eq!(add_months(from, n), to, "{from} + {n} months");
        }
    }

    #[test]
    fn years_clamp_29_february() {
        assert_eq!(add_years(date(2024, 2, 29), 1), date(2025, 2, 28));
        assert_eq!(add_years(date(2024, 2, 29), -1), date(2023, 2, 28));
        assert_eq!(add_years(date(2024, 2, 29), 4), date(2028, 2, 29));
        assert_eq!(add_years(date(2023, 3, 1), 1), date(2024, 3, 1));
        assert_eq!(
            add_years(date(2024, 2, 29), 1),
            add_months(date(2024, 2, 29), 12)
        );
    }

    #[test]
    fn checked_arithmetic_reports_overflow() {
        assert_eq!(checked_add_months(date(2024, 1, 31), i32::MAX), None);
        assert_eq!(checked_add_months(date(9999, 12, 1), 1), None);
        assert_eq!(checked_add_years(date(2024, 1, 1), -20_000), None);
        assert_eq!(
            checked_add_years(date(2024, 2, 29), 1),
            Some(date(2025, 2, 28))
        );
    }
}
