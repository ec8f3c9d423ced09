//! Synthetic vacancies and job seekers for the example benchmarks (deterministic, no crates).

#![allow(dead_code, reason = "each example uses a different part")]

use jiuye_search::VacancyDoc;
use jiuye_search::matching::{SeekerProfile, VacancyProfile};

/// A small xorshift generator: deterministic and dependency-free.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len() as u64) as usize;
        items.get(i).unwrap_or_else(|| unreachable!("non-empty list"))
    }
}

pub const OCCUPATIONS: &[(&str, &str)] = &[
    ("6-04-01-01", "电焊工"),
    ("6-04-01-02", "氩弧焊工"),
    ("6-04-01-03", "气焊工"),
    ("2-06-01-01", "会计"),
    ("2-06-01-02", "财务会计"),
    ("2-06-01-03", "出纳"),
    ("4-02-02-01", "货车司机"),
    ("4-02-02-02", "叉车司机"),
    ("4-10-01-01", "保洁员"),
    ("4-10-01-05", "家政服务员"),
    ("4-10-05-01", "育婴员"),
    ("2-02-07-03", "CAD制图员"),
    ("4-03-01-01", "餐厅服务员"),
    ("4-03-02-01", "中式烹调师"),
    ("4-03-02-05", "面点师"),
    ("4-01-02-01", "营业员"),
    ("4-07-01-01", "保安员"),
    ("6-05-02-01", "电工"),
    ("6-18-02-01", "车工"),
    ("6-20-01-01", "装配工"),
    ("4-04-01-01", "快递员"),
    ("2-02-10-00", "软件工程师"),
    ("4-01-06-01", "客服专员"),
    ("6-29-01-01", "仓库管理员"),
    ("4-14-01-01", "养老护理员"),
    ("6-22-01-01", "缝纫工"),
    ("6-29-02-01", "搬运工"),
    ("4-08-01-01", "电子商务师"),
    ("2-05-01-01", "幼儿教师"),
    ("4-13-01-01", "美发师"),
];

const TITLE_PREFIX: &[&str] = &["招聘", "急招", "诚聘", "高薪招聘", "", "", "长期招聘"];
const TITLE_SUFFIX: &[&str] = &["", "", "若干名", "（长期）", "学徒", "2名", "（包吃住）"];

const PHRASES: &[&str] = &[
    "负责日常生产设备的操作与维护",
    "要求身体健康，吃苦耐劳",
    "有相关工作经验者优先",
    "持有特种作业操作证",
    "熟练使用CAD制图软件",
    "持C1驾照，三年以上驾龄",
    "提供食宿，缴纳五险一金",
    "月休四天，包吃包住",
    "工作地点在经济开发区",
    "年龄18至50周岁",
    "能适应倒班和夜班",
    "试用期一个月，转正后待遇从优",
    "沟通能力强，有团队合作精神",
    "高中及以上学历",
    "会使用办公软件和财务软件",
    "节假日发放福利",
    "有焊工证者优先录用",
    "熟悉财务制度，能独立做账报税",
    "负责仓库货物的收发和盘点",
    "负责客户接待与咨询服务",
    "按时完成上级交办的其他工作",
    "工作认真负责，服从安排",
    "计件工资，多劳多得",
    "免费岗前培训，可带薪学习",
    "负责办公区域及公共区域的清洁",
    "熟悉氩弧焊和二氧化碳保护焊",
    "照顾老人日常起居",
    "有驾驶证者优先",
    "能熟练操作数控车床",
    "负责门店商品陈列和销售",
    "有幼儿教师资格证",
    "普通话标准，性格开朗",
    "企业为员工提供通勤班车",
    "接受应届毕业生和退役军人",
    "负责快递的揽收和派送",
];

