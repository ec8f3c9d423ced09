//! The one error type of the rules layer. Messages are Chinese and name the fact, parameter or
//! program at fault, because they reach clerks through the CLI and the API unchanged.

/// What can go wrong when building a rule set or reading its inputs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RulesError {
    #[error("事实应为一个 JSON 对象（名称到取值的映射）")]
    FactsNotAnObject,
    #[error("未知的事实名称：{name}（完整词汇见 docs/RULES.md）")]
    UnknownFact { name: String },
    #[error("事实 {name} 由系统推导，不能直接提供")]
    DerivedFact { name: String },
    #[error("事实 {name} 应为{expected}，实际为 {got}")]
    FactType { name: String, expected: &'static str, got: String },
    #[error("事实 {name} 的取值无效：{message}")]
    FactValue { name: String, message: String },
    #[error("既往享受记录 prior_grants 无效：{message}")]
    Grants { message: String },
    #[error("列 {name} 的长度为 {got}，应为 {expected}")]
    ColumnLength { name: String, expected: usize, got: usize },
    #[error("未知的项目：{id}")]
    UnknownProgram { id: String },
    #[error("未知的参数：{id}")]
    UnknownParam { id: String },
    #[error("参数 {id}：{message}")]
    Param { id: String, message: String },
    #[error("参数文件无法解析：{message}")]
    ParamFile { message: String },
    #[error("参数设置“{spec}”格式应为 PARAM=VALUE 或 PARAM=VALUE@YYYY-MM-DD..YYYY-MM-DD")]
    SetSyntax { spec: String },
    #[error("政策条款文件无法解析：{message}")]
    Clauses { message: String },
    /// A program definition is inconsistent (a bug in this crate, caught by its tests).
    #[error("项目定义错误（{program}）：{message}")]
    Definition { program: String, message: String },
}

impl RulesError {
    pub(crate) fn param(id: &str, message: impl Into<String>) -> Self {
        Self::Param { id: id.to_string(), message: message.into() }
    }
    pub(crate) fn definition(program: &str, message: impl Into<String>) -> Self {
        Self::Definition { program: program.to_string(), message: message.into() }
    }
}
