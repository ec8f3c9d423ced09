//! The clause sentences of the policy text that conditions cite, embedded at build time from
//! `policy/clauses.toml` (copied verbatim from the seed text, which ships beside it: Chinese
//! government documents are not subject to copyright, 著作权法 第五条).

use std::collections::BTreeMap;

use crate::error::RulesError;

/// The full policy text, 邢南政发〔2020〕1号, as published.
pub const POLICY_TEXT: &str = include_str!("../policy/seed_xingnanzhengfa_2020_1.txt");
pub(crate) const CLAUSES_TOML: &str = include_str!("../policy/clauses.toml");

/// One sentence of the policy and the measure it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub measure: String,
    pub text: String,
}

/// Clause sentences by key.
#[derive(Debug, Clone, Default)]
pub struct Clauses(BTreeMap<String, Clause>);

impl Clauses {
    pub fn embedded() -> Result<Self, RulesError> {
        Self::parse(CLAUSES_TOML)
    }

    pub fn parse(text: &str) -> Result<Self, RulesError> {
        toml::from_str(text).map(Self).map_err(|e| RulesError::Clauses { message: e.to_string() })
    }

    pub fn get(&self, key: &str) -> Option<&Clause> {
        self.0.get(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Clause)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clause_is_a_verbatim_sentence_of_the_policy_text() {
        let clauses = Clauses::embedded().unwrap();
        assert!(clauses.iter().count() >= 30);
        for (key, c) in clauses.iter() {
            assert!(POLICY_TEXT.contains(&c.text), "{key} is not verbatim");
            let head = c.measure.trim_start_matches('（').trim_end_matches('）');
            let at = POLICY_TEXT.find(&c.text).unwrap();
            let before = &POLICY_TEXT[..at];
            let last_measure = before.rfind(&format!("({head})")).unwrap_or(0);
            // No other measure heading starts between the clause's measure heading and the clause.
            let between = &before[last_measure..];
            assert!(!between.get(1..).unwrap_or("").contains("\n("), "{key} is not in measure {}", c.measure);
        }
    }
}