const PLACES: &[&str] = &["北京", "朝阳", "东方", "华信", "宏达", "金鼎", "瑞丰", "新星", "恒通", "永盛", "安居", "顺达"];
const TRADES: &[&str] = &["机械", "建筑", "物流", "餐饮", "科技", "家政", "服务", "商贸", "电子", "食品", "纺织", "汽车"];
const SUFFIXES: &[&str] = &["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"];
pub const WORK_TYPES: &[&str] = &["full_time", "part_time", "seasonal", "hourly"];
const KINDS: &[&str] = &["ordinary", "ordinary", "ordinary", "public_welfare", "government_project"];

pub fn township(i: u64) -> String {
    format!("110105{:03}", 1 + i % 30)
}

fn description(rng: &mut Rng) -> String {
    let target = 60 + rng.below(61) as usize;
    let mut out = String::new();
    while out.chars().count() < target {
        let phrase: &&str = rng.pick(PHRASES);
        out.push_str(phrase);
        out.push('；');
    }
    out
}

/// The `i`-th synthetic vacancy (title ~10 characters, description 60–120).
pub fn vacancy(rng: &mut Rng, i: u64) -> VacancyDoc {
    let (code, name) = *rng.pick(OCCUPATIONS);
    let pay_min = 2000 + 500 * rng.below(12) as i64;
    VacancyDoc {
        id: i as i64 + 1,
        title: format!("{}{}{}", rng.pick(TITLE_PREFIX), name, rng.pick(TITLE_SUFFIX)),
        occupation_code: code.to_owned(),
        occupation_name: name.to_owned(),
        description: description(rng),
        enterprise_name: format!("{}{}{}", rng.pick(PLACES), rng.pick(TRADES), rng.pick(SUFFIXES)),
        township_code: township(rng.next()),
        work_type: (*rng.pick(WORK_TYPES)).to_owned(),
        kind: (*rng.pick(KINDS)).to_owned(),
        pay_min_yuan: pay_min,
        pay_max_yuan: pay_min + 500 * rng.below(6) as i64,
        published_at: 1_700_000_000 + rng.below(86_400 * 365) as i64,
    }
}

pub fn vacancy_profile(rng: &mut Rng, i: u64) -> VacancyProfile {
    let doc = vacancy(rng, i);
    VacancyProfile {
        id: doc.id,
        occupation_code: doc.occupation_code,
        title: doc.title,
        occupation_name: doc.occupation_name,
        description: doc.description,
        township_code: doc.township_code,
        work_type: doc.work_type,
        pay_min_yuan: doc.pay_min_yuan,
        pay_max_yuan: doc.pay_max_yuan,
        education_min_rank: (rng.below(3) > 0).then(|| 1 + rng.below(5) as u8),
        experience_min_years: (rng.below(2) > 0).then(|| rng.below(5) as u8),
    }
}

const SKILLS: &[&str] = &["氩弧焊", "CAD", "C1驾照", "做账", "收银", "数控车床", "保洁", "烹饪", "叉车", "办公软件", "普通话", "护理"];

pub fn seeker(rng: &mut Rng, i: u64) -> SeekerProfile {
    let (code, name) = *rng.pick(OCCUPATIONS);
    let skills = (0..rng.below(4)).map(|_| (*rng.pick(SKILLS)).to_owned()).collect();
    SeekerProfile {
        id: i as i64 + 1,
        occupation_codes: vec![code.to_owned()],
        occupation_names: vec![name.to_owned()],
        skills,
        pay_expect_yuan: (rng.below(5) > 0).then(|| 2500 + 500 * rng.below(10) as i64),
        township_code: Some(township(rng.next())),
        work_types: (0..rng.below(3)).map(|_| (*rng.pick(WORK_TYPES)).to_owned()).collect(),
        education_rank: Some(1 + rng.below(6) as u8),
        experience_years: Some(rng.below(15) as u8),
        age: Some(18 + rng.below(40) as u8),
    }
}

/// Percentile (0–100) of sorted durations in milliseconds.
pub fn percentile(sorted_ms: &[f64], p: f64) -> f64 {
    if sorted_ms.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted_ms.len() - 1) as f64).round() as usize;
    sorted_ms.get(rank.min(sorted_ms.len() - 1)).copied().unwrap_or(0.0)
}
