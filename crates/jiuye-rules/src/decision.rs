//! The decision of one case and what both evaluation modes share to reach it: how condition
//! outcomes combine, how the amount is finished, which earlier grant blocks a program.
//!
//! The JSON form of `Decision` is the API contract of issue 3 (`program`, `decision`,
//! `amount_yuan`, `conditions[{id, measure, met, text}]`, `missing_facts`, `parameters`,
//! `ruleset_version`), plus what is needed to reproduce it: the input facts, derived values,
//! the parameter values with their periods and sources.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use time::Date;

use crate::facts::{Facts, Grant};
use crate::programs::{AmountKind, Applicant, GrantScope, Program};
use crate::value::{Scalar, iso_date, round_yuan, yuan_string};

/// eligible | ineligible | needs_facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Eligible,
    Ineligible,
    NeedsFacts,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Eligible => "符合条件",
            Outcome::Ineligible => "不符合条件",
            Outcome::NeedsFacts => "需要补充信息",
        }
    }
}

/// Any failed condition refuses; otherwise any unknown one asks for facts.
pub(crate) fn outcome_of(mets: impl IntoIterator<Item = Option<bool>>) -> Outcome {
    let mut unknown = false;
    for m in mets {
        match m {
            Some(false) => return Outcome::Ineligible,
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown { Outcome::NeedsFacts } else { Outcome::Eligible }
}

/// Applies the amount to an outcome: an eligible case whose amount cannot be computed needs
/// facts; amounts are rounded to fen. `amount` is `None` for programs without an amount.
pub(crate) fn finish(outcome: Outcome, amount: Option<Option<Scalar>>) -> Result<(Outcome, Option<Decimal>), String> {
    if outcome != Outcome::Eligible {
        return Ok((outcome, None));
    }
    match amount {
        None => Ok((outcome, None)),
        Some(None) => Ok((Outcome::NeedsFacts, None)),
        Some(Some(Scalar::Num(n))) => Ok((outcome, Some(round_yuan(n)))),
        Some(Some(other)) => Err(format!("金额应为数值，得到 {other:?}")),
    }
}

/// The earliest earlier grant that blocks `program`: the same program when it is granted once,
/// or a program it is exclusive with; only grants dated on or before `as_of` count (a decision
/// replayed for a past date ignores what came later), and for annual programs only those of the
/// reference year.
pub(crate) fn blocking_grant<'g>(program: &Program, grants: &'g [Grant], as_of: Date, reference: Date) -> Option<&'g Grant> {
    let ex = &program.exclusivity;
    grants
        .iter()
        .filter(|g| g.date <= as_of)
        .filter(|g| ex.scope == GrantScope::Ever || g.date.year() == reference.year())
        .filter(|g| (ex.once && g.program == program.id) || ex.exclusive_with.iter().any(|p| *p == g.program))
        .min_by_key(|g| g.date)
}

/// The id used for the exclusivity condition in explanations and scan bitmasks.
pub const EXCLUSIVITY_CONDITION: &str = "no_blocking_grant";

/// One condition as judged.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConditionResult {
    pub id: &'static str,
    pub measure: &'static str,
    /// true / false / null (unknown: a fact is missing).
    pub met: Option<bool>,
    /// Plain Chinese, e.g. "招用前已连续登记失业满6个月（半年以上）：实际8个月 ✔".
    pub text: String,
    /// The sentence of the policy text the condition comes from.
    pub clause: Option<String>,
    /// The values compared: facts (input and derived) and parameters the condition read.
    pub values: BTreeMap<String, serde_json::Value>,
    pub missing_facts: Vec<&'static str>,
}

/// A parameter value a decision used.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamUsed {
    pub value: serde_json::Value,
    pub label: String,
    /// The period the value holds for ("2020-01-01至2020-12-31"), or "期限外" for a switch's
    /// `otherwise` value.
    pub period: String,
    pub source: String,
    /// True when an operator override supplied the value.
    pub overridden: bool,
    /// True for a local placeholder to be confirmed by the bureau.
    pub placeholder: bool,
}

/// The explained decision of one case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Decision {
    pub program: &'static str,
    pub program_name: &'static str,
    pub measures: Vec<&'static str>,
    pub applicant: Applicant,
    #[serde(serialize_with = "ser_date")]
    pub as_of: Date,
    #[serde(serialize_with = "ser_opt_date")]
    pub reference_date: Option<Date>,
    pub decision: Outcome,
    #[serde(rename = "amount_yuan", serialize_with = "ser_yuan")]
    pub amount: Option<Decimal>,
    pub amount_kind: Option<AmountKind>,
    /// What is granted, in Chinese.
    pub benefit: String,
    /// One line in Chinese.
    pub summary: String,
    pub conditions: Vec<ConditionResult>,
    pub missing_facts: Vec<&'static str>,
    /// Parameters without a value at the date they were needed (`id@YYYY-MM-DD`).
    pub missing_parameters: Vec<String>,
    pub parameters: BTreeMap<&'static str, ParamUsed>,
    pub derived_facts: BTreeMap<&'static str, serde_json::Value>,
    pub facts: Facts,
    pub not_encoded: Vec<&'static str>,
    pub ruleset_version: String,
}

impl Decision {
    /// The amount as a yuan string with two decimals.
    pub fn amount_yuan(&self) -> Option<String> {
        self.amount.map(yuan_string)
    }

    /// The explanation as plain text for the CLI (`--format text`).
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}（{}，{}）\n评估日期：{}\n结论：{}",
            self.program_name,
            self.program,
            self.measures.join(""),
            iso_date(self.as_of),
            self.summary
        );
        out.push_str("\n条件：");
        for c in &self.conditions {
            out.push_str(&format!("\n  [{}] {} {}", c.measure, c.id, c.text));
            if let Some(clause) = &c.clause {
                out.push_str(&format!("\n      原文：{clause}"));
            }
        }
        if !self.missing_facts.is_empty() {
            out.push_str(&format!("\n缺少的事实：{}", self.missing_facts.join("、")));
        }
        if !self.parameters.is_empty() {
            out.push_str("\n使用的参数：");
            for (id, p) in &self.parameters {
                let flag = if p.placeholder { "（区级参数，待确认）" } else { "" };
                out.push_str(&format!("\n  {id} = {} [{}；{}]{flag}", p.value, p.period, p.source));
            }
        }
        for n in &self.not_encoded {
            out.push_str(&format!("\n注：{n}"));
        }
        out.push_str(&format!("\n规则集版本：{}\n", self.ruleset_version));
        out
    }
}

fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&iso_date(*d))
}

fn ser_opt_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&iso_date(*d)),
        None => s.serialize_none(),
    }
}

fn ser_yuan<S: serde::Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&yuan_string(*d)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_failure_refuses_even_when_something_is_unknown() {
        assert_eq!(outcome_of([Some(true), None, Some(false)]), Outcome::Ineligible);
        assert_eq!(outcome_of([Some(true), None]), Outcome::NeedsFacts);
        assert_eq!(outcome_of([Some(true)]), Outcome::Eligible);
        assert_eq!(outcome_of([]), Outcome::Eligible);
    }

    #[test]
    fn an_eligible_case_without_its_amount_needs_facts() {
        assert_eq!(finish(Outcome::Eligible, Some(None)).unwrap(), (Outcome::NeedsFacts, None));
        assert_eq!(finish(Outcome::Eligible, None).unwrap(), (Outcome::Eligible, None));
        assert_eq!(finish(Outcome::Ineligible, Some(Some(Scalar::Num(Decimal::ONE)))).unwrap(), (Outcome::Ineligible, None));
    }
}
