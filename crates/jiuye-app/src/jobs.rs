//! Vacancies: collection (征集) by enterprises, clerks and the bureau, the review (审核) with its
//! cross-checks (信息协同比对, measure (二十一)), publication, filled posts, closing and expiry.
//!
//! Every status change goes through `VacancyStatus::apply`, is written with its event, an audit
//! entry and a change-feed row in one transaction, so the job board's search index can follow.

use jiuye_domain::normalize::normalize;
use jiuye_domain::vacancy::{check_pay, check_wording, similarity};
use jiuye_domain::{CreditCode, DomainError, Education, Phone, Role, VacancyAction, VacancyKind, VacancyStatus, WorkType, occupation};
use jiuye_store::persons::Page;
use jiuye_store::vacancies::{
    NewVacancyEvent, StatusChange, Submission, VacancyEvent, VacancyFilter, VacancyRecord, VacancySort, VacancyWrite,
};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::{Actor, App, AppError, AppResult};

/// A vacancy as typed into the form or the API (all text; blank means none).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct VacancyInput {
    /// ordinary | public_welfare | government_project (enterprise accounts: always ordinary).
    #[serde(default)]
    pub kind: String,
    /// The employer's unified social credit code (staff entering an enterprise's vacancy).
    #[serde(default)]
    pub credit_code: String,
    /// The employer's name for public-welfare and project posts without a registered enterprise.
    #[serde(default)]
    pub employer_name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub occupation: String,
    #[serde(default)]
    pub posts: String,
    #[serde(default)]
    pub pay_min: String,
    #[serde(default)]
    pub pay_max: String,
    #[serde(default)]
    pub education_min: String,
    #[serde(default)]
    pub experience_min_years: String,
    #[serde(default)]
    pub work_type: String,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub how_to_apply: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    /// YYYY-MM-DD, the last day the vacancy is shown.
    #[serde(default)]
    pub valid_until: String,
}

/// One finding of the cross-check shown to the reviewer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReviewCheck {
    pub code: String,
    /// ok | warn | fail | info
    pub outcome: String,
    pub message: String,
}

impl ReviewCheck {
    fn new(code: &str, outcome: &str, message: impl Into<String>) -> Self {
        Self { code: code.into(), outcome: outcome.into(), message: message.into() }
    }
    pub fn outcome_label(&self) -> &'static str {
        match self.outcome.as_str() {
            "ok" => "✔ 通过",
            "warn" => "⚠ 请核实",
            "fail" => "✘ 不符合",
            _ => "ℹ 说明",
        }
    }
}

/// How a reviewer decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    Approve,
    Reject,
}

/// The longest a vacancy may stay published in one go.
const MAX_VALID_DAYS: i64 = 366;

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn parse_int(field: &'static str, s: &str, min: i64, max: i64, errors: &mut Vec<DomainError>) -> Option<i64> {
    let s = normalize(s).replace([',', '，'], "");
    match s.parse::<i64>() {
        Ok(v) if (min..=max).contains(&v) => Some(v),
        Ok(_) => {
            errors.push(DomainError::new(field, "number.range", format!("应在{min}到{max}之间")));
            None
        }
        Err(_) => {
            errors.push(DomainError::new(field, "number.invalid", format!("“{s}”不是整数")));
            None
        }
    }
}

fn required(field: &'static str, s: &str, max_chars: usize, errors: &mut Vec<DomainError>) -> String {
    let s = normalize(s);
    if s.is_empty() {
        errors.push(DomainError::new(field, "required", "不能为空"));
    } else if s.chars().count() > max_chars {
        errors.push(DomainError::new(field, "too_long", format!("不能超过{max_chars}个字")));
    }
    s
}

