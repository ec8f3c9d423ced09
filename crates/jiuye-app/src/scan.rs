//! The proactive scan (免申即享): the same program definitions the explainer uses, evaluated over the
//! whole registry column by column (`Ruleset::scan`), to find who is eligible for what and for how
//! much, and who is one condition short.
//!
//! Facts come from what the registry holds today: the ID number (age, sex, retirement date), the
//! employment status, the key-group tags and the graduation date of persons; the size class, staff
//! and insured staff of enterprises. Facts the registry does not hold yet (registration spells,
//! hires, benefit histories) are missing, so those conditions come out unknown and the decision
//! `needs_facts` — never guessed. The scan never writes to the registry; running it is audited.

use std::collections::BTreeMap;

use jiuye_domain::{EmploymentStatus, IdNumber, Tag};
use jiuye_rules::{Applicant, Column, FactColumns, Outcome, Program};
use jiuye_store::Scope;
use jiuye_store::persons::{Page, PersonFilter};
use rust_decimal::Decimal;
use serde_json::json;
use time::Date;

use crate::insurance::InsuranceFacts;
use crate::{Actor, App, AppError, AppResult};

/// One person or enterprise the scan found eligible, or one condition short.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub program: &'static str,
    pub program_name: &'static str,
    pub subject_kind: &'static str,
    pub subject_id: uuid::Uuid,
    pub name: String,
    /// Masked ID number, or the credit code of an enterprise.
    pub identifier: String,
    pub township_code: String,
    pub township_name: String,
    pub eligible: bool,
    pub amount_yuan: Option<String>,
    /// For a near miss: the one condition that failed.
    pub failed_condition: Option<&'static str>,
}

/// Counts and money of one program over the scanned population.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProgramSummary {
    pub program: &'static str,
    pub name: &'static str,
    pub measure: &'static str,
    pub applicant: &'static str,
    pub scanned: usize,
    pub eligible: usize,
    pub ineligible: usize,
    pub needs_facts: usize,
    pub one_condition_short: usize,
    pub total_amount_yuan: String,
    /// What the amount is: one-time, monthly… or a loan ceiling (not spending: never add it to costs).
    pub amount_kind: Option<&'static str>,
    /// Conditions the registry could not decide, with how many cases each left open.
    pub unknown_conditions: Vec<(&'static str, usize)>,
    /// Eligible cases and money by township code.
    pub by_township: BTreeMap<String, (usize, String)>,
    /// Why the program was not scanned (no data source in the registry yet).
    pub skipped: Option<&'static str>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ScanReport {
    pub as_of: Date,
    pub ruleset_version: String,
    pub persons: usize,
    pub enterprises: usize,
    pub programs: Vec<ProgramSummary>,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone, Default)]
pub struct ScanRequest {
    pub program: Option<String>,
    pub as_of: Option<Date>,
    pub township: Option<String>,
}

struct Subjects {
    ids: Vec<uuid::Uuid>,
    names: Vec<String>,
    identifiers: Vec<String>,
    townships: Vec<(String, String)>,
    columns: FactColumns,
}

impl Subjects {
    /// The hit for subject `i` of a program's scan.
    fn hit(&self, p: &Program, i: usize, eligible: bool, amount_yuan: Option<String>, failed_condition: Option<&'static str>) -> Hit {
        let (township_code, township_name) = self.townships.get(i).cloned().unwrap_or_default();
        Hit {
            program: p.id,
            program_name: p.name,
            subject_kind: if p.applicant == Applicant::Person { "person" } else { "enterprise" },
            subject_id: self.ids.get(i).copied().unwrap_or_default(),
            name: self.names.get(i).cloned().unwrap_or_default(),
            identifier: self.identifiers.get(i).cloned().unwrap_or_default(),
            township_code,
            township_name,
            eligible,
            amount_yuan,
            failed_condition,
        }
    }
}

fn yuan(d: Decimal) -> String {
    jiuye_rules::yuan_string(d)
}

