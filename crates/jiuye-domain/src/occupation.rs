//! The occupations vacancies and job seekers are filed under.
//!
//! The first digit of a code is the major group (大类) of the national occupational classification
//! GB/T 6565-2015 (职业分类大典); the digits after the dash are jiuye's own numbering of the
//! occupations a district such as Nanhe recruits for. The official four-level codes are not shipped:
//! a district that needs them maps its table onto these (see docs/JOBS.md).

use crate::error::DomainError;
use crate::normalize::normalize;

/// One occupation: code, name, and other names people search by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupation {
    pub code: &'static str,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
}

impl Occupation {
    /// The major group digit ("6" for 生产制造及有关人员).
    pub fn major(&self) -> &'static str {
        self.code.split('-').next().unwrap_or(self.code)
    }

    pub fn major_name(&self) -> &'static str {
        MAJOR_GROUPS.iter().find(|(c, _)| *c == self.major()).map(|(_, n)| *n).unwrap_or("")
    }
}

/// The eight major groups of GB/T 6565-2015.
pub const MAJOR_GROUPS: &[(&str, &str)] = &[
    ("1", "党的机关、国家机关、群众团体和社会组织、企事业单位负责人"),
    ("2", "专业技术人员"),
    ("3", "办事人员和有关人员"),
    ("4", "社会生产服务和生活服务人员"),
    ("5", "农、林、牧、渔业生产及辅助人员"),
    ("6", "生产制造及有关人员"),
    ("7", "军人"),
    ("8", "不便分类的其他从业人员"),
];

macro_rules! occ {
    ($code:literal, $name:literal $(, $alias:literal)*) => {
        Occupation { code: $code, name: $name, aliases: &[$($alias),*] }
    };
}

