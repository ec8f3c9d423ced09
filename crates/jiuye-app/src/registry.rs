//! Registry use cases: persons, households and enterprises — create, edit, read, search and the
//! audited reveal of a full ID number or phone.
//!
//! Inputs arrive as strings (forms, API, import rows) and are parsed into domain values here; every
//! failing field is reported at once. Sex and birth date come from the ID number, never asked.

use jiuye_domain::size_class::{SizeFigures, classify};
use jiuye_domain::{CreditCode, DomainError, Education, EmploymentStatus, IdNumber, Industry, PersonName, Phone, Tag};
use jiuye_store::enterprises::{EnterpriseFilter, EnterpriseRecord, EnterpriseWrite};
use jiuye_store::households::{HouseholdFilter, HouseholdRecord};
use jiuye_store::persons::{Page, PersonFilter, PersonRecord, PersonWrite};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::{Actor, App, AppError, AppResult};

/// A person as typed into the form or the API (all text; blank means none).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub household_no: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub education: String,
    #[serde(default)]
    pub graduation_date: String,
    #[serde(default)]
    pub employment_status: String,
}

/// An enterprise as typed into the form or the API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub staff: String,
    #[serde(default)]
    pub insured: String,
    /// 营业收入 in 万元, decimal.
    #[serde(default)]
    pub revenue_wan: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    /// active | suspended | closed (or 在营/停产/关闭); blank: active for a new enterprise, unchanged
    /// for an existing one.
    #[serde(default)]
    pub status: String,
}

/// Parsed, validated person fields (before sealing).
pub struct ParsedPerson {
    pub name: PersonName,
    pub id: IdNumber,
    pub phone: Option<Phone>,
    pub township: &'static str,
    pub village: Option<String>,
    pub village_code: Option<String>,
    pub household_no: Option<String>,
    pub tags: Vec<Tag>,
    pub education: Option<Education>,
    pub graduation_date: Option<Date>,
    pub employment_status: EmploymentStatus,
}

fn blank(s: &str) -> bool {
    jiuye_domain::normalize::normalize(s).is_empty()
}

/// Parses 毕业时间: `2020-06-30`, `2020/6/30`, `2020-06`, `2020年6月`, `2020.6`, `202006`. A month
/// without a day means the last day of that month (graduations end a term).
pub fn parse_grad_date(input: &str) -> Result<Date, DomainError> {
    let s = jiuye_domain::normalize::normalize(input);
    let err = || DomainError::new("毕业时间", "date.format", format!("“{s}”不是有效日期，请写成2020-06-30或2020-06"));
    let cleaned: String = s.replace(['年', '月', '/', '.'], "-").trim_end_matches(['-', '日']).to_string();
    let parts: Vec<&str> = if cleaned.len() == 6 && cleaned.bytes().all(|b| b.is_ascii_digit()) {
        vec![&cleaned[..4], &cleaned[4..]]
    } else {
        cleaned.split('-').collect()
    };
    let num = |p: Option<&&str>| p.and_then(|v| v.parse::<i32>().ok());
    let (y, m) = (num(parts.first()).ok_or_else(err)?, num(parts.get(1)).ok_or_else(err)?);
    if !(1950..=2100).contains(&y) {
        return Err(err());
    }
    let month = time::Month::try_from(u8::try_from(m).map_err(|_| err())?).map_err(|_| err())?;
    let day = match parts.get(2) {
        Some(d) => u8::try_from(d.parse::<i32>().map_err(|_| err())?).map_err(|_| err())?,
        None => time::util::days_in_month(month, y),
    };
    Date::from_calendar_date(y, month, day).map_err(|_| err())
}

fn parse_count(field: &'static str, s: &str) -> Result<Option<i64>, DomainError> {
    let s = jiuye_domain::normalize::normalize(s).replace(',', "");
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i64>() {
        Ok(v) if (0..=10_000_000).contains(&v) => Ok(Some(v)),
        _ => Err(DomainError::new(field, "count.format", format!("“{s}”不是有效的人数（应为非负整数）"))),
    }
}