impl App {
    async fn person_subjects(
        &self,
        scope: &Scope,
        township: Option<&str>,
        as_of: Date,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> AppResult<Subjects> {
        // Unemployment registration (issue 5): the spell active on the scan date, if any.
        let spells: std::collections::HashMap<uuid::Uuid, jiuye_store::registrations::SpellFacts> =
            self.store.spell_facts_active_on(scope, township, as_of).await?.into_iter().map(|f| (f.person_id, f)).collect();
        let (mut registered, mut registered_since) = (Vec::new(), Vec::new());
        let (mut insured, mut entitled, mut ended) = (Vec::new(), Vec::new(), Vec::new());
        let filter = PersonFilter { township_code: township.map(str::to_string), ..Default::default() };
        let (mut ids, mut names, mut identifiers, mut townships) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut id_col, mut employed, mut returning, mut graduate, mut grad_date, mut difficult, mut key_group, mut poor) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        // Keyset pages in (name, id) order: only the columns used, the sealed ID number in the row.
        let mut after: Option<(String, uuid::Uuid)> = None;
        const PAGE: i64 = 5000;
        loop {
            let rows = self.store.scan_persons_page(scope, &filter, after.as_ref().map(|(n, i)| (n.as_str(), *i)), PAGE).await?;
            let n = rows.len() as i64;
            if let Some(last) = rows.last() {
                after = Some((last.name.clone(), last.id));
            }
            for p in rows {
                let id = self.vault.open(&p.id_enc, p.key_version).ok().and_then(|s| IdNumber::parse(&s).ok());
                let tags = Tag::from_storage(&p.tags);
                let has = |t: Tag| tags.contains(&t);
                id_col.push(id);
                employed.push(match EmploymentStatus::from_code(&p.employment_status) {
                    Some(s) if s.is_working() => Some(true),
                    Some(EmploymentStatus::Unemployed) => Some(false),
                    _ => None,
                });
                let spell = spells.get(&p.id).copied();
                registered.push(Some(spell.is_some()));
                registered_since.push(spell.map(|s| s.registered_on));
                // Known only from a spell that recorded it; otherwise unknown, never guessed.
                insured.push(spell.and_then(|s| s.insured));
                entitled.push(spell.and_then(|s| s.entitled()));
                ended.push(spell.and_then(|s| s.benefit_ended_on));
                returning.push(Some(has(Tag::ReturningMigrant)));
                graduate.push(Some(has(Tag::Graduate) || has(Tag::UnemployedGraduate)));
                grad_date.push(p.graduation_date);
                difficult.push(Some(has(Tag::EmploymentDifficult)));
                // Every tag of the registry is one of POLICY.md §2's key groups (失业人员 included).
                key_group.push(Some(!tags.is_empty()));
                poor.push(Some(has(Tag::PoorHousehold) || has(Tag::MinimumLiving)));
                ids.push(p.id);
                names.push(p.name);
                identifiers.push(p.id_masked);
                townships.push((p.township_code, p.township_name));
            }
            progress(ids.len() as u64);
            if n < PAGE {
                break;
            }
        }
        let mut columns = FactColumns::new(ids.len());
        let e = |e: jiuye_rules::RulesError| AppError::Internal(e.to_string());
        columns.insert("person.id_number", Column::IdNumber(id_col)).map_err(e)?;
        columns.insert("person.employed", Column::Bool(employed)).map_err(e)?;
        columns.insert("person.is_returning_migrant_worker", Column::Bool(returning)).map_err(e)?;
        columns.insert("person.is_college_graduate", Column::Bool(graduate)).map_err(e)?;
        columns.insert("person.graduation_date", Column::Date(grad_date)).map_err(e)?;
        columns.insert("person.is_employment_difficult", Column::Bool(difficult)).map_err(e)?;
        columns.insert("person.is_key_group", Column::Bool(key_group)).map_err(e)?;
        columns.insert("person.from_poor_family", Column::Bool(poor)).map_err(e)?;
        columns.insert("person.registered_unemployed", Column::Bool(registered)).map_err(e)?;
        columns.insert("person.registered_unemployed_since", Column::Date(registered_since)).map_err(e)?;
        columns.insert("person.insured_unemployed", Column::Bool(insured)).map_err(e)?;
        columns.insert("person.entitled_to_unemployment_benefit", Column::Bool(entitled)).map_err(e)?;
        columns.insert("person.unemployment_benefit_ended_on", Column::Date(ended)).map_err(e)?;
        Ok(Subjects { ids, names, identifiers, townships, columns })
    }

