//! Enterprise size class (大型/中型/小型/微型) by the 2011 SME classification, 工信部联企业〔2011〕300号
//! 《中小企业划型标准规定》. Each industry is classified by one or two indicators (staff, revenue, total
//! assets); an enterprise is medium when it reaches both medium thresholds, small when it reaches both
//! small thresholds, micro otherwise, and large only when it reaches both large thresholds.
//!
//! Amounts are integer fen; the thresholds of the text are in 万元 (1 万元 = 1 000 000 fen).

use crate::enterprise::Industry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    Large,
    Medium,
    Small,
    Micro,
}

impl SizeClass {
    pub fn label(self) -> &'static str {
        match self {
            SizeClass::Large => "大型",
            SizeClass::Medium => "中型",
            SizeClass::Small => "小型",
            SizeClass::Micro => "微型",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            SizeClass::Large => "large",
            SizeClass::Medium => "medium",
            SizeClass::Small => "small",
            SizeClass::Micro => "micro",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Large, Self::Medium, Self::Small, Self::Micro].into_iter().find(|c| c.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Indicator {
    Staff,
    Revenue,
    Assets,
}

impl Indicator {
    fn label(self) -> &'static str {
        match self {
            Indicator::Staff => "从业人员",
            Indicator::Revenue => "营业收入",
            Indicator::Assets => "资产总额",
        }
    }
    fn unit(self) -> &'static str {
        match self {
            Indicator::Staff => "人",
            _ => "万元",
        }
    }
}

/// Thresholds for one indicator: large, medium, small (in persons or 万元).
type Thresholds = (Indicator, [i64; 3]);

fn standard(industry: Industry) -> (Thresholds, Option<Thresholds>) {
    use Indicator::*;
    use Industry as I;
    match industry {
        I::Agriculture => ((Revenue, [20000, 500, 50]), None),
        I::Industry => ((Staff, [1000, 300, 20]), Some((Revenue, [40000, 2000, 300]))),
        I::Construction => ((Revenue, [80000, 6000, 300]), Some((Assets, [80000, 5000, 300]))),
        I::Wholesale => ((Staff, [200, 20, 5]), Some((Revenue, [40000, 5000, 1000]))),
        I::Retail => ((Staff, [300, 50, 10]), Some((Revenue, [20000, 500, 100]))),
        I::Transport => ((Staff, [1000, 300, 20]), Some((Revenue, [30000, 3000, 200]))),
        I::Warehousing => ((Staff, [200, 100, 20]), Some((Revenue, [30000, 1000, 100]))),
        I::Postal => ((Staff, [1000, 300, 20]), Some((Revenue, [30000, 2000, 100]))),
        I::Accommodation | I::Catering => ((Staff, [300, 100, 10]), Some((Revenue, [10000, 2000, 100]))),
        I::Telecom => ((Staff, [2000, 100, 10]), Some((Revenue, [100000, 1000, 100]))),
        I::Software => ((Staff, [300, 100, 10]), Some((Revenue, [10000, 1000, 50]))),
        I::RealEstate => ((Revenue, [200000, 1000, 100]), Some((Assets, [10000, 5000, 2000]))),
        I::PropertyManagement => ((Staff, [1000, 300, 100]), Some((Revenue, [5000, 1000, 500]))),
        I::LeasingBusiness => ((Staff, [300, 100, 10]), Some((Assets, [120000, 8000, 100]))),
        I::Other => ((Staff, [300, 100, 10]), None),
    }
}

/// The figures the classification reads. Money in fen.
#[derive(Debug, Clone, Copy, Default)]
pub struct SizeFigures {
    pub staff: Option<i64>,
    pub revenue_fen: Option<i64>,
    pub assets_fen: Option<i64>,
}

/// A class and the sentence that justifies it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SizeDecision {
    pub class: SizeClass,
    pub basis: String,
}

const FEN_PER_WAN: i64 = 1_000_000;

fn value(figures: &SizeFigures, ind: Indicator) -> Option<i64> {
    match ind {
        Indicator::Staff => figures.staff,
        Indicator::Revenue => figures.revenue_fen.map(|f| f / FEN_PER_WAN),
        Indicator::Assets => figures.assets_fen.map(|f| f / FEN_PER_WAN),
    }
}

fn describe(figures: &SizeFigures, ind: Indicator) -> String {
    match (ind, figures) {
        (Indicator::Staff, SizeFigures { staff: Some(s), .. }) => format!("从业人员{s}人"),
        (Indicator::Revenue, SizeFigures { revenue_fen: Some(r), .. }) => format!("营业收入{}万元", fen_to_wan(*r)),
        (Indicator::Assets, SizeFigures { assets_fen: Some(a), .. }) => format!("资产总额{}万元", fen_to_wan(*a)),
        _ => format!("{}未提供", ind.label()),
    }
}

