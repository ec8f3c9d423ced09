//! The policy as code, for people: the catalogue of programs with their clauses and parameter
//! values, and the explanation of one case. The rules themselves live in the pure `jiuye-rules`;
//! this module only supplies the date (from the clock) and turns rule errors into Chinese ones.

use jiuye_rules::params::Range;
use jiuye_rules::value::Scalar;
use jiuye_rules::{Decision, Facts, Program, RulesError, Ruleset};
use time::Date;

use crate::{App, AppError, AppResult};

/// One parameter a program uses, with its value on a date.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ParamView {
    pub id: String,
    pub label: String,
    pub value: String,
    pub unit: String,
    pub period: String,
    pub source: String,
    pub placeholder: bool,
}

/// A program as the catalogue shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProgramView {
    pub id: &'static str,
    pub name: &'static str,
    pub measures: Vec<&'static str>,
    pub applicant: &'static str,
    pub benefit: String,
    pub amount: Option<String>,
    pub conditions: Vec<ConditionView>,
    pub parameters: Vec<ParamView>,
    pub facts: Vec<&'static str>,
    pub not_encoded: Vec<&'static str>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ConditionView {
    pub id: &'static str,
    pub measure: &'static str,
    pub text: String,
    pub clause: Option<String>,
}

fn scalar_text(s: Scalar) -> String {
    match s {
        Scalar::Bool(b) => if b { "是" } else { "否" }.to_string(),
        Scalar::Num(d) => d.normalize().to_string(),
        Scalar::Date(d) => d.to_string(),
        Scalar::Sym(s) => s.to_string(),
    }
}

fn rules_error(e: RulesError) -> AppError {
    match e {
        RulesError::UnknownProgram { .. } => AppError::NotFound,
        other => AppError::BadInput(other.to_string()),
    }
}

impl App {
    /// The policy date: `as_of` when given, otherwise today in China Standard Time.
    pub fn policy_date(&self, as_of: Option<Date>) -> Date {
        as_of.unwrap_or_else(|| self.clock.today())
    }

    pub fn program_view(&self, p: &Program, date: Date) -> ProgramView {
        program_view(&self.rules, p, date)
    }
    /// Every program, as of a date.
    pub fn policy_catalogue(&self, as_of: Option<Date>) -> Vec<ProgramView> {
        let date = self.policy_date(as_of);
        self.rules.programs().iter().map(|p| self.program_view(p, date)).collect()
    }

    pub fn policy_program(&self, id: &str, as_of: Option<Date>) -> AppResult<ProgramView> {
        let p = self.rules.program(id).ok_or(AppError::NotFound)?;
        Ok(self.program_view(p, self.policy_date(as_of)))
    }

    /// Explains one case: facts (a flat JSON object of named facts) → decision with every condition.
    /// Nothing is stored; the facts are the caller's.
    pub fn evaluate_policy(&self, program: &str, facts: &serde_json::Value, as_of: Option<Date>) -> AppResult<Decision> {
        let facts = Facts::from_json(facts).map_err(rules_error)?;
        self.rules.evaluate(program, &facts, self.policy_date(as_of)).map_err(rules_error)
    }

    pub fn ruleset_version(&self) -> &str {
        self.rules.version()
    }
}

/// A program as the catalogue shows it, with parameter values on `date`. Needs no database.
pub fn program_view(rules: &Ruleset, p: &Program, date: Date) -> ProgramView {
    let parameters = p
        .params_used()
        .into_iter()
        .filter_map(|id| {
            let param = rules.params().get(id)?;
            let found = rules.params().lookup(id, date);
            let (value, period) = match &found {
                Some(f) => (scalar_text(f.value), f.range.map(Range::period_label).unwrap_or_else(|| "长期".into())),
                None => ("（该日期无取值）".to_string(), String::new()),
            };
            Some(ParamView {
                id: id.to_string(),
                label: param.label.clone(),
                value,
                unit: param.unit.clone(),
                period,
                source: param.source.clone(),
                placeholder: param.placeholder,
            })
        })
        .collect();
    ProgramView {
        id: p.id,
        name: p.name,
        measures: p.measures.clone(),
        applicant: p.applicant.label(),
        benefit: rules.render(p.benefit, date),
        amount: p.amount.as_ref().map(|a| format!("{}：{}", a.kind.label(), rules.render(a.text, date))),
        conditions: p
            .conditions
            .iter()
            .map(|c| ConditionView {
                id: c.id,
                measure: c.measure,
                text: rules.render(c.text, date),
                clause: rules.clauses().get(c.clause).map(|cl| cl.text.clone()),
            })
            .collect(),
        parameters,
        facts: p.facts_read(),
        not_encoded: p.not_encoded.clone(),
    }
}
