//! A synthetic Nanhe District, generated deterministically from a seed: villages under the real
//! townships, households, persons with valid resident ID numbers (region 130527) and enterprises
//! with valid unified social credit codes. Names, villages and numbers are invented; any match with a
//! real person is chance.

use jiuye_domain::division::TOWNSHIPS;
use jiuye_domain::size_class::{SizeFigures, classify};
use jiuye_domain::{EmploymentStatus, Industry, Tag};
use jiuye_store::enterprises::{EnterpriseWrite, Village};
use jiuye_store::persons::{PersonWrite, UpsertCounts};
use serde_json::json;

use crate::{Actor, App, AppResult};

/// SplitMix64: small, fast, and the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋",
    "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡",
    "贾", "丁", "魏", "薛", "叶", "阎", "郝", "史", "田", "石", "崔", "任", "牛", "耿", "范", "欧阳",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "桂",
    "英", "华", "建", "国", "红", "志", "文", "玉", "兰", "海", "波", "宁", "鑫", "浩", "宇", "欣", "晨", "佳", "子", "涵", "雨", "博",
    "俊", "梓", "轩", "思", "瑞", "凯", "琳", "颖", "倩", "亮", "斌", "辉", "彬", "晓", "春", "凤",
];
const VILLAGE_PARTS: &[&str] =
    &["东", "西", "南", "北", "前", "后", "大", "小", "李", "王", "张", "刘", "郭", "侯", "贾", "郝", "阎", "史", "胡", "冯"];
const VILLAGE_SUFFIX: &[&str] = &["庄村", "店村", "屯村", "营村", "街村", "寨村", "家庄村", "召村", "官村", "堡村"];
const FIRM_WORDS: &[&str] =
    &["恒达", "顺通", "宏远", "鑫源", "华泰", "永盛", "金桥", "瑞丰", "昌盛", "兴业", "福达", "天成", "嘉禾", "润泽", "盛世", "新华"];
const FIRM_TRADES: &[(&str, Industry)] = &[
    ("玻璃制品", Industry::Industry),
    ("食品加工", Industry::Industry),
    ("机械制造", Industry::Industry),
    ("建筑工程", Industry::Construction),
    ("商贸", Industry::Wholesale),
    ("超市", Industry::Retail),
    ("物流", Industry::Transport),
    ("仓储", Industry::Warehousing),
    ("酒店", Industry::Accommodation),
    ("餐饮", Industry::Catering),
    ("网络科技", Industry::Software),
    ("物业服务", Industry::PropertyManagement),
    ("农业开发", Industry::Agriculture),
    ("劳务服务", Industry::LeasingBusiness),
];

/// A valid 18-character ID number for a birth date and sequence.
pub fn make_id_number(region: &str, birth: time::Date, seq: u32) -> String {
    let body = format!("{region}{:04}{:02}{:02}{:03}", birth.year(), u8::from(birth.month()), birth.day(), seq % 1000);
    let c = jiuye_domain::id_number::check_char(&body).unwrap_or('0');
    format!("{body}{c}")
}

