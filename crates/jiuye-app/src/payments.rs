//! Subsidy applications (补贴申领, measure (二十)) and their review with separation of duties.
//!
//! An application names a program of the rules engine and its subject (a registry person or
//! enterprise). The form asks only for the facts the registry does not hold: registry facts are
//! read at every step, the applicant's own facts are stored with the application, and each step
//! (submission, check, approval, rejection) records the rules' decision re-run at that moment
//! with its rule-set version, parameters and facts. Approval writes the grant to the ledger
//! (`ledger.rs`) in the same transaction as the grant claim, the database constraint that stops
//! a one-time subsidy — or two programs that exclude each other — from being granted twice.
//!
//! Workflow: `offered` → `submitted` (confirmed) or `declined`; `submitted` → `checked` or
//! `rejected` or `withdrawn`; `checked` → `approved` or `rejected`; `approved` → `paid` or
//! `cancelled`. Who may do what: see `docs/PAYMENTS.md`.

use std::collections::BTreeMap;

use jiuye_domain::normalize::normalize;
use jiuye_domain::{DomainError, EmploymentStatus, IdNumber, Role, Tag};
use jiuye_rules::{AmountKind, Applicant, Decision, Facts, GrantScope, Outcome, Program};
use jiuye_store::payments::{ApplicationRecord, NewApplication, NewEntry, StatusChange};
use jiuye_store::persons::{Page, PersonFilter, PersonRecord};
use jiuye_store::{Scope, StoreError};
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};
use time::Date;
use uuid::Uuid;

use crate::citizen::Citizen;
use crate::{Actor, App, AppError, AppResult};

/// Application states with their Chinese labels.
pub const STATUSES: &[(&str, &str)] = &[
    ("offered", "待确认（免申即享）"),
    ("submitted", "待初审"),
    ("checked", "待审批"),
    ("approved", "已批准待支付"),
    ("paid", "已支付"),
    ("rejected", "未通过"),
    ("withdrawn", "已撤回"),
    ("declined", "已放弃"),
    ("cancelled", "已取消支付"),
];

pub fn status_label(code: &str) -> &'static str {
    STATUSES.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("未知")
}

/// The fund a program draws on. Unemployment-insurance programs are paid from the UI fund; the
/// rest from the employment subsidy fund (就业补助资金).
pub fn fund_of(program: &str) -> &'static str {
    match program {
        "unemployment_supplement"
        | "benefit_to_retirement"
        | "stable_post_refund"
        | "stable_post_refund_hardship"
        | "onjob_training_hardship" => "ui_fund",
        _ => "employment_fund",
    }
}

pub fn fund_label(code: &str) -> &'static str {
    match code {
        "ui_fund" => "失业保险基金",
        "employment_fund" => "就业补助资金",
        _ => "其他资金",
    }
}

/// Whether the payments module pays this program: it must grant money (not a loan ceiling, a
/// deferral or an extension).
pub fn payable_program(p: &Program) -> bool {
    matches!(p.amount.as_ref().map(|a| a.kind), Some(AmountKind::OneTime | AmountKind::Monthly | AmountKind::PerYear | AmountKind::Maximum))
}

/// Facts the registry is the source of for a person: never asked, never accepted from the
/// applicant, even when the registry has no value (then the decision says what is missing).
pub const REGISTRY_PERSON_FACTS: &[&str] = &[
    "person.id_number",
    "person.employed",
    "person.is_returning_migrant_worker",
    "person.is_college_graduate",
    "person.graduation_date",
    "person.is_employment_difficult",
    "person.is_key_group",
    "person.from_poor_family",
    "person.registered_unemployed",
    "person.registered_unemployed_since",
    "person.insured_unemployed",
    "person.entitled_to_unemployment_benefit",
    "person.unemployment_benefit_ended_on",
];

/// Facts the registry is the source of for an enterprise.
pub const REGISTRY_ENTERPRISE_FACTS: &[&str] = &["enterprise.size_class", "enterprise.insured_staff", "enterprise.staff_total"];

/// Who the subject of a program's case is in the registry.
fn subject_is_person(a: Applicant) -> bool {
    matches!(a, Applicant::Person | Applicant::Hire | Applicant::Unit | Applicant::Training | Applicant::Student)
}

/// Programs applied for by an enterprise on behalf of a person (a hire, a trainee).
fn needs_employer(a: Applicant) -> bool {
    matches!(a, Applicant::Hire | Applicant::Unit)
}

/// The claim key: the program, or the sorted group of programs that exclude each other.
pub fn claim_key(p: &Program) -> String {
    let mut g: Vec<&str> = std::iter::once(p.id).chain(p.exclusivity.exclusive_with.iter().copied()).collect();
    g.sort_unstable();
    g.dedup();
    g.join("+")
}

/// The application period: `ever` for once-in-a-lifetime programs, the year for once-a-year
/// ones, otherwise the month or year given (`YYYY-MM` or `YYYY`).
pub fn period_key(p: &Program, given: Option<&str>, today: Date) -> Result<String, DomainError> {
    let given = given.map(str::trim).filter(|s| !s.is_empty());
    if p.exclusivity.once {
        return Ok(match p.exclusivity.scope {
            GrantScope::Ever => "ever".into(),
            GrantScope::SameYear => {
                given.map(str::to_string).filter(|g| valid_period(g) && g.len() == 4).unwrap_or_else(|| today.year().to_string())
            }
        });
    }
    match given {
        Some(g) if valid_period(g) => Ok(g.to_string()),
        Some(g) => Err(DomainError::new("补贴期间", "payment.period", format!("“{g}”不是有效期间，应为年份（2020）或年月（2020-03）"))),
        None => Err(DomainError::new("补贴期间", "payment.period", "该补贴按期发放，请填写补贴期间（年份或年月）")),
    }
}

fn valid_period(s: &str) -> bool {
    let b = s.as_bytes();
    let year_ok = |y: &[u8]| y.len() == 4 && y.iter().all(u8::is_ascii_digit) && (b"2000".as_slice()..=b"2099".as_slice()).contains(&y);
    match b.len() {
        4 => year_ok(b),
        7 => {
            let (y, rest) = b.split_at(4);
            year_ok(y)
                && rest.first() == Some(&b'-')
                && matches!(std::str::from_utf8(rest.get(1..).unwrap_or_default()).ok().and_then(|m| m.parse::<u8>().ok()), Some(1..=12))
        }
        _ => false,
    }
}

/// Bank account numbers: 12–30 digits (personal cards and corporate accounts).
pub fn parse_account(s: &str) -> Result<String, DomainError> {
    let digits: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.len() < 12 || digits.len() > 30 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(DomainError::new("收款账号", "payment.account", "收款账号应为12至30位数字（银行卡号或对公账号）"));
    }
    Ok(digits)
}

/// Fen from a decision amount (already rounded to fen by the rules).
pub fn to_fen(d: Decimal) -> AppResult<i64> {
    let f = (d * Decimal::from(100)).round();
    i64::try_from(f).map_err(|_| AppError::Internal(format!("amount out of range: {d}")))
}

pub fn fen_yuan(f: i64) -> String {
    let sign = if f < 0 { "-" } else { "" };
    let a = f.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Parses a yuan amount ("1000", "1000.5", "1,000.50") to fen, exactly.
pub fn parse_yuan(field: &'static str, s: &str) -> Result<i64, DomainError> {
    let t: String = s.trim().chars().filter(|c| *c != ',' && *c != '，').collect();
    let err = || DomainError::new(field, "payment.amount", format!("“{s}”不是有效金额（元，最多两位小数）"));
    let d: Decimal = t.parse().map_err(|_| err())?;
    if d.scale() > 2 {
        return Err(err());
    }
    let f = d * Decimal::from(100);
    i64::try_from(f.trunc()).map_err(|_| err())
}

/// Where an offer without a bank account is paid: the person's social security card (社保卡),
/// which the bank pays by ID number.
pub const SOCIAL_SECURITY_CARD: &str = "社会保障卡金融账户";

/// What `create_offers` did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OfferSummary {
    pub created: u64,
    pub skipped: u64,
}

