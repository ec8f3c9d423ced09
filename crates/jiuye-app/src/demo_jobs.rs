//! Demo vacancies: realistic titles from the occupation list, Chinese descriptions, pay by
//! occupation group, public-welfare and project posts, and every status of the lifecycle —
//! including a few that trip the review's cross-checks (wording, minimum wage, duplicates).
//! `vacancy_text` is also what the search benchmark generates its corpora with.

use jiuye_domain::division::TOWNSHIPS;
use jiuye_domain::occupation::{OTHER, Occupation};
use jiuye_domain::{VacancyKind, VacancyStatus, WorkType};
use jiuye_store::enterprises::EnterpriseFilter;
use jiuye_store::persons::Page;
use jiuye_store::vacancies::{NewVacancyEvent, StatusChange, Submission, VacancyWrite};
use time::Duration;

use crate::demo::Rng;
use crate::{App, AppResult};

const TITLE_SUFFIX: &[&str] = &["", "", "", "（长白班）", "（两班倒）", "学徒", "师傅", "（可培训上岗）", "（急招）", "组长"];
const BENEFITS: &[&str] = &[
    "缴纳五险",
    "五险一金",
    "包吃住",
    "提供宿舍",
    "管一顿午饭",
    "月休4天",
    "双休",
    "节日福利",
    "加班另计",
    "计件工资多劳多得",
    "年终奖",
    "班车接送",
    "满勤奖",
    "带薪年假",
];
const DUTIES: &[&str] = &[
    "服从车间和班组安排",
    "按工艺要求完成生产任务",
    "做好设备日常点检和保养",
    "遵守安全生产规程",
    "配合做好质量检验",
    "做好交接班记录",
    "完成领导交办的其他工作",
];

/// Certificates typical of an occupation, mentioned in requirements.
fn certificate(o: &Occupation) -> Option<&'static str> {
    match o.code {
        "6-01" | "6-02" => Some("焊工证（特种作业操作证）"),
        "6-07" => Some("低压电工证"),
        "4-07" => Some("叉车证"),
        "4-05" => Some("A2或B2驾驶证"),
        "4-06" => Some("A1驾驶证"),
        "6-24" => Some("起重机械作业证"),
        "4-10" | "4-11" | "6-13" => Some("健康证"),
        "2-01" | "3-03" => Some("初级会计职称"),
        "2-12" => Some("护士执业证"),
        _ => None,
    }
}

/// Monthly pay range in yuan for an occupation's major group (the demo and the search benchmark).
pub fn pay_range(o: &Occupation, rng: &mut Rng) -> (i64, i64) {
    let (lo, hi) = match o.major() {
        "1" => (5000, 9000),
        "2" => (3800, 8000),
        "3" => (2500, 4500),
        "4" => (2500, 5500),
        "5" => (2200, 4000),
        _ => (3200, 7000),
    };
    let min = lo + (rng.below(((hi - lo) / 2 / 100) as u64) as i64) * 100;
    let max = min + 500 + (rng.below(((hi - min) / 100).max(1) as u64) as i64) * 100;
    (min, max.max(min))
}

/// A title and a description for one vacancy of `o` at `employer` in `township`.
pub fn vacancy_text(o: &Occupation, employer: &str, township: &str, rng: &mut Rng) -> (String, String) {
    let base = if rng.chance(40) { rng.pick(o.aliases).copied().unwrap_or(o.name) } else { o.name };
    let title = format!("{base}{}", rng.pick(TITLE_SUFFIX).copied().unwrap_or(""));
    let mut d = format!("{employer}因生产经营需要，招聘{}。岗位职责：负责{}相关工作，", o.name, base);
    for _ in 0..2 {
        d.push_str(rng.pick(DUTIES).copied().unwrap_or(""));
        d.push('，');
    }
    d.pop();
    d.push_str("。任职要求：身体健康，");
    d.push_str(match rng.below(3) {
        0 => "有相关工作经验者优先",
        1 => "无经验可培训上岗",
        _ => "能吃苦耐劳，责任心强",
    });
    if let Some(c) = certificate(o) {
        d.push_str(&format!("，持{c}"));
    }
    d.push_str("。待遇：");
    let mut b: Vec<&str> = (0..3).filter_map(|_| rng.pick(BENEFITS).copied()).collect();
    b.dedup();
    d.push_str(&b.join("，"));
    d.push_str(&format!("。工作地点：南和区{township}。"));
    (title, d)
}

