//! Explain mode: one case, every condition judged and put into plain Chinese with the values it
//! compared, the clause it comes from, the facts it misses and the parameters it used.

use std::collections::BTreeMap;

use jiuye_domain::Sex;
use time::Date;

use crate::decision::{ConditionResult, Decision, EXCLUSIVITY_CONDITION, Outcome, ParamUsed, blocking_grant, finish, outcome_of};
use crate::derived::{self, Inputs};
use crate::error::RulesError;
use crate::expr::{Env, eval};
use crate::facts::Facts;
use crate::params::{Param, Params};
use crate::programs::{Condition, Program, template_params};
use crate::retirement::age_label;
use crate::ruleset::Ruleset;
use crate::value::{Scalar, Shown, Value, ValueType, iso_date, percent_string};
use crate::vocabulary::{self, FactKind};

/// What one condition read: facts (input and derived), parameters, and the facts it missed.
type Trace = (BTreeMap<&'static str, Option<Scalar>>, BTreeMap<&'static str, Option<Scalar>>, Vec<&'static str>);

/// The evaluation surroundings of one case, with a trace of what the current condition read.
struct ExplainEnv<'a> {
    facts: &'a Facts,
    params: &'a Params,
    as_of: Date,
    reference: Option<Date>,
    reference_fact: Option<&'static str>,
    reads: BTreeMap<&'static str, Option<Scalar>>,
    param_reads: BTreeMap<&'static str, Option<Scalar>>,
    missing: Vec<&'static str>,
    missing_params: Vec<String>,
    used: BTreeMap<&'static str, ParamUsed>,
    derived: BTreeMap<&'static str, serde_json::Value>,
}

impl ExplainEnv<'_> {
    fn note(&mut self, name: &'static str) {
        if !self.missing.contains(&name) {
            self.missing.push(name);
        }
    }

    fn take_trace(&mut self) -> Trace {
        (std::mem::take(&mut self.reads), std::mem::take(&mut self.param_reads), std::mem::take(&mut self.missing))
    }
}

impl Env for ExplainEnv<'_> {
    fn as_of(&self) -> Date {
        self.as_of
    }

    fn fact(&mut self, name: &'static str) -> Result<Option<Scalar>, String> {
        let def = vocabulary::fact(name).ok_or_else(|| format!("未知的事实 {name}"))?;
        let v = match def.kind {
            FactKind::Input => Inputs::input(self, def.name),
            FactKind::Derived { .. } => {
                let v = derived::compute(def.name, self)?;
                if let Some(s) = v {
                    self.derived.insert(def.name, s.to_json(def.ty));
                }
                v
            }
        };
        self.reads.insert(def.name, v);
        Ok(v)
    }

    fn param(&mut self, id: &'static str) -> Result<Option<Scalar>, String> {
        let p = self.params.get(id).ok_or_else(|| format!("未知的参数 {id}"))?;
        let Some(date) = self.reference else {
            if let Some(f) = self.reference_fact {
                self.note(f);
            }
            self.param_reads.insert(id, None);
            return Ok(None);
        };
        let found = p.lookup(date);
        let v = found.as_ref().map(|f| f.value);
        match found {
            Some(f) => {
                let period = f.range.map_or_else(|| "期限外".to_string(), |r| r.period_label());
                let source = f.range.and_then(|r| r.source.clone()).unwrap_or_else(|| p.source.clone());
                self.used.insert(
                    id,
                    ParamUsed {
                        value: f.value.to_json(p.ty),
                        label: p.label.clone(),
                        period,
                        source,
                        overridden: f.overridden,
                        placeholder: p.placeholder && !f.overridden,
                    },
                );
            }
            None => {
                let key = format!("{id}@{}", iso_date(date));
                if !self.missing_params.contains(&key) {
                    self.missing_params.push(key);
                }
            }
        }
        self.param_reads.insert(id, v);
        Ok(v)
    }
}

impl Inputs for ExplainEnv<'_> {
    fn as_of(&self) -> Date {
        self.as_of
    }

    fn input(&mut self, name: &'static str) -> Option<Scalar> {
        let v = self.facts.get(name).and_then(Value::scalar);
        if v.is_none() {
            self.note(name);
        }
        v
    }

    fn person_id(&mut self) -> Option<(Date, Sex)> {
        match self.facts.get("person.id_number") {
            Some(Value::IdNumber(id)) => Some((id.birth_date(), id.sex())),
            _ => {
                self.note("person.id_number");
                None
            }
        }
    }

    fn param(&mut self, id: &'static str) -> Result<Option<Scalar>, String> {
        Env::param(self, id)
    }

    fn note_missing(&mut self, name: &'static str) {
        self.note(name);
    }
}

/// A parameter as it reads inside a sentence: windows as their periods, money in yuan, rates in %.
fn param_text(p: &Param, date: Date) -> String {
    if p.ty == ValueType::Bool {
        let periods = p.on_periods();
        return if periods.is_empty() { "未设定实施期限".to_string() } else { periods.join("、") };
    }
    match p.lookup(date).map(|f| f.value) {
        None => format!("（{}未设定）", p.id),
        Some(Scalar::Num(n)) => match p.ty {
            ValueType::Money => format!("{}元", n.normalize()),
            ValueType::Rate => percent_string(n),
            _ => n.normalize().to_string(),
        },
        Some(Scalar::Date(d)) => iso_date(d),
        Some(Scalar::Bool(b)) => (if b { "是" } else { "否" }).to_string(),
        Some(Scalar::Sym(s)) => s.to_string(),
    }
}

