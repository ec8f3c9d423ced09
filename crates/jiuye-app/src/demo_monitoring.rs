//! Demo enterprise monitoring (issue 7), made through the same use cases staff and enterprises
//! use, so alerts, their histories, the plans' checks and the audit trail are what real work
//! leaves: the larger enterprises of the demo registry (the brewery and the glass works first) are
//! monitored, a third of them as key enterprises with their township's service commissioner; each
//! reports every month from 2019-01 to the last complete month.
//!
//! Most months are ordinary — a little turnover, hires pulling the headcount back towards its
//! usual size, a layoff now and then in a larger firm, insured staff moving with the headcount —
//! and raise no alert (each ordinary month is checked against the alert rules before it is sent).
//! A dated list of events makes the exceptions: layoffs at the yellow, orange and red rates, the
//! brewery's statutory layoff, the glass works' conversion (a red layoff with a filed plan, later
//! a stoppage), headcount and insured-staff drops, the 2020 epidemic months at reduced production;
//! then a closure reported by another department, a key enterprise that stops reporting (the
//! missing-report alert), a non-key one late with last month, and a layoff plan with too short a
//! notice.

use jiuye_domain::monitoring::{Figures, findings, validate};
use jiuye_domain::{Industry, Role};
use jiuye_store::Scope;
use jiuye_store::enterprises::{EnterpriseFilter, EnterpriseRecord};
use jiuye_store::persons::Page;
use time::{Date, Duration, Month};
use uuid::Uuid;

use crate::demo::Rng;
use crate::monitoring::{LayoffPlanInput, ReportInput};
use crate::{Actor, App, AppError, AppResult};

fn demo_actor(login: &str, role: Role, township: Option<&str>, enterprise: Option<Uuid>) -> Actor {
    Actor { role, township: township.map(str::to_string), enterprise_id: enterprise, ..Actor::system(login, login) }
}

/// What the demo made.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoMonitoring {
    pub monitored: u64,
    pub key: u64,
    pub reports: u64,
    /// Alerts by level, as stored at the end (report rules, the closure, missing reports, plans).
    pub yellow: u64,
    pub orange: u64,
    pub red: u64,
    pub plans: u64,
    /// Monitored enterprises without last month's report.
    pub late: u64,
}

/// The service commissioner (人社服务专员) of each township, in `TOWNSHIPS` order.
const COMMISSIONERS: &[&str] = &["王立新", "李春梅", "张建军", "刘晓燕", "赵国强", "陈静", "杨志刚", "孙丽华", "郭振海", "冯雅琴"];

/// The exceptional months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    /// Layoffs at the yellow (3%) rate.
    LayoffYellow,
    /// Layoffs at the orange (5%) rate, under the statutory threshold.
    LayoffOrange,
    /// 20-odd people laid off by a large firm: the statutory threshold at a rate under 3%.
    Statutory,
    /// The glass works' conversion: 12% laid off (red rate, statutory), staff and insured down.
    Conversion,
    /// Many leave at once (a project ends): headcount down 12% / 22%.
    DropOrange,
    DropRed,
    /// Insured staff down 12% / 25% (contributions stopped for part of the staff).
    InsuredOrange,
    InsuredRed,
    /// Production stopped (停产) for two months, then reduced for two.
    Stoppage,
}

/// The enterprises with a part of their own in the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Special {
    None,
    Brewery,
    Glass1,
    Glass2,
    /// A key enterprise that stops reporting: the missing-report alert.
    MissingKey,
    /// Late with last month's report.
    Late,
    /// Its closure is reported by another department.
    Closing,
}

/// One enterprise's state while its months are generated.
struct Firm {
    rec: EnterpriseRecord,
    is_key: bool,
    special: Special,
    /// The headcount the firm hires back towards.
    base: i64,
    /// Insured staff per employee (‰), and the registry's value it drifts back to.
    ratio: i64,
    base_ratio: i64,
    events: Vec<(String, Event)>,
    /// Periods it does not report.
    skip: Vec<String>,
}

