//! Enterprise vocabulary: industries of the 2011 SME classification and parsing of their Chinese
//! names as clerks type them.

use crate::error::DomainError;
use crate::normalize::normalize;

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            pub fn from_code(s: &str) -> Option<Self> { Self::ALL.iter().copied().find(|v| v.code() == s) }
            pub fn from_label(s: &str) -> Option<Self> { Self::ALL.iter().copied().find(|v| v.label() == s) }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.code()) }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::from_code(&s).ok_or_else(|| serde::de::Error::custom(format!("未知取值：{s}")))
            }
        }
    };
}
pub(crate) use code_enum;

code_enum! {
    /// Industries as the 2011 classification groups them.
    Industry {
        Agriculture => ("agriculture", "农、林、牧、渔业"),
        Industry => ("industry", "工业"),
        Construction => ("construction", "建筑业"),
        Wholesale => ("wholesale", "批发业"),
        Retail => ("retail", "零售业"),
        Transport => ("transport", "交通运输业"),
        Warehousing => ("warehousing", "仓储业"),
        Postal => ("postal", "邮政业"),
        Accommodation => ("accommodation", "住宿业"),
        Catering => ("catering", "餐饮业"),
        Telecom => ("telecom", "信息传输业"),
        Software => ("software", "软件和信息技术服务业"),
        RealEstate => ("real_estate", "房地产开发经营"),
        PropertyManagement => ("property_management", "物业管理"),
        LeasingBusiness => ("leasing_business", "租赁和商务服务业"),
        Other => ("other", "其他未列明行业"),
    }
}

code_enum! {
    /// Whether an enterprise operates (measure (二十): closures and stoppages are reported by
    /// other departments; the vacancy review checks it).
    EnterpriseStatus {
        Active => ("active", "在营"),
        Suspended => ("suspended", "停产"),
        Closed => ("closed", "关闭/注销"),
    }
}

impl Industry {
    /// Accepts the label, the code, or the usual names of national-economy sectors that the 2011
    /// text groups under one class (制造业 → 工业 …).
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = normalize(input);
        if s.is_empty() {
            return Err(DomainError::new("行业", "industry.empty", "不能为空"));
        }
        if let Some(i) = Self::from_label(&s).or_else(|| Self::from_code(&s)) {
            return Ok(i);
        }
        let alias = match s.as_str() {
            "农业" | "林业" | "牧业" | "渔业" | "农林牧渔业" | "农林牧渔" => Some(Self::Agriculture),
            "制造业" | "采矿业" | "电力、热力、燃气及水生产和供应业" | "电力热力燃气及水生产和供应业" => {
                Some(Self::Industry)
            }
            "交通运输" | "运输业" => Some(Self::Transport),
            "住宿" => Some(Self::Accommodation),
            "餐饮" => Some(Self::Catering),
            "批发" => Some(Self::Wholesale),
            "零售" => Some(Self::Retail),
            "房地产" | "房地产业" => Some(Self::RealEstate),
            "软件" | "信息技术服务业" => Some(Self::Software),
            "租赁" | "商务服务业" => Some(Self::LeasingBusiness),
            "其他" => Some(Self::Other),
            _ => None,
        };
        alias.ok_or_else(|| {
            DomainError::new("行业", "industry.unknown", format!("“{s}”不是可识别的行业，请按划型标准的行业名称填写（如工业、零售业）"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_codes_and_aliases_parse() {
        assert_eq!(Industry::parse("制造业").unwrap(), Industry::Industry);
        assert_eq!(Industry::parse("零售业").unwrap(), Industry::Retail);
        assert_eq!(Industry::parse("retail").unwrap(), Industry::Retail);
        assert_eq!(Industry::parse("造船").unwrap_err().code, "industry.unknown");
    }
}
