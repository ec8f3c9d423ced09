//! Dynamically built queries (filters chosen at run time) carry their values as `Arg`s, bound in
//! order to `$1…$n` on either backend by `bind_args!`.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    OptText(Option<String>),
    I64(i64),
    Bytes(Vec<u8>),
    Uuid(Uuid),
    Date(Date),
    Ts(OffsetDateTime),
}

/// Binds every `Arg` to a query, for whichever backend the query is for.
macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args.iter() {
            q = match a {
                $crate::Arg::Text(v) => q.bind(v.clone()),
                $crate::Arg::OptText(v) => q.bind(v.clone()),
                $crate::Arg::I64(v) => q.bind(*v),
                $crate::Arg::Bytes(v) => q.bind(v.clone()),
                $crate::Arg::Uuid(v) => q.bind(*v),
                $crate::Arg::Date(v) => q.bind(*v),
                $crate::Arg::Ts(v) => q.bind(*v),
            };
        }
        q
    }};
}
pub(crate) use bind_args;

/// Collects `WHERE` conditions and their values, numbering placeholders as it goes.
#[derive(Default)]
pub(crate) struct Filter {
    pub conds: Vec<String>,
    pub args: Vec<Arg>,
}

impl Filter {
    /// Adds a condition; `?` in `cond` is replaced by the next placeholder.
    pub fn push(&mut self, cond: &str, arg: Arg) {
        self.args.push(arg);
        let n = self.args.len();
        self.conds.push(cond.replace('?', &format!("${n}")));
    }

    pub fn push_raw(&mut self, cond: &str) {
        self.conds.push(cond.to_string());
    }

    pub fn where_clause(&self) -> String {
        if self.conds.is_empty() { String::new() } else { format!(" WHERE {}", self.conds.join(" AND ")) }
    }

    /// The next placeholder number (for LIMIT/OFFSET after the filter).
    pub fn next(&self) -> usize {
        self.args.len() + 1
    }
}

/// The smallest string greater than every string starting with `prefix`, for an index range scan
/// (`name >= prefix AND name < upper`).
pub(crate) fn prefix_upper(prefix: &str) -> String {
    let mut s = prefix.to_string();
    s.push(char::MAX);
    s
}
