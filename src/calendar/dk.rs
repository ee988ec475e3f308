//! Denmark: the holidays of the Church of Denmark (folkekirkens helligdage).
//!
//! The Public Holidays Act (helligdagsloven, consolidated as Act no. 1023 of
//! 24 October 2012), section 1, refers to the church's holidays without listing
//! them; the list itself rests on royal ordinance (Danske Lov 2-4-5 and the
//! holiday reform of 1770). Sundays are holidays too but are not listed: they
//! are weekend days anyway.
//!
//! Rules by year:
//! * New Year's Day, Maundy Thursday, Good Friday, Easter Sunday and Monday,
//!   Ascension Day, Whitsunday, Whit Monday, 25 and 26 December: the whole range.
//! * Great Prayer Day (store bededag, the fourth Friday after Easter): up to and
//!   including 2023. It was abolished from 1 January 2024 by royal resolution
//!   together with the Act on the consequences of abolishing Great Prayer Day
//!   as a public holiday, adopted 28 February 2023 (bill L 13).
//!
//! Not holidays, and so working days here: Constitution Day (5 June),
//! Christmas Eve (24 December), New Year's Eve (31 December) and 1 May. No
//! statute makes them general days off: the Shop Closing Act (lukkeloven,
//! section 2(1)) closes shops on 5 June and 24 December, and collective
//! agreements often give these days off, but that depends on the trade and the
//! employment, not on the calendar.

use std::ops::RangeInclusive;

use jiff::civil::date;

use super::easter::easter_sunday;
use super::{holiday, shift, Holiday};

/// The citation returned by [`super::Country::statute`].
pub(super) const STATUTE: &str = "Public Holidays Act of Denmark (helligdagsloven), section 1: \
     the holidays of the Church of Denmark; Great Prayer Day abolished from 2024 \
     (Act of 28 February 2023 on the consequences of abolishing Great Prayer Day as a public holiday)";

/// The years this calendar is known for.
pub(super) const YEARS: RangeInclusive<i16> = 2000..=2035;

/// The holidays of `year` (a year in [`YEARS`]), in no particular order.
pub(super) fn holidays(year: i16) -> Vec<Holiday> {
    let easter = easter_sunday(year);
    let mut days = vec![
        holiday(date(year, 1, 1), "New Year's Day"),
        holiday(shift(easter, -3), "Maundy Thursday"),
        holiday(shift(easter, -2), "Good Friday"),
        holiday(easter, "Easter Sunday"),
        holiday(shift(easter, 1), "Easter Monday"),
        holiday(shift(easter, 39), "Ascension Day"),
        holiday(shift(easter, 49), "Whitsunday"),
        holiday(shift(easter, 50), "Whit Monday"),
        holiday(date(year, 12, 25), "Christmas Day"),
        holiday(date(year, 12, 26), "Second Day of Christmas"),
    ];
    if year <= 2023 {
        days.push(holiday(shift(easter, 26), "Great Prayer Day"));
    }
    days
}