    async fn enterprise_subjects(&self, scope: &Scope, township: Option<&str>, as_of: Date) -> AppResult<Subjects> {
        // The stable-post refund's layoff rate over the previous calendar year (上年度), from the
        // monthly reports of monitored enterprises; only a complete year (12 reports) counts,
        // otherwise the facts stay unknown.
        let year_totals: std::collections::HashMap<uuid::Uuid, (i64, i64)> = self
            .store
            .report_totals_of_year(as_of.year() - 1)
            .await?
            .into_iter()
            .filter(|(_, months, _, _)| *months == 12)
            .map(|(id, _, layoffs, insured)| (id, (layoffs, insured)))
            .collect();
        // The insurance agency's statements of this year and last (上年度 contributions).
        let statements = self.store.insurance_of_years(as_of.year() - 1, as_of.year()).await?;
        let mut by_enterprise: std::collections::HashMap<uuid::Uuid, Vec<&jiuye_store::insurance::InsuranceRecord>> =
            std::collections::HashMap::new();
        for r in &statements {
            by_enterprise.entry(r.enterprise_id).or_default().push(r);
        }
        let (mut ui_insured, mut ui_paid, mut monthly_si) = (Vec::new(), Vec::new(), Vec::new());
        let (mut layoffs_col, mut avg_insured_col) = (Vec::new(), Vec::new());
        let filter = jiuye_store::enterprises::EnterpriseFilter { township_code: township.map(str::to_string), ..Default::default() };
        let (mut ids, mut names, mut identifiers, mut townships) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut size, mut insured, mut staff) = (Vec::new(), Vec::new(), Vec::new());
        let mut offset = 0;
        const PAGE: i64 = 5000;
        loop {
            let (rows, _) = self.store.list_enterprises(scope, &filter, Page { limit: PAGE, offset }).await?;
            let n = rows.len() as i64;
            for e in rows {
                let facts = by_enterprise.get(&e.id).map(|r| InsuranceFacts::of(r, as_of.year())).unwrap_or_default();
                ui_insured.push(facts.unemployment_insured);
                ui_paid.push(facts.ui_contributions_last_year_fen.map(InsuranceFacts::yuan));
                monthly_si.push(facts.monthly_si_contributions_fen.map(InsuranceFacts::yuan));
                let totals = year_totals.get(&e.id).copied();
                layoffs_col.push(totals.map(|t| t.0));
                avg_insured_col.push(totals.map(|t| Decimal::from(t.1) / Decimal::from(12)));
                size.push(Some(e.size_class.clone()));
                insured.push(e.insured);
                staff.push(e.staff);
                ids.push(e.id);
                names.push(e.name);
                identifiers.push(e.credit_code);
                townships.push((e.township_code, e.township_name));
            }
            if n < PAGE {
                break;
            }
            offset += PAGE;
        }
        let mut columns = FactColumns::new(ids.len());
        let e = |e: jiuye_rules::RulesError| AppError::Internal(e.to_string());
        columns.insert("enterprise.size_class", Column::Enum(size)).map_err(e)?;
        columns.insert("enterprise.insured_staff", Column::Int(insured)).map_err(e)?;
        columns.insert("enterprise.staff_total", Column::Int(staff)).map_err(e)?;
        columns.insert("enterprise.layoffs_in_period", Column::Int(layoffs_col)).map_err(e)?;
        columns.insert("enterprise.average_insured_staff", Column::Decimal(avg_insured_col)).map_err(e)?;
        columns.insert("enterprise.unemployment_insured", Column::Bool(ui_insured)).map_err(e)?;
        columns.insert("enterprise.ui_contributions_last_year_yuan", Column::Decimal(ui_paid)).map_err(e)?;
        columns.insert("enterprise.monthly_si_contributions_yuan", Column::Decimal(monthly_si)).map_err(e)?;
        Ok(Subjects { ids, names, identifiers, townships, columns })
    }

    /// Runs the scan in the actor's scope. `progress` receives the number of persons loaded.
    pub async fn scan_registry(&self, actor: &Actor, req: &ScanRequest, progress: &mut (dyn FnMut(u64) + Send)) -> AppResult<ScanReport> {
        let loaded = self.load_for_scan(&self.rules, actor, req, progress).await?;
        let report = evaluate_loaded(&self.rules, &loaded)?;
        self.store
            .audit_only(self.audit_entry(actor, "policy.scan", "registry", None, "ok", json!({"program": req.program, "as_of": report.as_of.to_string(), "township": req.township, "hits": report.hits.len(), "ruleset": report.ruleset_version})))
            .await?;
        Ok(report)
    }

    /// Checks the actor may scan and reads the facts the requested programs need, once: a
    /// simulation evaluates the same facts under two rulesets.
    async fn load_for_scan(
        &self,
        rules: &jiuye_rules::Ruleset,
        actor: &Actor,
        req: &ScanRequest,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> AppResult<LoadedSubjects> {
        if !matches!(
            actor.role,
            jiuye_domain::Role::Admin | jiuye_domain::Role::BureauStaff | jiuye_domain::Role::TownshipClerk | jiuye_domain::Role::Leader
        ) {
            return Err(AppError::Forbidden("当前角色不能运行政策扫描"));
        }
        let as_of = self.policy_date(req.as_of);
        let programs: Vec<&Program> = match &req.program {
            Some(p) => vec![rules.program(p).ok_or(AppError::NotFound)?],
            None => rules.programs().iter().collect(),
        };
        let township = match &req.township {
            Some(t) if !t.is_empty() => {
                Some(jiuye_domain::division::parse_township(t).map_err(|e| AppError::Validation(vec![e]))?.to_string())
            }
            _ => None,
        };
        let scope = actor.scope();
        let needs_persons = programs.iter().any(|p| p.applicant == Applicant::Person);
        let needs_enterprises = programs.iter().any(|p| p.applicant == Applicant::Enterprise);
        let persons = if needs_persons { Some(self.person_subjects(&scope, township.as_deref(), as_of, progress).await?) } else { None };
        let enterprises = if needs_enterprises { Some(self.enterprise_subjects(&scope, township.as_deref(), as_of).await?) } else { None };
        Ok(LoadedSubjects { as_of, programs: programs.iter().map(|p| p.id).collect(), persons, enterprises })
    }
}

