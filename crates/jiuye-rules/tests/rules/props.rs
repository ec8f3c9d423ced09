//! Property tests of the calendar and ID-number arithmetic.

use jiuye_rules::dates::{add_months, age_years, full_months_between};
use proptest::prelude::*;
use serde_json::json;
use time::{Date, Month};

use crate::common::{facts, id_number, rules};

fn date_in(from_year: i32, to_year: i32) -> impl Strategy<Value = Date> {
    // Days 28–31 are drawn often so month ends and leap days are well covered.
    (from_year..to_year, 1u8..=12, prop_oneof![1u8..=31, 28u8..=31]).prop_map(|(y, m, d)| {
        let month = Month::try_from(m).unwrap();
        Date::from_calendar_date(y, month, d.min(month.length(y))).unwrap()
    })
}

proptest! {
    #[test]
    fn full_months_bracket_the_later_date(a in date_in(1900, 2100), b in date_in(1900, 2100)) {
        let n = full_months_between(a, b);
        prop_assert!(add_months(a, n).unwrap() <= b);
        prop_assert!(b < add_months(a, n + 1).unwrap());
    }

    #[test]
    fn adding_months_then_counting_gives_them_back_when_the_day_survives(a in date_in(1950, 2050), n in 0i64..600) {
        let b = add_months(a, n).unwrap();
        // Clamping (01-31 → 02-28) can only shorten the day, so at least n-0 full months are counted.
        prop_assert_eq!(full_months_between(a, b), n);
    }

    #[test]
    fn age_from_the_id_number_is_the_calendar_age(birth in date_in(1930, 2010), on in date_in(1990, 2040), male in any::<bool>(), seq in 0u32..500) {
        prop_assume!(on >= birth);
        let f = facts(json!({"person.id_number": id_number(birth, male, seq)}));
        let dec = rules().evaluate("preparatory_training", &f, on).unwrap();
        let age = dec.derived_facts["person.age"].as_i64().unwrap();
        // Independent formula: years, minus one before the birthday. Leap-day births reach their
        // age on 02-28 in common years (month-end rule of 民法典 第二百零三条).
        let before_birthday = (u8::from(on.month()), on.day()) < (u8::from(birth.month()), birth.day());
        let mut expected = i64::from(on.year() - birth.year()) - i64::from(before_birthday);
        if birth.month() == Month::February && birth.day() == 29 && on.month() == Month::February && on.day() == 28 && !time::util::is_leap_year(on.year()) {
            expected += 1;
        }
        prop_assert_eq!(age, expected);
        prop_assert_eq!(age, age_years(birth, on));
    }

    #[test]
    fn sex_comes_from_the_17th_digit(birth in date_in(1930, 2010), male in any::<bool>(), seq in 0u32..500) {
        let f = facts(json!({"person.id_number": id_number(birth, male, seq)}));
        let sex = rules().derive("person.sex", &f, birth).unwrap();
        prop_assert_eq!(sex, Some(json!(if male { "male" } else { "female" })));
        prop_assert_eq!(rules().derive("person.birth_date", &f, birth).unwrap(), Some(json!(jiuye_rules::value::iso_date(birth))));
    }

    #[test]
    fn an_override_wins_inside_its_range_only(day in 0i64..1000, amount in 1u32..100_000) {
        let mut rs = rules();
        rs.set_param(&format!("hire_unemployed.amount_yuan={amount}@2020-03-01..2020-09-30")).unwrap();
        let date = jiuye_rules::value::parse_iso_date("2019-06-01").unwrap() + time::Duration::days(day);
        let got = rs.params().lookup("hire_unemployed.amount_yuan", date).map(|f| f.value);
        let inside = date >= crate::common::d("2020-03-01") && date <= crate::common::d("2020-09-30");
        let base = date >= crate::common::d("2020-01-01") && date <= crate::common::d("2020-12-31");
        let expected = if inside { Some(amount) } else if base { Some(1000) } else { None };
        prop_assert_eq!(got.map(|v| format!("{v:?}")), expected.map(|a| format!("{:?}", jiuye_rules::value::Scalar::Num(a.into()))));
    }
}
