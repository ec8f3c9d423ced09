//! The generated corpus shared by `gen` (CSV for PostgreSQL + brute-force counts) and `matchbench`.
//!
//! Vacancy i is a pure function of (seed, i), so the 200,000 corpus is the first 200,000 rows of
//! the 1,000,000 one. Texts come from the product's own `jiuye_app::demo_jobs::vacancy_text` and
//! occupation list; kinds, pay and public-welfare wording follow `generate_demo_vacancies`.

use jiuye_app::demo::Rng;
use jiuye_app::demo_jobs::{pay_range, vacancy_text};
use jiuye_domain::division::TOWNSHIPS;
use jiuye_domain::occupation::{self, OTHER, Occupation};
use jiuye_domain::{VacancyKind, WorkType};
use jiuye_search::VacancyDoc;
use jiuye_search::matching::{SeekerProfile, VacancyProfile};

pub const BRANDS: &[&str] = &[
    "金鼎", "宏达", "瑞丰", "恒通", "永盛", "华信", "顺达", "鑫源", "德润", "嘉禾", "利民", "兴旺", "宝鼎", "天昊", "中晶", "冀南",
    "和顺", "泰和", "万通", "众诚", "新星", "东方", "博远", "隆基", "华北", "正大", "聚丰", "盛世", "安泰", "汇通", "晨光", "长城",
    "祥瑞", "鼎盛", "富民", "金源", "红星", "同心", "佳美", "康达", "星辰", "百川", "益民", "广源", "亿丰", "金利", "腾达", "信诚",
];
pub const PREFIXES: &[&str] = &["邢台", "南和区", "河北", "邢台市南和区", "", "", "南和"];
pub const TRADES: &[&str] = &[
    "玻璃制品", "玻璃", "啤酒", "食品", "机械制造", "机械", "建筑工程", "建筑安装", "物流", "仓储服务", "超市", "商贸", "酒店",
    "餐饮管理", "网络科技", "物业服务", "农业发展", "纺织", "汽车配件", "塑料制品", "电子", "宠物食品", "农机", "钢构",
];
pub const SUFFIXES: &[&str] = &["有限公司", "有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "厂", "店"];

/// One generated vacancy: everything the `vacancies` row needs.
pub struct Gen {
    pub kind: VacancyKind,
    pub employer: String,
    pub title: String,
    pub occupation: &'static Occupation,
    pub description: String,
    pub township_code: &'static str,
    pub township_name: &'static str,
    pub work_type: &'static str,
    pub pay_min: i64,
    pub pay_max: i64,
    pub posts: i64,
    pub education_min: Option<&'static str>,
    pub experience_min_years: Option<i64>,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// Seconds before "now" the vacancy was published (0 .. 90 days).
    pub published_ago_s: i64,
    /// Days after today it stays valid (30 .. 120).
    pub valid_days: i64,
    pub uuid: u128,
}

fn employer(rng: &mut Rng) -> String {
    let p = rng.pick(PREFIXES).copied().unwrap_or("");
    let b = rng.pick(BRANDS).copied().unwrap_or("");
    let t = rng.pick(TRADES).copied().unwrap_or("");
    let s = rng.pick(SUFFIXES).copied().unwrap_or("");
    format!("{p}{b}{t}{s}")
}

/// As `demo_jobs::pick_occupation_for` (private there): an occupation that fits the trade.
fn occupation_for(name: &str, rng: &mut Rng) -> &'static Occupation {
    let codes: &[&str] = if name.contains("啤酒") {
        &["6-11", "6-12", "6-13", "4-07", "2-07", "6-21", "4-05"]
    } else if name.contains("玻璃") {
        &["6-08", "6-09", "6-10", "6-22", "4-07", "2-06", "6-24"]
    } else if name.contains("食品") {
        &["6-12", "6-13", "6-22", "2-07", "4-08"]
    } else if name.contains("机械") || name.contains("农机") || name.contains("钢构") || name.contains("汽车") {
        &["6-01", "6-02", "6-03", "6-04", "6-05", "6-06", "6-07", "6-20", "2-04", "2-15", "6-26", "6-21"]
    } else if name.contains("建筑") {
        &["6-16", "6-17", "6-18", "6-19", "2-08", "6-01", "6-15"]
    } else if name.contains("物流") || name.contains("仓储") {
        &["4-05", "4-07", "4-08", "4-09", "4-03", "4-20", "4-04"]
    } else if name.contains("超市") || name.contains("商贸") {
        &["4-01", "4-02", "4-08", "4-18", "4-19", "3-03"]
    } else if name.contains("酒店") || name.contains("餐饮") {
        &["4-10", "4-11", "4-12", "3-05"]
    } else if name.contains("网络") || name.contains("电子") {
        &["2-03", "4-18", "4-19", "4-20", "6-27"]
    } else if name.contains("物业") {
        &["4-17", "4-12", "3-05", "6-07"]
    } else if name.contains("农业") {
        &["5-01", "5-02", "5-03", "5-04", "5-05", "2-14"]
    } else {
        &["6-22", "3-01", "2-01", "4-09", "4-13", "4-14", "4-15", "6-14", "6-25", "1-01", "3-04", "2-09"]
    };
    rng.pick(codes).and_then(|c| occupation::by_code(c)).unwrap_or(&OTHER)
}

