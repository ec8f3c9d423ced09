#![doc = include_str!("../README.md")]

mod cells;
mod csv_read;
mod error;
mod package;
mod prescan;
mod sniff;
mod write;
mod xlsx_read;

use std::path::Path;

pub use cells::column_letter;
pub use error::{ReadError, WriteError};
pub use sniff::sniff;
pub use write::{OutCell, ReportSheet, XlsxSheet, write_report, write_template, write_xlsx};

/// Resource limits applied while reading an uploaded file.
///
/// The defaults are generous upper bounds; the web layer passes the tighter
/// values of SECURITY.md R36 (10 MB, 100 zip entries, 100 MB uncompressed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file on disk, checked before any parsing.
    pub max_file_bytes: u64,
    /// Largest number of non-empty data rows (the header row is not counted).
    pub max_rows: u32,
    /// Largest number of columns holding a value.
    pub max_columns: u32,
    /// Largest number of entries in an .xlsx zip container.
    pub max_zip_entries: usize,
    /// Largest sum of the declared uncompressed sizes of all zip entries.
    pub max_uncompressed_bytes: u64,
    /// Largest uncompressed/compressed ratio of one entry; only checked for
    /// entries above 1 MiB uncompressed, where a bomb can do harm.
    pub max_compression_ratio: u64,
    /// Longest cell text in characters (Excel's own limit is 32,767).
    pub max_cell_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 50 * 1024 * 1024,
            max_rows: 1_100_000,
            max_columns: 200,
            max_zip_entries: 1000,
            max_uncompressed_bytes: 2 * 1024 * 1024 * 1024,
            max_compression_ratio: 100,
            max_cell_chars: 32_767,
        }
    }
}

/// One cell as found in the file, before any domain interpretation.
#[derive(Debug, Clone, PartialEq)]
pub enum RawCell {
    /// No value (also used for empty strings).
    Empty,
    /// Text exactly as stored, untrimmed.
    Text(String),
    /// An integer value (xlsx stores most numbers as [`RawCell::Float`]).
    Int(i64),
    /// A number; an 18-digit ID typed as a number arrives here, already rounded by Excel.
    Float(f64),
    /// A boolean cell.
    Bool(bool),
    /// A date/time cell: the Excel serial number in the 1900 date system (days
    /// since 1899-12-30; workbooks in the 1904 system are converted). Cells
    /// formatted as durations (`[h]:mm`) arrive as [`RawCell::Float`] days.
    DateTime(f64),
    /// A date, time or duration stored as ISO 8601 text (`t="d"` cells).
    DateIso(String),
    /// A cell error such as `#DIV/0!`.
    Error(String),
}

impl RawCell {
    /// True for [`RawCell::Empty`] and for text made only of whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            RawCell::Empty => true,
            RawCell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }
}

/// One non-empty data row.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// Spreadsheet row number, 1-based: the header row is 1. For CSV it is the
    /// record number (a quoted field spanning lines still counts as one row).
    pub row: u32,
    /// Cells from column A up to the last non-blank cell of this row (ragged:
    /// rows may be shorter or longer than the header).
    pub cells: Vec<RawCell>,
}

/// Receives the table as it is read, so no reader holds all rows in memory.
pub trait RowSink {
    /// Called once with the header row (trimmed strings). Return Err to stop reading.
    fn header(&mut self, headers: &[String]) -> Result<(), SinkStop>;
    /// Called for every non-empty data row, in order. Entirely empty rows are skipped.
    fn row(&mut self, row: RawRow) -> Result<(), SinkStop>;
}

/// The sink asked to stop (e.g. the import was cancelled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SinkStop;

/// The kind of table file, decided from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// An Office Open XML workbook (zip container).
    Xlsx,
    /// Comma-separated text in UTF-8 or GB18030/GBK.
    Csv,
}

/// The text encoding a CSV file was decoded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// GB18030 (a superset of GBK and GB2312), what Chinese Excel writes by default.
    Gb18030,
}

/// What was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// The file kind, decided by content.
    pub kind: FileKind,
    /// Name of the worksheet read (the first worksheet); `None` for CSV.
    pub sheet_name: Option<String>,
    /// Number of non-empty data rows handed to the sink.
    pub data_rows: u32,
    /// Widest row (header or data), counting up to the last non-blank cell.
    pub columns: u32,
    /// For CSV, the encoding detected; `None` for xlsx.
    pub encoding: Option<TextEncoding>,
}

/// Reads the first worksheet of an .xlsx file, or a .csv file, into `sink`.
///
/// `original_name` is the name the user uploaded (for the extension); the
/// content decides the format. Every failure is a [`ReadError`] whose
/// `Display` is a Chinese message for the user.
pub fn read_table(path: &Path, original_name: &str, limits: &Limits, sink: &mut dyn RowSink) -> Result<TableInfo, ReadError> {
    let size = std::fs::metadata(path).map_err(ReadError::Io)?.len();
    if size > limits.max_file_bytes {
        return Err(ReadError::FileTooLarge { size, limit: limits.max_file_bytes });
    }
    match sniff(path, original_name)? {
        FileKind::Xlsx => xlsx_read::read_xlsx(path, limits, sink),
        FileKind::Csv => csv_read::read_csv(path, limits, sink),
    }
}