impl App {
    /// Parses every field, collecting all errors. `villages` resolves a village name in a township.
    pub fn parse_person(
        &self,
        input: &PersonInput,
        village_lookup: &dyn Fn(&str, &str) -> Option<String>,
    ) -> Result<ParsedPerson, Vec<DomainError>> {
        let mut errors = Vec::new();
        let name = PersonName::parse(&input.name).map_err(|e| errors.push(e)).ok();
        let id = IdNumber::parse(&input.id_number).map_err(|e| errors.push(e)).ok();
        let phone = if blank(&input.phone) { None } else { Phone::parse(&input.phone).map_err(|e| errors.push(e)).ok() };
        let township = jiuye_domain::division::parse_township(&input.township).map_err(|e| errors.push(e)).ok();
        let village = jiuye_domain::normalize::normalize(&input.village);
        let mut village_code = None;
        if !village.is_empty()
            && let Some(t) = township
        {
            match village_lookup(t, &village) {
                Some(c) => village_code = Some(c),
                None => errors.push(DomainError::new(
                    "村(社区)",
                    "village.unknown",
                    format!("“{village}”不在{}的村(社区)名录中", jiuye_domain::division::township_name(t).unwrap_or(t)),
                )),
            }
        }
        let household_no = jiuye_domain::normalize::normalize(&input.household_no);
        if household_no.chars().count() > 40 {
            errors.push(DomainError::new("户编号", "household_no.too_long", "不能超过40个字符"));
        }
        let tags = Tag::parse_list(&input.tags).map_err(|e| errors.push(e)).unwrap_or_default();
        let education = if blank(&input.education) { None } else { Education::parse(&input.education).map_err(|e| errors.push(e)).ok() };
        let graduation_date =
            if blank(&input.graduation_date) { None } else { parse_grad_date(&input.graduation_date).map_err(|e| errors.push(e)).ok() };
        let employment_status = if blank(&input.employment_status) {
            EmploymentStatus::Unknown
        } else {
            let s = jiuye_domain::normalize::normalize(&input.employment_status);
            EmploymentStatus::from_code(&s).or_else(|| EmploymentStatus::from_label(&s)).unwrap_or_else(|| {
                errors.push(DomainError::new("就业状态", "employment_status.unknown", format!("“{s}”不是可识别的就业状态")));
                EmploymentStatus::Unknown
            })
        };
        match (name, id, township) {
            (Some(name), Some(id), Some(township)) if errors.is_empty() => Ok(ParsedPerson {
                name,
                id,
                phone,
                township,
                village: (!village.is_empty()).then_some(village),
                village_code,
                household_no: (!household_no.is_empty()).then_some(household_no),
                tags,
                education,
                graduation_date,
                employment_status,
            }),
            _ => Err(errors),
        }
    }

    /// Seals a parsed person into what the store keeps (household resolved by the caller).
    pub fn seal_person(&self, p: &ParsedPerson, household_id: Option<Uuid>) -> AppResult<PersonWrite> {
        let (phone_bidx, phone_enc, phone_masked, phone_last4) = match &p.phone {
            Some(ph) => (
                Some(self.vault.blind("phone", ph.as_str())),
                Some(self.vault.seal(ph.as_str())?),
                Some(ph.masked()),
                Some(ph.last4().to_string()),
            ),
            None => (None, None, None, None),
        };
        Ok(PersonWrite {
            name: p.name.as_str().to_string(),
            id_bidx: self.vault.blind("id", p.id.as_str()),
            id_enc: self.vault.seal(p.id.as_str())?,
            id_masked: p.id.masked(),
            id_last4: p.id.last4().to_string(),
            sex: p.id.sex().code().to_string(),
            birth_date: p.id.birth_date(),
            phone_bidx,
            phone_enc,
            phone_masked,
            phone_last4,
            township_code: p.township.to_string(),
            village_code: p.village_code.clone(),
            household_id,
            tags: Tag::to_storage(&p.tags),
            education: p.education.map(|e| e.code().to_string()),
            graduation_date: p.graduation_date,
            employment_status: p.employment_status.code().to_string(),
            key_version: self.vault.key_version(),
        })
    }