/// What a scan reads from the registry: the as-of date, the programs asked for, and the facts of
/// persons and enterprises (each loaded only when one of the programs applies to it).
struct LoadedSubjects {
    as_of: Date,
    programs: Vec<&'static str>,
    persons: Option<Subjects>,
    enterprises: Option<Subjects>,
}

/// Evaluates the loaded facts under `rules`: the programs' summaries and the hits (eligible and
/// one condition short).
fn evaluate_loaded(rules: &jiuye_rules::Ruleset, loaded: &LoadedSubjects) -> AppResult<ScanReport> {
    let LoadedSubjects { as_of, programs, persons, enterprises } = loaded;
    let as_of = *as_of;
    let mut summaries = Vec::new();
    let mut hits = Vec::new();
    for id in programs {
        let p = rules.program(id).ok_or(AppError::NotFound)?;
        let subjects = match p.applicant {
            Applicant::Person => persons.as_ref(),
            Applicant::Enterprise => enterprises.as_ref(),
            _ => None,
        };
        let Some(s) = subjects else {
            summaries.push(ProgramSummary {
                program: p.id,
                name: p.name,
                measure: p.measure(),
                applicant: p.applicant.label(),
                scanned: 0,
                eligible: 0,
                ineligible: 0,
                needs_facts: 0,
                one_condition_short: 0,
                total_amount_yuan: "0.00".into(),
                amount_kind: p.amount.as_ref().map(|a| a.kind.label()),
                unknown_conditions: Vec::new(),
                by_township: BTreeMap::new(),
                skipped: Some("名册中还没有该类申请主体的数据（招用、见习、培训等记录待相应模块上线）"),
            });
            continue;
        };
        let r = rules.scan(p.id, &s.columns, as_of).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut by_township: BTreeMap<String, (usize, Decimal)> = BTreeMap::new();
        for (i, d) in r.decisions.iter().enumerate() {
            if *d == Outcome::Eligible {
                let amount = r.amount(i);
                let hit = s.hit(p, i, true, amount.map(yuan), None);
                let e = by_township.entry(hit.township_code.clone()).or_insert((0, Decimal::ZERO));
                e.0 += 1;
                e.1 += amount.unwrap_or(Decimal::ZERO);
                hits.push(hit);
            }
        }
        let close: Vec<usize> = r.one_condition_short().collect();
        for &i in &close {
            hits.push(s.hit(p, i, false, None, r.failed_conditions(i).first().copied()));
        }
        let mut unknown: Vec<(&'static str, usize)> =
            r.condition_ids.iter().enumerate().map(|(bit, id)| (*id, r.unknown_count(bit))).filter(|(_, n)| *n > 0).collect();
        unknown.sort_by_key(|u| std::cmp::Reverse(u.1));
        summaries.push(ProgramSummary {
            program: p.id,
            name: p.name,
            measure: p.measure(),
            applicant: p.applicant.label(),
            scanned: r.decisions.len(),
            eligible: r.count(Outcome::Eligible),
            ineligible: r.count(Outcome::Ineligible),
            needs_facts: r.count(Outcome::NeedsFacts),
            one_condition_short: close.len(),
            total_amount_yuan: yuan(r.total_amount()),
            amount_kind: p.amount.as_ref().map(|a| a.kind.label()),
            unknown_conditions: unknown,
            by_township: by_township.into_iter().map(|(k, (n, m))| (k, (n, yuan(m)))).collect(),
            skipped: None,
        });
    }
    Ok(ScanReport {
        as_of,
        ruleset_version: rules.version().to_string(),
        persons: persons.as_ref().map(|s| s.ids.len()).unwrap_or(0),
        enterprises: enterprises.as_ref().map(|s| s.ids.len()).unwrap_or(0),
        programs: summaries,
        hits,
    })
}

pub const SCAN_HEADERS: [&str; 9] =
    ["项目", "项目代码", "对象", "名称", "身份号码（脱敏）/信用代码", "乡镇(街道)", "结果", "金额（元）", "未满足的条件"];

impl App {
    /// Writes the scan's hits (eligible and near misses) to `.xlsx`: masked, watermarked, audited.
    pub async fn write_scan_xlsx(&self, actor: &Actor, report: &ScanReport, dest: &std::path::Path) -> AppResult<u64> {
        let rows: Vec<Vec<jiuye_io::OutCell>> = report
            .hits
            .iter()
            .map(|h| {
                use jiuye_io::OutCell::{Empty, Text};
                vec![
                    Text(h.program_name.to_string()),
                    Text(h.program.to_string()),
                    Text(if h.subject_kind == "person" { "个人" } else { "企业" }.to_string()),
                    Text(h.name.clone()),
                    Text(h.identifier.clone()),
                    Text(h.township_name.clone()),
                    Text(if h.eligible { "符合条件" } else { "差一个条件" }.to_string()),
                    h.amount_yuan.clone().map(Text).unwrap_or(Empty),
                    h.failed_condition.map(|c| Text(c.to_string())).unwrap_or(Empty),
                ]
            })
            .collect();
        let note = format!(
            "政策扫描（免申即享）评估日期 {}，规则集 {}；导出人：{}（{}）；仅限工作使用",
            report.as_of, report.ruleset_version, actor.display_name, actor.login
        );
        let path = dest.to_path_buf();
        let n = tokio::task::spawn_blocking(move || {
            let sheet = jiuye_io::XlsxSheet { name: "扫描结果", headers: &SCAN_HEADERS, text_columns: &[4] };
            jiuye_io::write_xlsx(&path, &sheet, rows, Some(&note))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
        self.store
            .audit_only(self.audit_entry(
                actor,
                "export.scan",
                "registry",
                None,
                "ok",
                json!({"rows": n, "as_of": report.as_of.to_string()}),
            ))
            .await?;
        Ok(n)
    }
}

/// One program before and after a what-if change.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProgramDelta {
    pub program: &'static str,
    pub name: &'static str,
    pub measure: &'static str,
    pub amount_kind: Option<&'static str>,
    pub eligible_before: usize,
    pub eligible_after: usize,
    pub amount_before_yuan: String,
    pub amount_after_yuan: String,
    /// Eligible counts by township code: (before, after).
    pub by_township: BTreeMap<String, (usize, usize)>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Simulation {
    pub as_of: Date,
    pub changes: Vec<String>,
    pub ruleset_before: String,
    pub ruleset_after: String,
    pub programs: Vec<ProgramDelta>,
    /// Subjects newly eligible under the change.
    pub entering: Vec<Hit>,
    /// Subjects no longer eligible under the change.
    pub leaving: Vec<Hit>,
}

impl App {
    /// What-if on the live registry: the same scan under the current parameters and under the
    /// parameters with `changes` applied (`PARAM=VALUE[@FROM..TO]`), and the difference. Nothing
    /// is stored; running it is audited.
    pub async fn simulate(
        &self,
        actor: &Actor,
        req: &ScanRequest,
        changes: &[String],
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> AppResult<Simulation> {
        if changes.is_empty() {
            return Err(AppError::BadInput("请至少给出一项参数调整，如 hire_unemployed.amount_yuan=1500".into()));
        }
        let mut after_rules = (*self.rules).clone();
        for c in changes {
            after_rules.set_param(c).map_err(|e| AppError::BadInput(e.to_string()))?;
        }
        // The registry is read once; only the evaluation runs twice.
        let loaded = self.load_for_scan(&self.rules, actor, req, progress).await?;
        let before = evaluate_loaded(&self.rules, &loaded)?;
        let after = evaluate_loaded(&after_rules, &loaded)?;
        let key = |h: &Hit| (h.program, h.subject_id);
        let before_set: std::collections::HashSet<_> = before.hits.iter().filter(|h| h.eligible).map(key).collect();
        let after_set: std::collections::HashSet<_> = after.hits.iter().filter(|h| h.eligible).map(key).collect();
        let entering: Vec<Hit> = after.hits.iter().filter(|h| h.eligible && !before_set.contains(&key(h))).cloned().collect();
        let leaving: Vec<Hit> = before.hits.iter().filter(|h| h.eligible && !after_set.contains(&key(h))).cloned().collect();
        let programs = before
            .programs
            .iter()
            .zip(after.programs.iter())
            .filter(|(b, _)| b.skipped.is_none())
            .map(|(b, a)| {
                let mut by_township: BTreeMap<String, (usize, usize)> = BTreeMap::new();
                for (t, (n, _)) in &b.by_township {
                    by_township.entry(t.clone()).or_default().0 = *n;
                }
                for (t, (n, _)) in &a.by_township {
                    by_township.entry(t.clone()).or_default().1 = *n;
                }
                ProgramDelta {
                    program: b.program,
                    name: b.name,
                    measure: b.measure,
                    amount_kind: b.amount_kind,
                    eligible_before: b.eligible,
                    eligible_after: a.eligible,
                    amount_before_yuan: b.total_amount_yuan.clone(),
                    amount_after_yuan: a.total_amount_yuan.clone(),
                    by_township,
                }
            })
            .collect();
        let sim = Simulation {
            as_of: before.as_of,
            changes: changes.to_vec(),
            ruleset_before: before.ruleset_version,
            ruleset_after: after.ruleset_version,
            programs,
            entering,
            leaving,
        };
        self.store
            .audit_only(self.audit_entry(
                actor,
                "policy.simulate",
                "registry",
                None,
                "ok",
                json!({"changes": changes, "as_of": sim.as_of.to_string(), "entering": sim.entering.len(), "leaving": sim.leaving.len()}),
            ))
            .await?;
        Ok(sim)
    }
}
