//! Table tests of the programs a person applies for (measures （十一）（十二）（十三）（十八）
//! （二十三）（二十四）), on every boundary their text sets.

use jiuye_rules::Outcome::{Eligible, Ineligible, NeedsFacts};
use serde_json::json;

use crate::boundaries::run;
use crate::common::{d, id_number, rules};

#[test]
fn benefit_to_retirement_boundaries_of_measure_23() {
    let man = |birth: &str| id_number(d(birth), true, 7);
    let woman = |birth: &str| id_number(d(birth), false, 7);
    let base = json!({"person.entitled_to_unemployment_benefit": true, "person.unemployment_benefit_ended_on": "2020-05-31", "person.employed": false});
    let y = Some("1400.00");
    run(
        &rules(),
        "benefit_to_retirement",
        &base,
        &[
            ("man retiring in 6 months", "2020-06-30", json!({"person.id_number": man("1961-01-01")}), Eligible, y),
            ("man exactly 1 year away", "2020-06-30", json!({"person.id_number": man("1961-06-30")}), Ineligible, None),
            ("man 1 year less a day away", "2020-06-30", json!({"person.id_number": man("1961-06-29")}), Eligible, y),
            ("man retiring today", "2020-06-30", json!({"person.id_number": man("1960-06-30")}), Ineligible, None),
            ("woman without category", "2020-06-30", json!({"person.id_number": woman("1970-12-01")}), NeedsFacts, None),
            (
                "woman worker at 50",
                "2020-06-30",
                json!({"person.id_number": woman("1970-12-01"), "person.retirement_category": "worker"}),
                Eligible,
                y,
            ),
            (
                "woman cadre at 55",
                "2020-06-30",
                json!({"person.id_number": woman("1970-12-01"), "person.retirement_category": "cadre"}),
                Ineligible,
                None,
            ),
            ("benefit not yet ended", "2020-05-30", json!({"person.id_number": man("1961-01-01")}), Ineligible, None),
            ("employed again", "2020-06-30", json!({"person.id_number": man("1961-01-01"), "person.employed": true}), Ineligible, None),
            // Under the reform: born 1965-09 → 60y3m → 2025-12-01, five months after 2025-06-30.
            (
                "reform: man born 1965-09",
                "2025-06-30",
                json!({"person.id_number": man("1965-09-01"), "person.unemployment_benefit_ended_on": "2025-05-31"}),
                Eligible,
                y,
            ),
            // Born 1966-07-01 → 60y7m → 2027-02-01: more than a year away under the reform, while the
            // old age 60 would put it at 2026-07-01, exactly one year away (also ineligible).
            (
                "reform: man born 1966-07",
                "2025-06-30",
                json!({"person.id_number": man("1966-07-01"), "person.unemployment_benefit_ended_on": "2025-05-31"}),
                Ineligible,
                None,
            ),
        ],
    );
}

#[test]
fn unemployment_supplement_of_measure_23() {
    let base = json!({});
    run(
        &rules(),
        "unemployment_supplement",
        &base,
        &[
            (
                "benefit ended, still unemployed",
                "2020-06-30",
                json!({"person.entitled_to_unemployment_benefit": true, "person.unemployment_benefit_ended_on": "2020-05-31", "person.employed": false}),
                Eligible,
                Some("1120.00"),
            ),
            (
                "insured, not entitled",
                "2020-06-30",
                json!({"person.insured_unemployed": true, "person.entitled_to_unemployment_benefit": false}),
                Eligible,
                Some("1120.00"),
            ),
            (
                // Nobody is left waiting for an end date they cannot have: not entitled means the
                // benefit never ran, so it has not run out either (RULES.md, the second doubt).
                "never received the benefit, not insured",
                "2020-06-30",
                json!({"person.insured_unemployed": false, "person.entitled_to_unemployment_benefit": false, "person.employed": false}),
                Ineligible,
                None,
            ),
            (
                "an end date without entitlement does not count as run out",
                "2020-06-30",
                json!({"person.insured_unemployed": false, "person.entitled_to_unemployment_benefit": false, "person.unemployment_benefit_ended_on": "2020-05-31", "person.employed": false}),
                Ineligible,
                None,
            ),
            (
                "insured and entitled, benefit end unknown",
                "2020-06-30",
                json!({"person.insured_unemployed": true, "person.entitled_to_unemployment_benefit": true, "person.employed": false}),
                NeedsFacts,
                None,
            ),
            (
                "benefit still running",
                "2020-06-30",
                json!({"person.entitled_to_unemployment_benefit": true, "person.unemployment_benefit_ended_on": "2020-07-31", "person.employed": false, "person.insured_unemployed": false}),
                Ineligible,
                None,
            ),
            (
                "already on continued benefit",
                "2020-06-30",
                json!({"person.entitled_to_unemployment_benefit": true, "person.unemployment_benefit_ended_on": "2020-05-31", "person.employed": false, "prior_grants": [{"program": "benefit_to_retirement", "date": "2020-06-01"}]}),
                Ineligible,
                None,
            ),
        ],
    );
}