pub fn parse_date(field: &'static str, s: &str) -> Result<Date, DomainError> {
    let s = normalize(s).replace(['/', '.'], "-");
    let fmt = time::macros::format_description!("[year]-[month padding:none]-[day padding:none]");
    Date::parse(&s, &fmt).map_err(|_| DomainError::new(field, "date.invalid", format!("“{s}”不是有效日期（应为 年-月-日）")))
}

/// Who may do what with vacancies.
pub fn can_submit(role: Role) -> bool {
    matches!(role, Role::Admin | Role::BureauStaff | Role::TownshipClerk | Role::EnterpriseHr)
}
pub fn can_review(role: Role) -> bool {
    matches!(role, Role::Admin | Role::BureauStaff)
}

impl App {
    /// The district's monthly minimum wage in yuan on `day` (parameter `jobs.minimum_wage_monthly`).
    pub fn minimum_wage(&self, day: Date) -> Option<i64> {
        match self.rules.params().lookup("jobs.minimum_wage_monthly", day)?.value {
            jiuye_rules::value::Scalar::Num(n) => i64::try_from(n.trunc()).ok(),
            _ => None,
        }
    }

    /// Parses the input into what is stored, resolving the employer. Every bad field is reported.
    async fn parse_vacancy(&self, actor: &Actor, input: &VacancyInput) -> AppResult<VacancyWrite> {
        let mut errors = Vec::new();
        let kind = if actor.role == Role::EnterpriseHr || blank(&input.kind) {
            VacancyKind::Ordinary
        } else {
            let k = normalize(&input.kind);
            VacancyKind::from_code(&k).or_else(|| VacancyKind::from_label(&k)).unwrap_or_else(|| {
                errors.push(DomainError::new("岗位来源", "kind.unknown", format!("“{k}”不是可识别的岗位来源")));
                VacancyKind::Ordinary
            })
        };
        // The employer: an enterprise account's own enterprise; otherwise the credit code typed.
        let mut enterprise = None;
        if actor.role == Role::EnterpriseHr {
            let id = actor.enterprise_id.ok_or(AppError::Forbidden("企业账号未绑定企业"))?;
            enterprise = self.store.get_enterprise(&jiuye_store::Scope::All, id).await?;
            if enterprise.is_none() {
                return Err(AppError::Forbidden("企业账号绑定的企业不存在"));
            }
        } else if !blank(&input.credit_code) {
            match CreditCode::parse(&input.credit_code) {
                Ok(code) => {
                    let f =
                        jiuye_store::enterprises::EnterpriseFilter { credit_code: Some(code.as_str().to_string()), ..Default::default() };
                    let (rows, _) = self.store.list_enterprises(&jiuye_store::Scope::All, &f, Page { limit: 1, offset: 0 }).await?;
                    match rows.into_iter().next() {
                        Some(e) => enterprise = Some(e),
                        None => errors.push(DomainError::new(
                            "统一社会信用代码",
                            "enterprise.unregistered",
                            "该单位未在企业名录中登记，请先登记企业信息",
                        )),
                    }
                }
                Err(e) => errors.push(e),
            }
        } else if kind == VacancyKind::Ordinary {
            errors.push(DomainError::new("统一社会信用代码", "required", "企业招聘岗位须填写招聘单位的统一社会信用代码"));
        }
        let employer_name = match &enterprise {
            Some(e) => e.name.clone(),
            None => required("用人单位", &input.employer_name, 100, &mut errors),
        };
        let title = required("岗位名称", &input.title, 50, &mut errors);
        let occupation_code = match occupation::parse(&input.occupation) {
            Ok(o) => o.code.to_string(),
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let posts = parse_int("招聘人数", &input.posts, 1, 10_000, &mut errors);
        let pay_min = parse_int("月薪下限", &input.pay_min, 1, 1_000_000, &mut errors);
        let pay_max = parse_int("月薪上限", &input.pay_max, 1, 1_000_000, &mut errors);
        if let (Some(a), Some(b)) = (pay_min, pay_max)
            && let Err(e) = check_pay(a, b)
        {
            errors.push(e);
        }
        let education_min = if blank(&input.education_min) || normalize(&input.education_min) == "不限" {
            None
        } else {
            match Education::parse(&input.education_min) {
                Ok(e) => Some(e.code().to_string()),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        };
        let experience_min_years = if blank(&input.experience_min_years) || normalize(&input.experience_min_years) == "不限" {
            None
        } else {
            parse_int("工作经验（年）", &input.experience_min_years, 0, 40, &mut errors)
        };
        let work_type = match WorkType::parse(&input.work_type) {
            Ok(w) => w.code().to_string(),
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let township_code = if blank(&input.township) {
            enterprise.as_ref().map(|e| e.township_code.clone()).unwrap_or_default()
        } else {
            let t = normalize(&input.township);
            match jiuye_domain::division::TOWNSHIPS.iter().find(|(c, n)| *c == t || *n == t) {
                Some((c, _)) => (*c).to_string(),
                None => {
                    errors.push(DomainError::new("工作地点（乡镇）", "township.unknown", format!("“{t}”不是南和区的乡镇（街道）")));
                    String::new()
                }
            }
        };
        if township_code.is_empty() && blank(&input.township) {
            errors.push(DomainError::new("工作地点（乡镇）", "required", "不能为空"));
        }
        let address = required("工作地址", &input.address, 100, &mut errors);
        let description = required("岗位描述", &input.description, 2000, &mut errors);
        let how_to_apply = if blank(&input.how_to_apply) {
            "请拨打联系电话，或到所在乡镇人社服务窗口报名。".to_string()
        } else {
            required("应聘方式", &input.how_to_apply, 500, &mut errors)
        };
        let contact_name = required("联系人", &input.contact_name, 30, &mut errors);
        let contact_phone = match Phone::parse(&input.contact_phone) {
            Ok(p) => p.as_str().to_string(),
            Err(e) => {
                errors.push(DomainError { field: "联系电话", ..e });
                String::new()
            }
        };
        let today = self.clock.today();
        let valid_until = if blank(&input.valid_until) {
            today.saturating_add(time::Duration::days(90))
        } else {
            match parse_date("有效期至", &input.valid_until) {
                Ok(d) if d < today => {
                    errors.push(DomainError::new("有效期至", "date.past", "不能早于今天"));
                    d
                }
                Ok(d) if (d - today).whole_days() > MAX_VALID_DAYS => {
                    errors.push(DomainError::new("有效期至", "date.too_far", "有效期最长一年，到期后可重新发布"));
                    d
                }
                Ok(d) => d,
                Err(e) => {
                    errors.push(e);
                    today
                }
            }
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(VacancyWrite {
            kind: kind.code().to_string(),
            enterprise_id: enterprise.map(|e| e.id),
            employer_name,
            title,
            occupation_code,
            posts: posts.unwrap_or(1),
            pay_min_yuan: pay_min.unwrap_or(0),
            pay_max_yuan: pay_max.unwrap_or(0),
            education_min,
            experience_min_years,
            work_type,
            township_code,
            address,
            description,
            how_to_apply,
            contact_name,
            contact_phone,
            valid_until,
        })
    }

    /// The cross-checks (信息协同比对) of measure (二十一), computed from the registry now.
    pub async fn cross_check(&self, w: &VacancyWrite, except: Option<Uuid>) -> AppResult<Vec<ReviewCheck>> {
        let mut out = Vec::new();
        let enterprise = match w.enterprise_id {
            Some(id) => self.store.get_enterprise(&jiuye_store::Scope::All, id).await?,
            None => None,
        };
        match &enterprise {
            Some(e) => {
                out.push(ReviewCheck::new("enterprise.registered", "ok", format!("单位已在企业名录登记：{}（{}）", e.name, e.credit_code)));
                let (outcome, msg) = match e.status.as_str() {
                    "active" => ("ok", "单位状态为在营".to_string()),
                    "suspended" => ("fail", "单位已报停产，请核实是否仍在招用".to_string()),
                    _ => ("fail", "单位已关闭或注销".to_string()),
                };
                out.push(ReviewCheck::new("enterprise.active", outcome, msg));
                out.push(match e.insured {
                    Some(n) if n > 0 => ReviewCheck::new("enterprise.insured", "ok", format!("单位有参保职工{n}人")),
                    Some(_) => ReviewCheck::new("enterprise.insured", "fail", "单位参保职工人数为0，请核实是否依法参保"),
                    None => ReviewCheck::new("enterprise.insured", "warn", "企业名录未采集参保人数，请核实"),
                });
            }
            None if w.kind == VacancyKind::Ordinary.code() => {
                out.push(ReviewCheck::new("enterprise.registered", "fail", "招聘单位不在企业名录中"));
            }
            None => out.push(ReviewCheck::new(
                "enterprise.registered",
                "info",
                format!(
                    "{}，用人单位“{}”不要求在企业名录登记",
                    VacancyKind::from_code(&w.kind).map(|k| k.label()).unwrap_or(""),
                    w.employer_name
                ),
            )),
        }
        let today = self.clock.today();
        match self.minimum_wage(today) {
            Some(min) => {
                let full_time = WorkType::from_code(&w.work_type).is_some_and(|t| t.monthly_minimum_applies());
                out.push(if w.pay_min_yuan >= min {
                    ReviewCheck::new("pay.minimum_wage", "ok", format!("月薪下限{}元不低于最低工资标准{min}元", w.pay_min_yuan))
                } else if full_time {
                    ReviewCheck::new("pay.minimum_wage", "fail", format!("月薪下限{}元低于最低工资标准{min}元（全职岗位）", w.pay_min_yuan))
                } else {
                    ReviewCheck::new(
                        "pay.minimum_wage",
                        "warn",
                        format!("月薪下限{}元低于月最低工资标准{min}元；非全日制岗位请核实小时工资不低于小时最低工资", w.pay_min_yuan),
                    )
                });
            }
            None => out.push(ReviewCheck::new("pay.minimum_wage", "warn", "未配置当日的最低工资标准参数，无法比对")),
        }
        let text = format!("{}\n{}", w.title, w.description);
        let wording_text = format!("{text}\n{}", w.how_to_apply);
        let similar = self.store.similar_open_vacancies(&w.employer_name, &w.occupation_code, except).await?;
        let dup = similar
            .iter()
            .map(|v| (similarity(&text, &format!("{}\n{}", v.title, v.description)), v))
            .filter(|(s, _)| *s >= 80)
            .max_by_key(|(s, _)| *s);
        out.push(match dup {
            Some((s, v)) => ReviewCheck::new(
                "duplicate",
                "warn",
                format!("与同单位同职业的在招岗位“{}”（编号{}）内容相似度{s}%，可能重复发布", v.title, short_id(v.id)),
            ),
            None => ReviewCheck::new("duplicate", "ok", "未发现同单位重复发布的岗位"),
        });
        let findings = check_wording(&wording_text);
        if findings.is_empty() {
            out.push(ReviewCheck::new("wording", "ok", "未发现性别、年龄、民族、户籍等限制性表述"));
        }
        for f in findings {
            out.push(ReviewCheck::new(&format!("wording.{}", f.code), "fail", format!("“{}”：{}", f.words, f.message)));
        }
        Ok(out)
    }

    pub async fn submit_vacancy(&self, actor: &Actor, input: &VacancyInput) -> AppResult<Uuid> {
        if !can_submit(actor.role) {
            return Err(AppError::Forbidden("当前角色不能提交岗位"));
        }
        let w = self.parse_vacancy(actor, input).await?;
        if let Some(t) = actor.scope_township()
            && t != w.township_code
        {
            return Err(AppError::field("工作地点（乡镇）", "township.scope", "只能登记本乡镇（街道）的岗位"));
        }
        let checks = self.cross_check(&w, None).await?;
        let id = self.new_id();
        let now = self.now();
        let status = VacancyStatus::Pending.code();
        let mut tx = self.store.begin_write().await?;
        tx.insert_vacancy(id, &w, Submission { status, checks: &checks_json(&checks), submitted_by: &actor.login }, now).await?;
        tx.vacancy_event(
            id,
            NewVacancyEvent { at: now, actor: &actor.login, action: VacancyAction::Submit.code(), from: None, to: status, note: "" },
        )
        .await?;
        tx.vacancy_changed(id, now).await?;
        tx.audit(self.audit_entry(actor, "vacancy.submit", "vacancy", Some(id.to_string()), "ok", vacancy_audit(&w))).await?;
        tx.commit().await?;
        self.search.mark_stale();
        Ok(id)
    }

    /// A vacancy as `actor` may see it: the public (None) sees published ones only; enterprise
    /// accounts their own; clerks their township's; bureau staff and leaders all.
    pub async fn get_vacancy(&self, actor: Option<&Actor>, id: Uuid) -> AppResult<VacancyRecord> {
        let v = self.store.get_vacancy(id).await?.filter(|v| self.may_see(actor, v));
        match (v, actor) {
            (Some(v), _) => Ok(v),
            (None, Some(a)) => {
                self.audit_denied_lookup(a, "vacancy", id).await?;
                Err(AppError::NotFound)
            }
            (None, None) => Err(AppError::NotFound),
        }
    }

    fn may_see(&self, actor: Option<&Actor>, v: &VacancyRecord) -> bool {
        if v.status == VacancyStatus::Published.code() {
            return true;
        }
        match actor {
            None => false,
            Some(a) => match a.role {
                Role::Admin | Role::BureauStaff | Role::Leader => true,
                Role::TownshipClerk => a.township.as_deref() == Some(v.township_code.as_str()),
                Role::EnterpriseHr => a.enterprise_id.is_some() && a.enterprise_id == v.enterprise_id,
            },
        }
    }

    /// Whether `actor` may edit, fill or close this vacancy (not whether the status allows it).
    pub fn may_change_vacancy(&self, actor: &Actor, v: &VacancyRecord) -> bool {
        match actor.role {
            Role::Admin | Role::BureauStaff => true,
            Role::TownshipClerk => actor.township.as_deref() == Some(v.township_code.as_str()),
            Role::EnterpriseHr => actor.enterprise_id.is_some() && actor.enterprise_id == v.enterprise_id,
            Role::Leader => false,
        }
    }

    fn may_change(&self, actor: &Actor, v: &VacancyRecord) -> AppResult<()> {
        if self.may_change_vacancy(actor, v) { Ok(()) } else { Err(AppError::Forbidden("不能修改此岗位")) }
    }

    /// The cross-checks of a stored vacancy, computed again from the registry as it is now.
    pub async fn recheck_vacancy(&self, v: &VacancyRecord) -> AppResult<Vec<ReviewCheck>> {
        self.cross_check(&write_of(v), Some(v.id)).await
    }

    pub async fn vacancy_history(&self, actor: &Actor, id: Uuid) -> AppResult<Vec<VacancyEvent>> {
        self.get_vacancy(Some(actor), id).await?;
        Ok(self.store.vacancy_events(id).await?)
    }

    /// Edits a vacancy; a published or rejected one goes back to review.
    pub async fn edit_vacancy(&self, actor: &Actor, id: Uuid, version: i64, input: &VacancyInput) -> AppResult<()> {
        let before = self.get_vacancy(Some(actor), id).await?;
        self.may_change(actor, &before)?;
        let w = self.parse_vacancy(actor, input).await?;
        if let Some(t) = actor.scope_township()
            && t != w.township_code
        {
            return Err(AppError::field("工作地点（乡镇）", "township.scope", "只能登记本乡镇（街道）的岗位"));
        }
        let from = status_of(&before)?;
        let to = from.apply(VacancyAction::Edit, false).map_err(|e| AppError::Validation(vec![e]))?;
        if w.posts < before.filled {
            return Err(AppError::field("招聘人数", "posts.below_filled", format!("已招用{}人，招聘人数不能少于此数", before.filled)));
        }
        let checks = self.cross_check(&w, Some(id)).await?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        tx.update_vacancy_content(
            id,
            version,
            &w,
            Submission { status: to.code(), checks: &checks_json(&checks), submitted_by: &actor.login },
            now,
        )
        .await?;
        tx.vacancy_event(
            id,
            NewVacancyEvent {
                at: now,
                actor: &actor.login,
                action: VacancyAction::Edit.code(),
                from: Some(from.code()),
                to: to.code(),
                note: "",
            },
        )
        .await?;
        tx.vacancy_changed(id, now).await?;
        tx.audit(self.audit_entry(actor, "vacancy.edit", "vacancy", Some(id.to_string()), "ok", vacancy_audit(&w))).await?;
        tx.commit().await?;
        self.search.mark_stale();
        Ok(())
    }

    /// Approves (publishes) or rejects a pending vacancy. A reason is required to reject; nobody
    /// reviews a vacancy they submitted themselves.
    pub async fn review_vacancy(&self, actor: &Actor, id: Uuid, version: i64, decision: ReviewDecision, note: &str) -> AppResult<()> {
        if !can_review(actor.role) {
            return Err(AppError::Forbidden("只有区人社局工作人员可以审核岗位"));
        }
        let note = normalize(note);
        if decision == ReviewDecision::Reject && note.chars().count() < 2 {
            return Err(AppError::field("审核意见", "review.reason", "驳回时须填写理由"));
        }
        let v = self.get_vacancy(Some(actor), id).await?;
        if v.submitted_by == actor.login {
            return Err(AppError::Forbidden("不能审核本人提交的岗位"));
        }
        let action = match decision {
            ReviewDecision::Approve => VacancyAction::Approve,
            ReviewDecision::Reject => VacancyAction::Reject,
        };
        let from = status_of(&v)?;
        let to = from.apply(action, false).map_err(|e| AppError::Validation(vec![e]))?;
        let now = self.now();
        let ch = StatusChange {
            to: to.code().into(),
            reviewed_by: Some(actor.login.clone()),
            review_note: Some(note.clone()),
            publish: to == VacancyStatus::Published,
            close_reason: None,
        };
        let mut tx = self.store.begin_write().await?;
        tx.set_vacancy_status(id, version, &ch, now).await?;
        tx.vacancy_event(
            id,
            NewVacancyEvent { at: now, actor: &actor.login, action: action.code(), from: Some(from.code()), to: to.code(), note: &note },
        )
        .await?;
        tx.vacancy_changed(id, now).await?;
        tx.audit(self.audit_entry(
            actor,
            &format!("vacancy.{}", action.code()),
            "vacancy",
            Some(id.to_string()),
            "ok",
            json!({"note": note}),
        ))
        .await?;
        tx.commit().await?;
        self.search.mark_stale();
        Ok(())
    }

    /// Records `count` posts filled; the vacancy becomes filled when every post is.
    pub async fn record_filled(&self, actor: &Actor, id: Uuid, version: i64, count: i64, note: &str) -> AppResult<()> {
        let v = self.get_vacancy(Some(actor), id).await?;
        self.may_change(actor, &v)?;
        if count < 1 || v.filled + count > v.posts {
            return Err(AppError::field(
                "招用人数",
                "filled.range",
                format!("应在1到{}之间（尚余{}个岗位）", v.posts - v.filled, v.posts - v.filled),
            ));
        }
        let from = status_of(&v)?;
        let to = from.apply(VacancyAction::RecordFilled, v.filled + count == v.posts).map_err(|e| AppError::Validation(vec![e]))?;
        let now = self.now();
        let note = normalize(note);
        let mut tx = self.store.begin_write().await?;
        tx.add_vacancy_filled(id, version, count, to.code(), now).await?;
        tx.vacancy_event(
            id,
            NewVacancyEvent {
                at: now,
                actor: &actor.login,
                action: VacancyAction::RecordFilled.code(),
                from: Some(from.code()),
                to: to.code(),
                note: &format!("招用{count}人 {note}"),
            },
        )
        .await?;
        tx.vacancy_changed(id, now).await?;
        tx.audit(self.audit_entry(actor, "vacancy.record_filled", "vacancy", Some(id.to_string()), "ok", json!({"count": count}))).await?;
        tx.commit().await?;
        self.search.mark_stale();
        Ok(())
    }

    pub async fn close_vacancy(&self, actor: &Actor, id: Uuid, version: i64, reason: &str) -> AppResult<()> {
        let v = self.get_vacancy(Some(actor), id).await?;
        self.may_change(actor, &v)?;
        let reason = normalize(reason);
        if reason.chars().count() < 2 {
            return Err(AppError::field("关闭原因", "close.reason", "请填写关闭原因"));
        }
        self.change_status(actor, &v, version, VacancyAction::Close, Some(reason)).await
    }

    /// Closes every open vacancy whose validity ended before today (run daily by the server).
    pub async fn expire_vacancies(&self) -> AppResult<usize> {
        let today = self.clock.today();
        let due = self.store.vacancies_past_validity(today).await?;
        let system = Actor::system("system:expiry", "到期自动关闭");
        let mut n = 0;
        for (id, version) in due {
            let Some(v) = self.store.get_vacancy(id).await? else { continue };
            match self.change_status(&system, &v, version, VacancyAction::Expire, Some("超过有效期".into())).await {
                Ok(()) => n += 1,
                // Changed meanwhile (edited, closed): the next run looks again.
                Err(AppError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    async fn change_status(
        &self,
        actor: &Actor,
        v: &VacancyRecord,
        version: i64,
        action: VacancyAction,
        reason: Option<String>,
    ) -> AppResult<()> {
        let from = status_of(v)?;
        let to = from.apply(action, false).map_err(|e| AppError::Validation(vec![e]))?;
        let now = self.now();
        let note = reason.clone().unwrap_or_default();
        let ch = StatusChange { to: to.code().into(), close_reason: reason, ..Default::default() };
        let mut tx = self.store.begin_write().await?;
        tx.set_vacancy_status(v.id, version, &ch, now).await?;
        tx.vacancy_event(
            v.id,
            NewVacancyEvent { at: now, actor: &actor.login, action: action.code(), from: Some(from.code()), to: to.code(), note: &note },
        )
        .await?;
        tx.vacancy_changed(v.id, now).await?;
        tx.audit(self.audit_entry(
            actor,
            &format!("vacancy.{}", action.code()),
            "vacancy",
            Some(v.id.to_string()),
            "ok",
            json!({"note": note}),
        ))
        .await?;
        tx.commit().await?;
        self.search.mark_stale();
        Ok(())
    }

    /// Staff lists (review queue, the enterprise's own vacancies, a township's), scoped by role.
    pub async fn list_vacancies(&self, actor: &Actor, filter: &VacancyFilter, page: Page) -> AppResult<(Vec<VacancyRecord>, i64)> {
        let mut f = filter.clone();
        match actor.role {
            Role::EnterpriseHr => f.enterprise_id = Some(actor.enterprise_id.unwrap_or(Uuid::nil())),
            Role::TownshipClerk => f.township_code = Some(actor.township.clone().unwrap_or_default()),
            _ => {}
        }
        Ok(self.store.list_vacancies(&f, page).await?)
    }

    /// The review queue: pending vacancies, oldest first.
    pub async fn review_queue(&self, actor: &Actor, page: Page) -> AppResult<(Vec<VacancyRecord>, i64)> {
        let f = VacancyFilter {
            statuses: vec![VacancyStatus::Pending.code().into()],
            sort: VacancySort::OldestSubmitted,
            ..Default::default()
        };
        self.list_vacancies(actor, &f, page).await
    }
}

fn status_of(v: &VacancyRecord) -> AppResult<VacancyStatus> {
    VacancyStatus::from_code(&v.status).ok_or_else(|| AppError::Internal(format!("unknown vacancy status {}", v.status)))
}

fn write_of(v: &VacancyRecord) -> VacancyWrite {
    VacancyWrite {
        kind: v.kind.clone(),
        enterprise_id: v.enterprise_id,
        employer_name: v.employer_name.clone(),
        title: v.title.clone(),
        occupation_code: v.occupation_code.clone(),
        posts: v.posts,
        pay_min_yuan: v.pay_min_yuan,
        pay_max_yuan: v.pay_max_yuan,
        education_min: v.education_min.clone(),
        experience_min_years: v.experience_min_years,
        work_type: v.work_type.clone(),
        township_code: v.township_code.clone(),
        address: v.address.clone(),
        description: v.description.clone(),
        how_to_apply: v.how_to_apply.clone(),
        contact_name: v.contact_name.clone(),
        contact_phone: v.contact_phone.clone(),
        valid_until: v.valid_until,
    }
}

fn checks_json(checks: &[ReviewCheck]) -> String {
    serde_json::to_string(checks).unwrap_or_else(|_| "[]".into())
}

/// The checks stored with a vacancy at its last submission.
pub fn stored_checks(v: &VacancyRecord) -> Vec<ReviewCheck> {
    serde_json::from_str(&v.checks).unwrap_or_default()
}

/// The last 8 hex digits of an id (the random part of a UUIDv7): the vacancy number pages show.
pub fn short_id(id: Uuid) -> String {
    id.simple().to_string().chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect()
}

fn vacancy_audit(w: &VacancyWrite) -> serde_json::Value {
    json!({
        "kind": w.kind, "employer": w.employer_name, "title": w.title, "occupation": w.occupation_code, "posts": w.posts,
        "pay": [w.pay_min_yuan, w.pay_max_yuan], "work_type": w.work_type, "township": w.township_code, "valid_until": w.valid_until.to_string(),
    })
}

/// A vacancy as the public sees it (board API, passing-up export): no review details, no submitter.
pub fn public_json(v: &VacancyRecord) -> serde_json::Value {
    let t = |t: time::OffsetDateTime| t.to_offset(crate::CST).format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    json!({
        "id": v.id,
        "number": short_id(v.id),
        "kind": v.kind,
        "kind_label": VacancyKind::from_code(&v.kind).map(|k| k.label()),
        "employer_name": v.employer_name,
        "title": v.title,
        "occupation_code": v.occupation_code,
        "occupation_name": occupation::by_code(&v.occupation_code).map(|o| o.name),
        "posts": v.posts,
        "filled": v.filled,
        "pay_min_yuan": v.pay_min_yuan,
        "pay_max_yuan": v.pay_max_yuan,
        "education_min": v.education_min,
        "experience_min_years": v.experience_min_years,
        "work_type": v.work_type,
        "work_type_label": WorkType::from_code(&v.work_type).map(|w| w.label()),
        "township_code": v.township_code,
        "township_name": v.township_name,
        "address": v.address,
        "description": v.description,
        "how_to_apply": v.how_to_apply,
        "contact_name": v.contact_name,
        "contact_phone": v.contact_phone,
        "valid_until": v.valid_until.to_string(),
        "status": v.status,
        "published_at": v.published_at.map(t),
    })
}
