//! The public surface other crates rely on: loading, overlays, versions, the catalogue.

use jiuye_rules::{FACTS, Facts, Outcome, RulesError, Ruleset};
use serde_json::json;

use crate::common::{d, facts, rules};

#[test]
fn the_shipped_rule_set_has_every_program_of_policy_md() {
    let rs = rules();
    let ids: Vec<&str> = rs.programs().iter().map(|p| p.id).collect();
    assert_eq!(ids, jiuye_rules::programs::ORDER);
    assert_eq!(ids.len(), 22);
    for p in rs.programs() {
        assert!(!p.measures.is_empty() && !p.conditions.is_empty(), "{}", p.id);
        for c in &p.conditions {
            assert!(rs.clauses().get(c.clause).is_some(), "{} {}", p.id, c.id);
        }
    }
}

#[test]
fn every_parameter_has_a_source_and_is_used() {
    let rs = rules();
    let used: Vec<&str> = rs.programs().iter().flat_map(|p| p.params_used()).collect();
    for p in rs.params().iter() {
        assert!(!p.source.is_empty(), "{}", p.id);
        let derived_only =
            ["jobs.minimum_wage_monthly", "layoff_rate.definition", "retirement.reform_effective_from", "unemployment_supplement.months"];
        assert!(used.contains(&p.id.as_str()) || derived_only.contains(&p.id.as_str()), "{} is never used", p.id);
    }
}

#[test]
fn the_version_is_stable_and_changes_with_an_override() {
    let a = rules();
    let b = Ruleset::load(None).unwrap();
    assert_eq!(a.version(), b.version());
    assert!(a.version().starts_with("sha256:") && a.version().len() == 23);
    let mut c = rules();
    c.set_param("hire_unemployed.amount_yuan=1200@2020-01-01..2020-12-31").unwrap();
    assert_ne!(a.version(), c.version());
    let f = facts(
        json!({"person.registered_unemployed_since": "2019-01-01", "hire.date": "2020-03-01", "hire.contract_months": 12, "hire.social_insurance_paid": true}),
    );
    let dec = c.evaluate("hire_unemployed", &f, d("2020-06-30")).unwrap();
    assert_eq!(dec.amount_yuan().as_deref(), Some("1200.00"));
    assert!(dec.parameters["hire_unemployed.amount_yuan"].overridden);
    assert_eq!(dec.ruleset_version, c.version());
}

#[test]
fn an_overlay_extends_a_program_to_a_later_year() {
    let overlay = r#"
[[param]]
id = "hire_unemployed.in_force"
source = "区人社局2021年延续（示例）"
ranges = [{ from = 2021-01-01, to = 2021-12-31, value = true }]

[[param]]
id = "hire_unemployed.amount_yuan"
ranges = [{ from = 2021-01-01, to = 2021-12-31, value = "800" }]
"#;
    let rs = Ruleset::load(Some(overlay)).unwrap();
    let f = facts(
        json!({"person.registered_unemployed_since": "2020-01-01", "hire.date": "2021-03-01", "hire.contract_months": 12, "hire.social_insurance_paid": true}),
    );
    let dec = rs.evaluate("hire_unemployed", &f, d("2021-06-30")).unwrap();
    assert_eq!(dec.decision, Outcome::Eligible);
    assert_eq!(dec.amount_yuan().as_deref(), Some("800.00"));
    assert!(Ruleset::load(Some("[[param]]\nid = \"nope\"\nranges = []\n")).is_err());
}

#[test]
fn errors_are_typed() {
    let rs = rules();
    assert!(matches!(rs.evaluate("nope", &Facts::new(), d("2020-01-01")), Err(RulesError::UnknownProgram { .. })));
    assert!(matches!(rs.derive("person.nope", &Facts::new(), d("2020-01-01")), Err(RulesError::UnknownFact { .. })));
}

#[test]
fn docs_describe_every_fact_program_and_parameter() {
    let docs = include_str!("../../../../docs/RULES.md");
    for f in FACTS {
        assert!(docs.contains(&format!("`{}`", f.name)), "docs/RULES.md lacks fact {}", f.name);
    }
    let rs = rules();
    for p in rs.programs() {
        assert!(docs.contains(&format!("`{}`", p.id)), "docs/RULES.md lacks program {}", p.id);
    }
    for p in rs.params().iter() {
        assert!(docs.contains(&format!("`{}`", p.id)), "docs/RULES.md lacks parameter {}", p.id);
    }
}

#[test]
fn the_decision_json_has_the_fields_issue_3_requires() {
    let dec = rules()
        .evaluate(
            "state_grant",
            &facts(json!({"student.full_time_secondary_vocational": true, "student.grade": 1, "student.agriculture_major": true})),
            d("2020-09-01"),
        )
        .unwrap();
    let v = serde_json::to_value(&dec).unwrap();
    for key in ["program", "decision", "amount_yuan", "conditions", "missing_facts", "parameters", "ruleset_version", "facts"] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["amount_yuan"], "2000.00");
    for c in v["conditions"].as_array().unwrap() {
        for key in ["id", "measure", "met", "text"] {
            assert!(c.get(key).is_some(), "condition {key}");
        }
    }
}
