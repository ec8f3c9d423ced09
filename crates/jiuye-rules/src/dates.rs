//! Calendar arithmetic the rules rely on: adding months with month-end clamping, counting full
//! months, full years of age.
//!
//! The one invariant every count keeps (and the property tests check):
//! `add_months(from, n) <= to < add_months(from, n + 1)` where `n = full_months_between(from, to)`.
//! Month ends clamp as 民法典 第二百零三条 counts periods: a month from 01-31 ends on the last day of
//! February, so a spell that began on 2019-08-31 is "6 months" on 2020-02-29.

use time::{Date, Month};

/// `d` plus `n` months (negative allowed), the day clamped to the target month's length.
/// `None` only outside the calendar `time` supports.
pub fn add_months(d: Date, n: i64) -> Option<Date> {
    let index = i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1 + n;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = d.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// Full months from `from` to `to` (negative when `to` is earlier): the largest `n` with
/// `add_months(from, n) <= to`.
pub fn full_months_between(from: Date, to: Date) -> i64 {
    let n = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(u8::from(to.month())) - i64::from(u8::from(from.month()));
    match add_months(from, n) {
        Some(d) if d > to => n - 1,
        _ => n,
    }
}

/// Age in full years (周岁) on `on`.
pub fn age_years(birth: Date, on: Date) -> i64 {
    full_months_between(birth, on).div_euclid(12)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn month_ends_clamp() {
        assert_eq!(add_months(date!(2020 - 01 - 31), 1), Some(date!(2020 - 02 - 29)));
        assert_eq!(add_months(date!(2019 - 01 - 31), 1), Some(date!(2019 - 02 - 28)));
        assert_eq!(add_months(date!(2020 - 03 - 31), -1), Some(date!(2020 - 02 - 29)));
        assert_eq!(add_months(date!(2020 - 02 - 29), 12), Some(date!(2021 - 02 - 28)));
    }

    #[test]
    fn full_months_count_the_way_a_clerk_does() {
        assert_eq!(full_months_between(date!(2019 - 07 - 01), date!(2020 - 01 - 01)), 6);
        assert_eq!(full_months_between(date!(2019 - 07 - 02), date!(2020 - 01 - 01)), 5);
        assert_eq!(full_months_between(date!(2019 - 08 - 31), date!(2020 - 02 - 29)), 6);
        assert_eq!(full_months_between(date!(2020 - 03 - 15), date!(2020 - 03 - 10)), -1);
        assert_eq!(age_years(date!(2000 - 02 - 29), date!(2020 - 02 - 28)), 19);
        assert_eq!(age_years(date!(2000 - 02 - 29), date!(2020 - 02 - 29)), 20);
        assert_eq!(age_years(date!(2000 - 02 - 29), date!(2021 - 02 - 28)), 21);
    }
}
