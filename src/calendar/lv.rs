//! Latvia: the holidays (svētku dienas) of Section 1 of the Law "On Public
//! Holidays, Commemoration Days and Celebration Days" (Par svētku, atceres un
//! atzīmējamām dienām; adopted in 1990, retitled in 2002).
//!
//! Rules by year:
//! * New Year's Day, Good Friday, Easter Sunday and Monday, 1 May, Mother's Day
//!   (second Sunday of May), Whitsunday, 23 and 24 June, 18 November, 25, 26
//!   and 31 December: the whole range. (The 1990 text had Good Friday and
//!   Easter Sunday only; Easter Monday and Whitsunday came with the amendments
//!   of 1995–1996, before this range.)
//! * 4 May, Restoration of Independence Day: from 2002 (amendment of
//!   21 March 2002, in force 23 April 2002).
//! * 24 December and the transfer rule: from 2007 (amendment of 24 May 2007,
//!   in force 26 June 2007). When 4 May or 18 November falls on a Saturday or
//!   Sunday, the next working day is a holiday; the first transfer was
//!   19 November 2007 (4 May 2007 was a Friday).
//! * Closing day of the General Latvian Song and Dance Festival: a holiday
//!   with the same transfer rule from the amendment of 2 October 2014 (in force
//!   22 October 2014). Its date is fixed by the Cabinet for each festival, so
//!   the known ones are listed in [`FESTIVAL_CLOSING_DAYS`]. The festival is
//!   held every five years; the range ends in 2027 because the 2028 closing
//!   day is not fixed yet. Add it there and raise [`YEARS`] once it is.
//! * One-off holidays made by their own amendments to Section 1 are listed
//!   explicitly in [`ONE_OFF_DAYS`].
//!
//! Cabinet orders that move a working day to a Saturday (bridge days) are not
//! holidays and are not modelled.

use std::ops::RangeInclusive;

use jiff::civil::{date, Date};

use super::easter::easter_sunday;
use super::{holiday, is_weekend, nth_sunday, shift, Holiday};

/// The citation returned by [`super::Country::statute`].
pub(super) const STATUTE: &str = "Law of the Republic of Latvia \"On Public Holidays, \
     Commemoration Days and Celebration Days\" (Par svētku, atceres un atzīmējamām dienām), Section 1";

/// The years this calendar is known for.
pub(super) const YEARS: RangeInclusive<i16> = 2000..=2027;

/// Closing days of the General Latvian Song and Dance Festival held since the
/// 2014 amendment: the XXVI festival (8 July 2018) and the XXVII (9 July 2023).
const FESTIVAL_CLOSING_DAYS: [Date; 2] = [date(2018, 7, 8), date(2023, 7, 9)];

/// Days made holidays once by their own amendments to Section 1.
const ONE_OFF_DAYS: [Holiday; 2] = [
    // Amendment adopted 21 June 2018.
    holiday(
        date(2018, 9, 24),
        "Day of the Pastoral Visit of Pope Francis",
    ),
    // Amendment adopted in the extraordinary sitting of 28 May 2023.
    holiday(
        date(2023, 5, 29),
        "Ice Hockey World Championship Bronze Medal Day",
    ),
];

/// The holidays of `year` (a year in [`YEARS`]), in no particular order.
pub(super) fn holidays(year: i16) -> Vec<Holiday> {
    let easter = easter_sunday(year);
    let mut days = vec![
        holiday(date(year, 1, 1), "New Year's Day"),
        holiday(shift(easter, -2), "Good Friday"),
        holiday(easter, "Easter Sunday"),
        holiday(shift(easter, 1), "Easter Monday"),
        holiday(date(year, 5, 1), "Labour Day"),
        holiday(nth_sunday(year, 5, 2), "Mother's Day"),
        holiday(shift(easter, 49), "Whitsunday"),
        holiday(date(year, 6, 23), "Midsummer Eve (Līgo Day)"),
        holiday(date(year, 6, 24), "Midsummer Day (Jāņi)"),
        holiday(date(year, 12, 25), "Christmas Day"),
        holiday(date(year, 12, 26), "Second Day of Christmas"),
        holiday(date(year, 12, 31), "New Year's Eve"),
    ];
    if year >= 2002 {
        push_with_transfer(
            &mut days,
            date(year, 5, 4),
            [
                "Restoration of Independence Day",
                "Restoration of Independence Day (transferred)",
            ],
        );
    }
    push_with_transfer(
        &mut days,
        date(year, 11, 18),
        [
            "Proclamation Day of the Republic of Latvia",
            "Proclamation Day of the Republic of Latvia (transferred)",
        ],
    );
    for closing in FESTIVAL_CLOSING_DAYS
        .into_iter()
        .filter(|d| d.year() == year)
    {
        push_with_transfer(
            &mut days,
            closing,
            [
                "Song and Dance Festival Closing Day",
                "Song and Dance Festival Closing Day (transferred)",
            ],
        );
    }
    if year >= 2007 {
        days.push(holiday(date(year, 12, 24), "Christmas Eve"));
    }
    days.extend(ONE_OFF_DAYS.into_iter().filter(|h| h.date.year() == year));
    days
}

/// Adds a holiday that, from 2007, moves to the next working day (the Monday)
/// when it falls on a Saturday or Sunday; the Monday is listed under the
/// second name.
fn push_with_transfer(days: &mut Vec<Holiday>, date: Date, [name, transferred]: [&'static str; 2]) {
    days.push(holiday(date, name));
    if date.year() >= 2007 && is_weekend(date) {
        let to_monday = 7 - i64::from(date.weekday().to_monday_zero_offset());
        days.push(holiday(shift(date, to_monday), transferred));
    }
}