pub(crate) fn render(template: &'static str, params: &Params, date: Date) -> String {
    let mut out = template.to_string();
    for id in template_params(template) {
        if let Some(p) = params.get(id) {
            out = out.replace(&format!("{{{id}}}"), &param_text(p, date));
        }
    }
    out
}

fn shown_value(name: &str, v: Scalar) -> String {
    let Some(def) = vocabulary::fact(name) else {
        return String::new();
    };
    if let (Scalar::Num(n), "person.statutory_retirement_age_months") = (v, name) {
        return age_label(i64::try_from(n).unwrap_or(0));
    }
    Shown { scalar: v, ty: def.ty, unit: def.unit, labels: def.values }.to_string()
}

fn condition_text(c: &Condition, text: String, met: Option<bool>, env: &mut ExplainEnv<'_>, missing: &[&'static str]) -> String {
    let mark = match met {
        Some(true) => "✔",
        Some(false) => "✘",
        None => "？",
    };
    if met.is_none() {
        return format!("{text}（缺少：{}）{mark}", missing.join("、"));
    }
    let mut parts = Vec::new();
    for name in &c.shows {
        if *name == "as_of" {
            parts.push((None, format!("评估日期：{}", iso_date(env.as_of))));
            continue;
        }
        let v = match env.reads.get(name) {
            Some(v) => *v,
            None => Env::fact(env, name).ok().flatten(),
        };
        let Some(def) = vocabulary::fact(name) else {
            continue;
        };
        let value = v.map_or_else(|| "未知".to_string(), |v| shown_value(name, v));
        parts.push((Some((def, v)), format!("{}：{value}", def.label)));
    }
    // A yes/no fact that is itself the condition reads best as "：是 ✔".
    if let [(Some((def, Some(v @ Scalar::Bool(_)))), _)] = parts.as_slice()
        && c.expr == crate::expr::Expr::Fact(def.name)
    {
        return format!("{text}：{} {mark}", shown_value(def.name, *v));
    }
    if let [(Some((def, Some(Scalar::Num(_)))), _)] = parts.as_slice()
        && def.ty != ValueType::Rate
        && let Some(Some(v)) = env.reads.get(def.name)
    {
        return format!("{text}：实际{} {mark}", shown_value(def.name, *v));
    }
    let joined = parts.into_iter().map(|(_, s)| s).collect::<Vec<_>>().join("，");
    if joined.is_empty() { format!("{text} {mark}") } else { format!("{text}（{joined}）{mark}") }
}

/// Computes one derived fact for a case, judged at `as_of` (for pages that show age, retirement
/// date, months registered without a program).
pub(crate) fn derive(rs: &Ruleset, name: &str, facts: &Facts, as_of: Date) -> Result<Option<serde_json::Value>, RulesError> {
    let def = vocabulary::fact(name).ok_or_else(|| RulesError::UnknownFact { name: name.to_string() })?;
    if def.kind == FactKind::Input {
        return Ok(facts.get(name).map(|v| serde_json::to_value(v).unwrap_or(serde_json::Value::Null)));
    }
    let reference = match def.name {
        "hire.person_registered_unemployed_months" => match facts.get("hire.date") {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        },
        _ => Some(as_of),
    };
    let mut env = ExplainEnv {
        facts,
        params: rs.params(),
        as_of,
        reference,
        reference_fact: None,
        reads: BTreeMap::new(),
        param_reads: BTreeMap::new(),
        missing: Vec::new(),
        missing_params: Vec::new(),
        used: BTreeMap::new(),
        derived: BTreeMap::new(),
    };
    let v = Env::fact(&mut env, def.name).map_err(|m| RulesError::definition(def.name, m))?;
    Ok(v.map(|v| v.to_json(def.ty)))
}

