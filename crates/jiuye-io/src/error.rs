//! The error types of this crate. Invariant: every `Display` is a complete
//! Chinese sentence a clerk can act on, naming the row, column, sheet or range
//! where there is one, and never containing cell content (which may be
//! personal data) or library internals; those stay in `source()`.

use std::fmt;

use crate::cells::column_letter;

type BoxedSource = Box<dyn std::error::Error + Send + Sync>;

/// Why a file could not be read. One variant per failure class.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened or read from disk.
    #[error("读取上传的文件失败，请重新上传")]
    Io(#[source] std::io::Error),

    /// Larger than `Limits::max_file_bytes`; refused before parsing.
    #[error("文件过大（{}），上限为 {}，请分批导入", Mb(*size), Mb(*limit))]
    FileTooLarge {
        /// Size on disk in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },

    /// A 0-byte file.
    #[error("文件为空（0 字节），请检查后重新上传")]
    EmptyFile,

    /// An extension other than .xlsx/.csv with content that is not a spreadsheet either.
    #[error("不支持的文件类型（{extension}），请上传 .xlsx 或 .csv 文件")]
    UnsupportedExtension {
        /// The extension as uploaded, e.g. `.docx`, or `无扩展名`.
        extension: String,
    },

    /// A legacy .xls (CFB/OLE2) workbook.
    #[error("不支持 .xls 格式，请在 Excel 中另存为 .xlsx")]
    XlsNotSupported,

    /// A password-protected workbook (an encrypted OOXML package inside a CFB container).
    #[error("文件设置了打开密码（已加密），无法读取：请在 Excel 中取消密码后另存为 .xlsx 再导入")]
    Encrypted,

    /// A macro-enabled workbook (.xlsm or a workbook containing a VBA project).
    #[error("不支持启用宏的工作簿（.xlsm），请在 Excel 中另存为“Excel 工作簿（.xlsx）”再导入")]
    MacroEnabled,

    /// An OpenDocument spreadsheet (.ods).
    #[error("不支持 .ods 格式，请另存为 .xlsx 再导入")]
    OdsNotSupported,

    /// Plain text (CSV) uploaded under a workbook extension.
    #[error("文件扩展名为 {extension}，但内容是 CSV 文本：请把扩展名改为 .csv，或在 Excel 中另存为 .xlsx")]
    CsvNamedAsWorkbook {
        /// The extension as uploaded, e.g. `.xlsx`.
        extension: String,
    },

    /// An HTML page (often a web "export to Excel") instead of a spreadsheet.
    #[error("文件内容是网页（HTML），不是 Excel 工作簿：请在 Excel 中打开后另存为 .xlsx")]
    HtmlNotSpreadsheet,

    /// Binary content that is none of the supported formats.
    #[error("无法识别的文件格式：请上传 .xlsx 或 .csv 文件")]
    UnknownFormat,

    /// A zip container that is not a workbook (e.g. a .docx renamed).
    #[error("文件不是有效的 Excel 工作簿（.xlsx），请在 Excel 中另存为 .xlsx 再导入")]
    NotAWorkbook,

    /// A truncated or corrupt zip container.
    #[error("文件已损坏或不完整（压缩结构无效），请重新保存后再上传")]
    CorruptZip(#[source] BoxedSource),

    /// More zip entries than `Limits::max_zip_entries`.
    #[error("文件内部包含 {count} 个部件，超过上限 {limit} 个，疑似异常文件，已拒绝")]
    TooManyZipEntries {
        /// Entries in the central directory.
        count: usize,
        /// The limit.
        limit: usize,
    },

    /// The declared uncompressed sizes add up to more than `Limits::max_uncompressed_bytes`.
    #[error("文件解压后共 {}，超过上限 {}，疑似“压缩炸弹”，已拒绝", Mb(*total), Mb(*limit))]
    UncompressedTooLarge {
        /// Sum of declared uncompressed sizes.
        total: u64,
        /// The limit.
        limit: u64,
    },

    /// One entry compresses better than `Limits::max_compression_ratio`.
    #[error("文件内部部件的压缩比为 {ratio}:1，超过上限 {limit}:1，疑似“压缩炸弹”，已拒绝")]
    CompressionRatio {
        /// Uncompressed/compressed, rounded down.
        ratio: u64,
        /// The limit.
        limit: u64,
    },

    /// The package is readable but its XML is malformed or inconsistent.
    #[error("文件内部结构错误（{part}），请在 Excel 中打开后重新另存再导入")]
    Malformed {
        /// The zip part concerned, e.g. `xl/worksheets/sheet1.xml`, or `CSV 第N行`.
        part: String,
        /// What the parser reported (for logs, not for the user).
        #[source]
        source: Option<BoxedSource>,
    },

    /// The workbook has no worksheet.
    #[error("工作簿中没有工作表")]
    NoWorksheet,

    /// A sheet name that is not valid UTF-8 (strictly: text in `workbook.xml`
    /// that is not UTF-8; sheet names are the text users put there).
    #[error("工作表名称不是有效的文本（非 UTF-8 编码），无法读取：请在 Excel 中重命名工作表后另存")]
    BadSheetName,

    /// No header row: the sheet or file has no content at all.
    #[error("{}没有任何内容：第1行应为表头", Where(sheet.as_deref()))]
    EmptyTable {
        /// The worksheet name, for xlsx.
        sheet: Option<String>,
    },

    /// Row 1 is missing or every header cell is blank.
    #[error("第1行 表头为空")]
    HeaderEmpty,

    /// More data rows than `Limits::max_rows`.
    #[error("数据超过 {limit} 行（第{row}行起超出），请分批导入")]
    TooManyRows {
        /// The first row over the limit.
        row: u32,
        /// The limit.
        limit: u32,
    },

    /// A value in a column beyond `Limits::max_columns`.
    #[error("第{row}行 {}列 超出列数上限（最多 {limit} 列）", column_letter(*column))]
    TooManyColumns {
        /// Spreadsheet row number.
        row: u32,
        /// Zero-based column index.
        column: u32,
        /// The limit.
        limit: u32,
    },

    /// A cell longer than `Limits::max_cell_chars`.
    #[error("第{row}行 {}列 内容超过 {limit} 个字符", column_letter(*column))]
    CellTooLong {
        /// Spreadsheet row number.
        row: u32,
        /// Zero-based column index.
        column: u32,
        /// The limit.
        limit: usize,
    },

    /// A formula cell; imports take values only.
    #[error("第{row}行 {}列 是公式单元格，请复制后“选择性粘贴为数值”再导入", column_letter(*column))]
    Formula {
        /// Spreadsheet row number.
        row: u32,
        /// Zero-based column index.
        column: u32,
    },

    /// Merged cells anywhere in the sheet.
    #[error("{range} 为合并单元格，请取消合并后再导入")]
    MergedCells {
        /// The merged range as written in the file, e.g. `A1:B1`.
        range: String,
    },

    /// A shared-string reference past the end of the shared-string table.
    #[error("第{row}行 {}列 引用了不存在的共享字符串（编号 {index}），文件已损坏：请在 Excel 中重新另存", column_letter(*column))]
    SharedStringOutOfRange {
        /// Spreadsheet row number.
        row: u32,
        /// Zero-based column index.
        column: u32,
        /// The index found.
        index: u64,
    },

    /// A cell or row reference that is malformed or beyond Excel's grid.
    #[error("单元格位置“{reference}”无效或超出 Excel 范围，文件已损坏")]
    BadCellReference {
        /// The reference as found (shortened).
        reference: String,
    },

    /// Rows that go backwards in the file.
    #[error("第{row}行出现在第{after}行之后，文件结构异常：请在 Excel 中重新另存")]
    RowsOutOfOrder {
        /// The row found.
        row: u32,
        /// The row it came after.
        after: u32,
    },

    /// A CSV quoted field that is never closed.
    #[error("CSV 第{line}行 引号不匹配：从这里开始的引号没有结束")]
    CsvUnclosedQuote {
        /// 1-based text line where the quoted field starts.
        line: u64,
    },

    /// A CSV closing quote followed by other characters, e.g. `"ab"c`.
    #[error("CSV 第{line}行 引号不匹配：引号后紧跟了其他字符（字段中的引号应写成两个引号 \"\"）")]
    CsvStrayQuote {
        /// 1-based text line.
        line: u64,
    },

    /// A text file in UTF-16 (Excel's "Unicode text").
    #[error("文件编码为 UTF-16（Unicode 文本），不支持：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”")]
    Utf16Text,

    /// The sink asked to stop.
    #[error("读取已中止")]
    Stopped,
}

impl ReadError {
    pub(crate) fn malformed(part: impl Into<String>, source: Option<BoxedSource>) -> Self {
        ReadError::Malformed { part: part.into(), source }
    }
}

/// Why an .xlsx file could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The underlying writer failed (disk, temp file, invalid sheet name...).
    #[error("生成 Excel 文件失败")]
    Xlsx(#[source] rust_xlsxwriter::XlsxError),

    /// More rows than an Excel sheet can hold.
    #[error("导出数据超过 Excel 单表上限 {limit} 行，请缩小范围后分批导出")]
    TooManyRows {
        /// Data rows allowed (1,048,575 below the header).
        limit: u32,
    },

    /// More columns than an Excel sheet can hold.
    #[error("导出列数超过 Excel 上限 {limit} 列")]
    TooManyColumns {
        /// Columns allowed.
        limit: u16,
    },

    /// A text cell longer than Excel's 32,767 characters.
    #[error("第{row}行 {}列 内容超过 Excel 单元格上限 32767 个字符", column_letter(u32::from(*column)))]
    CellTooLong {
        /// Spreadsheet row number (header = 1).
        row: u32,
        /// Zero-based column index.
        column: u16,
    },
}

impl From<rust_xlsxwriter::XlsxError> for WriteError {
    fn from(err: rust_xlsxwriter::XlsxError) -> Self {
        WriteError::Xlsx(err)
    }
}

/// Bytes shown as megabytes with one decimal, e.g. `50.0 MB`.
struct Mb(u64);

impl fmt::Display for Mb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Precision loss above 2^53 bytes is irrelevant for a display value.
        #[expect(clippy::cast_precision_loss, reason = "display only")]
        let mb = self.0 as f64 / (1024.0 * 1024.0);
        write!(f, "{mb:.1} MB")
    }
}