    async fn village_map(&self) -> AppResult<std::collections::HashMap<(String, String), String>> {
        Ok(self.store.list_villages(None).await?.into_iter().map(|v| ((v.township_code, v.name), v.code)).collect())
    }

    fn check_township(actor: &Actor, township: &str) -> AppResult<()> {
        if let Some(t) = actor.scope_township()
            && t != township
        {
            return Err(AppError::field("乡镇(街道)", "scope.township", "只能登记和修改本乡镇的人员和企业"));
        }
        Ok(())
    }

    async fn prepare_person(&self, actor: &Actor, input: &PersonInput) -> AppResult<(ParsedPerson, Option<String>)> {
        if !actor.role.can_edit_registry() {
            return Err(AppError::Forbidden("当前角色不能修改人员信息"));
        }
        let villages = self.village_map().await?;
        let parsed =
            self.parse_person(input, &|t, v| villages.get(&(t.to_string(), v.to_string())).cloned()).map_err(AppError::Validation)?;
        Self::check_township(actor, parsed.township)?;
        Ok((parsed, None))
    }

    async fn resolve_household(&self, tx: &mut jiuye_store::WriteTx, p: &ParsedPerson) -> AppResult<Option<Uuid>> {
        let Some(no) = &p.household_no else { return Ok(None) };
        let mut gen_id = || self.new_id();
        let found = tx.ensure_households(&[(no.clone(), p.township.to_string(), p.village_code.clone())], &mut gen_id, self.now()).await?;
        let h = found.into_iter().next().ok_or(AppError::Internal("household not created".into()))?;
        if h.township_code != p.township {
            return Err(AppError::field("户编号", "household.township", "该户编号属于其他乡镇，请核对"));
        }
        Ok(Some(h.id))
    }