/// A valid credit code: department 9, category 1, the region, a GB 11714 organisation code.
pub fn make_credit_code(region: &str, rng: &mut Rng) -> String {
    const ORG: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut org = String::from("MA");
    for _ in 0..6 {
        org.push(char::from(ORG.get(rng.below(ORG.len() as u64) as usize).copied().unwrap_or(b'0')));
    }
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let s: u32 = org.chars().zip(W).map(|(c, w)| c.to_digit(36).unwrap_or(0) * w).sum();
    let c9 = match 11 - s % 11 {
        10 => 'X',
        11 => '0',
        v => char::from_digit(v, 10).unwrap_or('0'),
    };
    let body = format!("91{region}{org}{c9}");
    let check = jiuye_domain::credit_code::check_char(&body).unwrap_or('0');
    format!("{body}{check}")
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct DemoSummary {
    pub villages: u64,
    pub households: u64,
    pub persons: UpsertCounts,
    pub enterprises: UpsertCounts,
}

impl App {
    /// Fills the registry with `persons` synthetic persons (and about one enterprise per 15 persons).
    /// `progress` is called with the number of persons written so far.
    pub async fn generate_demo(&self, persons: u32, seed: u64, progress: &mut dyn FnMut(u64)) -> AppResult<DemoSummary> {
        let mut rng = Rng::new(seed);
        let now = self.now();
        let today = self.clock.today();
        let mut villages = Vec::new();
        for (tcode, _) in TOWNSHIPS {
            let count = 12 + rng.below(14);
            let mut names = std::collections::BTreeSet::new();
            while (names.len() as u64) < count {
                let a = rng.pick(VILLAGE_PARTS).copied().unwrap_or("东");
                let b = rng.pick(SURNAMES).copied().unwrap_or("王");
                let c = rng.pick(VILLAGE_SUFFIX).copied().unwrap_or("庄村");
                names.insert(format!("{a}{b}{c}"));
            }
            for (i, name) in names.into_iter().enumerate() {
                villages.push(Village { code: format!("{tcode}{:03}", 200 + i), township_code: tcode.to_string(), name });
            }
        }
        let mut tx = self.store.begin_write().await?;
        tx.insert_villages(&villages).await?;

        let mut households_total = 0u64;
        let mut person_counts = UpsertCounts::default();
        let mut batch: Vec<(uuid::Uuid, PersonWrite)> = Vec::with_capacity(500);
        let mut seen = std::collections::HashSet::new();
        let mut written = 0u32;
        let mut seq = 0u32;
        while written < persons {
            let village = rng.pick(&villages).cloned().ok_or_else(|| crate::AppError::Internal("no villages".into()))?;
            households_total += 1;
            let hh_no = format!("{}{:06}", village.code, households_total);
            let mut gen_id = || self.new_id();
            let hh = tx.ensure_households(&[(hh_no, village.township_code.clone(), Some(village.code.clone()))], &mut gen_id, now).await?;
            let hh_id = hh.first().map(|h| h.id);
            let size = 1 + rng.below(5) as u32;
            let surname = rng.pick(SURNAMES).copied().unwrap_or("王");
            // Most households are poor in work in a few: keep some with nobody working (零就业家庭).
            let jobless_household = rng.chance(3);
            for _ in 0..size.min(persons - written) {
                let age_days = 16 * 365 + rng.below(50 * 365) as i64;
                let birth = today - time::Duration::days(age_days);
                seq += 1;
                let id = make_id_number(jiuye_domain::division::DISTRICT_CODE, birth, seq.wrapping_mul(7919) + rng.below(1000) as u32);
                if !seen.insert(id.clone()) {
                    continue;
                }
                let given: String = (0..1 + rng.below(2)).map(|_| rng.pick(GIVEN).copied().unwrap_or("明")).collect();
                let phone =
                    rng.chance(85).then(|| format!("1{}{:09}", rng.pick(&[3, 5, 7, 8, 9]).copied().unwrap_or(3), rng.below(1_000_000_000)));
                let age = today.year() - birth.year();
                let mut tags = Vec::new();
                let education = if age < 35 && rng.chance(35) {
                    jiuye_domain::Education::Bachelor
                } else {
                    *rng.pick(jiuye_domain::Education::ALL).unwrap_or(&jiuye_domain::Education::Junior)
                };
                let mut graduation = None;
                if matches!(
                    education,
                    jiuye_domain::Education::College | jiuye_domain::Education::Bachelor | jiuye_domain::Education::Master
                ) && age < 30
                {
                    tags.push(Tag::Graduate);
                    let gy = birth.year() + 22;
                    graduation = time::Date::from_calendar_date(gy.min(today.year()), time::Month::June, 30).ok();
                }
                for (tag, pct) in [
                    (Tag::MigrantWorker, 12),
                    (Tag::ReturningMigrant, 4),
                    (Tag::Veteran, 3),
                    (Tag::Disabled, 2),
                    (Tag::PoorHousehold, 3),
                    (Tag::MinimumLiving, 2),
                    (Tag::EmploymentDifficult, 3),
                ] {
                    if rng.chance(pct) {
                        tags.push(tag);
                    }
                }
                let status = if !(18..60).contains(&age) {
                    EmploymentStatus::NotInLabourForce
                } else if jobless_household {
                    EmploymentStatus::Unemployed
                } else {
                    match rng.below(100) {
                        0..=64 => EmploymentStatus::Employed,
                        65..=79 => EmploymentStatus::Flexible,
                        80..=89 => EmploymentStatus::Unemployed,
                        _ => EmploymentStatus::Unknown,
                    }
                };
                if status == EmploymentStatus::Unemployed {
                    tags.push(Tag::Unemployed);
                }
                tags.sort();
                tags.dedup();
                let idn = jiuye_domain::IdNumber::parse(&id).map_err(|e| crate::AppError::Internal(e.to_string()))?;
                let w = PersonWrite {
                    name: format!("{surname}{given}"),
                    id_bidx: self.vault.blind("id", idn.as_str()),
                    id_enc: self.vault.seal(idn.as_str())?,
                    id_masked: idn.masked(),
                    id_last4: idn.last4().to_string(),
                    sex: idn.sex().code().to_string(),
                    birth_date: idn.birth_date(),
                    phone_bidx: phone.as_ref().map(|p| self.vault.blind("phone", p)),
                    phone_enc: match &phone {
                        Some(p) => Some(self.vault.seal(p)?),
                        None => None,
                    },
                    phone_masked: phone.as_ref().map(|p| jiuye_domain::mask::mask_middle(p, 3, 4)),
                    phone_last4: phone.as_ref().map(|p| p.chars().skip(7).collect()),
                    township_code: village.township_code.clone(),
                    village_code: Some(village.code.clone()),
                    household_id: hh_id,
                    tags: Tag::to_storage(&tags),
                    education: Some(education.code().to_string()),
                    graduation_date: graduation,
                    employment_status: status.code().to_string(),
                    key_version: self.vault.key_version(),
                };
                batch.push((self.new_id(), w));
                written += 1;
                if batch.len() == 500 {
                    let c = tx.upsert_persons(&batch, now).await?;
                    add(&mut person_counts, c);
                    batch.clear();
                    progress(u64::from(written));
                }
            }
        }
        let c = tx.upsert_persons(&batch, now).await?;
        add(&mut person_counts, c);
        progress(u64::from(written));

        let mut firms = Vec::new();
        let n_firms = (persons / 15).max(20);
        let mut codes = std::collections::HashSet::new();
        for i in 0..n_firms {
            let (tcode, tname) = TOWNSHIPS.get(rng.below(TOWNSHIPS.len() as u64) as usize).copied().unwrap_or(TOWNSHIPS[0]);
            let (trade, industry) = rng.pick(FIRM_TRADES).copied().unwrap_or(("商贸", Industry::Wholesale));
            let word = rng.pick(FIRM_WORDS).copied().unwrap_or("恒达");
            let name = if i == 0 {
                "燕京啤酒（邢台）有限公司".to_string()
            } else {
                format!("南和区{tname}{word}{trade}有限公司{}", if i > 200 { format!("（{i}）") } else { String::new() })
            };
            let code = make_credit_code(jiuye_domain::division::DISTRICT_CODE, &mut rng);
            if !codes.insert(code.clone()) {
                continue;
            }
            let staff = if i == 0 { 850 } else { rng.pick(&[3, 8, 15, 30, 60, 120, 350]).copied().unwrap_or(8) + rng.below(20) as i64 };
            let insured = staff - rng.below((staff as u64 / 5).max(1)) as i64;
            let revenue_fen = (staff * (20 + rng.below(80) as i64)) * 1_000_000 / 10;
            let industry = if i == 0 { Industry::Industry } else { industry };
            let d = classify(industry, &SizeFigures { staff: Some(staff), revenue_fen: Some(revenue_fen), assets_fen: None });
            let phone = format!("1{}{:09}", rng.pick(&[3, 5, 8]).copied().unwrap_or(3), rng.below(1_000_000_000));
            firms.push((
                self.new_id(),
                EnterpriseWrite {
                    name,
                    credit_code: code,
                    township_code: tcode.to_string(),
                    industry: industry.code().to_string(),
                    staff: Some(staff),
                    insured: Some(insured),
                    revenue_fen: Some(revenue_fen),
                    size_class: d.class.code().to_string(),
                    size_basis: d.basis,
                    contact_name: Some(format!(
                        "{}{}",
                        rng.pick(SURNAMES).copied().unwrap_or("王"),
                        rng.pick(GIVEN).copied().unwrap_or("明")
                    )),
                    contact_phone_bidx: Some(self.vault.blind("phone", &phone)),
                    contact_phone_enc: Some(self.vault.seal(&phone)?),
                    contact_phone_masked: Some(jiuye_domain::mask::mask_middle(&phone, 3, 4)),
                    key_version: self.vault.key_version(),
                    status: None,
                },
            ));
        }
        let mut ent_counts = UpsertCounts::default();
        for chunk in firms.chunks(500) {
            add(&mut ent_counts, tx.upsert_enterprises(chunk, now).await?);
        }
        let summary =
            DemoSummary { villages: villages.len() as u64, households: households_total, persons: person_counts, enterprises: ent_counts };
        tx.audit(self.audit_entry(
            &Actor::cli(),
            "demo.generate",
            "registry",
            None,
            "ok",
            json!({"seed": seed, "persons": persons, "summary": summary}),
        ))
        .await?;
        tx.commit().await?;
        self.store.analyze_after_bulk_load().await?;
        Ok(summary)
    }
}

fn add(total: &mut UpsertCounts, c: UpsertCounts) {
    total.inserted += c.inserted;
    total.updated += c.updated;
    total.unchanged += c.unchanged;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_numbers_are_valid() {
        let mut rng = Rng::new(7);
        for i in 0..500 {
            let birth = time::Date::from_calendar_date(1960 + (i % 50) as i32, time::Month::March, 1 + (i % 28) as u8).unwrap();
            assert!(jiuye_domain::IdNumber::parse(&make_id_number("130527", birth, i)).is_ok());
            let code = make_credit_code("130527", &mut rng);
            assert!(jiuye_domain::CreditCode::parse(&code).is_ok(), "{code}");
            assert!(jiuye_domain::CreditCode::parse(&code).unwrap().warning().is_none());
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_sequence() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        assert!((0..100).all(|_| a.next_u64() == b.next_u64()));
    }
}
