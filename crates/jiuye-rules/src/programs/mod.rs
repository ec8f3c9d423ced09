//! Programs: each subsidy or benefit of POLICY.md §1 defined once, as data — who applies, which
//! date it is judged at, its conditions (expression + measure + clause + Chinese text), its amount
//! formula, its exclusivity and what of the text is left to staff judgement.
//!
//! Definitions are split by applicant: `enterprise.rs` (employers, hires, projects), `person.rs`
//! (individuals), `other.rs` (trainee hosts, training, students, service agencies).
//! Texts are templates: `{param.id}` is replaced by the parameter's value at the reference date.

mod enterprise;
mod other;
mod person;

use crate::expr::{Expr, Name, param};

/// Who applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applicant {
    Person,
    Enterprise,
    /// An enterprise, for one hired person (one case per hire).
    Hire,
    /// A host unit of graduate trainees (one case per trainee).
    Unit,
    /// A trainee or a training provider (one case per trainee and course).
    Training,
    Student,
    /// A construction project.
    Project,
    /// An HR service agency or labour broker.
    Agency,
}

impl Applicant {
    pub fn label(self) -> &'static str {
        match self {
            Applicant::Person => "个人",
            Applicant::Enterprise => "企业",
            Applicant::Hire => "企业（按招用人员）",
            Applicant::Unit => "见习单位（按见习人员）",
            Applicant::Training => "参训人员或培训机构",
            Applicant::Student => "学生",
            Applicant::Project => "工程建设项目",
            Applicant::Agency => "人力资源服务机构、劳务经纪人",
        }
    }
}

/// What the amount means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountKind {
    /// Paid once.
    OneTime,
    /// Per month (the duration is in the benefit text).
    Monthly,
    PerYear,
    /// An upper bound the bureau pays up to.
    Maximum,
    /// A loan ceiling, not money paid: never summed with subsidies.
    LoanCeiling,
}

impl AmountKind {
    pub fn label(self) -> &'static str {
        match self {
            AmountKind::OneTime => "一次性",
            AmountKind::Monthly => "每月",
            AmountKind::PerYear => "每年",
            AmountKind::Maximum => "最高",
            AmountKind::LoanCeiling => "贷款额度上限",
        }
    }
}

/// One eligibility condition.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Condition {
    /// Stable machine-readable id within the program.
    pub id: &'static str,
    pub measure: &'static str,
    /// Key of the clause sentence in `policy/clauses.toml`.
    pub clause: &'static str,
    /// Chinese text template, e.g. "招用前已连续登记失业满{hire_unemployed.min_registered_months}个月".
    pub text: &'static str,
    /// Must evaluate to a boolean (or unknown).
    pub expr: Expr,
    /// Facts whose values the explanation prints after the text ("实际8个月"); `as_of` prints
    /// the evaluation date.
    pub shows: Vec<&'static str>,
}

/// The amount formula.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Amount {
    pub expr: Expr,
    pub kind: AmountKind,
    /// Chinese text template of the formula.
    pub text: &'static str,
}

/// Which earlier grants count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantScope {
    /// Any earlier grant.
    Ever,
    /// Grants in the same calendar year as the reference date (annual programs).
    SameYear,
}

/// Exclusivity: the same program again, or another program, blocks a grant.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Exclusivity {
    /// The program can be granted once (within `scope`).
    pub once: bool,
    /// Programs whose earlier grant (within `scope`) blocks this one.
    pub exclusive_with: Vec<&'static str>,
    pub scope: GrantScope,
    /// Why: the measure, or "local decision / 待确认".
    pub source: &'static str,
}

impl Exclusivity {
    pub fn none() -> Self {
        Self { once: false, exclusive_with: Vec::new(), scope: GrantScope::Ever, source: "" }
    }
    pub fn is_active(&self) -> bool {
        self.once || !self.exclusive_with.is_empty()
    }
}

/// A program of POLICY.md §1.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Program {
    pub id: &'static str,
    pub name: &'static str,
    pub measures: Vec<&'static str>,
    pub applicant: Applicant,
    /// The date fact the program is judged at (windows, parameters), e.g. `hire.date`;
    /// `None` means the evaluation date `as_of`.
    pub reference_date: Option<&'static str>,
    pub conditions: Vec<Condition>,
    pub amount: Option<Amount>,
    /// What is granted, in Chinese (template).
    pub benefit: &'static str,
    pub exclusivity: Exclusivity,
    /// Parts of the text this definition does not decide (left to staff), said plainly.
    pub not_encoded: Vec<&'static str>,
}

impl Program {
    /// The first (main) measure number.
    pub fn measure(&self) -> &'static str {
        self.measures.first().copied().unwrap_or("")
    }

    /// Every fact the program reads (conditions, amount, reference date), in first-use order.
    pub fn facts_read(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.reference_date.into_iter().collect();
        self.visit(&mut |n| {
            if let Name::Fact(f) = n
                && !out.contains(&f)
            {
                out.push(f);
            }
        });
        out
    }

    /// Every parameter the program reads, including those named in its texts.
    pub fn params_used(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        self.visit(&mut |n| {
            if let Name::Param(p) = n
                && !out.contains(&p)
            {
                out.push(p);
            }
        });
        let texts = self.conditions.iter().map(|c| c.text).chain(self.amount.as_ref().map(|a| a.text));
        for t in texts.chain(std::iter::once(self.benefit)) {
            for p in template_params(t) {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    fn visit(&self, f: &mut dyn FnMut(Name)) {
        for c in &self.conditions {
            c.expr.visit_names(f);
        }
        if let Some(a) = &self.amount {
            a.expr.visit_names(f);
        }
    }
}

/// The `{param.id}` placeholders of a template.
pub(crate) fn template_params(t: &'static str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(start) = rest.find('{') {
        let after = rest.get(start + 1..).unwrap_or("");
        match after.find('}') {
            Some(end) => {
                out.push(after.get(..end).unwrap_or(""));
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => break,
        }
    }
    out
}

/// The window condition: the reference date lies in a period where the switch `in_force` is on.
pub(crate) fn window(
    measure: &'static str,
    clause: &'static str,
    text: &'static str,
    in_force: &'static str,
    shows: &'static str,
) -> Condition {
    Condition { id: "in_window", measure, clause, text, expr: param(in_force), shows: vec![shows] }
}

pub(crate) fn cond(
    id: &'static str,
    measure: &'static str,
    clause: &'static str,
    text: &'static str,
    expr: Expr,
    shows: &[&'static str],
) -> Condition {
    Condition { id, measure, clause, text, expr, shows: shows.to_vec() }
}

/// Program ids in the order of POLICY.md §1 (listings and docs follow it).
pub const ORDER: &[&str] = &[
    "hire_unemployed",
    "hire_graduate",
    "startup_returnee",
    "startup_loan",
    "small_firm_loan",
    "loan_extension",
    "stable_post_refund",
    "stable_post_refund_hardship",
    "unemployment_supplement",
    "benefit_to_retirement",
    "flexible_si_subsidy",
    "flexible_si_extension",
    "public_post_extension",
    "temp_public_post",
    "trainee_subsidy",
    "training_subsidy",
    "preparatory_training",
    "state_grant",
    "si_subsidy_extension",
    "onjob_training_hardship",
    "wage_deposit_deferral",
    "service_subsidy",
];

/// All programs, in the order of POLICY.md §1.
pub fn all() -> Vec<Program> {
    let mut v = enterprise::programs();
    v.extend(person::programs());
    v.extend(other::programs());
    v.sort_by_key(|p| ORDER.iter().position(|id| *id == p.id).unwrap_or(usize::MAX));
    v
}
