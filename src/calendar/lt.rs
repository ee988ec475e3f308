//! Lithuania: the holidays (švenčių dienos) on which no work is done.
//!
//! * 2003 – 30 June 2017: Labour Code of 2002 (Law No IX-926, in force
//!   1 January 2003), Article 162(1).
//! * From 1 July 2017: Labour Code of 2016 (Law No XII-2603), Article 123(1),
//!   which carried the same list over.
//!
//! Rules by year:
//! * fixed days, Easter Sunday and Monday, Mother's Day (first Sunday of May)
//!   and Father's Day (first Sunday of June): the whole range.
//! * The range starts in 2003, when the 2002 Code entered into force: earlier
//!   years fell under the previous holidays law, whose list differed (St John's
//!   Day, 24 June, became a holiday again only in 2003) and is not reproduced.
//! * Christmas Eve (24 December): from 2011, by the amendment adopted in
//!   December 2010. Friday 24 December 2010 was made a day off by a one-off
//!   government transfer of working days, not by the Code, so it is not listed.
//! * All Souls' Day (2 November): from 2020.
//!
//! A holiday that falls on a weekend is not moved to another day.

use std::ops::RangeInclusive;

use jiff::civil::date;

use super::easter::easter_sunday;
use super::{holiday, nth_sunday, shift, Holiday};

/// The citation returned by [`super::Country::statute`].
pub(super) const STATUTE: &str = "Labour Code of the Republic of Lithuania, Article 123(1) \
     (before 1 July 2017: Labour Code of 2002, Article 162(1))";

/// The years this calendar is known for.
pub(super) const YEARS: RangeInclusive<i16> = 2003..=2035;

/// The holidays of `year` (a year in [`YEARS`]), in no particular order.
pub(super) fn holidays(year: i16) -> Vec<Holiday> {
    let easter = easter_sunday(year);
    let mut days = vec![
        holiday(date(year, 1, 1), "New Year's Day"),
        holiday(date(year, 2, 16), "Restoration of the State Day"),
        holiday(date(year, 3, 11), "Restoration of Independence Day"),
        holiday(easter, "Easter Sunday"),
        holiday(shift(easter, 1), "Easter Monday"),
        holiday(date(year, 5, 1), "International Workers' Day"),
        holiday(nth_sunday(year, 5, 1), "Mother's Day"),
        holiday(nth_sunday(year, 6, 1), "Father's Day"),
        holiday(date(year, 6, 24), "St John's Day (Day of Dew)"),
        holiday(date(year, 7, 6), "Statehood Day"),
        holiday(date(year, 8, 15), "Assumption Day"),
        holiday(date(year, 11, 1), "All Saints' Day"),
        holiday(date(year, 12, 25), "Christmas Day"),
        holiday(date(year, 12, 26), "Second Day of Christmas"),
    ];
    if year >= 2011 {
        days.push(holiday(date(year, 12, 24), "Christmas Eve"));
    }
    if year >= 2020 {
        days.push(holiday(date(year, 11, 2), "All Souls' Day"));
    }
    days
}