impl App {
    /// Adds `count` demo vacancies (after `generate_demo`): about 80% published, the rest in the
    /// other statuses. Returns how many were written.
    pub async fn generate_demo_vacancies(&self, count: u32, seed: u64) -> AppResult<u64> {
        let mut rng = Rng::new(seed ^ 0x005E_ED0F_10B5);
        let (firms, _) =
            self.store.list_enterprises(&jiuye_store::Scope::All, &EnterpriseFilter::default(), Page { limit: 2000, offset: 0 }).await?;
        if firms.is_empty() {
            return Ok(0);
        }
        let now = self.now();
        let today = self.clock.today();
        let mut tx = self.store.begin_write().await?;
        let mut written = 0u64;
        for i in 0..count {
            let kind = match rng.below(100) {
                0..=7 => VacancyKind::PublicWelfare,
                8..=11 => VacancyKind::GovernmentProject,
                _ => VacancyKind::Ordinary,
            };
            let (tcode, tname) = TOWNSHIPS.get(rng.below(TOWNSHIPS.len() as u64) as usize).copied().unwrap_or(("130527100", "和阳镇"));
            let (enterprise_id, employer, township_code, occ) = match kind {
                VacancyKind::Ordinary => {
                    let f = rng.pick(&firms).cloned().ok_or_else(|| crate::AppError::Internal("no firms".into()))?;
                    let occ = pick_occupation_for(&f.name, &mut rng);
                    (Some(f.id), f.name, f.township_code, occ)
                }
                VacancyKind::PublicWelfare => {
                    let occ = rng.pick(&["4-23", "4-24", "3-06", "5-06", "4-15"]).and_then(|c| jiuye_domain::occupation::by_code(c));
                    (None, format!("南和区{tname}人民政府"), tcode.to_string(), occ.unwrap_or(&OTHER))
                }
                VacancyKind::GovernmentProject => {
                    let occ =
                        rng.pick(&["6-16", "6-17", "6-18", "6-01", "4-09", "6-24"]).and_then(|c| jiuye_domain::occupation::by_code(c));
                    let project = rng
                        .pick(&["乡村道路提升工程", "农村供水改造工程", "污水管网建设工程", "产业园标准化厂房项目"])
                        .copied()
                        .unwrap_or("");
                    (None, format!("南和区{tname}{project}项目部"), tcode.to_string(), occ.unwrap_or(&OTHER))
                }
            };
            let tname = jiuye_domain::division::township_name(&township_code).unwrap_or(tname);
            let (mut title, mut description) = vacancy_text(occ, &employer, tname, &mut rng);
            let (mut pay_min, pay_max) = pay_range(occ, &mut rng);
            if kind == VacancyKind::PublicWelfare {
                title = format!("{}（公益性岗位）", occ.name);
                pay_min = 1800;
                description = format!(
                    "{employer}公益性岗位，优先安置就业困难人员、零就业家庭成员。岗位职责：{}。待遇：按月发放岗位补贴，缴纳社会保险。工作地点：南和区{tname}。",
                    occ.name
                );
            }
            let mut status = match rng.below(100) {
                0..=79 => VacancyStatus::Published,
                80..=87 => VacancyStatus::Pending,
                88..=90 => VacancyStatus::Rejected,
                91..=94 => VacancyStatus::Filled,
                95..=97 => VacancyStatus::Closed,
                _ => VacancyStatus::Expired,
            };
            // A few pending ones that the review's checks will flag.
            match i {
                1 => {
                    description.push_str("限男性，35岁以下，本地户口优先。");
                    status = VacancyStatus::Pending;
                }
                2 => {
                    pay_min = 1200;
                    status = VacancyStatus::Pending;
                }
                // An enterprise that has reported a stoppage still submits a vacancy.
                3 if enterprise_id.is_some() => {
                    if let Some(e) = enterprise_id {
                        tx.set_enterprise_status(e, "suspended", now).await?;
                    }
                    status = VacancyStatus::Pending;
                }
                _ => {}
            }
            let pay_max = pay_max.max(pay_min);
            let age_days = rng.below(75) as i64;
            let submitted = now - Duration::days(age_days + 2) - Duration::minutes(rng.below(600) as i64);
            let published = now - Duration::days(age_days) - Duration::minutes(rng.below(600) as i64);
            let valid_until = match status {
                VacancyStatus::Expired => today - Duration::days(1 + rng.below(20) as i64),
                _ => today + Duration::days(10 + rng.below(100) as i64),
            };
            let posts = 1 + rng.below(if kind == VacancyKind::Ordinary { 10 } else { 20 }) as i64;
            let w = VacancyWrite {
                kind: kind.code().into(),
                enterprise_id,
                employer_name: employer.clone(),
                title,
                occupation_code: occ.code.into(),
                posts,
                pay_min_yuan: pay_min,
                pay_max_yuan: pay_max,
                education_min: (occ.major() == "2").then(|| "college".to_string()),
                experience_min_years: rng.chance(30).then(|| 1 + rng.below(3) as i64),
                work_type: if kind == VacancyKind::Ordinary {
                    (*rng
                        .pick(&[
                            WorkType::FullTime,
                            WorkType::FullTime,
                            WorkType::FullTime,
                            WorkType::PartTime,
                            WorkType::Temporary,
                            WorkType::Seasonal,
                            WorkType::Platform,
                        ])
                        .unwrap_or(&WorkType::FullTime))
                    .code()
                    .into()
                } else {
                    WorkType::FullTime.code().into()
                },
                township_code: township_code.clone(),
                address: format!("{tname}{}", rng.pick(&["工业园区", "镇区主街", "产业园", "农业园区", "物流园"]).copied().unwrap_or("")),
                description,
                how_to_apply: "请电话联系预约面试，或到所在乡镇人社服务窗口报名。".into(),
                contact_name: format!("{}经理", rng.pick(&["王", "李", "张", "刘", "郭"]).copied().unwrap_or("王")),
                contact_phone: format!("0319-{}", 5_000_000 + rng.below(999_999)),
                valid_until,
            };
            let checks = self.cross_check(&w, None).await?;
            let checks = serde_json::to_string(&checks).unwrap_or_else(|_| "[]".into());
            let id = self.new_id();
            tx.insert_vacancy(
                id,
                &w,
                Submission { status: VacancyStatus::Pending.code(), checks: &checks, submitted_by: "demo:hr" },
                submitted,
            )
            .await?;
            tx.vacancy_event(
                id,
                NewVacancyEvent { at: submitted, actor: "demo:hr", action: "submit", from: None, to: "pending", note: "" },
            )
            .await?;
            let mut version = 1;
            if status != VacancyStatus::Pending {
                let reviewed_status = if status == VacancyStatus::Rejected { VacancyStatus::Rejected } else { VacancyStatus::Published };
                let note =
                    if reviewed_status == VacancyStatus::Rejected { "岗位描述不完整，请补充工作时间和待遇" } else { "" };
                let ch = StatusChange {
                    to: reviewed_status.code().into(),
                    reviewed_by: Some("demo:reviewer".into()),
                    review_note: Some(note.into()),
                    publish: reviewed_status == VacancyStatus::Published,
                    close_reason: None,
                };
                tx.set_vacancy_status(id, version, &ch, published).await?;
                version += 1;
                let action = if reviewed_status == VacancyStatus::Rejected { "reject" } else { "approve" };
                tx.vacancy_event(
                    id,
                    NewVacancyEvent {
                        at: published,
                        actor: "demo:reviewer",
                        action,
                        from: Some("pending"),
                        to: reviewed_status.code(),
                        note,
                    },
                )
                .await?;
                match status {
                    VacancyStatus::Filled => {
                        tx.add_vacancy_filled(id, version, posts, VacancyStatus::Filled.code(), now).await?;
                        tx.vacancy_event(
                            id,
                            NewVacancyEvent {
                                at: now,
                                actor: "demo:hr",
                                action: "record_filled",
                                from: Some("published"),
                                to: "filled",
                                note: &format!("招用{posts}人"),
                            },
                        )
                        .await?;
                    }
                    VacancyStatus::Closed | VacancyStatus::Expired => {
                        let reason = if status == VacancyStatus::Closed { "企业已通过其他渠道招满" } else { "超过有效期" };
                        let ch = StatusChange { to: status.code().into(), close_reason: Some(reason.into()), ..Default::default() };
                        tx.set_vacancy_status(id, version, &ch, now).await?;
                        let action = if status == VacancyStatus::Closed { "close" } else { "expire" };
                        tx.vacancy_event(
                            id,
                            NewVacancyEvent { at: now, actor: "system", action, from: Some("published"), to: status.code(), note: reason },
                        )
                        .await?;
                    }
                    _ => {}
                }
            }
            tx.vacancy_changed(id, now).await?;
            written += 1;
        }
        tx.commit().await?;
        self.search.mark_stale();
        Ok(written)
    }
}

