//! Builders shared by the suites: the shipped rule set, dates, ID numbers of a chosen birth date
//! and sex, facts from JSON.

use jiuye_domain::id_number::check_char;
use jiuye_rules::{Facts, Ruleset};
use time::Date;

pub fn rules() -> Ruleset {
    Ruleset::default_2020().expect("the shipped rule set loads")
}

pub fn d(s: &str) -> Date {
    jiuye_rules::value::parse_iso_date(s).unwrap_or_else(|| panic!("bad test date {s}"))
}

/// A valid Nanhe (130527) ID number for a birth date and sex.
pub fn id_number(birth: Date, male: bool, seq: u32) -> String {
    let seq = (seq % 500) * 2 + u32::from(male);
    let body = format!("130527{:04}{:02}{:02}{:03}", birth.year(), u8::from(birth.month()), birth.day(), seq);
    let c = check_char(&body).expect("17 digits");
    format!("{body}{c}")
}

pub fn facts(json: serde_json::Value) -> Facts {
    Facts::from_json(&json).unwrap_or_else(|e| panic!("facts {json}: {e}"))
}
