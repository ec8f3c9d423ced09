//! Dates as the scan holds them: `year × 512 + month × 32 + day` in an `i32`. The packing keeps
//! the order of dates, so comparisons are integer comparisons, and it keeps the calendar fields,
//! so full months and years need no calendar conversion. `NO_DATE` marks a missing date.

use time::{Date, Month};

/// A missing date (below every packed date: years stop at ±999,999).
pub(crate) const NO_DATE: i32 = i32::MIN;

pub(crate) fn pack(d: Date) -> i32 {
    let (y, m, day) = d.to_calendar_date();
    y * 512 + i32::from(u8::from(m)) * 32 + i32::from(day)
}

/// Packs calendar fields already checked to form a date.
pub(crate) fn pack_parts(y: i32, m: i32, day: i32) -> i32 {
    y * 512 + m * 32 + day
}

pub(crate) fn pack_opt(d: Option<Date>) -> i32 {
    d.map_or(NO_DATE, pack)
}

// Shifts and masks floor like `div_euclid`/`rem_euclid` by 512 and 32, negative years included.
pub(crate) fn year(p: i32) -> i32 {
    p >> 9
}

fn month(p: i32) -> i32 {
    (p >> 5) & 15
}

fn day(p: i32) -> i32 {
    p & 31
}

pub(crate) fn unpack(p: i32) -> Option<Date> {
    if p == NO_DATE {
        return None;
    }
    let m = Month::try_from(u8::try_from(month(p)).ok()?).ok()?;
    Date::from_calendar_date(year(p), m, u8::try_from(day(p)).ok()?).ok()
}

pub(crate) fn days_in_month(y: i32, m: i32) -> i32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `dates::full_months_between` on packed dates (both present). The month count of the
/// calendar fields, one less when `from`'s day, clamped to the length of `to`'s month, lies
/// after `to`'s day: `add_months(from, n)` lands in `to`'s month with day `min(d1, length)`.
pub(crate) fn full_months(from: i32, to: i32) -> i64 {
    let (y1, m1, d1) = (year(from), month(from), day(from));
    let (y2, m2, d2) = (year(to), month(to), day(to));
    let n = (i64::from(y2) - i64::from(y1)) * 12 + i64::from(m2) - i64::from(m1);
    if d1 > d2 && d2 < days_in_month(y2, m2) { n - 1 } else { n }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::{age_years, full_months_between};
    use proptest::prelude::*;

    fn date_from(days: i32) -> Date {
        Date::from_julian_day(days).unwrap()
    }

    proptest! {
        #[test]
        fn packing_keeps_order_fields_and_full_months(a in 2_000_000i32..2_600_000, b in 2_000_000i32..2_600_000) {
            let (x, y) = (date_from(a), date_from(b));
            prop_assert_eq!(unpack(pack(x)), Some(x));
            prop_assert_eq!(pack(x).cmp(&pack(y)), x.cmp(&y));
            prop_assert_eq!(full_months(pack(x), pack(y)), full_months_between(x, y));
            prop_assert_eq!(full_months(pack(x), pack(y)).div_euclid(12), age_years(x, y));
            prop_assert!(NO_DATE < pack(x));
        }
    }

    #[test]
    fn month_ends_clamp_as_add_months_does() {
        let d = |s: &str| crate::value::parse_iso_date(s).unwrap();
        for (a, b) in
            [("2019-08-31", "2020-02-29"), ("2019-08-31", "2020-02-28"), ("2020-01-31", "2020-02-29"), ("2020-03-15", "2020-03-10")]
        {
            assert_eq!(full_months(pack(d(a)), pack(d(b))), full_months_between(d(a), d(b)), "{a} {b}");
        }
        assert_eq!(unpack(NO_DATE), None);
    }
}
