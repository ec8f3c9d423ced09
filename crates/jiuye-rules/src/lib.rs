#![doc = include_str!("../README.md")]

pub mod clauses;
pub mod dates;
pub mod decision;
pub mod derived;
pub mod error;
mod explain;
pub mod expr;
pub mod facts;
pub mod params;
pub mod programs;
pub mod retirement;
mod ruleset;
pub mod scan;
pub mod value;
pub mod vocabulary;

pub use clauses::{Clause, Clauses, POLICY_TEXT};
pub use decision::{ConditionResult, Decision, EXCLUSIVITY_CONDITION, Outcome, ParamUsed};
pub use error::RulesError;
pub use facts::{Facts, Grant, PRIOR_GRANTS_KEY};
pub use params::{Param, Params};
pub use programs::{Amount, AmountKind, Applicant, Condition, Exclusivity, GrantScope, Program};
pub use ruleset::{DEFAULT_PARAMS, Ruleset};
pub use scan::{Column, ColumnBuilder, FactColumns, ScanResult};
pub use value::{Value, ValueType, yuan_string};
pub use vocabulary::{FACTS, FactDef, FactKind};