/// “Y1a2b3c4d” (confirm) or “N1a2b3c4d” (decline), full-width and spaces tolerated.
pub fn parse_offer_reply(text: &str) -> Option<(bool, String)> {
    let s: String = text
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let (accept, rest) = match s.chars().next()? {
        'y' => (true, s.get(1..)?),
        'n' => (false, s.get(1..)?),
        _ => return None,
    };
    (rest.len() == 8 && rest.chars().all(|c| c.is_ascii_hexdigit())).then(|| (accept, rest.to_string()))
}

/// Who submits or confirms: staff at a window, an enterprise account, or the person online.
pub enum Submitter<'a> {
    Staff(&'a Actor),
    Citizen(&'a Citizen),
}

impl Submitter<'_> {
    fn login(&self) -> String {
        match self {
            Submitter::Staff(a) => a.login.clone(),
            Submitter::Citizen(c) => format!("citizen:{}", c.person.id),
        }
    }
    fn role(&self) -> &'static str {
        match self {
            Submitter::Staff(a) => a.role.code(),
            Submitter::Citizen(_) => "citizen",
        }
    }
}

/// What an applicant fills in.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ApplicationInput {
    pub program: String,
    /// The person the case is about (persons, hires, trainees), by registry id…
    #[serde(default)]
    pub person_id: Option<Uuid>,
    /// …or by ID number (an enterprise applying for a hire cannot browse the registry).
    #[serde(default)]
    pub person_id_number: Option<String>,
    /// The enterprise applying (enterprise programs, hires, trainees).
    #[serde(default)]
    pub enterprise_id: Option<Uuid>,
    #[serde(default)]
    pub period: Option<String>,
    /// For monthly subsidies: the number of months applied for.
    #[serde(default)]
    pub months: Option<i64>,
    /// For programs paid up to a maximum: the amount asked for (yuan), at most the maximum.
    #[serde(default)]
    pub requested_yuan: Option<String>,
    /// The facts the registry does not hold, by fact name.
    #[serde(default)]
    pub facts: serde_json::Map<String, Json>,
    #[serde(default)]
    pub payee_bank: String,
    #[serde(default)]
    pub payee_account: String,
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// The subject of a case as resolved from the registry.
#[derive(Debug, Clone)]
pub struct Subject {
    pub kind: &'static str,
    pub id: Uuid,
    pub name: String,
    pub township_code: String,
    pub employer: Option<Uuid>,
}

/// A live evaluation for the form: the decision and which facts came from where.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Preview {
    pub decision: Decision,
    /// Facts the registry supplied (not asked).
    pub registry_facts: Vec<&'static str>,
    /// Facts the program reads that the applicant must give.
    pub asked_facts: Vec<AskedFact>,
    pub amount_fen: Option<i64>,
    pub period_key: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AskedFact {
    pub name: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub meaning: &'static str,
    pub kind: &'static str,
    pub values: Vec<(&'static str, &'static str)>,
}

/// A decision with the full input it was reached from (sealed when stored).
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub decision: Decision,
    pub input: Json,
}

/// What changed between two recorded evaluations of an application.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FactDiff {
    pub changed: Vec<(String, Json, Json)>,
    pub outcome: Option<(String, String)>,
    pub amount: Option<(Option<i64>, Option<i64>)>,
}

impl FactDiff {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.outcome.is_none() && self.amount.is_none()
    }
}

/// Compares the facts and results of two decisions' JSON.
pub fn diff_decisions(before: &Json, after: &Json) -> FactDiff {
    let empty = serde_json::Map::new();
    let fa = before.get("facts").and_then(Json::as_object).unwrap_or(&empty);
    let fb = after.get("facts").and_then(Json::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = fa.keys().chain(fb.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut d = FactDiff::default();
    for k in keys {
        let (a, b) = (fa.get(k).cloned().unwrap_or(Json::Null), fb.get(k).cloned().unwrap_or(Json::Null));
        if a != b {
            d.changed.push((k.clone(), a, b));
        }
    }
    let (oa, ob) = (before.get("decision").cloned().unwrap_or(Json::Null), after.get("decision").cloned().unwrap_or(Json::Null));
    if oa != ob {
        d.outcome = Some((oa.as_str().unwrap_or("").to_string(), ob.as_str().unwrap_or("").to_string()));
    }
    let amt = |j: &Json| j.get("amount_yuan").and_then(Json::as_str).and_then(|s| parse_yuan("金额", s).ok());
    if amt(before) != amt(after) {
        d.amount = Some((amt(before), amt(after)));
    }
    d
}

/// One recorded step with the decision and what changed since submission.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StepView {
    pub record: jiuye_store::payments::DecisionRecord,
    pub decision: Json,
    pub diff_from_submission: FactDiff,
}

/// An application with everything its page shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApplicationView {
    pub record: ApplicationRecord,
    pub status_label: &'static str,
    pub program_name: String,
    pub subject_name: String,
    pub subject_identifier: String,
    pub steps: Vec<StepView>,
    pub entries: Vec<jiuye_store::payments::LedgerEntry>,
    /// The decision re-run now from the current registry (for the reviewer).
    pub current: Option<Json>,
    pub diff_now: Option<FactDiff>,
    pub budget: Option<BudgetCheck>,
}

/// The budget position a decision would leave.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BudgetCheck {
    pub fund: &'static str,
    pub year: i64,
    pub allocated_fen: Option<i64>,
    pub committed_fen: i64,
    pub amount_fen: i64,
    pub over: bool,
}

impl BudgetCheck {
    pub fn message(&self) -> String {
        match self.allocated_fen {
            None => format!("{}{}年未安排该项目预算", fund_label(self.fund), self.year),
            Some(a) => format!(
                "{}{}年预算{}元，已承诺{}元，本笔{}元，剩余{}元",
                fund_label(self.fund),
                self.year,
                fen_yuan(a),
                fen_yuan(self.committed_fen),
                fen_yuan(self.amount_fen),
                fen_yuan(a - self.committed_fen - self.amount_fen)
            ),
        }
    }
}

/// The reviewer's choice at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Reject,
}

fn rules_err(e: jiuye_rules::RulesError) -> AppError {
    match e {
        jiuye_rules::RulesError::UnknownProgram { .. } => AppError::NotFound,
        other => AppError::BadInput(other.to_string()),
    }
}

/// A payee's bank and account, checked and sealed: the account encrypted with the vault key,
/// only its last four digits in clear.
pub struct SealedAccount {
    pub bank: String,
    pub enc: Vec<u8>,
    pub key_version: i64,
    pub last4: String,
}

impl App {
    /// Checks the bank name and the account number and seals the account.
    fn seal_account(&self, bank: &str, account: &str) -> AppResult<SealedAccount> {
        let account = parse_account(account).map_err(|e| AppError::Validation(vec![e]))?;
        let bank = normalize(bank);
        if bank.chars().count() < 2 {
            return Err(AppError::field("开户银行", "payment.bank", "请填写开户银行"));
        }
        let enc = self.vault.seal(&account).map_err(|e| AppError::Internal(e.to_string()))?;
        let last4: String = account.chars().skip(account.chars().count().saturating_sub(4)).collect();
        Ok(SealedAccount { bank, enc, key_version: self.vault.key_version(), last4 })
    }

    fn payable(&self, program: &str) -> AppResult<&Program> {
        let p = self
            .rules
            .program(program)
            .ok_or_else(|| AppError::field("补贴项目", "payment.program", format!("没有补贴项目“{program}”")))?;
        if !payable_program(p) {
            return Err(AppError::field(
                "补贴项目",
                "payment.program",
                format!("“{}”不是发放资金的补贴（贷款、缓缴或延期类由经办另行办理）", p.name),
            ));
        }
        Ok(p)
    }

    /// The person by ID number without reading rights over the registry (for enterprise accounts
    /// applying for a hire): only the id comes back to the caller.
    async fn person_by_id_number(&self, id_number: &str) -> AppResult<PersonRecord> {
        let id = IdNumber::parse(id_number).map_err(|e| AppError::Validation(vec![DomainError::new("公民身份号码", e.code, e.message)]))?;
        let f = PersonFilter { id_bidx: Some(self.vault.blind("id", id.as_str())), ..Default::default() };
        let (rows, _) = self.store.list_persons(&Scope::All, &f, Page { limit: 1, offset: 0 }).await?;
        rows.into_iter().next().ok_or_else(|| AppError::field("公民身份号码", "payment.person", "名册中没有此人，请先到乡镇窗口登记"))
    }