const SKILLS: &[&str] =
    &["焊工证", "电工证", "叉车证", "C1驾照", "A2驾照", "健康证", "会计证", "计算机操作", "吃苦耐劳", "普通话", "数控编程", "CAD制图"];

impl App {
    /// Registers demo job seekers among the unemployed and flexibly employed persons of working
    /// age (about one in two, at most `max`), and pushes a few published vacancies to their best
    /// matches, with some SMS replies — so the jobs pages have history to show.
    pub async fn generate_demo_seekers(&self, max: u32, seed: u64) -> AppResult<(u64, u64)> {
        let mut rng = Rng::new(seed ^ 0x0051_EE4E_5EED);
        let actor = crate::Actor { login: "demo:clerk".into(), display_name: "演示窗口".into(), ..crate::Actor::cli() };
        let today = self.clock.today();
        let mut candidates = Vec::new();
        for status in ["unemployed", "flexible"] {
            let f = jiuye_store::persons::PersonFilter { employment_status: Some(status.into()), ..Default::default() };
            let mut offset = 0;
            loop {
                let (rows, _) = self.store.list_persons(&jiuye_store::Scope::All, &f, Page { limit: 2000, offset }).await?;
                let n = rows.len();
                candidates.extend(rows.into_iter().filter(|p| (18..60).contains(&crate::seekers::age_on(p.birth_date, today))));
                if n < 2000 {
                    break;
                }
                offset += 2000;
            }
        }
        let mut seekers = Vec::new();
        for p in candidates {
            if seekers.len() as u32 >= max || !rng.chance(50) {
                continue;
            }
            let n_occ = 1 + rng.below(3);
            let occ: Vec<&str> = (0..n_occ).filter_map(|_| rng.pick(jiuye_domain::occupation::OCCUPATIONS).map(|o| o.name)).collect();
            let skills: Vec<&str> = (0..rng.below(3)).filter_map(|_| rng.pick(SKILLS).copied()).collect();
            let input = crate::seekers::SeekerInput {
                occupations: occ.join("、"),
                skills: skills.join("、"),
                pay_expect: (2500 + 500 * rng.below(9)).to_string(),
                preferred_township: if rng.chance(40) { p.township_code.clone() } else { String::new() },
                work_types: if rng.chance(30) { "全职、临时".into() } else { String::new() },
                experience_years: rng.below(15).to_string(),
                prefers_sms: if rng.chance(30) { "on".into() } else { String::new() },
                share_consent: if rng.chance(40) { "on".into() } else { String::new() },
                active: "on".into(),
            };
            seekers.push(self.register_seeker(&actor, p.id, &input).await?);
        }
        // Push a few published vacancies to their five best matches.
        let f = jiuye_store::vacancies::VacancyFilter { statuses: vec!["published".into()], ..Default::default() };
        let (vacancies, _) = self.store.list_vacancies(&f, Page { limit: 15, offset: 0 }).await?;
        let mut pushes = 0u64;
        for v in vacancies {
            let top: Vec<uuid::Uuid> = self.matches_for_vacancy(&actor, v.id, 5).await?.into_iter().map(|(s, _)| s.id).collect();
            if top.is_empty() {
                continue;
            }
            pushes += u64::from(self.push_vacancy(&actor, v.id, &top).await?.pushed);
        }
        Ok((seekers.len() as u64, pushes))
    }
}