#[test]
fn person_programs_on_their_boundaries() {
    let rs = rules();
    run(
        &rs,
        "startup_returnee",
        &json!({"person.is_returning_migrant_worker": true, "person.is_first_business": true, "business.operating_normally": true}),
        &[
            ("operated exactly 6 months", "2020-06-30", json!({"business.started_on": "2019-12-30"}), Eligible, Some("5000.00")),
            ("operated 5 months", "2020-06-30", json!({"business.started_on": "2020-01-01"}), Ineligible, None),
            (
                "not a first business",
                "2020-06-30",
                json!({"business.started_on": "2019-01-01", "person.is_first_business": false}),
                Ineligible,
                None,
            ),
        ],
    );
    run(
        &rs,
        "startup_loan",
        &json!({"person.is_key_group": false}),
        &[
            (
                "platform worker buying tools",
                "2020-06-30",
                json!({"person.is_platform_worker_buying_tools": true}),
                Eligible,
                Some("150000.00"),
            ),
            ("neither", "2020-06-30", json!({"person.is_platform_worker_buying_tools": false}), Ineligible, None),
        ],
    );
    run(
        &rs,
        "loan_extension",
        &json!({"person.has_startup_guarantee_loan": true, "person.had_covid19": true}),
        &[
            ("during the epidemic", "2020-06-30", json!({}), Eligible, None),
            ("after the epidemic period", "2021-06-30", json!({}), Ineligible, None),
        ],
    );
    run(
        &rs,
        "flexible_si_subsidy",
        &json!({"person.flexible_employment_si_paid": true, "person.is_employment_difficult": false, "person.is_college_graduate": true, "person.flexible_si_contributions_yuan": "800"}),
        &[
            ("graduate 23 months after leaving", "2020-06-30", json!({"person.graduation_date": "2018-07-01"}), Eligible, Some("400.00")),
            ("graduate exactly 2 years after leaving", "2020-06-30", json!({"person.graduation_date": "2018-06-30"}), Ineligible, None),
            (
                "employment-difficult person",
                "2020-06-30",
                json!({"person.is_employment_difficult": true, "person.is_college_graduate": false}),
                Eligible,
                Some("400.00"),
            ),
        ],
    );
    run(
        &rs,
        "flexible_si_extension",
        &json!({"person.is_employment_difficult": true, "person.stably_employed": false}),
        &[
            ("period ended 2020-01-01", "2020-06-30", json!({"person.flexible_si_subsidy_ended_on": "2020-01-01"}), Eligible, None),
            ("period ended 2019-12-31", "2020-06-30", json!({"person.flexible_si_subsidy_ended_on": "2019-12-31"}), Ineligible, None),
            ("period ended 2021-01-01", "2021-06-30", json!({"person.flexible_si_subsidy_ended_on": "2021-01-01"}), Ineligible, None),
        ],
    );
    run(
        &rs,
        "public_post_extension",
        &json!({"person.stably_employed": false}),
        &[
            ("ended 2020-12-31", "2021-01-15", json!({"person.public_post_ended_on": "2020-12-31"}), Eligible, None),
            (
                "stably employed",
                "2021-01-15",
                json!({"person.public_post_ended_on": "2020-12-31", "person.stably_employed": true}),
                Ineligible,
                None,
            ),
        ],
    );
    run(
        &rs,
        "temp_public_post",
        &json!({"person.is_employment_difficult": true, "person.on_temporary_public_post": true}),
        &[
            (
                "5 months on the post",
                "2020-06-30",
                json!({"person.temporary_public_post_started_on": "2020-01-31"}),
                Eligible,
                Some("600.00"),
            ),
            ("6 months on the post", "2020-06-30", json!({"person.temporary_public_post_started_on": "2019-12-30"}), Ineligible, None),
        ],
    );
    let base = json!({"person.registered_unemployed": true, "person.willing_preparatory_training": true, "person.is_rural": false, "person.from_poor_family": false});
    run(
        &rs,
        "preparatory_training",
        &base,
        &[
            ("exactly 20", "2020-06-30", json!({"person.id_number": id_number(d("2000-06-30"), true, 3)}), Eligible, Some("1000.00")),
            ("21 from today", "2020-06-30", json!({"person.id_number": id_number(d("1999-06-30"), true, 3)}), Ineligible, None),
            (
                "rural trainee gets living allowance",
                "2020-06-30",
                json!({"person.id_number": id_number(d("2002-01-01"), false, 3), "person.is_rural": true}),
                Eligible,
                Some("1500.00"),
            ),
            ("2021", "2021-01-01", json!({"person.id_number": id_number(d("2002-01-01"), false, 3)}), Ineligible, None),
        ],
    );
}