    /// Resolves the subject (and the employer for hires) within what the submitter may act on.
    pub async fn resolve_subject(&self, by: &Submitter<'_>, p: &Program, input: &ApplicationInput) -> AppResult<Subject> {
        let employer = if needs_employer(p.applicant) || !subject_is_person(p.applicant) {
            let eid = match by {
                Submitter::Staff(a) if a.role == Role::EnterpriseHr => a.enterprise_id,
                _ => input.enterprise_id,
            };
            let eid = eid.ok_or_else(|| AppError::field("申请单位", "payment.enterprise", "请选择申请单位"))?;
            let e = match by {
                Submitter::Staff(a) => self.get_enterprise(a, eid).await?,
                Submitter::Citizen(_) => return Err(AppError::Forbidden("单位申请的补贴请由单位账号或经办人员提交")),
            };
            Some(e)
        } else {
            None
        };
        if subject_is_person(p.applicant) {
            let person = match by {
                Submitter::Citizen(c) => c.person.clone(),
                Submitter::Staff(a) if a.role == Role::EnterpriseHr => {
                    let n = input.person_id_number.as_deref().unwrap_or("");
                    self.person_by_id_number(n).await?
                }
                Submitter::Staff(a) => match (input.person_id, input.person_id_number.as_deref()) {
                    (Some(id), _) => self.get_person(a, id).await?,
                    (None, Some(n)) if !n.trim().is_empty() => {
                        let p = self.person_by_id_number(n).await?;
                        self.get_person(a, p.id).await?
                    }
                    _ => return Err(AppError::field("申请人", "payment.person", "请选择申请人")),
                },
            };
            let township_code = employer.as_ref().map(|e| e.township_code.clone()).unwrap_or(person.township_code.clone());
            Ok(Subject { kind: "person", id: person.id, name: person.name, township_code, employer: employer.map(|e| e.id) })
        } else {
            let e = employer.ok_or_else(|| AppError::field("申请单位", "payment.enterprise", "请选择申请单位"))?;
            Ok(Subject { kind: "enterprise", id: e.id, name: e.name, township_code: e.township_code, employer: None })
        }
    }

    /// The facts the registry holds about a subject on a date, as fact JSON, with their names.
    pub async fn registry_facts(&self, s: &Subject, as_of: Date) -> AppResult<serde_json::Map<String, Json>> {
        let mut m = serde_json::Map::new();
        if s.kind == "person" {
            let p = self.store.get_person(&Scope::All, s.id).await?.ok_or(AppError::NotFound)?;
            let secrets = self.store.person_id_secrets(&Scope::All, &[s.id]).await?;
            if let Some((enc, kv)) = secrets.get(&s.id) {
                let id = self.vault.open(enc, *kv).map_err(|e| AppError::Internal(e.to_string()))?;
                m.insert("person.id_number".into(), json!(id));
            }
            match EmploymentStatus::from_code(&p.employment_status) {
                Some(st) if st.is_working() => {
                    m.insert("person.employed".into(), json!(true));
                }
                Some(EmploymentStatus::Unemployed) => {
                    m.insert("person.employed".into(), json!(false));
                }
                _ => {}
            }
            let tags = Tag::from_storage(&p.tags);
            let has = |t: Tag| tags.contains(&t);
            m.insert("person.is_returning_migrant_worker".into(), json!(has(Tag::ReturningMigrant)));
            m.insert("person.is_college_graduate".into(), json!(has(Tag::Graduate) || has(Tag::UnemployedGraduate)));
            if let Some(g) = p.graduation_date {
                m.insert("person.graduation_date".into(), json!(g.to_string()));
            }
            m.insert("person.is_employment_difficult".into(), json!(has(Tag::EmploymentDifficult)));
            m.insert("person.is_key_group".into(), json!(!tags.is_empty()));
            m.insert("person.from_poor_family".into(), json!(has(Tag::PoorHousehold) || has(Tag::MinimumLiving)));
            let spell = self.store.spell_facts_of(s.id, as_of).await?;
            m.insert("person.registered_unemployed".into(), json!(spell.is_some()));
            if let Some(sp) = spell {
                m.insert("person.registered_unemployed_since".into(), json!(sp.registered_on.to_string()));
                if let Some(i) = sp.insured {
                    m.insert("person.insured_unemployed".into(), json!(i));
                }
                if let Some(e) = sp.entitled() {
                    m.insert("person.entitled_to_unemployment_benefit".into(), json!(e));
                }
                if let Some(d) = sp.benefit_ended_on {
                    m.insert("person.unemployment_benefit_ended_on".into(), json!(d.to_string()));
                }
            }
        }
        let enterprise = if s.kind == "enterprise" { Some(s.id) } else { s.employer };
        if let Some(eid) = enterprise {
            let e = self.store.get_enterprise(&Scope::All, eid).await?.ok_or(AppError::NotFound)?;
            m.insert("enterprise.size_class".into(), json!(e.size_class));
            if let Some(i) = e.insured {
                m.insert("enterprise.insured_staff".into(), json!(i));
            }
            if let Some(st) = e.staff {
                m.insert("enterprise.staff_total".into(), json!(st));
            }
            // The layoff rate's inputs over the previous calendar year, from a complete year of
            // monthly reports (issue 7); without one the applicant states them.
            // The insurance agency's statements (上年度 contributions), where imported.
            let statements = self.store.insurance_of(eid).await?;
            let refs: Vec<&jiuye_store::insurance::InsuranceRecord> = statements.iter().collect();
            let f = crate::insurance::InsuranceFacts::of(&refs, as_of.year());
            if let Some(b) = f.unemployment_insured {
                m.insert("enterprise.unemployment_insured".into(), json!(b));
            }
            if let Some(fen) = f.ui_contributions_last_year_fen {
                m.insert(
                    "enterprise.ui_contributions_last_year_yuan".into(),
                    json!(crate::insurance::InsuranceFacts::yuan(fen).to_string()),
                );
            }
            if let Some(fen) = f.monthly_si_contributions_fen {
                m.insert("enterprise.monthly_si_contributions_yuan".into(), json!(crate::insurance::InsuranceFacts::yuan(fen).to_string()));
            }
            let (months, layoffs, insured) = self.store.report_totals_of(eid, as_of.year() - 1).await?;
            if months == 12 {
                m.insert("enterprise.layoffs_in_period".into(), json!(layoffs));
                m.insert(
                    "enterprise.average_insured_staff".into(),
                    json!((Decimal::from(insured) / Decimal::from(12)).round_dp(4).to_string()),
                );
            }
        }
        Ok(m)
    }

    /// Facts the program reads (derived ones replaced by their inputs) that the registry does
    /// not own for this subject.
    pub fn asked_facts_for(&self, p: &Program, s: &Subject) -> Vec<AskedFact> {
        let owned = registry_owned(s);
        let mut names: Vec<&'static str> = Vec::new();
        for f in p.facts_read() {
            match jiuye_rules::vocabulary::fact(f).map(|d| d.kind) {
                Some(jiuye_rules::FactKind::Derived { from }) => names.extend(from.iter().copied()),
                Some(jiuye_rules::FactKind::Input) => names.push(f),
                None => {}
            }
        }
        let mut seen = Vec::new();
        names
            .into_iter()
            .filter(|n| !owned.contains(n))
            .filter(|n| {
                let new = !seen.contains(n);
                seen.push(*n);
                new
            })
            .filter_map(jiuye_rules::vocabulary::fact)
            .map(|d| AskedFact {
                name: d.name,
                label: d.label,
                unit: d.unit,
                meaning: d.meaning,
                kind: d.ty.label(),
                values: d.values.to_vec(),
            })
            .collect()
    }

