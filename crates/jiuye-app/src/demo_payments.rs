//! Demo subsidy applications and payments (issue 6), made through the same use cases staff use,
//! so the ledger chain, the claims and the audit trail are exactly what real work leaves:
//! budgets for the year, applications in every state, a reconciled (paid) batch with one failed
//! payment that is then cancelled, and one clawback.

use jiuye_domain::Role;
use jiuye_store::persons::{Page, PersonFilter};
use serde_json::json;

use crate::demo::Rng;
use crate::payments::{ApplicationInput, Submitter, Verdict};
use crate::{Actor, App, AppResult};

fn demo_actor(login: &str, role: Role, township: Option<&str>) -> Actor {
    Actor { role, township: township.map(str::to_string), ..Actor::system(login, login) }
}

/// What the demo made.
#[derive(Debug, Clone, Default)]
pub struct DemoPayments {
    pub applications: u64,
    pub approved: u64,
    pub batches: u64,
    pub paid: u64,
    pub offers: u64,
}

impl App {
    /// Applications for the one-time startup subsidy of returning migrant workers (measure
    /// (十一)) from up to `max` of them, taken through every state; then the offers (免申即享)
    /// of the 失业补助金 that the scan finds.
    pub async fn generate_demo_payments(&self, max: u32, seed: u64) -> AppResult<DemoPayments> {
        let mut rng = Rng::new(seed ^ 0x5EED_0000_0006);
        let today = self.clock.today();
        let year = i64::from(today.year());
        let staff = demo_actor("demo:staff", Role::BureauStaff, None);
        let leader = demo_actor("demo:leader", Role::Leader, None);
        let cli = Actor::cli();
        let mut out = DemoPayments::default();
        let f = PersonFilter { tag: Some("returning_migrant".into()), ..Default::default() };
        let (persons, _) = self.store.list_persons(&jiuye_store::Scope::All, &f, Page { limit: i64::from(max), offset: 0 }).await?;
        if persons.is_empty() {
            self.allocate_budget(&cli, "ui_fund", "unemployment_supplement", year, "200000", "南人社〔演示〕2号 下达失业保险基金").await?;
            let offers = self.create_offers(&staff, "unemployment_supplement").await?;
            out.offers = offers.created;
            return Ok(out);
        }
        // A budget for 80% of the demand, so the page shows a program close to its limit.
        let budget_yuan = (persons.len() as u64 * 5000 * 8 / 10).max(5000);
        self.allocate_budget(
            &cli,
            "employment_fund",
            "startup_returnee",
            year,
            &budget_yuan.to_string(),
            "南人社〔演示〕1号 下达就业补助资金",
        )
        .await?;
        self.allocate_budget(&cli, "ui_fund", "unemployment_supplement", year, "200000", "南人社〔演示〕2号 下达失业保险基金").await?;
        let mut approved = Vec::new();
        let mut later = Vec::new();
        for (i, p) in persons.iter().enumerate() {
            let clerk = demo_actor(&format!("demo:clerk-{}", p.township_code), Role::TownshipClerk, Some(&p.township_code));
            let months_ago = 7 + rng.below(30) as i64;
            let started = today - time::Duration::days(months_ago * 30);
            let account: String = format!("6228{:015}", rng.next_u64() % 1_000_000_000_000_000);
            let input = ApplicationInput {
                program: "startup_returnee".into(),
                person_id: Some(p.id),
                facts: json!({"person.is_first_business": true, "business.operating_normally": true, "business.started_on": started.to_string()})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                payee_bank: rng.pick(&["中国农业银行南和支行", "中国邮政储蓄银行南和支行", "河北南和农村商业银行"]).copied().unwrap_or("").into(),
                payee_account: account,
                ..Default::default()
            };
            let Ok(a) = self.submit_application(&Submitter::Staff(&clerk), &input).await else { continue };
            out.applications += 1;
            match i % 10 {
                0 => continue, // waits for the first review
                1 => {
                    self.withdraw_application(&Submitter::Staff(&clerk), a.id, a.version).await?;
                    continue;
                }
                2 => {
                    self.check_application(&staff, a.id, a.version, Verdict::Reject, "经营场所核查不符，非首次创业").await?;
                    continue;
                }
                _ => {}
            }
            let a = self.check_application(&staff, a.id, a.version, Verdict::Pass, "材料齐全，经营正常").await?;
            if i % 10 == 3 {
                continue; // waits for approval
            }
            if i % 10 == 4 {
                later.push((a.id, a.version)); // approved after the batch: approved, not yet paid
                continue;
            }
            if self.approve_application(&leader, a.id, a.version, Verdict::Pass, "同意", true).await.is_ok() {
                out.approved += 1;
                approved.push(a.id);
            }
        }
        if approved.len() < 3 {
            out.offers = self.create_offers(&staff, "unemployment_supplement").await?.created;
            return Ok(out);
        }
        // Pay the first batch; one payment fails (closed account) and is cancelled; one paid grant
        // is partly clawed back. Grants approved after the batch stay approved, unpaid.
        let batch =
            self.create_batch(&cli, "startup_returnee", Some(year), &format!("{}-{:02}", today.year(), u8::from(today.month()))).await?;
        out.batches += 1;
        let dir = std::env::temp_dir().join(format!("jiuye-demo-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).map_err(|e| crate::AppError::Internal(e.to_string()))?;
        let lines = self.store.batch_lines(batch.id).await?;
        let rows: Vec<Vec<jiuye_io::OutCell>> = lines
            .iter()
            .map(|l| {
                let failed = l.line_no == 2;
                vec![
                    jiuye_io::OutCell::Int(l.line_no),
                    jiuye_io::OutCell::Text(crate::payments::fen_yuan(l.amount_fen)),
                    jiuye_io::OutCell::Text(if failed { "失败" } else { "成功" }.into()),
                    jiuye_io::OutCell::Text(if failed { "账户已销户" } else { "" }.into()),
                    jiuye_io::OutCell::Text(format!("NH{:010}", l.entry_id)),
                ]
            })
            .collect();
        let path = dir.join("result.xlsx");
        let sheet = jiuye_io::XlsxSheet { name: "结果", headers: &crate::ledger::RESULT_HEADERS, text_columns: &[] };
        let written = jiuye_io::write_xlsx(&path, &sheet, rows, None).map_err(|e| crate::AppError::Internal(e.to_string()));
        let r = match written {
            Ok(_) => self.reconcile_batch(&cli, batch.id, &path, "result.xlsx").await,
            Err(e) => Err(e),
        };
        let _ = std::fs::remove_dir_all(&dir);
        let r = r?;
        out.paid = r.paid as u64;
        if let Some(failed) = lines.iter().find(|l| l.line_no == 2) {
            self.cancel_payment(&cli, failed.entry_id, "收款账户已销户，申请人放弃").await?;
        }
        if let Some(first) = lines.iter().find(|l| l.line_no == 1) {
            self.correct_payment(&cli, first.entry_id, "clawback", "1000", "复核发现经营月数不足，追回部分补贴").await?;
        }
        for (id, version) in later {
            if self.approve_application(&leader, id, version, Verdict::Pass, "同意", true).await.is_ok() {
                out.approved += 1;
            }
        }
        // 免申即享: the scan offers the 失业补助金 to insured unemployed persons without benefit;
        // a third confirm at the window, one declines, the rest wait for their reply.
        let offers = self.create_offers(&staff, "unemployment_supplement").await?;
        out.offers = offers.created;
        let f = jiuye_store::payments::ApplicationFilter { status: Some("offered".into()), limit: 500, ..Default::default() };
        let (offered, _) = self.store.list_applications(&f).await?;
        for (i, o) in offered.iter().enumerate() {
            let clerk = demo_actor(&format!("demo:clerk-{}", o.township_code), Role::TownshipClerk, Some(&o.township_code));
            match i % 6 {
                0 | 1 => {
                    self.staff_answer_offer(&clerk, o.id, true, "", "").await?;
                }
                2 => {
                    self.staff_answer_offer(&clerk, o.id, false, "", "").await?;
                }
                _ => {}
            }
        }
        Ok(out)
    }
}