pub(crate) fn explain(rs: &Ruleset, program: &Program, facts: &Facts, as_of: Date) -> Result<Decision, RulesError> {
    let def_err = |m: String| RulesError::definition(program.id, m);
    let reference = match program.reference_date {
        None => Some(as_of),
        Some(f) => match facts.get(f) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        },
    };
    let mut env = ExplainEnv {
        facts,
        params: rs.params(),
        as_of,
        reference,
        reference_fact: program.reference_date,
        reads: BTreeMap::new(),
        param_reads: BTreeMap::new(),
        missing: Vec::new(),
        missing_params: Vec::new(),
        used: BTreeMap::new(),
        derived: BTreeMap::new(),
    };
    let text_date = reference.unwrap_or(as_of);
    let mut conditions = Vec::new();
    let mut missing_all: Vec<&'static str> = Vec::new();
    for c in &program.conditions {
        let met = match eval(&c.expr, &mut env).map_err(def_err)? {
            None => None,
            Some(Scalar::Bool(b)) => Some(b),
            Some(other) => {
                return Err(def_err(format!("条件 {} 应为布尔值，得到 {other:?}", c.id)));
            }
        };
        let text = render(c.text, rs.params(), text_date);
        let missing = env.missing.clone();
        let full = condition_text(c, text, met, &mut env, &missing);
        let (reads, param_reads, missing) = env.take_trace();
        if met.is_none() {
            for m in &missing {
                if !missing_all.contains(m) {
                    missing_all.push(m);
                }
            }
        }
        let mut values: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        for (name, v) in reads {
            let ty = vocabulary::fact(name).map_or(ValueType::Decimal, |d| d.ty);
            values.insert(name.to_string(), v.map_or(serde_json::Value::Null, |v| v.to_json(ty)));
        }
        for (id, v) in param_reads {
            let ty = rs.params().get(id).map_or(ValueType::Decimal, |p| p.ty);
            values.insert(format!("param:{id}"), v.map_or(serde_json::Value::Null, |v| v.to_json(ty)));
        }
        conditions.push(ConditionResult {
            id: c.id,
            measure: c.measure,
            met,
            text: full,
            clause: rs.clauses().get(c.clause).map(|cl| cl.text.clone()),
            values,
            missing_facts: if met.is_none() { missing } else { Vec::new() },
        });
    }
    if program.exclusivity.is_active() {
        conditions.push(exclusivity_result(rs, program, facts, as_of, text_date));
    }
    let outcome = outcome_of(conditions.iter().map(|c| c.met));
    let amount = match (&program.amount, outcome) {
        (Some(a), Outcome::Eligible) => {
            let v = eval(&a.expr, &mut env).map_err(def_err)?;
            let (_, _, missing) = env.take_trace();
            if v.is_none() {
                missing_all.extend(missing.into_iter().filter(|m| !missing_all.contains(m)).collect::<Vec<_>>());
            }
            Some(v)
        }
        _ => None,
    };
    let (outcome, amount) = finish(outcome, amount).map_err(def_err)?;
    let summary = summary(program, outcome, amount, &conditions, &missing_all, rs.params(), text_date);
    Ok(Decision {
        program: program.id,
        program_name: program.name,
        measures: program.measures.clone(),
        applicant: program.applicant,
        as_of,
        reference_date: reference,
        decision: outcome,
        amount,
        amount_kind: program.amount.as_ref().map(|a| a.kind),
        benefit: render(program.benefit, rs.params(), text_date),
        summary,
        conditions,
        missing_facts: missing_all,
        missing_parameters: env.missing_params,
        parameters: env.used,
        derived_facts: env.derived,
        facts: facts.clone(),
        not_encoded: program.not_encoded.clone(),
        ruleset_version: rs.version().to_string(),
    })
}

fn exclusivity_result(rs: &Ruleset, program: &Program, facts: &Facts, as_of: Date, reference: Date) -> ConditionResult {
    let blocking = blocking_grant(program, facts.grants(), as_of, reference);
    let mut head = String::from("未享受过");
    if program.exclusivity.once {
        head.push_str("本项补贴");
    }
    for other in &program.exclusivity.exclusive_with {
        let name = rs.program(other).map_or(*other, |p| p.name);
        head.push_str(&format!("、不可兼得的“{name}”"));
    }
    let head = head.replacen("未享受过、", "未享受过", 1);
    let (met, text) = match blocking {
        Some(g) => {
            let name = rs.program(&g.program).map_or(g.program.as_str(), |p| p.name);
            (false, format!("{head}（已于{}享受“{name}”（{}），不能再享受）✘", iso_date(g.date), g.program))
        }
        None => (true, format!("{head}（无相关享受记录）✔")),
    };
    let mut values = BTreeMap::new();
    if let Some(g) = blocking {
        values.insert("blocking_grant".to_string(), serde_json::json!({"program": g.program, "date": iso_date(g.date)}));
    }
    ConditionResult {
        id: EXCLUSIVITY_CONDITION,
        measure: program.measure(),
        met: Some(met),
        text: format!("{text}（依据：{}）", program.exclusivity.source),
        clause: None,
        values,
        missing_facts: Vec::new(),
    }
}

fn summary(
    program: &Program,
    outcome: Outcome,
    amount: Option<rust_decimal::Decimal>,
    conditions: &[ConditionResult],
    missing: &[&'static str],
    params: &Params,
    date: Date,
) -> String {
    match outcome {
        Outcome::Eligible => match (amount, &program.amount) {
            (Some(a), Some(def)) => {
                format!("{}：{}，{}{}元", outcome.label(), program.name, def.kind.label(), crate::value::yuan_string(a))
            }
            _ => format!("{}：{}，{}", outcome.label(), program.name, render(program.benefit, params, date)),
        },
        Outcome::Ineligible => {
            let failed: Vec<&str> = conditions.iter().filter(|c| c.met == Some(false)).map(|c| c.id).collect();
            format!("{}：未满足 {}", outcome.label(), failed.join("、"))
        }
        Outcome::NeedsFacts => format!("{}：请提供 {}", outcome.label(), missing.join("、")),
    }
}