/// Formats fen as 万元 with up to two decimals, trailing zeros dropped.
pub fn fen_to_wan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let whole = fen / 1_000_000;
    let frac = (fen % 1_000_000) / 10_000;
    if frac == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{frac:02}").trim_end_matches('0').to_string() }
}

/// Classifies an enterprise. Missing indicators are skipped and the basis says so; with none of
/// the needed indicators the enterprise is classed micro and the basis says it must be verified.
pub fn classify(industry: Industry, figures: &SizeFigures) -> SizeDecision {
    let (first, second) = standard(industry);
    let indicators: Vec<Thresholds> = std::iter::once(first).chain(second).collect();
    let known: Vec<(Indicator, [i64; 3], i64)> =
        indicators.iter().filter_map(|(ind, t)| value(figures, *ind).map(|v| (*ind, *t, v))).collect();
    let facts = indicators.iter().map(|(ind, _)| describe(figures, *ind)).collect::<Vec<_>>().join("，");
    let head = format!("行业：{}；{}。", industry.label(), facts);
    if known.is_empty() {
        return SizeDecision {
            class: SizeClass::Micro,
            basis: format!("{head}缺少划型所需指标，暂按微型登记，需核定（工信部联企业〔2011〕300号）"),
        };
    }
    let reaches = |level: usize| known.iter().all(|(_, t, v)| t.get(level).is_some_and(|th| *v >= *th));
    let (class, level) = if reaches(0) {
        (SizeClass::Large, 0)
    } else if reaches(1) {
        (SizeClass::Medium, 1)
    } else if reaches(2) {
        (SizeClass::Small, 2)
    } else {
        (SizeClass::Micro, 2)
    };
    let rule = indicators
        .iter()
        .map(|(ind, t)| format!("{}{}{}", ind.label(), t.get(level).copied().unwrap_or(0), ind.unit()))
        .collect::<Vec<_>>()
        .join("且");
    let verdict = if class == SizeClass::Micro {
        format!("未同时达到小型企业标准（{rule}及以上）")
    } else {
        format!("达到{}企业标准（{rule}及以上）", class.label())
    };
    let missing = if known.len() < indicators.len() { "；部分指标未提供，仅按已有指标判定" } else { "" };
    SizeDecision {
        class, basis: format!("{head}{verdict}，划为{}企业{missing}（工信部联企业〔2011〕300号）", class.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(staff: i64, revenue_wan: i64) -> SizeFigures {
        SizeFigures { staff: Some(staff), revenue_fen: Some(revenue_wan * FEN_PER_WAN), assets_fen: None }
    }

    #[test]
    fn industry_boundaries() {
        let cases = [
            (Industry::Industry, 1000, 40000, SizeClass::Large),
            (Industry::Industry, 999, 40000, SizeClass::Medium),
            (Industry::Industry, 300, 2000, SizeClass::Medium),
            (Industry::Industry, 300, 1999, SizeClass::Small),
            (Industry::Industry, 20, 300, SizeClass::Small),
            (Industry::Industry, 19, 5000, SizeClass::Micro),
            (Industry::Retail, 10, 100, SizeClass::Small),
            (Industry::Retail, 9, 100, SizeClass::Micro),
            (Industry::Other, 100, 0, SizeClass::Medium),
            (Industry::Software, 10, 50, SizeClass::Small),
        ];
        for (industry, staff, rev, expect) in cases {
            let d = classify(industry, &figures(staff, rev));
            assert_eq!(d.class, expect, "{industry:?} staff {staff} revenue {rev}: {}", d.basis);
        }
    }

    #[test]
    fn the_basis_names_the_figures_and_the_document() {
        let d = classify(Industry::Industry, &figures(250, 3000));
        assert_eq!(d.class, SizeClass::Small);
        assert!(d.basis.contains("从业人员250人"), "{}", d.basis);
        assert!(d.basis.contains("营业收入3000万元"), "{}", d.basis);
        assert!(d.basis.contains("300号"), "{}", d.basis);
    }

    #[test]
    fn missing_indicators_are_said() {
        let d = classify(Industry::Construction, &figures(50, 500));
        assert!(d.basis.contains("资产总额未提供"), "{}", d.basis);
        let none = classify(Industry::Agriculture, &SizeFigures::default());
        assert!(none.basis.contains("需核定"));
    }

    #[test]
    fn fen_formats_as_wan() {
        assert_eq!(fen_to_wan(12_345_000), "12.34");
        assert_eq!(fen_to_wan(5_000_000), "5");
        assert_eq!(fen_to_wan(1_500_000), "1.5");
    }
}
