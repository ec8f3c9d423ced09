//! `jiuye`: the one binary of the system. See `jiuye --help`.

mod commands;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "jiuye", version, about = "南和区就业服务系统 jiuye")]
pub(crate) struct Cli {
    /// Database: sqlite://PATH or postgres://… (default sqlite://jiuye.db).
    #[arg(long, global = true, env = "JIUYE_DATABASE_URL")]
    database: Option<String>,
    /// Configuration file (default: jiuye.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Start the web server.
    Serve {
        #[arg(long)]
        bind: Option<String>,
    },
    /// Fill an empty database with a synthetic Nanhe District, then start the server.
    Demo {
        #[arg(long, default_value_t = 20_000)]
        persons: u32,
        #[arg(long, default_value_t = 2020)]
        seed: u64,
        #[arg(long)]
        bind: Option<String>,
        /// Generate the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Import persons or enterprises from .xlsx or .csv.
    Import {
        kind: ImportWhat,
        file: PathBuf,
        /// Store nothing unless every row is valid.
        #[arg(long)]
        all_or_nothing: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Export persons, households or enterprises (masked) to .xlsx.
    Export {
        kind: ExportWhat,
        file: PathBuf,
        #[arg(long)]
        township: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        #[arg(long)]
        name: Option<String>,
    },
    /// Write an import template (.xlsx).
    Template { kind: ImportWhat, file: PathBuf },
    /// Accounts: create, reset, unlock, disable, enable, list.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Online backup of the SQLite database to a new file (PostgreSQL: use pg_dump).
    Backup { dest: PathBuf },
    /// The policy as code: list the programs, show one, explain a case.
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// The proactive scan (免申即享): who in the registry is eligible for what, and who is close.
    Scan {
        #[arg(long)]
        program: Option<String>,
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        township: Option<String>,
        /// Also write the hits to this .xlsx file.
        #[arg(long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// What-if: beneficiaries and cost before and after changing parameters, on the live registry.
    Simulate {
        /// PARAM=VALUE or PARAM=VALUE@FROM..TO (repeatable), e.g. startup_loan.ceiling_yuan=200000.
        #[arg(long = "set", required = true)]
        sets: Vec<String>,
        #[arg(long)]
        program: Option<String>,
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        township: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The job board's search index.
    Search {
        #[command(subcommand)]
        action: SearchAction,
    },
    /// Vacancies: the passing-up export (归集) for the higher-level authority.
    Vacancies {
        #[command(subcommand)]
        action: VacancyAction,
    },
    /// Households: the zero-employment ones (零就业家庭), derived from their members.
    Households {
        #[command(subcommand)]
        action: HouseholdAction,
    },
    /// Unemployment follow-up (measure (二十二)).
    Followup {
        #[command(subcommand)]
        action: FollowupAction,
    },
    /// The payment ledger (append-only, integer fen).
    Ledger {
        #[command(subcommand)]
        action: LedgerAction,
    },
    /// Recorded decisions of the rules engine.
    Decision {
        #[command(subcommand)]
        action: DecisionAction,
    },
    /// Payment batches: create, export for the bank, reconcile with the bank's result file.
    Batch {
        #[command(subcommand)]
        action: BatchAction,
    },
    /// Enterprise employment monitoring and layoff early warning.
    Monitor {
        #[command(subcommand)]
        action: MonitorAction,
    },
    /// Statistics reports: the monthly employment report as .xlsx.
    Report {
        #[command(subcommand)]
        action: ReportAction,
    },
    /// The dashboards' figures: recompute them now.
    Stats {
        #[command(subcommand)]
        action: StatsAction,
    },
    /// The SMS outbox.
    Sms {
        #[command(subcommand)]
        action: SmsAction,
    },
    /// Configuration.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

#[derive(Subcommand)]
pub(crate) enum SearchAction {
    /// Rebuild the index from the published vacancies in the database (stop the server first:
    /// the index directory belongs to one process).
    Reindex {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
pub(crate) enum VacancyAction {
    /// Export the vacancies changed since the last export (or all published ones with --full)
    /// as JSON (format jiuye.vacancies.v1, docs/JOBS.md) or .xlsx.
    Export {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = FileFormat::Json)]
        format: FileFormat,
        #[arg(long)]
        full: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FileFormat {
    Json,
    Xlsx,
}

#[derive(Subcommand)]
pub(crate) enum HouseholdAction {
    /// The current zero-employment households with the date each became one (--cleared: the
    /// cleared ones with how long each took).
    ZeroEmployment {
        #[arg(long)]
        township: Option<String>,
        #[arg(long)]
        cleared: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
pub(crate) enum FollowupAction {
    /// Active registrations with no contact yet in the month of the as-of date (default today),
    /// with their township and how many months they have gone without contact.
    Due {
        #[arg(long)]
        township: Option<String>,
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
pub(crate) enum MonitorAction {
    /// The alerts with enterprise, level, rule and figures (red first), for a month and township.
    Alerts {
        /// YYYY-MM (default: all months).
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        township: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Monitored enterprises without a month's report, with the SMS reminders sent to each.
    Late {
        /// YYYY-MM (default: last month).
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        township: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
pub(crate) enum ReportAction {
    /// The monthly employment statistics report (townships, subsidies, key groups) of a month,
    /// generated from the data after recomputing the figures.
    Monthly {
        /// YYYY-MM (default: last month).
        #[arg(long)]
        period: Option<String>,
        /// The .xlsx file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
pub(crate) enum StatsAction {
    /// Recompute every dashboard figure from the raw tables (the server does it every hour).
    Refresh {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
pub(crate) enum LedgerAction {
    /// Recompute the hash chain, every batch, fund and program total from the entries; exit 1
    /// naming the entry (or batch, or total) when anything does not balance.
    Verify {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
pub(crate) enum DecisionAction {
    /// Re-evaluate a recorded decision from its stored facts and date under today's rules;
    /// exit 1 and say why when it would differ.
    Replay {
        id: i64,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
pub(crate) enum BatchAction {
    /// Group a program's approved, unpaid grants into a payment batch with control totals.
    Create {
        #[arg(long)]
        program: String,
        /// Budget year of the grants (default: all years).
        #[arg(long)]
        year: Option<i64>,
        /// The payment period written on the batch (e.g. 2020-06).
        #[arg(long)]
        period: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write the batch for the bank as .xlsx (control totals checked first).
    Export {
        id: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Import the bank's result file (.xlsx or .csv: 序号, 金额（元）, 结果, 失败原因, 银行流水号).
    Reconcile {
        id: i64,
        #[arg(long)]
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
pub(crate) enum SmsAction {
    /// Send what is due now (the server does this every few seconds; for cron without a server).
    SendDue {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ImportWhat {
    Persons,
    Enterprises,
    /// The unemployment-insurance agency's yearly statements of enterprises (参保缴费数据).
    Insurance,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ExportWhat {
    Persons,
    Households,
    Enterprises,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
pub(crate) enum UserAction {
    /// Create an account with a random initial password (printed once).
    Create {
        login: String,
        #[arg(long)]
        name: String,
        /// admin, bureau_staff, township_clerk, enterprise_hr, leader
        #[arg(long)]
        role: String,
        /// Township (name or code), for township_clerk.
        #[arg(long)]
        township: Option<String>,
        /// Credit code of the enterprise, for enterprise_hr.
        #[arg(long)]
        credit_code: Option<String>,
    },
    /// Set a new random password that must be changed at next login.
    Reset {
        login: String,
    },
    /// Lift a lockout.
    Unlock {
        login: String,
    },
    Disable {
        login: String,
    },
    Enable {
        login: String,
    },
    List,
}

#[derive(Subcommand)]
pub(crate) enum PolicyAction {
    /// Every program with its measure number.
    List {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// One program: conditions, parameters with their values, the clauses of the policy text.
    Show {
        program: String,
        /// The date the parameter values are read at (default: today).
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Explain one case: facts (a JSON object of named facts, see docs/RULES.md) → decision.
    Eval {
        program: String,
        #[arg(long)]
        facts: PathBuf,
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
pub(crate) enum AuditAction {
    /// Recompute the hash chain; exit 1 if any entry was altered, deleted or reordered.
    Verify,
}

#[derive(Subcommand)]
pub(crate) enum ConfigAction {
    /// Print the commented default configuration.
    PrintDefault,
    /// Print the effective configuration (secrets redacted).
    Show,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Config { action: ConfigAction::PrintDefault } = cli.command {
        commands::print(settings::DEFAULT_TOML);
        return ExitCode::SUCCESS;
    }
    let mut settings = match settings::Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            commands::eprint(&format!("配置错误：{e}"));
            return ExitCode::from(2);
        }
    };
    if let Some(db) = &cli.database {
        settings.database_url = db.clone();
    }
    commands::init_logging(&settings);
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            commands::eprint(&format!("无法启动运行时：{e}"));
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(commands::run(cli.command, settings)) {
        Ok(code) => code,
        Err(e) => {
            commands::eprint(&format!("错误：{e:#}"));
            ExitCode::FAILURE
        }
    }
}