fn periods(from: (i32, u8), to: (i32, u8)) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = from;
    while (y, m) <= to {
        out.push(format!("{y}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// ⌈a·p/1000⌉ for non-negative a, p.
fn ceil_permille(a: i64, p: i64) -> i64 {
    (a * p + 999) / 1000
}

/// The largest drop (people) under 10% of `h`, so an ordinary month raises no headcount alert.
fn max_quiet_drop(h: i64) -> i64 {
    if h <= 0 { 0 } else { (100 * h - 1) / 1000 }
}

struct Month1 {
    figures: Figures,
    difficulties: &'static str,
}

impl Firm {
    /// The next month's figures from the headcount `h` and last month's insured staff.
    fn month(&mut self, rng: &mut Rng, period: &str, h: i64, prev_insured: Option<i64>, event: Option<Event>, stopped: bool) -> Month1 {
        let prev_ins = prev_insured.unwrap_or(h * self.ratio / 1000);
        let vacancies = if h > 0 && rng.chance(40) { rng.below((h / 20 + 2) as u64) as i64 } else { 0 };
        let epidemic = matches!(period, "2020-02" | "2020-03");
        let mut status = "normal";
        let mut difficulties = "";
        let (mut hires, mut layoffs) = (0, 0);
        let quits;
        let mut insured: Option<i64> = None;
        match event {
            None => {
                quits = (h * (5 + rng.below(20) as i64) + rng.below(1000) as i64) / 1000;
                layoffs = i64::from(h >= 40 && rng.chance(4));
                let adjust = (self.base - h) / 5;
                let noise = rng.below(3) as i64 - 1;
                hires = (quits + layoffs + adjust + noise).max(0);
                if epidemic && rng.chance(if period == "2020-02" { 45 } else { 25 }) {
                    status = "reduced";
                    hires /= 3;
                    difficulties = "受新冠肺炎疫情影响，复工复产推迟，订单减少";
                } else if stopped {
                    status = "reduced";
                    hires = 0;
                    difficulties = "逐步恢复生产，部分生产线仍在改造";
                } else if vacancies > 3 && rng.chance(20) {
                    difficulties = "普工、技术工人招用困难";
                }
                if quits + layoffs - hires > max_quiet_drop(h) {
                    hires = quits + layoffs - max_quiet_drop(h);
                }
            }
            Some(Event::LayoffYellow) => {
                layoffs = ceil_permille(h, 30);
                quits = rng.below(2) as i64;
                hires = rng.below(2) as i64;
                difficulties = "订单下滑，精简部分岗位";
            }
            Some(Event::LayoffOrange) => {
                layoffs = ceil_permille(h, 50);
                quits = rng.below(2) as i64;
                difficulties = "主要客户订单取消，一条生产线停开";
            }
            Some(Event::Statutory) => {
                layoffs = 20 + rng.below(4) as i64;
                quits = 2 + rng.below(4) as i64;
                hires = 8 + rng.below(6) as i64;
                difficulties = "灌装线自动化改造，裁减部分包装岗位，已向工会说明情况";
            }
            Some(Event::Conversion) => {
                layoffs = ceil_permille(h, 120);
                quits = 1 + rng.below(3) as i64;
                difficulties = "落实玻璃行业产能置换，两条生产线关停转型，经济性裁员已报告";
                self.base = h - layoffs - quits;
            }
            Some(Event::DropOrange) | Some(Event::DropRed) => {
                let p = if event == Some(Event::DropRed) { 220 } else { 120 };
                quits = ceil_permille(h, p);
                difficulties = if epidemic {
                    "受疫情影响暂停营业，部分职工离职返乡"
                } else {
                    "承接的工程项目完工，项目用工人员离场"
                };
                if epidemic {
                    status = "reduced";
                }
                // Insurance follows the leavers over the next months, under 10% a month.
            }
            Some(Event::InsuredOrange) | Some(Event::InsuredRed) => {
                quits = rng.below(2) as i64;
                hires = quits;
                let p = if event == Some(Event::InsuredRed) { 250 } else { 120 };
                let ins = prev_ins - ceil_permille(prev_ins, p);
                insured = Some(ins);
                difficulties = "资金紧张，部分职工社会保险费暂停缴纳";
            }
            Some(Event::Stoppage) => {
                status = "stopped";
                quits = rng.below(3) as i64;
                difficulties = "环保限产，全面停产整改";
            }
        }
        let separations = quits + layoffs;
        let end = h + hires - separations;
        let insured = match insured {
            Some(i) => {
                if end > 0 {
                    self.ratio = (i * 1000 / end).min(1000);
                }
                i
            }
            None => {
                // Drift back to the registry's share of insured staff, never 10% down in a month.
                self.ratio = if self.ratio < self.base_ratio { (self.ratio + 10).min(self.base_ratio) } else { self.base_ratio };
                let target = end * self.ratio / 1000;
                target.max(prev_ins - prev_ins * 9 / 100)
            }
        };
        let insured = insured.min(h.max(end)).max(0);
        Month1 {
            figures: Figures {
                headcount_start: h,
                new_hires: hires,
                separations,
                layoffs,
                headcount_end: end,
                insured,
                vacancies,
                production_status: status.into(),
            },
            difficulties,
        }
    }
}

fn input(period: &str, f: &Figures, difficulties: &str) -> ReportInput {
    ReportInput {
        period: period.into(),
        headcount_start: f.headcount_start.to_string(),
        new_hires: f.new_hires.to_string(),
        separations: f.separations.to_string(),
        layoffs: f.layoffs.to_string(),
        headcount_end: f.headcount_end.to_string(),
        insured: f.insured.to_string(),
        vacancies: f.vacancies.to_string(),
        production_status: f.production_status.clone(),
        difficulties: difficulties.into(),
        ..Default::default()
    }
}

fn last_day(period: &str) -> Option<Date> {
    let (y, m) = crate::monitoring::parse_period(period).ok()?;
    let first = Date::from_calendar_date(y, m, 1).ok()?;
    let next =
        if m == Month::December { Date::from_calendar_date(y + 1, Month::January, 1) } else { Date::from_calendar_date(y, m.next(), 1) };
    next.ok().map(|n| n - Duration::days(1)).or(Some(first))
}

impl App {
    /// Monitors about 48 of the demo's larger enterprises and files their monthly reports from
    /// 2019-01 to the last complete month, with the exceptions the module documentation lists.
    /// Run after `generate_demo`; deterministic for a seed and a day.
    pub async fn generate_demo_monitoring(&self, seed: u64) -> AppResult<DemoMonitoring> {
        let mut rng = Rng::new(seed ^ 0x5EED_0000_0007);
        let today = self.clock.today();
        let mut out = DemoMonitoring::default();
        let this_month = (today.year(), u8::from(today.month()));
        let last = if this_month.1 == 1 { (this_month.0 - 1, 12) } else { (this_month.0, this_month.1 - 1) };
        let months = periods((2019, 1), last);
        if months.len() < 3 {
            return Ok(out);
        }
        let last_p = months.last().cloned().unwrap_or_default();
        let before_last = months.get(months.len() - 2).cloned().unwrap_or_default();
        let third_last = months.get(months.len() - 3).cloned().unwrap_or_default();

        // The larger enterprises, the brewery and the glass works first.
        let (all, _) = self.store.list_enterprises(&Scope::All, &EnterpriseFilter::default(), Page { limit: 50_000, offset: 0 }).await?;
        let mut candidates: Vec<EnterpriseRecord> = all.into_iter().filter(|e| e.status != "closed" && e.staff.unwrap_or(0) >= 3).collect();
        let rank = |e: &EnterpriseRecord| {
            let staff = e.staff.unwrap_or(0);
            let first = if e.name.contains("啤酒") {
                0
            } else if e.name.contains("玻璃") && staff >= 30 {
                1
            } else {
                2
            };
            (first, std::cmp::Reverse(staff), e.name.clone())
        };
        candidates.sort_by_key(rank);
        let wanted = 48usize;
        let mut chosen: Vec<EnterpriseRecord> = candidates.iter().filter(|e| e.staff.unwrap_or(0) >= 20).take(wanted).cloned().collect();
        if chosen.len() < 12 {
            chosen = candidates.into_iter().take(12).collect();
        }
        if chosen.len() < 4 {
            return Ok(out);
        }
        let n_key = chosen.len().div_ceil(3);
        let mut firms: Vec<Firm> = chosen
            .into_iter()
            .enumerate()
            .map(|(i, rec)| {
                let staff = rec.staff.unwrap_or(10);
                let ratio = (rec.insured.unwrap_or(staff) * 1000 / staff.max(1)).clamp(600, 1000);
                Firm {
                    is_key: i < n_key,
                    special: Special::None,
                    base: staff,
                    ratio,
                    base_ratio: ratio,
                    events: Vec::new(),
                    skip: Vec::new(),
                    rec,
                }
            })
            .collect();

        // Who has which exception. The brewery and two glass works by name (else the largest
        // manufacturers); a key enterprise that stops reporting, a non-key one late with last
        // month and one whose closure another department reports have no event; the rest take
        // the dated events by size, one each, round the list.
        let industry = Industry::Industry.code();
        let brewery = firms.iter().position(|f| f.rec.name.contains("啤酒")).unwrap_or(0);
        if let Some(f) = firms.get_mut(brewery) {
            f.special = Special::Brewery;
        }
        let mut glass = 0;
        for pass in 0..3 {
            for f in firms.iter_mut().filter(|f| f.special == Special::None) {
                let fits = match pass {
                    0 => f.rec.name.contains("玻璃"),
                    1 => f.rec.industry == industry,
                    _ => true,
                };
                if fits && glass < 2 {
                    f.special = if glass == 0 { Special::Glass1 } else { Special::Glass2 };
                    glass += 1;
                }
            }
        }
        if let Some(f) = firms.iter_mut().rev().find(|f| f.is_key && f.special == Special::None) {
            f.special = Special::MissingKey;
        }
        for role in [Special::Late, Special::Closing] {
            if let Some(f) = firms.iter_mut().rev().find(|f| !f.is_key && f.special == Special::None) {
                f.special = role;
            }
        }
        let generic: Vec<usize> = (0..firms.len()).filter(|i| firms.get(*i).is_some_and(|f| f.special == Special::None)).collect();
        let mut cursor = 0usize;
        let schedule: Vec<(&str, Event, Special)> = vec![
            ("2019-08", Event::LayoffYellow, Special::None),
            ("2020-02", Event::DropOrange, Special::None),
            ("2020-03", Event::LayoffYellow, Special::None),
            ("2020-04", Event::LayoffOrange, Special::None),
            ("2020-06", Event::Conversion, Special::Glass1),
            ("2021-09", Event::InsuredOrange, Special::Glass2),
            ("2022-12", Event::DropRed, Special::None),
            ("2023-07", Event::Statutory, Special::Brewery),
            ("2024-04", Event::Stoppage, Special::Glass1),
            ("2024-05", Event::Stoppage, Special::Glass1),
            ("2025-03", Event::LayoffYellow, Special::None),
            (third_last.as_str(), Event::InsuredRed, Special::None),
            (before_last.as_str(), Event::LayoffOrange, Special::None),
            (last_p.as_str(), Event::LayoffYellow, Special::None),
            (last_p.as_str(), Event::DropOrange, Special::None),
        ];
        for (period, event, role) in schedule {
            if !months.iter().any(|m| m == period) {
                continue;
            }
            let target = if role != Special::None {
                firms.iter().position(|f| f.special == role)
            } else if generic.is_empty() {
                None
            } else {
                // The next firm in turn whose size suits the event (a rate needs 60–360 staff to
                // land in its band under the statutory threshold); else simply the next one.
                let fits = |h: i64| match event {
                    Event::LayoffYellow | Event::LayoffOrange => (60..=360).contains(&h),
                    _ => h >= 30,
                };
                let n = generic.len();
                let step =
                    (0..n).find(|s| generic.get((cursor + s) % n).and_then(|i| firms.get(*i)).is_some_and(|f| fits(f.base))).unwrap_or(0);
                let i = generic.get((cursor + step) % n).copied();
                cursor = (cursor + step + 1) % n;
                i
            };
            if let Some(f) = target.and_then(|i| firms.get_mut(i))
                && !f.events.iter().any(|(p, _)| p == period)
            {
                f.events.push((period.to_string(), event));
            }
        }
        for f in firms.iter_mut() {
            match f.special {
                Special::MissingKey => f.skip = vec![before_last.clone(), last_p.clone()],
                Special::Late => f.skip = vec![last_p.clone()],
                _ => {}
            }
        }

        // Into monitoring, by the bureau.
        let staff = demo_actor("demo:staff", Role::BureauStaff, None, None);
        for f in &firms {
            let t = jiuye_domain::division::TOWNSHIPS.iter().position(|(c, _)| *c == f.rec.township_code).unwrap_or(0);
            let commissioner = COMMISSIONERS.get(t).copied().unwrap_or("王立新");
            let reason = if f.special == Special::Brewery {
                "重点企业：啤酒酿造，用工规模大（措施（二十二））"
            } else if matches!(f.special, Special::Glass1 | Special::Glass2) {
                "玻璃行业转型升级企业，防范规模性裁员（措施（三十二））"
            } else if f.is_key {
                "重点企业：用工100人以上（措施（二十二））"
            } else if f.rec.industry == industry {
                "规模以上工业企业，纳入用工监测"
            } else {
                "用工较多的服务业企业，纳入用工监测"
            };
            self.monitor_enterprise(&staff, f.rec.id, f.is_key, commissioner, reason).await?;
            out.monitored += 1;
            out.key += u64::from(f.is_key);
        }

        let hr_of = |f: &Firm| {
            let code: String = f.rec.credit_code.chars().skip(10).take(7).collect();
            demo_actor(&format!("demo:hr-{code}"), Role::EnterpriseHr, None, Some(f.rec.id))
        };

        // The reports, month by month: most online by the enterprise, some at the township window.
        let mut conversion: Option<(String, i64, i64)> = None;
        for f in firms.iter_mut() {
            let hr = hr_of(f);
            let clerk = demo_actor(&format!("demo:clerk-{}", f.rec.township_code), Role::TownshipClerk, Some(&f.rec.township_code), None);
            let mut h = f.base;
            let mut prev: Option<Figures> = None;
            let mut stopped_until: Option<usize> = None;
            for (k, period) in months.iter().enumerate() {
                if f.skip.contains(period) {
                    continue;
                }
                let event = f.events.iter().find(|(p, _)| p == period).map(|(_, e)| *e);
                if event == Some(Event::Stoppage) {
                    stopped_until = Some(k + 3);
                }
                let recovering = event.is_none() && stopped_until.is_some_and(|u| k <= u);
                let mut m = f.month(&mut rng, period, h, prev.as_ref().map(|p| p.insured), event, recovering);
                if event.is_none() && !findings(&m.figures, prev.as_ref(), &self.monitoring.thresholds).is_empty() {
                    // Never an alert in an ordinary month: nobody comes or goes.
                    let ins = prev.as_ref().map(|p| p.insured).unwrap_or(h).min(h);
                    m.figures = Figures {
                        headcount_start: h,
                        new_hires: 0,
                        separations: 0,
                        layoffs: 0,
                        headcount_end: h,
                        insured: ins,
                        vacancies: m.figures.vacancies,
                        production_status: m.figures.production_status,
                    };
                }
                if let Err(e) = validate(&m.figures) {
                    return Err(AppError::Internal(format!("demo monitoring {period}: {e:?}")));
                }
                let who = if rng.chance(80) { &hr } else { &clerk };
                self.submit_report(who, f.rec.id, &input(period, &m.figures, m.difficulties)).await?;
                out.reports += 1;
                if event == Some(Event::Conversion) {
                    conversion = Some((period.clone(), m.figures.layoffs, h));
                }
                h = m.figures.headcount_end;
                prev = Some(m.figures);
            }
        }

        // The missing reports of the key enterprise become alerts once each window closed.
        let to = self.monitoring.window_to_day;
        if let Some(d) = last_day(&last_p).and_then(|d| Date::from_calendar_date(d.year(), d.month(), to + 1).ok()) {
            self.refresh_missing_report_alerts(d).await?;
        }
        self.refresh_missing_report_alerts(today).await?;

        // A closure reported by the market regulator (measure (二十)).
        if let Some(f) = firms.iter().find(|f| f.special == Special::Closing) {
            self.report_closure(&staff, f.rec.id, "企业已申请注销登记，生产经营活动已停止", "区市场监督管理局").await?;
        }

        // Layoff plans: the glass works' conversion told the staff 35 days ahead and placed them;
        // another firm's planned layoff was announced only 18 days before.
        if let Some((period, people, staff_total)) = conversion
            && let Some(layoff_date) = last_day(&period)
            && let Some(glass1) = firms.iter().find(|f| f.special == Special::Glass1)
        {
            let plan = LayoffPlanInput {
                people: people.max(1).to_string(),
                staff_total: staff_total.to_string(),
                layoff_date: layoff_date.to_string(),
                notified_on: (layoff_date - Duration::days(35)).to_string(),
                placement_plan:
                    "内部转岗至新建深加工生产线一部分，其余依法支付经济补偿金，协助办理失业登记、社会保险关系接续，并推荐参加转岗技能培训"
                        .into(),
            };
            self.file_layoff_plan(&hr_of(glass1), glass1.rec.id, &plan).await?;
            out.plans += 1;
        }
        let Some(short) = firms.iter().find(|f| f.special == Special::Glass2) else { return Ok(out) };
        let staff_total = short.rec.staff.unwrap_or(0).max(1);
        let plan = LayoffPlanInput {
            people: ceil_permille(staff_total, 120).to_string(),
            staff_total: staff_total.to_string(),
            layoff_date: (today + Duration::days(12)).to_string(),
            notified_on: (today - Duration::days(6)).to_string(),
            placement_plan: "部分职工转岗至仓储物流岗位，其余依法解除劳动合同并支付经济补偿".into(),
        };
        self.file_layoff_plan(&staff, short.rec.id, &plan).await?;
        out.plans += 1;

        for a in self.store.list_alerts(None, None, 1_000_000).await? {
            match a.level.as_str() {
                "red" => out.red += 1,
                "orange" => out.orange += 1,
                _ => out.yellow += 1,
            }
        }
        let end = crate::monitoring::owed_if_monitored_before(&last_p, self.monitoring.window_from_day)
            .ok_or_else(|| crate::AppError::BadInput(last_p.clone()))?;
        out.late = self.store.monitored_without_report(&last_p, end, None).await?.len() as u64;
        Ok(out)
    }
}
