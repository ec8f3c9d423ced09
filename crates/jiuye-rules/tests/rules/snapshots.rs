//! Snapshots of explanations as the API returns them (JSON). The rule-set version is redacted:
//! it changes with every definition change and has its own test.

use serde_json::json;

use crate::common::{d, facts, id_number, rules};

fn snapshot(program: &str, f: serde_json::Value, as_of: &str) -> serde_json::Value {
    let dec = rules().evaluate(program, &facts(f), d(as_of)).unwrap();
    serde_json::to_value(&dec).unwrap()
}

#[test]
fn an_eligible_hire_of_a_long_term_unemployed_person() {
    let v = snapshot(
        "hire_unemployed",
        json!({
            "person.id_number": id_number(d("1988-04-12"), false, 21),
            "person.registered_unemployed_since": "2019-09-01",
            "hire.date": "2020-05-06",
            "hire.contract_months": 24,
            "hire.social_insurance_paid": true
        }),
        "2020-06-30",
    );
    assert_eq!(v["decision"], "eligible");
    insta::assert_json_snapshot!(v, {".ruleset_version" => "[version]"});
}

#[test]
fn a_refused_stable_post_refund_names_the_failed_layoff_test() {
    let v = snapshot(
        "stable_post_refund",
        json!({
            "enterprise.size_class": "small", "enterprise.unemployment_insured": true,
            "enterprise.layoffs_in_period": 9, "enterprise.average_insured_staff": "120.5",
            "enterprise.insured_staff": 118, "enterprise.staff_total": 130,
            "enterprise.ui_contributions_last_year_yuan": "86400.00"
        }),
        "2020-08-15",
    );
    assert_eq!(v["decision"], "ineligible");
    insta::assert_json_snapshot!(v, {".ruleset_version" => "[version]"});
}

#[test]
fn a_continued_benefit_that_needs_the_retirement_category() {
    let v = snapshot(
        "benefit_to_retirement",
        json!({
            "person.id_number": id_number(d("1970-11-20"), false, 3),
            "person.entitled_to_unemployment_benefit": true,
            "person.unemployment_benefit_ended_on": "2020-04-30",
            "person.employed": false
        }),
        "2020-06-30",
    );
    assert_eq!(v["decision"], "needs_facts");
    assert_eq!(v["missing_facts"], json!(["person.retirement_category"]));
    insta::assert_json_snapshot!(v, {".ruleset_version" => "[version]"});
}
