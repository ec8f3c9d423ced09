#![doc = include_str!("../README.md")]

pub mod credit_code;
pub mod division;
pub mod enterprise;
pub mod error;
pub mod id_number;
pub mod ids;
pub mod mask;
pub mod money;
pub mod monitoring;
pub mod normalize;
pub mod occupation;
pub mod person;
pub mod phone;
pub mod role;
pub mod service_level;
pub mod size_class;
pub mod vacancy;

pub use credit_code::CreditCode;
pub use enterprise::{EnterpriseStatus, Industry};
pub use error::DomainError;
pub use id_number::{IdNumber, Sex};
pub use ids::{EnterpriseId, HouseholdId, PersonId, UserId};
pub use person::{Education, EmploymentStatus, PersonName, Tag};
pub use phone::Phone;
pub use role::Role;
pub use size_class::{SizeClass, SizeDecision, SizeFigures};
pub use vacancy::{VacancyAction, VacancyKind, VacancyStatus, WorkType};