/// "工作表“X”" for a sheet, "文件" otherwise.
struct Where<'a>(Option<&'a str>);

impl fmt::Display for Where<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(name) => write!(f, "工作表“{name}”"),
            None => f.write_str("文件"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_thread_safe<T: Send + Sync + 'static>() {}

    #[test]
    fn errors_can_cross_threads() {
        assert_thread_safe::<ReadError>();
        assert_thread_safe::<WriteError>();
    }

    #[test]
    fn sizes_are_shown_in_megabytes() {
        let err = ReadError::FileTooLarge { size: 60 * 1024 * 1024, limit: 50 * 1024 * 1024 };
        assert_eq!(err.to_string(), "文件过大（60.0 MB），上限为 50.0 MB，请分批导入");
    }

    #[test]
    fn cell_errors_name_row_and_column_letter() {
        let err = ReadError::Formula { row: 12, column: 2 };
        assert_eq!(err.to_string(), "第12行 C列 是公式单元格，请复制后“选择性粘贴为数值”再导入");
    }

    #[test]
    fn an_empty_table_names_the_sheet_when_there_is_one() {
        let err = ReadError::EmptyTable { sheet: Some("人员".into()) };
        assert_eq!(err.to_string(), "工作表“人员”没有任何内容：第1行应为表头");
        let err = ReadError::EmptyTable { sheet: None };
        assert_eq!(err.to_string(), "文件没有任何内容：第1行应为表头");
    }
}