    /// Evaluates a case: registry facts (which win), the applicant's facts, earlier grants.
    async fn evaluate_case(
        &self,
        p: &Program,
        s: &Subject,
        supplied: &serde_json::Map<String, Json>,
        grants: Vec<(String, Date)>,
        as_of: Date,
    ) -> AppResult<(Evaluated, serde_json::Map<String, Json>)> {
        // For a hire, registration is read on the day before the hire date (the spell ends when
        // the person starts work); otherwise on the evaluation date.
        let spell_date = match p.reference_date {
            Some("hire.date") => supplied
                .get("hire.date")
                .and_then(Json::as_str)
                .and_then(|d| Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok())
                .and_then(Date::previous_day)
                .unwrap_or(as_of),
            _ => as_of,
        };
        let registry = self.registry_facts(s, spell_date).await?;
        let mut all = supplied.clone();
        for (k, v) in &registry {
            all.insert(k.clone(), v.clone());
        }
        all.insert(
            jiuye_rules::PRIOR_GRANTS_KEY.into(),
            Json::Array(grants.into_iter().map(|(program, d)| json!({"program": program, "date": d.to_string()})).collect()),
        );
        let input = Json::Object(all);
        let facts = Facts::from_json(&input).map_err(rules_err)?;
        let d = self.rules.evaluate(p.id, &facts, as_of).map_err(rules_err)?;
        Ok((Evaluated { decision: d, input }, registry))
    }

    /// Records an evaluation at a step: the explained decision, and the full input sealed.
    async fn record_decision(
        &self,
        tx: &mut jiuye_store::WriteTx,
        application_id: Uuid,
        step: &str,
        ev: &Evaluated,
        amount_fen: Option<i64>,
        by: (&str, &str, time::OffsetDateTime),
    ) -> AppResult<i64> {
        let d = &ev.decision;
        let dj = serde_json::to_string(d).map_err(|e| AppError::Internal(e.to_string()))?;
        let sealed = self.vault.seal(&ev.input.to_string()).map_err(|e| AppError::Internal(e.to_string()))?;
        let rec = jiuye_store::payments::NewDecision {
            application_id,
            step,
            outcome: outcome_code(d.decision),
            amount_fen,
            ruleset_version: &d.ruleset_version,
            as_of: d.as_of,
            decision_json: &dj,
            facts_enc: &sealed,
            facts_kv: self.vault.key_version(),
            actor: by.0,
            note: by.1,
            at: by.2,
        };
        Ok(tx.insert_decision(&rec).await?)
    }

    /// Checks the applicant's own facts: known names, not ones the registry owns.
    fn check_supplied(&self, supplied: &serde_json::Map<String, Json>, s: &Subject) -> AppResult<()> {
        let owned = registry_owned(s);
        let mut errors = Vec::new();
        for k in supplied.keys() {
            if k == jiuye_rules::PRIOR_GRANTS_KEY || owned.contains(&k.as_str()) {
                let label = jiuye_rules::vocabulary::fact(k).map(|d| d.label).unwrap_or("该信息");
                errors.push(DomainError::new(
                    "申请信息",
                    "payment.fact_from_registry",
                    format!("“{label}”（{k}）由名册或台账提供，不需填写"),
                ));
            }
        }
        if let Err(e) = Facts::from_json(&Json::Object(supplied.clone())) {
            errors.push(DomainError::new("申请信息", "payment.fact", e.to_string()));
        }
        if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
    }

    fn amount_of(&self, p: &Program, d: &Decision, input_months: Option<i64>, requested: Option<&str>) -> AppResult<(Option<i64>, i64)> {
        let months = match p.amount.as_ref().map(|a| a.kind) {
            Some(AmountKind::Monthly) => {
                let m = input_months.unwrap_or(0);
                if !(1..=36).contains(&m) {
                    return Err(AppError::field("发放月数", "payment.months", "按月发放的补贴请填写发放月数（1至36）"));
                }
                m
            }
            _ => 1,
        };
        let Some(amount) = d.amount else { return Ok((None, months)) };
        let max = to_fen(amount)? * months;
        let fen = match (p.amount.as_ref().map(|a| a.kind), requested.map(str::trim).filter(|r| !r.is_empty())) {
            (Some(AmountKind::Maximum), Some(r)) => {
                let r = parse_yuan("申请金额", r).map_err(|e| AppError::Validation(vec![e]))?;
                if r <= 0 || r > max {
                    return Err(AppError::field("申请金额", "payment.amount", format!("申请金额应大于0且不超过{}元", fen_yuan(max))));
                }
                r
            }
            _ => max,
        };
        Ok((Some(fen), months))
    }

    /// The live explanation for the form, before anything is stored.
    pub async fn preview_application(&self, by: &Submitter<'_>, input: &ApplicationInput) -> AppResult<Preview> {
        let p = self.payable(&input.program)?;
        let s = self.resolve_subject(by, p, input).await?;
        let today = self.clock.today();
        let period = period_key(p, input.period.as_deref(), today).map_err(|e| AppError::Validation(vec![e]))?;
        let grants = self.subject_grants(s.id).await?;
        let (ev, registry) = self.evaluate_case(p, &s, &strip_registry(&input.facts), grants, today).await?;
        let d = ev.decision;
        let asked = self.asked_facts_for(p, &s);
        let amount_fen = if d.decision == Outcome::Eligible {
            self.amount_of(p, &d, input.months.or(Some(1)), None).ok().and_then(|a| a.0)
        } else {
            None
        };
        Ok(Preview {
            registry_facts: registry.keys().filter_map(|k| jiuye_rules::vocabulary::fact(k).map(|d| d.name)).collect(),
            asked_facts: asked,
            decision: d,
            amount_fen,
            period_key: period,
        })
    }

    async fn subject_grants(&self, subject: Uuid) -> AppResult<Vec<(String, Date)>> {
        let g = self.store.grants_of_subject(subject).await?;
        Ok(grant_dates(g))
    }