/// An occupation that fits an employer's trade (glass works hire glass workers, and so on).
fn pick_occupation_for(name: &str, rng: &mut Rng) -> &'static Occupation {
    let codes: &[&str] = if name.contains("啤酒") {
        &["6-11", "6-12", "6-13", "4-07", "2-07", "6-21", "4-05"]
    } else if name.contains("玻璃") {
        &["6-08", "6-09", "6-10", "6-22", "4-07", "2-06", "6-24"]
    } else if name.contains("食品") {
        &["6-12", "6-13", "6-22", "2-07", "4-08"]
    } else if name.contains("机械") {
        &["6-01", "6-02", "6-03", "6-04", "6-05", "6-06", "6-07", "6-20", "2-04", "2-15"]
    } else if name.contains("建筑") {
        &["6-16", "6-17", "6-18", "6-19", "2-08", "6-01"]
    } else if name.contains("物流") || name.contains("仓储") {
        &["4-05", "4-07", "4-08", "4-09", "4-03", "4-20"]
    } else if name.contains("超市") || name.contains("商贸") {
        &["4-01", "4-02", "4-08", "4-18", "4-19", "3-03"]
    } else if name.contains("酒店") || name.contains("餐饮") {
        &["4-10", "4-11", "4-12", "3-05"]
    } else if name.contains("网络") {
        &["2-03", "4-18", "4-19", "4-20"]
    } else if name.contains("物业") {
        &["4-17", "4-12", "3-05", "6-07"]
    } else if name.contains("农业") {
        &["5-01", "5-02", "5-03", "5-04", "5-05", "2-14"]
    } else {
        &["6-22", "3-01", "2-01", "4-09", "4-13", "4-14", "4-15"]
    };
    rng.pick(codes).and_then(|c| jiuye_domain::occupation::by_code(c)).unwrap_or(&OTHER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_deterministic_and_name_the_occupation() {
        let o = jiuye_domain::occupation::by_code("6-02").unwrap();
        let a = vacancy_text(o, "某公司", "和阳镇", &mut Rng::new(7));
        let b = vacancy_text(o, "某公司", "和阳镇", &mut Rng::new(7));
        assert_eq!(a, b);
        assert!(a.1.contains("氩弧焊工") && a.1.contains("和阳镇"), "{}", a.1);
        assert!(jiuye_domain::vacancy::check_wording(&a.1).is_empty(), "demo text is neutral: {}", a.1);
    }

    #[test]
    fn pay_ranges_are_ordered() {
        let mut rng = Rng::new(1);
        for o in jiuye_domain::occupation::OCCUPATIONS {
            let (a, b) = pay_range(o, &mut rng);
            assert!(a > 0 && a <= b, "{} {a} {b}", o.code);
        }
    }
}
