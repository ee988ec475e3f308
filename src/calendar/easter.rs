//! Easter Sunday by the Gregorian computus.
//!
//! jiff has no Easter function, so this is the anonymous Gregorian algorithm
//! (Meeus/Jones/Butcher, as given in Meeus, *Astronomical Algorithms*, ch. 8).
//! All three calendars use the Western (Gregorian) date: Lithuania's Labour
//! Code says so expressly ("pagal vakarietiškąją tradiciją"), and Latvia and
//! Denmark follow the Western churches by practice.

use jiff::civil::{date, Date};

/// Easter Sunday of a Gregorian year.
///
/// Only called for the supported years of a calendar (2000 and later); the
/// algorithm itself holds for every year from 1583.
pub(super) fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    // n / 31 is 3 (March) or 4 (April) and n % 31 + 1 is a valid day of it.
    date(year, (n / 31) as i8, (n % 31 + 1) as i8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_easter_sundays() {
        for (year, month, day) in [
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2030, 4, 21),
            (2035, 3, 25),
            // The extremes of the Gregorian cycle: 22 March and 25 April.
            (1818, 3, 22),
            (2285, 3, 22),
            (1943, 4, 25),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(year), date(year, month, day), "Easter {year}");
        }
    }

    #[test]
    fn always_a_sunday_between_22_march_and_25_april() {
        for year in 1583..=2500 {
            let easter = easter_sunday(year);
            assert_eq!(easter.weekday(), jiff::civil::Weekday::Sunday, "{easter}");
            assert!(
                date(year, 3, 22) <= easter && easter <= date(year, 4, 25),
                "{easter}"
            );
        }
    }
}