    /// Submits an application. With the same idempotency key, a repeat returns the first
    /// application; without one, a second live application for the same program, subject and
    /// period is refused naming the first.
    pub async fn submit_application(&self, by: &Submitter<'_>, input: &ApplicationInput) -> AppResult<ApplicationRecord> {
        if let Submitter::Staff(a) = by
            && !matches!(a.role, Role::BureauStaff | Role::TownshipClerk | Role::EnterpriseHr)
        {
            return Err(AppError::Forbidden("补贴申请由经办人员、单位账号或申请人本人提交"));
        }
        let key = input.idempotency_key.as_deref().map(str::trim).filter(|k| !k.is_empty()).map(str::to_string);
        if let Some(k) = &key
            && k.len() > 100
        {
            return Err(AppError::field("idempotency_key", "payment.key", "幂等键不能超过100个字符"));
        }
        let p = self.payable(&input.program)?;
        let s = self.resolve_subject(by, p, input).await?;
        let today = self.clock.today();
        let period = period_key(p, input.period.as_deref(), today).map_err(|e| AppError::Validation(vec![e]))?;
        self.check_supplied(&input.facts, &s)?;
        let sealed = self.seal_account(&input.payee_bank, &input.payee_account)?;
        let payee_name = match s.employer {
            Some(e) => self.store.get_enterprise(&Scope::All, e).await?.map(|e| e.name).unwrap_or_default(),
            None => s.name.clone(),
        };
        let grants = self.store.grants_of_subject(s.id).await?;
        let (ev, _) = self.evaluate_case(p, &s, &input.facts, grant_dates(grants.clone()), today).await?;
        let d = &ev.decision;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        if let Some(k) = &key
            && let Some(existing) = tx.application_by_key(k).await?
        {
            if existing.program != p.id || existing.subject_id != s.id {
                return Err(AppError::Conflict("该幂等键已用于另一份申请".into()));
            }
            return Ok(existing);
        }
        if let Some(live) = tx.live_application(p.id, s.id, &period).await? {
            return Err(AppError::Conflict(format!(
                "已有同一补贴、同一期间的申请（编号 {}，{}），不能重复申请",
                short(live.id),
                status_label(&live.status)
            )));
        }
        if tx.grants_of_subject(s.id).await? != grants {
            return Err(AppError::Conflict("该对象的享受记录刚刚发生变化，请重新提交".into()));
        }
        match d.decision {
            Outcome::Eligible => {}
            Outcome::NeedsFacts => {
                return Err(AppError::field(
                    "申请信息",
                    "payment.needs_facts",
                    format!(
                        "还缺少以下信息，无法判断是否符合条件：{}",
                        d.missing_facts
                            .iter()
                            .map(|f| jiuye_rules::vocabulary::fact(f).map(|d| d.label).unwrap_or(f))
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                ));
            }
            Outcome::Ineligible => {
                let failed: Vec<String> = d.conditions.iter().filter(|c| c.met == Some(false)).map(|c| c.text.clone()).collect();
                return Err(AppError::field("申请信息", "payment.ineligible", format!("不符合条件：{}", failed.join("；"))));
            }
        }
        let (amount_fen, months) = self.amount_of(p, d, input.months, input.requested_yuan.as_deref())?;
        let id = Uuid::now_v7();
        let app = NewApplication {
            id,
            program: p.id.to_string(),
            subject_kind: s.kind,
            subject_id: s.id,
            applicant_enterprise_id: s.employer,
            township_code: s.township_code.clone(),
            period_key: period,
            status: "submitted",
            origin: "application",
            channel: match by {
                Submitter::Citizen(_) => "online".into(),
                Submitter::Staff(a) if a.role == Role::EnterpriseHr => "enterprise".into(),
                Submitter::Staff(_) => "window".into(),
            },
            facts_json: Json::Object(input.facts.clone()).to_string(),
            amount_fen,
            months,
            payee_name,
            payee_bank: sealed.bank,
            payee_account_enc: Some(sealed.enc),
            payee_account_kv: Some(sealed.key_version),
            payee_account_last4: Some(sealed.last4),
            idempotency_key: key,
            submitted_by: by.login(),
            submitted_role: by.role().to_string(),
            at: now,
        };
        tx.insert_application(&app).await?;
        self.record_decision(&mut tx, id, "submit", &ev, amount_fen, (&by.login(), "", now)).await?;
        tx.audit(self.submitter_audit(
            by,
            "application.submit",
            id,
            json!({"program": p.id, "amount_fen": amount_fen, "period": app.period_key}),
        ))
        .await?;
        tx.commit().await?;
        Ok(self.store.application(id).await?)
    }

    fn submitter_audit(&self, by: &Submitter<'_>, action: &str, id: Uuid, detail: Json) -> jiuye_store::AuditEntry {
        match by {
            Submitter::Staff(a) => self.audit_entry(a, action, "application", Some(id.to_string()), "ok", detail),
            Submitter::Citizen(c) => self.citizen_audit(&c.person.id.to_string(), action, Some(id.to_string()), detail),
        }
    }

    /// An application the actor may see: bureau and leaders all, clerks their township,
    /// enterprise accounts their own.
    pub async fn application_for(&self, actor: &Actor, id: Uuid) -> AppResult<ApplicationRecord> {
        let a = match self.store.application(id).await {
            Ok(a) => a,
            Err(StoreError::NotFound) => return Err(AppError::NotFound),
            Err(e) => return Err(e.into()),
        };
        let visible = match actor.role {
            Role::Admin | Role::BureauStaff | Role::Leader => true,
            Role::TownshipClerk => actor.township.as_deref() == Some(a.township_code.as_str()),
            Role::EnterpriseHr => {
                actor.enterprise_id.is_some()
                    && (a.applicant_enterprise_id == actor.enterprise_id || Some(a.subject_id) == actor.enterprise_id)
            }
        };
        if visible { Ok(a) } else { Err(AppError::NotFound) }
    }

    /// The subject of a stored application, for re-evaluation.
    async fn stored_subject(&self, a: &ApplicationRecord) -> AppResult<Subject> {
        let name = if a.subject_kind == "person" {
            self.store.get_person(&Scope::All, a.subject_id).await?.map(|p| p.name)
        } else {
            self.store.get_enterprise(&Scope::All, a.subject_id).await?.map(|e| e.name)
        };
        Ok(Subject {
            kind: if a.subject_kind == "person" { "person" } else { "enterprise" },
            id: a.subject_id,
            name: name.unwrap_or_default(),
            township_code: a.township_code.clone(),
            employer: a.applicant_enterprise_id,
        })
    }

    /// Re-runs the rules for a stored application as of today, with earlier grants other than
    /// its own.
    pub async fn reevaluate(&self, a: &ApplicationRecord, grants: Vec<(String, Date)>) -> AppResult<Evaluated> {
        let p = self.payable(&a.program)?;
        let s = self.stored_subject(a).await?;
        let supplied: serde_json::Map<String, Json> = serde_json::from_str(&a.facts_json).map_err(|e| AppError::Internal(e.to_string()))?;
        let (ev, _) = self.evaluate_case(p, &s, &strip_registry(&supplied), grants, self.clock.today()).await?;
        Ok(ev)
    }

    /// Everything the application page shows; for reviewers, the decision re-run now.
    pub async fn application_view(&self, actor: &Actor, id: Uuid) -> AppResult<ApplicationView> {
        let record = self.application_for(actor, id).await?;
        let decisions = self.store.decisions_of(id).await?;
        let first = decisions.first().and_then(|d| serde_json::from_str::<Json>(&d.decision_json).ok()).unwrap_or(Json::Null);
        let steps = decisions
            .into_iter()
            .map(|r| {
                let j: Json = serde_json::from_str(&r.decision_json).unwrap_or(Json::Null);
                StepView { diff_from_submission: diff_decisions(&first, &j), decision: j, record: r }
            })
            .collect();
        let s = self.stored_subject(&record).await?;
        let subject_identifier = if s.kind == "person" {
            self.store.get_person(&Scope::All, s.id).await?.map(|p| p.id_masked).unwrap_or_default()
        } else {
            self.store.get_enterprise(&Scope::All, s.id).await?.map(|e| e.credit_code).unwrap_or_default()
        };
        let reviewing = matches!(record.status.as_str(), "submitted" | "checked" | "offered") && actor.role != Role::EnterpriseHr;
        let (current, diff_now, budget) = if reviewing {
            let grants = self.subject_grants(record.subject_id).await?;
            let d = self.reevaluate(&record, grants).await?.decision;
            let j = serde_json::to_value(&d).map_err(|e| AppError::Internal(e.to_string()))?;
            let diff = diff_decisions(&first, &j);
            let budget = match record.amount_fen {
                Some(amount) => Some(self.budget_check(&record.program, amount).await?),
                None => None,
            };
            (Some(j), Some(diff), budget)
        } else {
            (None, None, None)
        };
        let entries = self.store.entries_of_application(id).await?;
        Ok(ApplicationView {
            status_label: status_label(&record.status),
            program_name: self.rules.program(&record.program).map(|p| p.name.to_string()).unwrap_or_default(),
            subject_name: s.name,
            subject_identifier,
            steps,
            entries,
            current,
            diff_now,
            budget,
            record,
        })
    }

    pub async fn budget_check(&self, program: &str, amount_fen: i64) -> AppResult<BudgetCheck> {
        let fund = fund_of(program);
        let year = i64::from(self.clock.today().year());
        let (allocated, committed) = self.store.budget_position(fund, program, year).await?;
        Ok(BudgetCheck {
            fund,
            year,
            allocated_fen: allocated,
            committed_fen: committed,
            amount_fen,
            over: allocated.is_none_or(|a| committed + amount_fen > a),
        })
    }

    /// Reads an application in the state a step expects and re-runs its rules now. The
    /// evaluation reads the registry outside the write transaction (a write transaction holds
    /// the one writer slot; reading through the pool inside it could starve the pool), so the
    /// step re-checks inside the transaction that neither the application nor the subject's
    /// grants changed meanwhile.
    async fn prepare_step(&self, id: Uuid, version: i64, expected: &str, what: &str) -> AppResult<(ApplicationRecord, Grants, Evaluated)> {
        let cur = self.store.application(id).await.map_err(|_| AppError::NotFound)?;
        if cur.status != expected {
            return Err(AppError::Conflict(format!("申请当前为“{}”，不能{what}", status_label(&cur.status))));
        }
        if cur.version != version {
            return Err(AppError::Conflict("申请已被他人处理或修改，请刷新后重试".into()));
        }
        let grants = self.store.grants_of_subject(cur.subject_id).await?;
        let ev = self.reevaluate(&cur, grant_dates(grants.clone())).await?;
        Ok((cur, grants, ev))
    }

    /// The first review (初审): a township clerk of the application's township or bureau staff,
    /// not the person who entered it.
    pub async fn check_application(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        verdict: Verdict,
        note: &str,
    ) -> AppResult<ApplicationRecord> {
        if !matches!(actor.role, Role::TownshipClerk | Role::BureauStaff) {
            return Err(AppError::Forbidden("初审由乡镇窗口或区人社局经办人员办理"));
        }
        let a = self.application_for(actor, id).await?;
        if a.submitted_by == actor.login {
            return Err(AppError::Forbidden("不能审核自己录入的申请"));
        }
        let note = normalize(note);
        if verdict == Verdict::Reject && note.chars().count() < 2 {
            return Err(AppError::field("审核意见", "payment.reason", "不予通过时请写明原因"));
        }
        let (cur, grants, ev) = self.prepare_step(id, version, "submitted", "初审").await?;
        let d = &ev.decision;
        if verdict == Verdict::Pass && d.decision != Outcome::Eligible {
            return Err(AppError::Conflict(format!(
                "按当前名册信息重新判断为“{}”，不能通过初审；请核实后不予通过或更正名册",
                d.decision.label()
            )));
        }
        let (status, step) = match verdict {
            Verdict::Pass => ("checked", "check"),
            Verdict::Reject => ("rejected", "reject"),
        };
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        if tx.grants_of_subject(cur.subject_id).await? != grants {
            return Err(AppError::Conflict("该对象的享受记录刚刚发生变化，请刷新后重试".into()));
        }
        let ch = StatusChange {
            status,
            checked: Some((actor.login.clone(), actor.role.code().to_string())),
            reason: (verdict == Verdict::Reject).then(|| note.clone()),
            ..Default::default()
        };
        tx.change_application(id, version, "submitted", &ch, now).await.map_err(conflict)?;
        let amount = d.amount.map(to_fen).transpose()?;
        self.record_decision(&mut tx, id, step, &ev, amount, (&actor.login, &note, now)).await?;
        tx.audit(self.audit_entry(actor, &format!("application.{step}"), "application", Some(id.to_string()), "ok", json!({"note": note})))
            .await?;
        tx.commit().await?;
        Ok(self.store.application(id).await?)
    }

    /// The approval (审批): a second person of another role than the checker — bureau staff
    /// after a township check, a leader after either — and never the one who entered or checked.
    /// Writes the grant claim and the ledger entry in the same transaction.
    pub async fn approve_application(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        verdict: Verdict,
        note: &str,
        accept_over_budget: bool,
    ) -> AppResult<ApplicationRecord> {
        if !matches!(actor.role, Role::BureauStaff | Role::Leader) {
            return Err(AppError::Forbidden("审批由区人社局或分管领导办理"));
        }
        self.application_for(actor, id).await?;
        let note = normalize(note);
        if verdict == Verdict::Reject && note.chars().count() < 2 {
            return Err(AppError::field("审批意见", "payment.reason", "不予批准时请写明原因"));
        }
        let (cur, grants, ev) = self.prepare_step(id, version, "checked", "审批").await?;
        if cur.submitted_by == actor.login || cur.checked_by.as_deref() == Some(actor.login.as_str()) {
            return Err(AppError::Forbidden("审批人不能是录入人或初审人"));
        }
        if cur.checked_role.as_deref() == Some(actor.role.code()) {
            return Err(AppError::Forbidden("审批须由与初审不同岗位的人员办理（乡镇初审→区人社局审批，区人社局初审→分管领导审批）"));
        }
        let p = self.payable(&cur.program)?;
        let d = &ev.decision;
        let now = self.now();
        if verdict == Verdict::Reject {
            let mut tx = self.store.begin_write().await?;
            let ch = StatusChange {
                status: "rejected",
                decided_by: Some(actor.login.clone()),
                reason: Some(note.clone()),
                ..Default::default()
            };
            tx.change_application(id, version, "checked", &ch, now).await.map_err(conflict)?;
            let amount = d.amount.map(to_fen).transpose()?;
            self.record_decision(&mut tx, id, "reject", &ev, amount, (&actor.login, &note, now)).await?;
            tx.audit(self.audit_entry(actor, "application.reject", "application", Some(id.to_string()), "ok", json!({"note": note})))
                .await?;
            tx.commit().await?;
            return Ok(self.store.application(id).await?);
        }
        if d.decision != Outcome::Eligible {
            if let Some(c) = d.conditions.iter().find(|c| c.id == jiuye_rules::EXCLUSIVITY_CONDITION && c.met == Some(false)) {
                return Err(AppError::Conflict(format!("不能批准：{}", c.text)));
            }
            return Err(AppError::Conflict(format!("按当前名册信息重新判断为“{}”，不能批准", d.decision.label())));
        }
        // The amount: recomputed now; a request below the maximum stays as asked.
        let max = d.amount.map(to_fen).transpose()?.map(|a| a * cur.months);
        let amount = match (cur.amount_fen, max) {
            (Some(asked), Some(max)) => Some(asked.min(max)),
            (None, m) => m,
            (a, None) => a,
        };
        let Some(amount) = amount.filter(|a| *a > 0) else {
            return Err(AppError::Conflict("无法确定补贴金额，不能批准".into()));
        };
        let fund = fund_of(p.id);
        let year = i64::from(self.clock.today().year());
        let ck = claim_key(p);
        let mut tx = self.store.begin_write().await?;
        if tx.grants_of_subject(cur.subject_id).await? != grants {
            return Err(AppError::Conflict("该对象的享受记录刚刚发生变化，请刷新后重试".into()));
        }
        let (allocated, committed) = tx.budget_position(fund, p.id, year).await?;
        let over = allocated.is_none_or(|a| committed + amount > a);
        if over && !accept_over_budget {
            let b = BudgetCheck { fund, year, allocated_fen: allocated, committed_fen: committed, amount_fen: amount, over };
            return Err(AppError::Conflict(format!("超出预算：{}。确需批准请勾选“确认超预算批准”", b.message())));
        }
        if let Some((holder, program)) = tx.claim_holder(&ck, cur.subject_id, &cur.period_key).await? {
            let name = self.rules.program(&program).map(|p| p.name).unwrap_or("");
            return Err(AppError::Conflict(format!("不能批准：该对象已获批“{name}”（申请编号 {}），不能重复享受", short(holder))));
        }
        let ch = StatusChange {
            status: "approved",
            decided_by: Some(actor.login.clone()),
            amount_fen: Some(Some(amount)),
            ..Default::default()
        };
        tx.change_application(id, version, "checked", &ch, now).await.map_err(conflict)?;
        let note = if over { format!("{note}（确认超预算批准）") } else { note };
        let decision_id = self.record_decision(&mut tx, id, "approve", &ev, Some(amount), (&actor.login, &note, now)).await?;
        tx.insert_claim(&ck, cur.subject_id, &cur.period_key, id, p.id, now).await.map_err(|e| match e {
            StoreError::Duplicate { .. } => AppError::Conflict("不能批准：该对象已享受过此项（或互斥的）补贴".into()),
            other => other.into(),
        })?;
        let entry = tx
            .append_entry(NewEntry {
                kind: "grant",
                application_id: id,
                program: p.id.to_string(),
                fund_code: fund.to_string(),
                year,
                subject_kind: cur.subject_kind.clone(),
                subject_id: cur.subject_id,
                township_code: cur.township_code.clone(),
                amount_fen: amount,
                decision_id: Some(decision_id),
                corrects_entry_id: None,
                reason: String::new(),
                created_by: actor.login.clone(),
                created_at: now,
            })
            .await?;
        tx.audit(self.audit_entry(
            actor,
            "application.approve",
            "application",
            Some(id.to_string()),
            "ok",
            json!({"amount_fen": amount, "entry": entry.id, "over_budget": over, "decision": decision_id}),
        ))
        .await?;
        tx.commit().await?;
        Ok(self.store.application(id).await?)
    }

    /// Turns the scan's eligible persons for a program into offers (免申即享): applications
    /// pre-filled from the registry, waiting only for the person to confirm (online or by SMS
    /// reply). Persons with a live application or an existing claim are skipped; each offer
    /// records the decision it was made from. Township clerks offer within their township.
    pub async fn create_offers(&self, actor: &Actor, program: &str) -> AppResult<OfferSummary> {
        if !matches!(actor.role, Role::BureauStaff | Role::TownshipClerk) {
            return Err(AppError::Forbidden("免申即享由区人社局或乡镇窗口发起"));
        }
        let p = self.payable(program)?;
        if p.applicant != Applicant::Person {
            return Err(AppError::field("补贴项目", "payment.offer_program", "免申即享只适用于个人直接领取的补贴"));
        }
        let req = crate::scan::ScanRequest { program: Some(p.id.to_string()), as_of: None, township: actor.township.clone() };
        let report = self.scan_registry(actor, &req, &mut |_| {}).await?;
        let today = self.clock.today();
        let period = period_key(p, Some(&format!("{}-{:02}", today.year(), u8::from(today.month()))), today)
            .map_err(|e| AppError::Validation(vec![e]))?;
        let months = self.default_months(p, today);
        let mut summary = OfferSummary::default();
        let mut pending: Vec<(NewApplication, Evaluated)> = Vec::new();
        for hit in report.hits.iter().filter(|h| h.eligible && h.program == p.id) {
            let s = Subject {
                kind: "person",
                id: hit.subject_id,
                name: hit.name.clone(),
                township_code: hit.township_code.clone(),
                employer: None,
            };
            let grants = self.store.grants_of_subject(s.id).await?;
            let (ev, _) = self.evaluate_case(p, &s, &serde_json::Map::new(), grant_dates(grants), today).await?;
            if ev.decision.decision != Outcome::Eligible {
                summary.skipped += 1;
                continue;
            }
            let amount_fen = ev.decision.amount.map(to_fen).transpose()?.map(|a| a * months);
            pending.push((
                NewApplication {
                    id: Uuid::now_v7(),
                    program: p.id.to_string(),
                    subject_kind: "person",
                    subject_id: s.id,
                    applicant_enterprise_id: None,
                    township_code: s.township_code.clone(),
                    period_key: period.clone(),
                    status: "offered",
                    origin: "offer",
                    channel: "scan".into(),
                    facts_json: "{}".into(),
                    amount_fen,
                    months,
                    payee_name: s.name.clone(),
                    payee_bank: SOCIAL_SECURITY_CARD.into(),
                    payee_account_enc: None,
                    payee_account_kv: None,
                    payee_account_last4: None,
                    idempotency_key: None,
                    submitted_by: actor.login.clone(),
                    submitted_role: actor.role.code().to_string(),
                    at: self.now(),
                },
                ev,
            ));
        }
        for chunk in pending.chunks(200) {
            let now = self.now();
            let mut tx = self.store.begin_write().await?;
            let ck = claim_key(p);
            let mut made = 0u64;
            for (a, ev) in chunk {
                if tx.live_application(&a.program, a.subject_id, &a.period_key).await?.is_some()
                    || tx.claim_holder(&ck, a.subject_id, &a.period_key).await?.is_some()
                {
                    summary.skipped += 1;
                    continue;
                }
                tx.insert_application(a).await?;
                self.record_decision(&mut tx, a.id, "offer", ev, a.amount_fen, (&actor.login, "", now)).await?;
                if let Some(text) = self.offer_sms_text(p, a) {
                    tx.enqueue_offer_sms(a.subject_id, &text, now).await?;
                }
                made += 1;
            }
            tx.audit(self.audit_entry(actor, "application.offer", "program", Some(p.id.to_string()), "ok", json!({"offers": made})))
                .await?;
            tx.commit().await?;
            summary.created += made;
        }
        Ok(summary)
    }

    /// Months a monthly subsidy is offered for: the program's `<id>.months` parameter, else 1.
    fn default_months(&self, p: &Program, date: Date) -> i64 {
        match self.rules.params().lookup(&format!("{}.months", p.id), date).map(|f| f.value) {
            Some(jiuye_rules::value::Scalar::Num(n)) => i64::try_from(n.trunc()).unwrap_or(1).clamp(1, 36),
            _ => 1,
        }
    }

    /// The offer SMS: no personal data beyond the program and amount, the code to reply with.
    fn offer_sms_text(&self, p: &Program, a: &NewApplication) -> Option<String> {
        let amount = a.amount_fen.map(fen_yuan)?;
        let code = short(a.id);
        Some(format!(
            "【南和区人社局】经核查您可能符合{}条件，金额{}元。确认申领请回复“Y{code}”，不需要请回复“N{code}”；也可登录南和区就业服务网“我的”页面办理。",
            p.name, amount
        ))
    }

    /// Confirms or declines an offer. `payee` (bank, account) when the person gives an account;
    /// otherwise the money goes to their social security card.
    /// `by`: the person or staff member; `None` for an SMS reply (audited as the SMS gateway).
    async fn answer_offer(
        &self,
        id: Uuid,
        by: Option<&Submitter<'_>>,
        accept: bool,
        payee: Option<(&str, &str)>,
        channel: &str,
    ) -> AppResult<ApplicationRecord> {
        let cur = self.store.application(id).await.map_err(|_| AppError::NotFound)?;
        if cur.status != "offered" {
            return Err(AppError::Conflict(format!("该补贴当前为“{}”，不能再确认", status_label(&cur.status))));
        }
        let payee = match payee {
            Some((bank, account)) if !account.trim().is_empty() => {
                let a = self.seal_account(bank, account)?;
                Some(jiuye_store::payments::PayeeChange {
                    name: cur.payee_name.clone(),
                    bank: a.bank,
                    account_enc: Some(a.enc),
                    account_kv: Some(a.key_version),
                    last4: Some(a.last4),
                })
            }
            _ => None,
        };
        let (grants, ev) = if accept {
            let grants = self.store.grants_of_subject(cur.subject_id).await?;
            let ev = self.reevaluate(&cur, grant_dates(grants.clone())).await?;
            (Some(grants), Some(ev))
        } else {
            (None, None)
        };
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        if let Some(g) = &grants
            && tx.grants_of_subject(cur.subject_id).await? != *g
        {
            return Err(AppError::Conflict("享受记录刚刚发生变化，请稍后再试".into()));
        }
        let ch = StatusChange {
            status: if accept { "submitted" } else { "declined" },
            channel: Some(channel.to_string()),
            payee,
            reason: (!accept).then(|| "本人放弃".to_string()),
            ..Default::default()
        };
        tx.change_application(id, cur.version, "offered", &ch, now).await.map_err(conflict)?;
        if let Some(ev) = &ev {
            let amount = cur.amount_fen;
            let login = by.map(Submitter::login).unwrap_or_else(|| "system:sms".into());
            self.record_decision(&mut tx, id, "confirm", ev, amount, (&login, "", now)).await?;
        }
        let action = if accept { "application.confirm" } else { "application.decline" };
        let detail = json!({"channel": channel});
        let entry = match by {
            Some(b) => self.submitter_audit(b, action, id, detail),
            None => self.audit_entry(&Actor::system("system:sms", "短信网关"), action, "application", Some(id.to_string()), "ok", detail),
        };
        tx.audit(entry).await?;
        tx.commit().await?;
        Ok(self.store.application(id).await?)
    }

    /// The person confirms (or declines) an offer online.
    pub async fn citizen_answer_offer(
        &self,
        c: &Citizen,
        id: Uuid,
        accept: bool,
        bank: &str,
        account: &str,
    ) -> AppResult<ApplicationRecord> {
        let a = self.store.application(id).await.map_err(|_| AppError::NotFound)?;
        if a.subject_id != c.person.id {
            return Err(AppError::NotFound);
        }
        self.answer_offer(id, Some(&Submitter::Citizen(c)), accept, Some((bank, account)), "online").await
    }

    /// Staff record a confirmation given at the window or by phone.
    pub async fn staff_answer_offer(
        &self,
        actor: &Actor,
        id: Uuid,
        accept: bool,
        bank: &str,
        account: &str,
    ) -> AppResult<ApplicationRecord> {
        if !matches!(actor.role, Role::BureauStaff | Role::TownshipClerk) {
            return Err(AppError::Forbidden("由经办人员代为确认"));
        }
        self.application_for(actor, id).await?;
        self.answer_offer(id, Some(&Submitter::Staff(actor)), accept, Some((bank, account)), "window").await
    }

    /// An SMS reply “Y<code>” / “N<code>” from the phone the registry holds for the person.
    /// Returns the application answered, or `None` when the reply is not an offer answer for
    /// an offer of this phone's owner.
    pub async fn sms_answer_offer(&self, phone_bidx: &[u8], text: &str) -> AppResult<Option<Uuid>> {
        let Some((accept, code)) = parse_offer_reply(text) else { return Ok(None) };
        let offers = self.store.offers_for_phone(phone_bidx).await?;
        let Some(id) = offers.into_iter().find(|id| short(*id) == code) else { return Ok(None) };
        self.answer_offer(id, None, accept, None, "sms").await?;
        Ok(Some(id))
    }

    /// The applicant withdraws a submitted application.
    pub async fn withdraw_application(&self, by: &Submitter<'_>, id: Uuid, version: i64) -> AppResult<()> {
        let a = self.store.application(id).await.map_err(|_| AppError::NotFound)?;
        let own = match by {
            Submitter::Citizen(c) => a.subject_id == c.person.id,
            Submitter::Staff(actor) => self.application_for(actor, id).await.is_ok() && a.submitted_by == actor.login,
        };
        if !own {
            return Err(AppError::NotFound);
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        tx.change_application(id, version, "submitted", &StatusChange { status: "withdrawn", ..Default::default() }, now)
            .await
            .map_err(conflict)?;
        tx.audit(self.submitter_audit(by, "application.withdraw", id, json!({}))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Applications in the actor's scope.
    pub async fn list_applications(
        &self,
        actor: &Actor,
        mut f: jiuye_store::payments::ApplicationFilter,
    ) -> AppResult<(Vec<jiuye_store::payments::ApplicationRow>, i64)> {
        match actor.role {
            Role::Admin | Role::BureauStaff | Role::Leader => {}
            Role::TownshipClerk => f.township_code = Some(actor.township.clone().unwrap_or_default()),
            Role::EnterpriseHr => f.applicant_enterprise_id = Some(actor.enterprise_id.unwrap_or_else(Uuid::nil)),
        }
        if f.limit <= 0 || f.limit > 500 {
            f.limit = 50;
        }
        Ok(self.store.list_applications(&f).await?)
    }

    /// Applications by state and origin in the actor's scope (a clerk: the township); none for
    /// enterprise accounts.
    pub async fn application_counts(&self, actor: &Actor) -> AppResult<Vec<(String, String, i64)>> {
        let township = match actor.role {
            Role::Admin | Role::BureauStaff | Role::Leader => None,
            Role::TownshipClerk => Some(actor.township.clone().unwrap_or_default()),
            Role::EnterpriseHr => return Ok(Vec::new()),
        };
        Ok(self.store.application_counts(township.as_deref()).await?)
    }

    /// Applications of the citizen (as subject).
    pub async fn citizen_applications(&self, c: &Citizen) -> AppResult<Vec<jiuye_store::payments::ApplicationRow>> {
        let f = jiuye_store::payments::ApplicationFilter { subject_id: Some(c.person.id), limit: 100, ..Default::default() };
        Ok(self.store.list_applications(&f).await?.0)
    }

    /// Programs a person (or enterprise) can apply for through this module.
    pub fn payable_programs(&self) -> Vec<&Program> {
        self.rules.programs().iter().filter(|p| payable_program(p)).collect()
    }

    /// Programs with the kind of applicant.
    pub fn program_applicant(&self, id: &str) -> Option<Applicant> {
        self.rules.program(id).map(|p| p.applicant)
    }
}

fn registry_owned(s: &Subject) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    if s.kind == "person" {
        v.extend(REGISTRY_PERSON_FACTS);
    }
    if s.kind == "enterprise" || s.employer.is_some() {
        v.extend(REGISTRY_ENTERPRISE_FACTS);
    }
    v
}

/// Earlier grants of a subject as read from the ledger: (program, approval time).
type Grants = Vec<(String, time::OffsetDateTime)>;

/// Grants with their approval date in China Standard Time.
fn grant_dates(g: Vec<(String, time::OffsetDateTime)>) -> Vec<(String, Date)> {
    g.into_iter().map(|(p, at)| (p, at.to_offset(crate::CST).date())).collect()
}

/// Drops keys the caller must not supply (earlier grants come from the ledger).
fn strip_registry(m: &serde_json::Map<String, Json>) -> serde_json::Map<String, Json> {
    m.iter().filter(|(k, _)| k.as_str() != jiuye_rules::PRIOR_GRANTS_KEY).map(|(k, v)| (k.clone(), v.clone())).collect()
}

pub fn outcome_code(o: Outcome) -> &'static str {
    match o {
        Outcome::Eligible => "eligible",
        Outcome::Ineligible => "ineligible",
        Outcome::NeedsFacts => "needs_facts",
    }
}

/// The first 8 hex digits of an id, as shown to users.
pub fn short(id: Uuid) -> String {
    id.simple().to_string().chars().skip(24).collect()
}

fn conflict(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict => AppError::Conflict("申请已被他人处理或修改，请刷新后重试".into()),
        other => other.into(),
    }
}

/// Group helper for pages: counts by status.
pub fn counts_by_status(rows: &[(String, String, i64)]) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for (s, _, n) in rows {
        *m.entry(s.clone()).or_insert(0) += n;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert!(valid_period("2020"));
        assert!(valid_period("2020-03"));
        assert!(valid_period("2020-12"));
        assert!(!valid_period("2020-13"));
        assert!(!valid_period("2020-00"));
        assert!(!valid_period("20203"));
        assert!(!valid_period("1999"));
        assert!(!valid_period("2020/03"));
    }