    pub async fn create_person(&self, actor: &Actor, input: &PersonInput) -> AppResult<Uuid> {
        let (parsed, _) = self.prepare_person(actor, input).await?;
        let id = self.new_id();
        let mut tx = self.store.begin_write().await?;
        let household = self.resolve_household(&mut tx, &parsed).await?;
        let w = self.seal_person(&parsed, household)?;
        tx.insert_person(id, &w, self.now()).await?;
        if household.is_some() {
            self.refresh_zero_in(&mut tx, household).await?;
        }
        tx.audit(self.audit_entry(
            actor,
            "person.create",
            "person",
            Some(id.to_string()),
            "ok",
            json!({"after": masked_person(&w, parsed.household_no.as_deref())}),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Updates a person. A blank ID number or phone keeps the stored value (forms never show them).
    pub async fn update_person(&self, actor: &Actor, id: Uuid, version: i64, input: &PersonInput) -> AppResult<()> {
        // Out of scope looks like missing, before any validation says anything about the input.
        self.get_person(actor, id).await?;
        let mut input = input.clone();
        if blank(&input.id_number) || blank(&input.phone) {
            let secrets = self.store.person_secrets(&actor.scope(), id).await?.ok_or(AppError::NotFound)?;
            if blank(&input.id_number) {
                input.id_number = self.vault.open(&secrets.id_enc, secrets.key_version)?;
            }
            if blank(&input.phone)
                && let Some(p) = &secrets.phone_enc
            {
                input.phone = self.vault.open(p, secrets.key_version)?;
            }
        }
        let (parsed, _) = self.prepare_person(actor, &input).await?;
        let scope = actor.scope();
        let mut tx = self.store.begin_write().await?;
        let before = tx.person_for_update(&scope, id).await?.ok_or(AppError::NotFound)?;
        let household = self.resolve_household(&mut tx, &parsed).await?;
        let w = self.seal_person(&parsed, household)?;
        tx.update_person(&scope, id, version, &w, self.now()).await?;
        // The household's zero-employment state follows its members (and the one left behind).
        for h in [before.household_id, household] {
            if h.is_some() {
                self.refresh_zero_in(&mut tx, h).await?;
            }
        }
        let before_json = json!({
            "name": before.name, "id_number": before.id_masked, "phone": before.phone_masked, "township": before.township_code,
            "village": before.village_code, "household_no": before.household_no, "tags": before.tags, "education": before.education,
            "graduation_date": before.graduation_date.map(|d| d.to_string()), "employment_status": before.employment_status,
        });
        let after_json = masked_person(&w, parsed.household_no.as_deref());
        tx.audit(self.audit_entry(actor, "person.update", "person", Some(id.to_string()), "ok", diff(&before_json, &after_json))).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn get_person(&self, actor: &Actor, id: Uuid) -> AppResult<PersonRecord> {
        if !actor.role.can_read_persons() {
            return Err(AppError::NotFound);
        }
        match self.store.get_person(&actor.scope(), id).await? {
            Some(p) => Ok(p),
            None => {
                self.audit_denied_lookup(actor, "person", id).await?;
                Err(AppError::NotFound)
            }
        }
    }

    /// Records a lookup of an id that is missing or out of scope (R10: `authz_denied`). Not-found and
    /// out-of-scope look the same to the user.
    pub(crate) async fn audit_denied_lookup(&self, actor: &Actor, object_type: &str, id: Uuid) -> AppResult<()> {
        self.store
            .audit_only(self.audit_entry(actor, "authz_denied", object_type, Some(id.to_string()), "not_found_or_out_of_scope", json!({})))
            .await?;
        Ok(())
    }

    /// Turns the search box into a store filter: a full ID or phone becomes an exact blind-index
    /// match; four characters match the last four; a masked number (`130***********1234`) its tail.
    pub fn person_filter(&self, q: &PersonQuery) -> AppResult<PersonFilter> {
        let mut f = PersonFilter::default();
        let name = jiuye_domain::normalize::normalize(&q.name);
        if !name.is_empty() {
            if name.chars().count() > 50 {
                return Err(AppError::field("姓名", "query.too_long", "查询内容过长"));
            }
            f.name_prefix = Some(name);
        }
        let id = jiuye_domain::normalize::normalize(&q.id_number).to_ascii_uppercase();
        if let Some(token) = id.strip_prefix("BIDX:") {
            f.id_bidx =
                Some(hex::decode(token.to_ascii_lowercase()).map_err(|_| AppError::field("公民身份号码", "query.id", "查询条件无效"))?);
        } else if !id.is_empty() {
            if let Ok(full) = IdNumber::parse(&id) {
                f.id_bidx = Some(self.vault.blind("id", full.as_str()));
            } else {
                let tail: String = id.chars().rev().take_while(|c| *c != '*').collect::<Vec<_>>().into_iter().rev().collect();
                if tail.chars().count() >= 4 && tail.chars().all(|c| c.is_ascii_digit() || c == 'X') {
                    f.id_last4 = Some(tail.chars().skip(tail.chars().count() - 4).collect());
                } else {
                    return Err(AppError::field("公民身份号码", "query.id", "请输入完整的18位号码或后4位"));
                }
            }
        }
        let phone = jiuye_domain::normalize::normalize(&q.phone);
        if let Some(token) = phone.strip_prefix("bidx:") {
            f.phone_bidx = Some(hex::decode(token).map_err(|_| AppError::field("联系电话", "query.phone", "查询条件无效"))?);
        } else if !phone.is_empty() {
            if let Ok(full) = Phone::parse(&phone) {
                f.phone_bidx = Some(self.vault.blind("phone", full.as_str()));
            } else {
                let tail: String = phone.chars().rev().take_while(|c| *c != '*').collect::<Vec<_>>().into_iter().rev().collect();
                if tail.chars().count() >= 4 && tail.chars().all(|c| c.is_ascii_digit()) {
                    f.phone_last4 = Some(tail.chars().skip(tail.chars().count() - 4).collect());
                } else {
                    return Err(AppError::field("联系电话", "query.phone", "请输入完整的手机号或后4位"));
                }
            }
        }
        if !q.township.is_empty() {
            f.township_code =
                Some(jiuye_domain::division::parse_township(&q.township).map_err(|e| AppError::Validation(vec![e]))?.to_string());
        }
        if !q.village.is_empty() {
            f.village_code = Some(q.village.clone());
        }
        if !q.tag.is_empty() {
            let t = Tag::from_code(&q.tag)
                .or_else(|| Tag::from_label(&q.tag))
                .ok_or_else(|| AppError::field("人员类别", "query.tag", "未知的人员类别"))?;
            f.tag = Some(t.code().to_string());
        }
        if !q.employment_status.is_empty() {
            let s = EmploymentStatus::from_code(&q.employment_status)
                .ok_or_else(|| AppError::field("就业状态", "query.status", "未知的就业状态"))?;
            f.employment_status = Some(s.code().to_string());
        }
        if let Some(h) = q.household_id {
            f.household_id = Some(h);
        }
        Ok(f)
    }

    /// Replaces a full ID number or phone in a query by its blind-index token, so the query can
    /// travel in a URL without carrying personal data. Partial values (last four) stay as typed.
    pub fn tokenize_query(&self, q: &mut PersonQuery) {
        if let Ok(full) = IdNumber::parse(&q.id_number) {
            q.id_number = format!("bidx:{}", hex::encode(self.vault.blind("id", full.as_str())));
        }
        if let Ok(full) = Phone::parse(&q.phone) {
            q.phone = format!("bidx:{}", hex::encode(self.vault.blind("phone", full.as_str())));
        }
    }

    pub async fn list_persons(&self, actor: &Actor, q: &PersonQuery, page: Page) -> AppResult<(Vec<PersonRecord>, i64)> {
        if !actor.role.can_read_persons() {
            return Err(AppError::Forbidden("当前角色不能查看人员名册"));
        }
        let f = self.person_filter(q)?;
        if q.searches_pi() {
            // Searching by ID number, phone or a sensitive group is itself a use of personal data (R25).
            self.store
                .audit_only(self.audit_entry(
                    actor,
                    "person.search",
                    "person",
                    None,
                    "ok",
                    json!({"by_id": !q.id_number.is_empty(), "by_phone": !q.phone.is_empty(), "tag": q.tag}),
                ))
                .await?;
        }
        Ok(self.store.list_persons(&actor.scope(), &f, page).await?)
    }

    /// Reveals one person's full ID number or phone, audited with the reason given.
    pub async fn reveal_person(&self, actor: &Actor, id: Uuid, field: RevealField, reason: &str) -> AppResult<String> {
        if !actor.role.can_reveal() {
            return Err(AppError::Forbidden("当前角色不能查看完整信息"));
        }
        let reason = jiuye_domain::normalize::normalize(reason);
        if reason.chars().count() < 2 {
            return Err(AppError::field("查看事由", "reveal.reason", "请填写查看完整信息的事由"));
        }
        if reason.chars().count() > 200 {
            return Err(AppError::field("查看事由", "reveal.reason", "事由不能超过200字"));
        }
        let secrets = self.store.person_secrets(&actor.scope(), id).await?.ok_or(AppError::NotFound)?;
        let value = match field {
            RevealField::IdNumber => self.vault.open(&secrets.id_enc, secrets.key_version)?,
            RevealField::Phone => match &secrets.phone_enc {
                Some(p) => self.vault.open(p, secrets.key_version)?,
                None => return Err(AppError::BadInput("该人员未登记联系电话".into())),
            },
        };
        self.store
            .audit_only(self.audit_entry(
                actor,
                "person.reveal",
                "person",
                Some(id.to_string()),
                "ok",
                json!({"field": field.code(), "reason": reason}),
            ))
            .await?;
        Ok(value)
    }

    pub async fn get_household(&self, actor: &Actor, id: Uuid) -> AppResult<(HouseholdRecord, Vec<PersonRecord>)> {
        if !actor.role.can_read_persons() {
            return Err(AppError::NotFound);
        }
        let scope = actor.scope();
        let Some(h) = self.store.get_household(&scope, id).await? else {
            self.audit_denied_lookup(actor, "household", id).await?;
            return Err(AppError::NotFound);
        };
        let f = PersonFilter { household_id: Some(id), ..Default::default() };
        let (members, _) = self.store.list_persons(&scope, &f, Page { limit: 200, offset: 0 }).await?;
        Ok((h, members))
    }

    pub async fn list_households(&self, actor: &Actor, f: &HouseholdFilter, page: Page) -> AppResult<(Vec<HouseholdRecord>, i64)> {
        if !actor.role.can_read_persons() {
            return Err(AppError::Forbidden("当前角色不能查看户籍名册"));
        }
        Ok(self.store.list_households(&actor.scope(), f, page).await?)
    }

    /// Parses an enterprise and computes its size class with the basis of the decision.
    pub fn parse_enterprise(&self, input: &EnterpriseInput) -> Result<EnterpriseWrite, Vec<DomainError>> {
        let mut errors = Vec::new();
        let name = jiuye_domain::normalize::normalize(&input.name);
        if name.is_empty() {
            errors.push(DomainError::new("单位名称", "enterprise.name", "不能为空"));
        } else if name.chars().count() > 100 {
            errors.push(DomainError::new("单位名称", "enterprise.name", "不能超过100个字"));
        }
        let code = CreditCode::parse(&input.credit_code).map_err(|e| errors.push(e)).ok();
        let township = jiuye_domain::division::parse_township(&input.township).map_err(|e| errors.push(e)).ok();
        let industry = Industry::parse(&input.industry).map_err(|e| errors.push(e)).ok();
        let staff = parse_count("从业人数", &input.staff).map_err(|e| errors.push(e)).ok().flatten();
        let insured = parse_count("参保人数", &input.insured).map_err(|e| errors.push(e)).ok().flatten();
        let revenue_fen = if blank(&input.revenue_wan) {
            None
        } else {
            jiuye_domain::money::parse_wan_to_fen("营业收入(万元)", &input.revenue_wan).map_err(|e| errors.push(e)).ok()
        };
        if revenue_fen.is_some_and(|r| r < 0) {
            errors.push(DomainError::new("营业收入(万元)", "money.negative", "不能为负数"));
        }
        if let (Some(s), Some(i)) = (staff, insured)
            && i > s
        {
            errors.push(DomainError::new("参保人数", "enterprise.insured", format!("参保人数{i}不能大于从业人数{s}")));
        }
        let contact_name = jiuye_domain::normalize::normalize(&input.contact_name);
        let phone = if blank(&input.contact_phone) { None } else { Phone::parse(&input.contact_phone).map_err(|e| errors.push(e)).ok() };
        let status = if blank(&input.status) {
            None
        } else {
            let st = jiuye_domain::normalize::normalize(&input.status);
            match jiuye_domain::EnterpriseStatus::from_code(&st).or_else(|| jiuye_domain::EnterpriseStatus::from_label(&st)).or(
                match st.as_str() {
                    "关闭" | "注销" | "吊销" => Some(jiuye_domain::EnterpriseStatus::Closed),
                    "停业" | "歇业" => Some(jiuye_domain::EnterpriseStatus::Suspended),
                    "正常" | "存续" => Some(jiuye_domain::EnterpriseStatus::Active),
                    _ => None,
                },
            ) {
                Some(x) => Some(x.code().to_string()),
                None => {
                    errors.push(DomainError::new(
                        "经营状态",
                        "enterprise.status",
                        format!("“{st}”不是可识别的经营状态（在营、停产、关闭/注销）"),
                    ));
                    None
                }
            }
        };
        let (Some(code), Some(township), Some(industry)) = (code, township, industry) else { return Err(errors) };
        if !errors.is_empty() {
            return Err(errors);
        }
        let decision = classify(industry, &SizeFigures { staff, revenue_fen, assets_fen: None });
        let (bidx, enc, masked) = match &phone {
            Some(p) => match self.vault.seal(p.as_str()) {
                Ok(enc) => (Some(self.vault.blind("phone", p.as_str())), Some(enc), Some(p.masked())),
                Err(_) => return Err(vec![DomainError::new("联系电话", "vault", "加密失败")]),
            },
            None => (None, None, None),
        };
        Ok(EnterpriseWrite {
            name,
            credit_code: code.as_str().to_string(),
            township_code: township.to_string(),
            industry: industry.code().to_string(),
            staff,
            insured,
            revenue_fen,
            size_class: decision.class.code().to_string(),
            size_basis: decision.basis,
            contact_name: (!contact_name.is_empty()).then_some(contact_name),
            contact_phone_bidx: bidx,
            contact_phone_enc: enc,
            contact_phone_masked: masked,
            key_version: self.vault.key_version(),
            status,
        })
    }

    pub async fn create_enterprise(&self, actor: &Actor, input: &EnterpriseInput) -> AppResult<Uuid> {
        if !actor.role.can_edit_registry() {
            return Err(AppError::Forbidden("当前角色不能登记企业"));
        }
        let w = self.parse_enterprise(input).map_err(AppError::Validation)?;
        Self::check_township(actor, &w.township_code)?;
        let id = self.new_id();
        let mut tx = self.store.begin_write().await?;
        tx.insert_enterprise(id, &w, self.now()).await?;
        tx.audit(self.audit_entry(
            actor,
            "enterprise.create",
            "enterprise",
            Some(id.to_string()),
            "ok",
            json!({"after": masked_enterprise(&w)}),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_enterprise(&self, actor: &Actor, id: Uuid, version: i64, input: &EnterpriseInput) -> AppResult<()> {
        self.get_enterprise(actor, id).await?;
        if !actor.role.can_edit_enterprise() {
            return Err(AppError::Forbidden("当前角色不能修改企业信息"));
        }
        let mut input = input.clone();
        if blank(&input.contact_phone)
            && let Some((Some(enc), kv)) = self.store.enterprise_contact_secret(&actor.scope(), id).await?
        {
            // A blank phone on the form keeps the stored one (forms never show it).
            input.contact_phone = self.vault.open(&enc, kv)?;
        }
        let w = self.parse_enterprise(&input).map_err(AppError::Validation)?;
        Self::check_township(actor, &w.township_code)?;
        let scope = actor.scope();
        let mut tx = self.store.begin_write().await?;
        let before = tx.enterprise_for_update(&scope, id).await?.ok_or(AppError::NotFound)?;
        if actor.role == jiuye_domain::Role::EnterpriseHr && before.credit_code != w.credit_code {
            // R12: the binding to a credit code changes only through staff.
            return Err(AppError::field("统一社会信用代码", "enterprise.credit_code", "企业账号不能修改统一社会信用代码，请联系人社窗口"));
        }
        tx.update_enterprise(&scope, id, version, &w, self.now()).await?;
        let before_json = json!({
            "name": before.name, "credit_code": before.credit_code, "township": before.township_code, "industry": before.industry,
            "staff": before.staff, "insured": before.insured, "revenue_fen": before.revenue_fen, "size_class": before.size_class,
            "contact_name": before.contact_name, "contact_phone": before.contact_phone_masked, "status": before.status,
        });
        tx.audit(self.audit_entry(
            actor,
            "enterprise.update",
            "enterprise",
            Some(id.to_string()),
            "ok",
            diff(&before_json, &masked_enterprise(&w)),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn get_enterprise(&self, actor: &Actor, id: Uuid) -> AppResult<EnterpriseRecord> {
        match self.store.get_enterprise(&actor.scope(), id).await? {
            Some(e) => Ok(e),
            None => {
                self.audit_denied_lookup(actor, "enterprise", id).await?;
                Err(AppError::NotFound)
            }
        }
    }

    pub async fn list_enterprises(&self, actor: &Actor, f: &EnterpriseFilter, page: Page) -> AppResult<(Vec<EnterpriseRecord>, i64)> {
        Ok(self.store.list_enterprises(&actor.scope(), f, page).await?)
    }

    pub async fn reveal_enterprise_contact(&self, actor: &Actor, id: Uuid, reason: &str) -> AppResult<String> {
        if !actor.role.can_reveal() {
            return Err(AppError::Forbidden("当前角色不能查看完整信息"));
        }
        let reason = jiuye_domain::normalize::normalize(reason);
        if reason.chars().count() < 2 {
            return Err(AppError::field("查看事由", "reveal.reason", "请填写查看完整信息的事由"));
        }
        let (enc, kv) = self.store.enterprise_contact_secret(&actor.scope(), id).await?.ok_or(AppError::NotFound)?;
        let enc = enc.ok_or_else(|| AppError::BadInput("该企业未登记联系电话".into()))?;
        let v = self.vault.open(&enc, kv)?;
        self.store
            .audit_only(self.audit_entry(
                actor,
                "enterprise.reveal",
                "enterprise",
                Some(id.to_string()),
                "ok",
                json!({"field": "contact_phone", "reason": reason}),
            ))
            .await?;
        Ok(v)
    }
}

impl Actor {
    /// The township a clerk is confined to.
    pub fn scope_township(&self) -> Option<&str> {
        match self.role {
            jiuye_domain::Role::TownshipClerk => Some(self.township.as_deref().unwrap_or("")),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevealField {
    IdNumber,
    Phone,
}

impl RevealField {
    pub fn code(self) -> &'static str {
        match self {
            RevealField::IdNumber => "id_number",
            RevealField::Phone => "phone",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "id_number" => Some(Self::IdNumber),
            "phone" => Some(Self::Phone),
            _ => None,
        }
    }
}

/// The search form of the person registry.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct PersonQuery {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub employment_status: String,
    #[serde(default)]
    pub household_id: Option<Uuid>,
}

impl PersonQuery {
    fn searches_pi(&self) -> bool {
        !self.id_number.is_empty() || !self.phone.is_empty() || Tag::from_code(&self.tag).is_some_and(Tag::is_sensitive)
    }
}

fn masked_person(w: &PersonWrite, household_no: Option<&str>) -> serde_json::Value {
    json!({
        "name": w.name, "id_number": w.id_masked, "phone": w.phone_masked, "township": w.township_code, "village": w.village_code,
        "household_no": household_no, "tags": w.tags, "education": w.education,
        "graduation_date": w.graduation_date.map(|d| d.to_string()), "employment_status": w.employment_status,
    })
}

fn masked_enterprise(w: &EnterpriseWrite) -> serde_json::Value {
    json!({
        "name": w.name, "credit_code": w.credit_code, "township": w.township_code, "industry": w.industry, "staff": w.staff,
        "insured": w.insured, "revenue_fen": w.revenue_fen, "size_class": w.size_class, "contact_name": w.contact_name,
        "contact_phone": w.contact_phone_masked, "status": w.status,
    })
}

/// Only the fields that changed, as `{field: [before, after]}`.
fn diff(before: &serde_json::Value, after: &serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    if let (Some(b), Some(a)) = (before.as_object(), after.as_object()) {
        for (k, av) in a {
            let bv = b.get(k).cloned().unwrap_or(serde_json::Value::Null);
            if &bv != av {
                out.insert(k.clone(), json!([bv, av]));
            }
        }
    }
    json!({ "changed": out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graduation_dates_in_the_usual_forms() {
        for (s, want) in [
            ("2020-06-30", "2020-06-30"),
            ("2020/6/30", "2020-06-30"),
            ("2020-06", "2020-06-30"),
            ("2020年6月", "2020-06-30"),
            ("202002", "2020-02-29"),
            ("2020.7", "2020-07-31"),
        ] {
            assert_eq!(parse_grad_date(s).unwrap().to_string(), want, "{s}");
        }
        for s in ["2020-13", "abc", "1800-01", "2020-02-30"] {
            assert!(parse_grad_date(s).is_err(), "{s}");
        }
    }
}
