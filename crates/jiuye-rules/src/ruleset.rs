//! The rule set: programs + parameters (with any operator layers) + clause texts, checked for
//! consistency when built, and identified by a version hash so every decision can be reproduced.

use sha2::{Digest, Sha256};
use time::Date;

use crate::clauses::{CLAUSES_TOML, Clauses};
use crate::decision::Decision;
use crate::error::RulesError;
use crate::expr::Name;
use crate::facts::Facts;
use crate::params::Params;
use crate::programs::{self, Program, template_params};
use crate::scan::{FactColumns, ScanResult};
use crate::value::ValueType;
use crate::vocabulary;

/// The shipped parameter file.
pub const DEFAULT_PARAMS: &str = include_str!("../params/default.toml");

/// Programs, parameters and clauses, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Ruleset {
    programs: Vec<Program>,
    params: Params,
    clauses: Clauses,
    version: String,
}

impl Ruleset {
    /// The rule set as shipped: 邢南政发〔2020〕1号 with the default parameters.
    pub fn default_2020() -> Result<Self, RulesError> {
        Self::load(None)
    }

    /// The shipped rule set with an optional operator overlay (TOML, same format as
    /// `params/default.toml`, only `id` and `ranges` needed).
    pub fn load(params_overlay: Option<&str>) -> Result<Self, RulesError> {
        let mut params = Params::from_toml(DEFAULT_PARAMS)?;
        if let Some(o) = params_overlay {
            params.overlay_toml(o)?;
        }
        Self::new(programs::all(), params, Clauses::embedded()?)
    }

    /// Builds and checks a rule set from its parts.
    pub fn new(programs: Vec<Program>, params: Params, clauses: Clauses) -> Result<Self, RulesError> {
        for p in &programs {
            check(p, &programs, &params, &clauses)?;
        }
        let mut rs = Self { programs, params, clauses, version: String::new() };
        rs.version = rs.compute_version()?;
        Ok(rs)
    }

    /// Adds an operator layer `PARAM=VALUE[@FROM..TO]` (what `jiuye simulate --set` passes).
    pub fn set_param(&mut self, spec: &str) -> Result<(), RulesError> {
        self.params.set(spec)?;
        self.version = self.compute_version()?;
        Ok(())
    }

    /// Adds an operator layer from TOML text.
    pub fn overlay_params(&mut self, toml: &str) -> Result<(), RulesError> {
        self.params.overlay_toml(toml)?;
        self.version = self.compute_version()?;
        Ok(())
    }

    pub fn programs(&self) -> &[Program] {
        &self.programs
    }

    pub fn program(&self, id: &str) -> Option<&Program> {
        self.programs.iter().find(|p| p.id == id)
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    pub fn clauses(&self) -> &Clauses {
        &self.clauses
    }

    /// `sha256:` + 16 hex digits over the program definitions, the parameter file, every
    /// operator layer in order, and the clause file.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Explain mode: one case.
    pub fn evaluate(&self, program: &str, facts: &Facts, as_of: Date) -> Result<Decision, RulesError> {
        let p = self.program(program).ok_or_else(|| RulesError::UnknownProgram { id: program.to_string() })?;
        crate::explain::explain(self, p, facts, as_of)
    }

    /// One fact for a case: an input fact as given, or a derived fact computed at `as_of`
    /// (`person.age`, `person.statutory_retirement_date`, …). `None` when inputs are missing.
    pub fn derive(&self, name: &str, facts: &Facts, as_of: Date) -> Result<Option<serde_json::Value>, RulesError> {
        crate::explain::derive(self, name, facts, as_of)
    }

    /// Scan mode: many cases held as columns.
    pub fn scan(&self, program: &str, columns: &FactColumns, as_of: Date) -> Result<ScanResult, RulesError> {
        let p = self.program(program).ok_or_else(|| RulesError::UnknownProgram { id: program.to_string() })?;
        crate::scan::scan(self, p, columns, as_of)
    }

    /// Renders a text template (`{param.id}` placeholders) at a date, for catalogue pages.
    pub fn render(&self, template: &'static str, date: Date) -> String {
        crate::explain::render(template, &self.params, date)
    }

    fn compute_version(&self) -> Result<String, RulesError> {
        let defs = serde_json::to_string(&self.programs).map_err(|e| RulesError::definition("*", format!("无法序列化项目定义：{e}")))?;
        let mut h = Sha256::new();
        for part in [defs.as_str(), DEFAULT_PARAMS, CLAUSES_TOML] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        for layer in &self.params.applied {
            h.update(layer.as_bytes());
            h.update([0u8]);
        }
        let digest = h.finalize();
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        Ok(format!("sha256:{hex}"))
    }
}

/// A program must only read known facts of a computable type and known parameters, cite known
/// clauses, and keep its condition ids unique; scan bitmasks need at most 63 conditions.
fn check(p: &Program, all: &[Program], params: &Params, clauses: &Clauses) -> Result<(), RulesError> {
    let err = |m: String| Err(RulesError::definition(p.id, m));
    let mut problems = Vec::new();
    p.conditions.iter().for_each(|c| c.expr.visit_names(&mut |n| check_name(n, params, &mut problems)));
    if let Some(a) = &p.amount {
        a.expr.visit_names(&mut |n| check_name(n, params, &mut problems));
    }
    if let Some(problem) = problems.first() {
        return err(problem.clone());
    }
    if let Some(r) = p.reference_date
        && vocabulary::fact(r).map(|d| d.ty) != Some(ValueType::Date)
    {
        return err(format!("参照日期 {r} 不是日期型事实"));
    }
    for (i, c) in p.conditions.iter().enumerate() {
        if p.conditions.iter().skip(i + 1).any(|d| d.id == c.id) {
            return err(format!("条件编号 {} 重复", c.id));
        }
        if clauses.get(c.clause).is_none() {
            return err(format!("条件 {} 引用的条款 {} 不存在", c.id, c.clause));
        }
        if let Some(s) = c.shows.iter().find(|s| **s != "as_of" && vocabulary::fact(s).is_none()) {
            return err(format!("条件 {} 显示未知事实 {s}", c.id));
        }
    }
    let texts = p.conditions.iter().map(|c| c.text).chain(p.amount.as_ref().map(|a| a.text));
    for t in texts.chain(std::iter::once(p.benefit)) {
        if let Some(id) = template_params(t).into_iter().find(|id| params.get(id).is_none()) {
            return err(format!("文本引用未知参数 {id}"));
        }
    }
    if let Some(x) = p.exclusivity.exclusive_with.iter().find(|x| !all.iter().any(|q| q.id == **x)) {
        return err(format!("不可兼得的项目 {x} 不存在"));
    }
    if p.conditions.len() > 62 {
        return err("条件过多".to_string());
    }
    Ok(())
}

fn check_name(n: Name, params: &Params, problems: &mut Vec<String>) {
    match n {
        Name::Fact(f) => match vocabulary::fact(f) {
            None => problems.push(format!("未知事实 {f}")),
            Some(d) if matches!(d.ty, ValueType::Text | ValueType::IdNumber) => {
                problems.push(format!("表达式不能直接读取 {f}（{:?}）", d.ty));
            }
            Some(_) => {}
        },
        Name::Param(id) => {
            if params.get(id).is_none() {
                problems.push(format!("未知参数 {id}"));
            }
        }
    }
}