/// Vacancy number `i` of the corpus with `seed`.
pub fn vacancy(seed: u64, i: u64) -> Gen {
    let mut rng = Rng::new(seed.wrapping_mul(0x1000_0000_01B3) ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let kind = match rng.below(100) {
        0..=7 => VacancyKind::PublicWelfare,
        8..=11 => VacancyKind::GovernmentProject,
        _ => VacancyKind::Ordinary,
    };
    let (tcode, tname) = TOWNSHIPS.get(rng.below(TOWNSHIPS.len() as u64) as usize).copied().unwrap_or(("130527100", "和阳镇"));
    let (employer, occ) = match kind {
        VacancyKind::PublicWelfare => {
            let occ = rng.pick(&["4-23", "4-24", "3-06", "5-06", "4-15"]).and_then(|c| occupation::by_code(c));
            (format!("南和区{tname}人民政府"), occ.unwrap_or(&OTHER))
        }
        VacancyKind::GovernmentProject => {
            let occ = rng.pick(&["6-16", "6-17", "6-18", "6-01", "4-09", "6-24"]).and_then(|c| occupation::by_code(c));
            let project =
                rng.pick(&["乡村道路提升工程", "农村供水改造工程", "污水管网建设工程", "产业园标准化厂房项目"]).copied().unwrap_or("");
            (format!("南和区{tname}{project}项目部"), occ.unwrap_or(&OTHER))
        }
        _ => {
            let e = employer(&mut rng);
            let occ = occupation_for(&e, &mut rng);
            (e, occ)
        }
    };
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
    let work_type = if kind == VacancyKind::Ordinary {
        rng.pick(&[
            WorkType::FullTime,
            WorkType::FullTime,
            WorkType::FullTime,
            WorkType::PartTime,
            WorkType::Temporary,
            WorkType::Seasonal,
            WorkType::Platform,
        ])
        .copied()
        .unwrap_or(WorkType::FullTime)
        .code()
    } else {
        WorkType::FullTime.code()
    };
    let posts = 1 + rng.below(if kind == VacancyKind::Ordinary { 10 } else { 20 }) as i64;
    let address = format!("{tname}{}", rng.pick(&["工业园区", "镇区主街", "产业园", "农业园区", "物流园"]).copied().unwrap_or(""));
    let contact_name = format!("{}经理", rng.pick(&["王", "李", "张", "刘", "郭", "赵", "陈"]).copied().unwrap_or("王"));
    let contact_phone = format!("0319-{}", 5_000_000 + rng.below(999_999));
    let experience_min_years = rng.chance(30).then(|| 1 + rng.below(3) as i64);
    let published_ago_s = rng.below(90 * 86_400) as i64;
    let valid_days = 30 + rng.below(91) as i64;
    // A v4 UUID from the generator (valid version and variant bits).
    let hi = rng.next_u64();
    let lo = rng.next_u64();
    let mut uuid = ((hi as u128) << 64) | lo as u128;
    uuid = (uuid & !(0xF_u128 << 76)) | (0x4_u128 << 76);
    uuid = (uuid & !(0x3_u128 << 62)) | (0x2_u128 << 62);
    Gen {
        kind,
        employer,
        title,
        occupation: occ,
        description,
        township_code: tcode,
        township_name: tname,
        work_type,
        pay_min,
        pay_max: pay_max.max(pay_min),
        posts,
        education_min: (occ.major() == "2").then_some("college"),
        experience_min_years,
        address,
        contact_name,
        contact_phone,
        published_ago_s,
        valid_days,
        uuid,
    }
}

impl Gen {
    pub fn search_key(&self) -> i64 {
        jiuye_store::vacancies::search_key(uuid::Uuid::from_u128(self.uuid))
    }

    /// The document as `jiuye_app::job_search::doc_of` builds it (the fields the match rule reads).
    pub fn doc(&self) -> VacancyDoc {
        VacancyDoc {
            id: self.search_key(),
            title: self.title.clone(),
            occupation_code: self.occupation.code.to_string(),
            occupation_name: self.occupation.name.to_string(),
            description: self.description.clone(),
            enterprise_name: self.employer.clone(),
            township_code: self.township_code.to_string(),
            work_type: self.work_type.to_string(),
            kind: self.kind.code().to_string(),
            pay_min_yuan: self.pay_min,
            pay_max_yuan: self.pay_max,
            published_at: 0,
        }
    }

    pub fn profile(&self, id: i64) -> VacancyProfile {
        VacancyProfile {
            id,
            occupation_code: self.occupation.code.to_string(),
            title: self.title.clone(),
            occupation_name: self.occupation.name.to_string(),
            description: self.description.clone(),
            township_code: self.township_code.to_string(),
            work_type: self.work_type.to_string(),
            pay_min_yuan: self.pay_min,
            pay_max_yuan: self.pay_max,
            education_min_rank: self.education_min.map(|_| 4),
            experience_min_years: self.experience_min_years.map(|y| y as u8),
        }
    }
}

const SKILLS: &[&str] =
    &["焊工证", "氩弧焊", "叉车证", "驾驶证", "电工证", "CAD", "收银", "厨师", "健康证", "普通话", "护理", "数控", "会计", "仓库", "包装"];

/// Job seeker number `i`: wanted occupations from the classification, skills, pay, township.
pub fn seeker(seed: u64, i: u64) -> SeekerProfile {
    let mut rng = Rng::new(seed ^ 0xA5A5_0000 ^ i.wrapping_mul(0xD1B5_4A32_D192_ED03));
    let n_occ = 1 + rng.below(3);
    let occs: Vec<&Occupation> =
        (0..n_occ).filter_map(|_| rng.pick(jiuye_domain::occupation::OCCUPATIONS)).collect();
    let skills = (0..rng.below(4)).filter_map(|_| rng.pick(SKILLS).map(|s| s.to_string())).collect();
    let work_types = (0..rng.below(3))
        .filter_map(|_| rng.pick(&[WorkType::FullTime, WorkType::PartTime, WorkType::Temporary, WorkType::Seasonal, WorkType::Platform]).map(|w| w.code().to_string()))
        .collect();
    SeekerProfile {
        id: i as i64 + 1,
        occupation_codes: occs.iter().map(|o| o.code.to_string()).collect(),
        occupation_names: occs.iter().map(|o| o.name.to_string()).collect(),
        skills,
        pay_expect_yuan: rng.chance(80).then(|| 2500 + 500 * rng.below(10) as i64),
        township_code: TOWNSHIPS.get(rng.below(TOWNSHIPS.len() as u64) as usize).map(|t| t.0.to_string()),
        work_types,
        education_rank: Some(1 + rng.below(6) as u8),
        experience_years: Some(rng.below(15) as u8),
        age: Some(18 + rng.below(40) as u8),
    }
}

/// Percent-encodes a query-string value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads the query list: one query per line, `#` comments and blank lines skipped.
pub fn read_queries(path: &str) -> std::io::Result<Vec<String>> {
    Ok(std::fs::read_to_string(path)?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect())
}