/// The occupations of the bundled list, ordered by code.
pub const OCCUPATIONS: &[Occupation] = &[
    occ!("1-01", "企业经理", "经理", "主管"),
    occ!("1-02", "车间主任", "生产主管"),
    occ!("2-01", "会计专业人员", "会计", "财务会计", "主办会计"),
    occ!("2-02", "审计专业人员", "审计"),
    occ!("2-03", "软件工程技术人员", "程序员", "软件开发"),
    occ!("2-04", "机械工程技术人员", "机械工程师", "机械设计"),
    occ!("2-05", "电气工程技术人员", "电气工程师"),
    occ!("2-06", "玻璃工艺工程技术人员", "玻璃工艺员"),
    occ!("2-07", "食品工程技术人员", "食品工艺员", "酿造工程师"),
    occ!("2-08", "建筑工程技术人员", "施工员", "土建工程师"),
    occ!("2-09", "质量管理工程技术人员", "质量工程师", "品质主管"),
    occ!("2-10", "中小学教师", "教师", "老师"),
    occ!("2-11", "幼儿教师", "幼师"),
    occ!("2-12", "护士", "护理"),
    occ!("2-13", "临床医师", "医生"),
    occ!("2-14", "农业技术人员", "农技员"),
    occ!("2-15", "CAD制图员", "制图员", "绘图员"),
    occ!("3-01", "行政办事员", "文员", "行政专员"),
    occ!("3-02", "秘书", "文秘"),
    occ!("3-03", "出纳员", "出纳"),
    occ!("3-04", "人力资源专员", "人事专员", "招聘专员"),
    occ!("3-05", "保安员", "保安", "门卫"),
    occ!("3-06", "治安协管员", "协管员"),
    occ!("4-01", "营业员", "导购", "店员"),
    occ!("4-02", "收银员", "收银"),
    occ!("4-03", "快递员", "快递"),
    occ!("4-04", "网约配送员", "外卖骑手", "骑手", "配送员"),
    occ!("4-05", "道路货运汽车驾驶员", "货车司机", "大货车司机", "司机"),
    occ!("4-06", "道路客运汽车驾驶员", "客车司机", "班车司机"),
    occ!("4-07", "叉车司机", "叉车工"),
    occ!("4-08", "仓储管理员", "仓管员", "库管"),
    occ!("4-09", "装卸搬运工", "搬运工", "装卸工"),
    occ!("4-10", "中式烹调师", "厨师", "炒菜师傅"),
    occ!("4-11", "餐厅服务员", "服务员", "传菜员"),
    occ!("4-12", "保洁员", "保洁", "清洁工"),
    occ!("4-13", "家政服务员", "家政", "保姆"),
    occ!("4-14", "育婴员", "月嫂", "育儿嫂"),
    occ!("4-15", "养老护理员", "护工"),
    occ!("4-16", "美发师", "理发师"),
    occ!("4-17", "物业管理员", "物业"),
    occ!("4-18", "电子商务师", "电商运营", "网店运营"),
    occ!("4-19", "互联网营销师", "主播", "直播带货"),
    occ!("4-20", "客户服务管理员", "客服", "话务员"),
    occ!("4-21", "汽车维修工", "汽修工", "汽车修理工"),
    occ!("4-22", "家用电器产品维修工", "家电维修"),
    occ!("4-23", "环卫保洁员", "环卫工"),
    occ!("4-24", "公共场所保洁管护员", "保绿员", "绿化工"),
    occ!("5-01", "农艺工", "种植工"),
    occ!("5-02", "蔬菜园艺工", "大棚种植工", "菜农"),
    occ!("5-03", "果树园艺工", "果树修剪"),
    occ!("5-04", "家畜饲养员", "饲养员", "养殖工"),
    occ!("5-05", "农业机械操作员", "农机手"),
    occ!("5-06", "护林员", "生态护林员"),
    occ!("6-01", "电焊工", "焊工", "焊接工"),
    occ!("6-02", "氩弧焊工", "氩弧焊"),
    occ!("6-03", "钳工", "机修钳工"),
    occ!("6-04", "车工", "普车工"),
    occ!("6-05", "数控车床操作工", "数控车工", "CNC操作工"),
    occ!("6-06", "铣工", "数控铣工"),
    occ!("6-07", "电工", "维修电工", "电气维修工"),
    occ!("6-08", "玻璃熔制工", "熔化工"),
    occ!("6-09", "玻璃成型工", "玻璃制品成型工"),
    occ!("6-10", "玻璃深加工工", "玻璃切割工", "钢化工", "中空玻璃工"),
    occ!("6-11", "啤酒酿造工", "酿酒工", "糖化工", "发酵工"),
    occ!("6-12", "灌装工", "包装工", "打包工"),
    occ!("6-13", "食品检验员", "质检员", "化验员"),
    occ!("6-14", "缝纫工", "车缝工", "裁缝"),
    occ!("6-15", "木工", "木匠"),
    occ!("6-16", "钢筋工", "扎筋工"),
    occ!("6-17", "砌筑工", "瓦工", "泥瓦工"),
    occ!("6-18", "混凝土工", "打灰工"),
    occ!("6-19", "涂装工", "油漆工", "喷漆工"),
    occ!("6-20", "装配工", "组装工"),
    occ!("6-21", "设备维修工", "机修工"),
    occ!("6-22", "生产线操作工", "普工", "操作工", "流水线工人"),
    occ!("6-23", "锅炉操作工", "司炉工"),
    occ!("6-24", "起重机械操作工", "天车工", "吊车司机"),
    occ!("6-25", "注塑工", "塑料成型工"),
    occ!("6-26", "汽车零部件装配工", "汽配工"),
    occ!("6-27", "电子元器件装接工", "电子装配工", "插件工"),
    occ!("8-01", "其他从业人员", "杂工"),
];

/// The catch-all occupation.
pub static OTHER: Occupation = occ!("8-01", "其他从业人员", "杂工");

pub fn by_code(code: &str) -> Option<&'static Occupation> {
    OCCUPATIONS.iter().find(|o| o.code == code)
}

/// Parses what a user typed (code, name or a usual other name) into an occupation.
pub fn parse(input: &str) -> Result<&'static Occupation, DomainError> {
    let s = normalize(input);
    if s.is_empty() {
        return Err(DomainError::new("职业", "occupation.empty", "不能为空"));
    }
    OCCUPATIONS
        .iter()
        .find(|o| o.code == s || o.name == s)
        .or_else(|| OCCUPATIONS.iter().find(|o| o.aliases.contains(&s.as_str())))
        .ok_or_else(|| DomainError::new("职业", "occupation.unknown", format!("“{s}”不是职业目录中的职业，请从目录中选择")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_in_a_major_group() {
        for w in OCCUPATIONS.windows(2) {
            assert!(w[0].code < w[1].code, "{} before {}", w[0].code, w[1].code);
        }
        for o in OCCUPATIONS {
            assert!(!o.major_name().is_empty(), "{} has no major group", o.code);
        }
    }

    #[test]
    fn names_and_aliases_parse() {
        assert_eq!(parse("焊工").unwrap().code, "6-01");
        assert_eq!(parse("6-02").unwrap().name, "氩弧焊工");
        assert_eq!(parse("会计专业人员").unwrap().code, "2-01");
        assert_eq!(parse("宇航员").unwrap_err().code, "occupation.unknown");
        assert_eq!(parse(" ").unwrap_err().code, "occupation.empty");
    }
}