    #[test]
    fn yuan_amounts_are_exact() {
        assert_eq!(parse_yuan("x", "1000").ok(), Some(100_000));
        assert_eq!(parse_yuan("x", "1,000.5").ok(), Some(100_050));
        assert_eq!(parse_yuan("x", "0.01").ok(), Some(1));
        assert!(parse_yuan("x", "0.001").is_err());
        assert!(parse_yuan("x", "abc").is_err());
        assert_eq!(fen_yuan(-150), "-1.50");
        assert_eq!(fen_yuan(100_005), "1000.05");
    }

    #[test]
    fn offer_replies() {
        assert_eq!(parse_offer_reply("Y1a2b3c4d"), Some((true, "1a2b3c4d".into())));
        assert_eq!(parse_offer_reply(" ｎ 1A2B3C4D "), Some((false, "1a2b3c4d".into())));
        assert_eq!(parse_offer_reply("Y1a2b3c4"), None);
        assert_eq!(parse_offer_reply("1"), None);
        assert_eq!(parse_offer_reply("Yes please"), None);
    }

    #[test]
    fn accounts() {
        assert_eq!(parse_account("6222 0212 3456 7890 123").ok().as_deref(), Some("6222021234567890123"));
        assert!(parse_account("12345").is_err());
        assert!(parse_account("62220212345678901x").is_err());
    }

    #[test]
    fn exclusive_programs_share_a_claim_key() {
        let Ok(rules) = jiuye_rules::Ruleset::default_2020() else { panic!("rules") };
        let key = |id: &str| rules.program(id).map(claim_key);
        assert_eq!(key("hire_unemployed"), key("hire_graduate"));
        assert_eq!(key("stable_post_refund"), key("stable_post_refund_hardship"));
        assert_ne!(key("hire_unemployed"), key("startup_returnee"));
    }
}
