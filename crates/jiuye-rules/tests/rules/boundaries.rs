//! Table tests: every program on the boundaries its measure sets. Each row names its case.

use jiuye_rules::Outcome::{self, Eligible, Ineligible, NeedsFacts};
use jiuye_rules::Ruleset;
use serde_json::{Value, json};

use crate::common::{d, facts, rules};

/// Merges `changes` into `base` (a `null` removes the fact).
pub fn with(base: &Value, changes: Value) -> Value {
    let mut out = base.clone();
    if let (Some(o), Some(c)) = (out.as_object_mut(), changes.as_object()) {
        for (k, v) in c {
            if v.is_null() {
                o.remove(k);
            } else {
                o.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

pub type Row<'a> = (&'a str, &'a str, Value, Outcome, Option<&'a str>);

pub fn run(rs: &Ruleset, program: &str, base: &Value, rows: &[Row<'_>]) {
    for (case, as_of, changes, outcome, amount) in rows {
        let f = facts(with(base, changes.clone()));
        let dec = rs.evaluate(program, &f, d(as_of)).unwrap();
        assert_eq!(dec.decision, *outcome, "{program} / {case}: {}", dec.summary);
        assert_eq!(dec.amount_yuan().as_deref(), *amount, "{program} / {case}: amount");
        if *outcome == NeedsFacts {
            assert!(!dec.missing_facts.is_empty(), "{program} / {case}: needs facts but names none");
        }
    }
}

#[test]
fn hire_unemployed_boundaries_of_measure_10() {
    let base = json!({
        "person.registered_unemployed_since": "2019-07-01", "hire.date": "2020-01-01",
        "hire.contract_months": 12, "hire.social_insurance_paid": true
    });
    let y = Some("1000.00");
    run(
        &rules(),
        "hire_unemployed",
        &base,
        &[
            ("registered exactly 6 months", "2020-06-30", json!({}), Eligible, y),
            ("registered 6 months less a day", "2020-06-30", json!({"person.registered_unemployed_since": "2019-07-02"}), Ineligible, None),
            (
                "month end: 2019-08-31 to 2020-02-29 is 6 months",
                "2020-06-30",
                json!({"person.registered_unemployed_since": "2019-08-31", "hire.date": "2020-02-29"}),
                Eligible,
                y,
            ),
            ("contract 11 months", "2020-06-30", json!({"hire.contract_months": 11}), Ineligible, None),
            ("contract 13 months", "2020-06-30", json!({"hire.contract_months": 13}), Eligible, y),
            (
                "hired 2019-12-31",
                "2020-06-30",
                json!({"hire.date": "2019-12-31", "person.registered_unemployed_since": "2019-01-01"}),
                Ineligible,
                None,
            ),
            (
                "hired 2020-12-31",
                "2021-03-01",
                json!({"hire.date": "2020-12-31", "person.registered_unemployed_since": "2020-06-30"}),
                Eligible,
                y,
            ),
            (
                "hired 2021-01-01",
                "2021-03-01",
                json!({"hire.date": "2021-01-01", "person.registered_unemployed_since": "2020-07-01"}),
                Ineligible,
                None,
            ),
            // A hire is counted once it has happened: hired on the decision date yes, the day after no
            // (RULES.md, the first doubt).
            ("hired on the decision date", "2020-01-01", json!({}), Eligible, y),
            ("hired the day after the decision date", "2019-12-31", json!({}), Ineligible, None),
            ("social insurance not paid", "2020-06-30", json!({"hire.social_insurance_paid": false}), Ineligible, None),
            ("registration date unknown", "2020-06-30", json!({"person.registered_unemployed_since": null}), NeedsFacts, None),
            (
                "unknown fact but another fails",
                "2020-06-30",
                json!({"person.registered_unemployed_since": null, "hire.contract_months": 6}),
                Ineligible,
                None,
            ),
            (
                "already granted",
                "2020-06-30",
                json!({"prior_grants": [{"program": "hire_unemployed", "date": "2020-03-01"}]}),
                Ineligible,
                None,
            ),
            (
                "graduate subsidy granted",
                "2020-06-30",
                json!({"prior_grants": [{"program": "hire_graduate", "date": "2020-03-01"}]}),
                Ineligible,
                None,
            ),
            (
                "grant dated after the evaluation date",
                "2020-06-30",
                json!({"prior_grants": [{"program": "hire_unemployed", "date": "2020-08-01"}]}),
                Eligible,
                y,
            ),
        ],
    );
}

#[test]
fn hire_graduate_boundaries_of_measure_14() {
    let base = json!({
        "enterprise.size_class": "micro", "person.is_college_graduate": true, "person.graduation_date": "2020-06-30",
        "hire.date": "2020-07-01", "hire.contract_months": 12
    });
    run(
        &rules(),
        "hire_graduate",
        &base,
        &[
            ("graduation year, micro firm", "2020-09-01", json!({}), Eligible, Some("1000.00")),
            ("medium firm", "2020-09-01", json!({"enterprise.size_class": "medium"}), Eligible, Some("1000.00")),
            ("large firm", "2020-09-01", json!({"enterprise.size_class": "large"}), Ineligible, None),
            ("graduated the year before", "2020-09-01", json!({"person.graduation_date": "2019-06-30"}), Ineligible, None),
            ("contract 11 months", "2020-09-01", json!({"hire.contract_months": 11}), Ineligible, None),
        ],
    );
}

#[test]
fn stable_post_refund_boundaries_of_measure_2() {
    let base = json!({
        "enterprise.size_class": "small", "enterprise.unemployment_insured": true,
        "enterprise.layoffs_in_period": 11, "enterprise.average_insured_staff": "200",
        "enterprise.insured_staff": 200, "enterprise.staff_total": 200,
        "enterprise.ui_contributions_last_year_yuan": "50000"
    });
    let small = json!({"enterprise.insured_staff": 30, "enterprise.staff_total": 30, "enterprise.average_insured_staff": "30", "enterprise.layoffs_in_period": 6});
    let mut rs = rules();
    run(
        &rs,
        "stable_post_refund",
        &base,
        &[
            ("layoff rate exactly 5.5%", "2020-06-30", json!({}), Eligible, Some("50000.00")),
            ("layoff rate 6%", "2020-06-30", json!({"enterprise.layoffs_in_period": 12}), Ineligible, None),
            ("30 insured, layoffs exactly 20%", "2020-06-30", small.clone(), Eligible, Some("50000.00")),
            ("31 insured, layoffs 20%", "2020-06-30", with(&small, json!({"enterprise.insured_staff": 31})), Ineligible, None),
            ("30 insured, layoffs over 20%", "2020-06-30", with(&small, json!({"enterprise.layoffs_in_period": 7})), Ineligible, None),
            ("large enterprise", "2020-06-30", json!({"enterprise.size_class": "large"}), Ineligible, None),
            ("after the epidemic window", "2021-01-01", json!({}), Ineligible, None),
            (
                "no layoffs, no insured staff",
                "2020-06-30",
                json!({"enterprise.layoffs_in_period": 0, "enterprise.average_insured_staff": "0"}),
                Eligible,
                Some("50000.00"),
            ),
            (
                "layoffs with no insured staff on average",
                "2020-06-30",
                json!({"enterprise.layoffs_in_period": 3, "enterprise.average_insured_staff": "0"}),
                NeedsFacts,
                None,
            ),
            (
                "refunded this year",
                "2020-06-30",
                json!({"prior_grants": [{"program": "stable_post_refund", "date": "2020-02-01"}]}),
                Ineligible,
                None,
            ),
            (
                "refunded last year",
                "2020-06-30",
                json!({"prior_grants": [{"program": "stable_post_refund", "date": "2019-06-01"}]}),
                Eligible,
                Some("50000.00"),
            ),
        ],
    );
    // The other layoff-rate definition counts new benefit claimants instead of layoffs.
    rs.set_param("layoff_rate.definition=new_claimants_over_average_insured").unwrap();
    run(
        &rs,
        "stable_post_refund",
        &base,
        &[(
            "12 laid off but no new claimants",
            "2020-06-30",
            json!({"enterprise.layoffs_in_period": 12, "enterprise.new_ui_claimants_in_period": 0}),
            Eligible,
            Some("50000.00"),
        )],
    );
    // Extending the window to 2021 applies the 2020 control target of about 6%.
    let mut rs = rules();
    rs.set_param("stable_post_refund.in_force=true@2021-01-01..2021-12-31").unwrap();
    rs.set_param("stable_post_refund.refund_ratio=1@2021-01-01..2021-12-31").unwrap();
    run(
        &rs,
        "stable_post_refund",
        &base,
        &[
            (
                "2021: layoff rate 6% against the 6% target",
                "2021-03-01",
                json!({"enterprise.layoffs_in_period": 12}),
                Eligible,
                Some("50000.00"),
            ),
            ("2021: layoff rate 6.5%", "2021-03-01", json!({"enterprise.layoffs_in_period": 13}), Ineligible, None),
        ],
    );
}

#[test]
fn hardship_programs_of_measure_2() {
    let base = json!({
        "enterprise.unemployment_insured": true, "enterprise.in_temporary_difficulty": true, "enterprise.recovery_expected": true,
        "enterprise.layoffs_in_period": 0, "enterprise.average_insured_staff": "50", "enterprise.insured_staff": 50,
        "enterprise.staff_total": 60, "enterprise.monthly_si_contributions_yuan": "30000", "enterprise.onjob_trainees": 10
    });
    // 6 × 1400 × 50 insured staff.
    run(
        &rules(),
        "stable_post_refund_hardship",
        &base,
        &[
            ("benefit formula", "2020-12-31", json!({}), Eligible, Some("420000.00")),
            ("after 2020-12-31", "2021-01-01", json!({}), Ineligible, None),
            ("no prospect of recovery", "2020-06-30", json!({"enterprise.recovery_expected": false}), Ineligible, None),
        ],
    );
    let mut rs = rules();
    rs.set_param("stable_post_refund_hardship.formula=si_months").unwrap();
    run(&rs, "stable_post_refund_hardship", &base, &[("social-insurance formula", "2020-06-30", json!({}), Eligible, Some("90000.00"))]);
    run(
        &rules(),
        "onjob_training_hardship",
        &base,
        &[
            ("10 trainees", "2020-06-30", json!({}), Eligible, Some("5000.00")),
            ("no trainees", "2020-06-30", json!({"enterprise.onjob_trainees": 0}), Ineligible, None),
        ],
    );
}

#[test]
fn unit_student_project_and_agency_programs() {
    let rs = rules();
    run(
        &rs,
        "small_firm_loan",
        &json!({"enterprise.size_class": "small"}),
        &[
            (
                "100 staff, 20% new hires",
                "2020-06-30",
                json!({"enterprise.staff_total": 100, "enterprise.qualifying_new_hires_this_year": 20}),
                Eligible,
                Some("3000000.00"),
            ),
            (
                "100 staff, 19 new hires",
                "2020-06-30",
                json!({"enterprise.staff_total": 100, "enterprise.qualifying_new_hires_this_year": 19}),
                Ineligible,
                None,
            ),
            (
                "101 staff, 11 new hires (10%)",
                "2020-06-30",
                json!({"enterprise.staff_total": 101, "enterprise.qualifying_new_hires_this_year": 11}),
                Eligible,
                Some("3000000.00"),
            ),
            (
                "101 staff, 10 new hires",
                "2020-06-30",
                json!({"enterprise.staff_total": 101, "enterprise.qualifying_new_hires_this_year": 10}),
                Ineligible,
                None,
            ),
            (
                "medium firm",
                "2020-06-30",
                json!({"enterprise.size_class": "medium", "enterprise.staff_total": 100, "enterprise.qualifying_new_hires_this_year": 50}),
                Ineligible,
                None,
            ),
        ],
    );
    let base = json!({"unit.is_trainee_base": true, "trainee.months_served": 6, "trainee.planned_months": 6, "trainee.signed_contract_before_end": false, "unit.trainees_finished": 2});
    run(
        &rs,
        "trainee_subsidy",
        &base,
        &[
            ("retention exactly 50%", "2020-06-30", json!({"unit.trainees_retained": 1}), Eligible, Some("6600.00")),
            (
                "retention under 50%",
                "2020-06-30",
                json!({"unit.trainees_retained": 1, "unit.trainees_finished": 3}),
                Eligible,
                Some("6000.00"),
            ),
            (
                "contract signed after 3 of 6 months",
                "2020-06-30",
                json!({"trainee.months_served": 3, "trainee.signed_contract_before_end": true, "unit.trainees_retained": 0}),
                Eligible,
                Some("6000.00"),
            ),
            ("retention unknown", "2020-06-30", json!({}), NeedsFacts, None),
        ],
    );
    run(
        &rs,
        "training_subsidy",
        &json!({"training.subsidised_course": true}),
        &[
            ("completed", "2021-06-30", json!({"training.completed": true}), Eligible, Some("1000.00")),
            (
                "provider pre-payment in the epidemic",
                "2020-06-30",
                json!({"training.completed": false, "training.applicant_is_provider": true}),
                Eligible,
                Some("400.00"),
            ),
            (
                "provider pre-payment after it",
                "2021-06-30",
                json!({"training.completed": false, "training.applicant_is_provider": true}),
                Ineligible,
                None,
            ),
        ],
    );
    run(
        &rs,
        "state_grant",
        &json!({"student.full_time_secondary_vocational": true, "student.agriculture_major": false, "student.family_financial_difficulty": true}),
        &[
            ("second year, difficult family", "2020-09-01", json!({"student.grade": 2}), Eligible, Some("2000.00")),
            ("third year", "2020-09-01", json!({"student.grade": 3}), Ineligible, None),
        ],
    );
    run(
        &rs,
        "si_subsidy_extension",
        &json!({"enterprise.receives_difficult_hire_si_subsidy": true}),
        &[
            ("during reduction", "2020-06-30", json!({"enterprise.si_reduced_or_deferred": true}), Eligible, None),
            ("no reduction", "2020-06-30", json!({"enterprise.si_reduced_or_deferred": false}), Ineligible, None),
        ],
    );
    run(
        &rs,
        "wage_deposit_deferral",
        &json!({"project.is_construction": true}),
        &[("2020-06-30", "2020-06-30", json!({}), Eligible, None), ("2020-07-01", "2020-07-01", json!({}), Ineligible, None)],
    );
    run(
        &rs,
        "service_subsidy",
        &json!({"agency.people_served": 40}),
        &[
            (
                "labour broker exporting labour",
                "2020-06-30",
                json!({"agency.kind": "labour_broker", "agency.cross_region_export": true}),
                Eligible,
                Some("4000.00"),
            ),
            (
                "labour broker doing follow-up only",
                "2020-06-30",
                json!({"agency.kind": "labour_broker", "agency.follow_up_services": true, "agency.cross_region_export": false}),
                Ineligible,
                None,
            ),
        ],
    );
}

#[test]
fn every_program_has_a_table_above() {
    let src = [include_str!("boundaries.rs"), include_str!("boundaries_person.rs")].concat();
    for p in rules().programs() {
        assert!(src.contains(&format!("\"{}\"", p.id)), "no table for {}", p.id);
    }
}
