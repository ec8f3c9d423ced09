//! Writing .xlsx files: exports (streamed in rust_xlsxwriter's constant-memory
//! mode) and import templates. Invariants: no cell is ever written as a
//! formula; any text that a spreadsheet could take for a formula (starting
//! with `=`, `+`, `-`, `@`, tab, CR or NUL, the OWASP CSV-injection set) is
//! written as a string prefixed with `'`; ID-like columns carry the Text
//! format (`@`) so Excel never turns them into rounded numbers.
//!
//! The `footer_note` of an export (a watermark such as "导出人 张三
//! 2026-11-27 10:00 仅限工作使用") goes to two places: a second sheet named
//! "说明" (so it is visible on screen and survives copy/paste of the file),
//! and the page footer of the data sheet (so it is on every printed page).

use std::path::Path;

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet};

use crate::WriteError;

/// Excel's grid below the header row, and its column count.
const MAX_DATA_ROWS: u32 = 1_048_575;
const MAX_COLUMNS: u16 = 16_384;
/// Excel's cell text limit.
const MAX_CELL_CHARS: usize = 32_767;
/// Data rows pre-formatted as Text in an import template (spreadsheet rows 2..=2001).
const TEMPLATE_TEXT_ROWS: u32 = 2000;
/// Name of the notes sheet of an export, and of a template.
const EXPORT_NOTE_SHEET: &str = "说明";
const TEMPLATE_NOTE_SHEET: &str = "填写说明";

/// Layout of the one data sheet of an export or template.
#[derive(Debug, Clone, Copy)]
pub struct XlsxSheet<'a> {
    /// Sheet name (at most 31 characters, none of `[]:*?/\`).
    pub name: &'a str,
    /// Header texts, written bold in row 1, which is frozen.
    pub headers: &'a [&'a str],
    /// Zero-based columns formatted as Text (`@`), e.g. ID numbers.
    pub text_columns: &'a [usize],
}

/// One exported cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutCell {
    /// Text; neutralised if it could be read as a formula.
    Text(String),
    /// An integer; beyond ±2^53 it is written as text so Excel cannot round it.
    Int(i64),
    /// Nothing.
    Empty,
}

/// Writes an export: a header row and `rows`, streamed so memory stays flat
/// for hundreds of thousands of rows. Returns the number of data rows.
pub fn write_xlsx<I: IntoIterator<Item = Vec<OutCell>>>(
    path: &Path,
    sheet: &XlsxSheet,
    rows: I,
    footer_note: Option<&str>,
) -> Result<u64, WriteError> {
    let mut workbook = Workbook::new();
    let formats = Formats::new();
    let worksheet = workbook.add_worksheet_with_constant_memory()?;
    set_up_data_sheet(worksheet, sheet, &formats)?;
    if let Some(note) = footer_note {
        worksheet.set_footer(footer_text(note));
    }
    let mut row: u32 = 0;
    for cells in rows {
        if row >= MAX_DATA_ROWS {
            return Err(WriteError::TooManyRows { limit: MAX_DATA_ROWS });
        }
        row += 1;
        for (index, cell) in cells.into_iter().enumerate() {
            let column = column_number(index)?;
            let is_text_column = sheet.text_columns.contains(&index);
            match cell {
                OutCell::Empty => {}
                OutCell::Text(text) => {
                    write_text(worksheet, row, column, &text, is_text_column, &formats)?;
                }
                OutCell::Int(value) => {
                    if value.unsigned_abs() > 1 << 53 || is_text_column {
                        let text = value.to_string();
                        write_text(worksheet, row, column, &text, is_text_column, &formats)?;
                    } else {
                        #[expect(clippy::cast_precision_loss, reason = "|value| <= 2^53 is exact")]
                        worksheet.write_number(row, column, value as f64)?;
                    }
                }
            }
        }
    }
    if let Some(note) = footer_note {
        let name = unused_name(EXPORT_NOTE_SHEET, sheet.name);
        let notes = workbook.add_worksheet();
        notes.set_name(name)?;
        notes.set_column_width(0, 80)?;
        notes.write_string_with_format(0, 0, neutralise(note).as_ref(), &formats.wrap)?;
    }
    workbook.save(path)?;
    Ok(u64::from(row))
}

/// Writes an import template: the header row, Text format on the text
/// columns (whole column, plus explicitly formatted blank cells in the first
/// 2000 data rows for spreadsheet programs that ignore column formats), the
/// example rows, and a second sheet "填写说明" listing `notes`.
pub fn write_template(path: &Path, sheet: &XlsxSheet, example_rows: &[Vec<&str>], notes: &[&str]) -> Result<(), WriteError> {
    let mut workbook = Workbook::new();
    let formats = Formats::new();
    let worksheet = workbook.add_worksheet();
    set_up_data_sheet(worksheet, sheet, &formats)?;
    let examples = u32::try_from(example_rows.len()).unwrap_or(u32::MAX);
    if examples > MAX_DATA_ROWS {
        return Err(WriteError::TooManyRows { limit: MAX_DATA_ROWS });
    }
    for (offset, cells) in (1u32..).zip(example_rows) {
        for (index, text) in cells.iter().enumerate() {
            let column = column_number(index)?;
            let is_text_column = sheet.text_columns.contains(&index);
            write_text(worksheet, offset, column, text, is_text_column, &formats)?;
        }
    }
    for &index in sheet.text_columns {
        let column = column_number(index)?;
        for row in (examples + 1)..=TEMPLATE_TEXT_ROWS {
            worksheet.write_blank(row, column, &formats.text)?;
        }
    }
    let name = unused_name(TEMPLATE_NOTE_SHEET, sheet.name);
    let notes_sheet = workbook.add_worksheet();
    notes_sheet.set_name(name)?;
    notes_sheet.set_column_width(0, 100)?;
    notes_sheet.write_string_with_format(0, 0, TEMPLATE_NOTE_SHEET, &formats.header)?;
    for (row, note) in (1u32..).zip(notes) {
        notes_sheet.write_string_with_format(row, 0, neutralise(note).as_ref(), &formats.wrap)?;
    }
    workbook.save(path)?;
    Ok(())
}

/// One sheet of a statistics report in the layout reports are filed upward: a title across the
/// table, a line naming the reporting unit and period, the header row, the data rows (the last
/// one bold when it is a total) and notes under the table. Printed on A4 landscape, fitted to the
/// page width.
#[derive(Debug, Clone)]
pub struct ReportSheet {
    pub name: String,
    pub title: String,
    pub subtitle: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<OutCell>>,
    /// The last row is a total (合计) and is written bold.
    pub total_row: bool,
    pub notes: Vec<String>,
}

/// Writes a statistics report: one sheet per `ReportSheet`, small enough to hold in memory.
pub fn write_report(path: &Path, sheets: &[ReportSheet]) -> Result<(), WriteError> {
    let mut workbook = Workbook::new();
    let title = Format::new().set_bold().set_font_size(16).set_align(rust_xlsxwriter::FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let header = Format::new().set_bold().set_border(FormatBorder::Thin).set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Center);
    let total = Format::new().set_bold().set_border(FormatBorder::Thin);
    for sheet in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name)?;
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        let last = column_number(sheet.headers.len().saturating_sub(1))?;
        ws.merge_range(0, 0, 0, last, neutralise(&sheet.title).as_ref(), &title)?;
        ws.write_string(1, 0, neutralise(&sheet.subtitle).as_ref())?;
        ws.set_row_height(2, 36)?;
        for (index, h) in sheet.headers.iter().enumerate() {
            let column = column_number(index)?;
            ws.set_column_width(column, column_width(h, false).min(16.0).max(if index == 0 { 16.0 } else { 10.0 }))?;
            ws.write_string_with_format(2, column, neutralise(h).as_ref(), &header)?;
        }
        let mut row: u32 = 3;
        let count = sheet.rows.len();
        for (i, cells) in sheet.rows.iter().enumerate() {
            let format = if sheet.total_row && i + 1 == count { &total } else { &cell };
            for (index, c) in cells.iter().enumerate() {
                let column = column_number(index)?;
                match c {
                    OutCell::Text(t) => {
                        ws.write_string_with_format(row, column, neutralise(t).as_ref(), format)?;
                    }
                    OutCell::Int(v) if v.unsigned_abs() <= 1 << 53 => {
                        #[expect(clippy::cast_precision_loss, reason = "|value| <= 2^53 is exact")]
                        ws.write_number_with_format(row, column, *v as f64, format)?;
                    }
                    OutCell::Int(v) => {
                        ws.write_string_with_format(row, column, v.to_string().as_str(), format)?;
                    }
                    OutCell::Empty => {
                        ws.write_blank(row, column, format)?;
                    }
                }
            }
            row += 1;
        }
        for note in &sheet.notes {
            row += 1;
            ws.write_string(row, 0, neutralise(note).as_ref())?;
        }
    }
    workbook.save(path)?;
    Ok(())
}

struct Formats {
    header: Format,
    text: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            header: Format::new().set_bold().set_background_color(Color::RGB(0x00DD_EBF7)).set_border(FormatBorder::Thin),
            // Built-in format 49 is Text ("@"), recognised by every spreadsheet program.
            text: Format::new().set_num_format_index(49),
            wrap: Format::new().set_text_wrap(),
        }
    }
}

/// Name, header row, frozen header, column widths and Text columns.
fn set_up_data_sheet(worksheet: &mut Worksheet, sheet: &XlsxSheet, formats: &Formats) -> Result<(), WriteError> {
    worksheet.set_name(sheet.name)?;
    for (index, header) in sheet.headers.iter().enumerate() {
        let column = column_number(index)?;
        let is_text_column = sheet.text_columns.contains(&index);
        worksheet.set_column_width(column, column_width(header, is_text_column))?;
        worksheet.write_string_with_format(0, column, neutralise(header).as_ref(), &formats.header)?;
    }
    for &index in sheet.text_columns {
        worksheet.set_column_format(column_number(index)?, &formats.text)?;
    }
    worksheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_text(
    worksheet: &mut Worksheet,
    row: u32,
    column: u16,
    text: &str,
    is_text_column: bool,
    formats: &Formats,
) -> Result<(), WriteError> {
    let text = neutralise(text);
    if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
        return Err(WriteError::CellTooLong { row: row.saturating_add(1), column });
    }
    if is_text_column {
        worksheet.write_string_with_format(row, column, text.as_ref(), &formats.text)?;
    } else {
        worksheet.write_string(row, column, text.as_ref())?;
    }
    Ok(())
}

/// Prefixes `'` to text a spreadsheet could take for a formula (OWASP).
pub(crate) fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    // A plain number ("-500.00", "-12.5%") is not a formula: a spreadsheet cannot run it, and a
    // quote before it would show in the cell.
    if is_plain_number(text) {
        return text.into();
    }
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\0') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// `-?digits(.digits)?%?`
fn is_plain_number(text: &str) -> bool {
    let t = text.strip_prefix('-').unwrap_or(text);
    let t = t.strip_suffix('%').unwrap_or(t);
    let (int, frac) = t.split_once('.').unwrap_or((t, "0"));
    !int.is_empty() && !frac.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit())
}

fn column_number(index: usize) -> Result<u16, WriteError> {
    u16::try_from(index).ok().filter(|&c| c < MAX_COLUMNS).ok_or(WriteError::TooManyColumns { limit: MAX_COLUMNS })
}

/// Width in Excel character units: CJK characters count double; ID-like
/// text columns are wide enough for 18 digits.
fn column_width(header: &str, is_text_column: bool) -> f64 {
    let units: usize = header.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    let floor = if is_text_column { 22 } else { 10 };
    let width = (units + 4).clamp(floor, 50);
    // At most 50: exact in f64.
    f64::from(u32::try_from(width).unwrap_or(50))
}

/// The printed footer: centred, within Excel's 255-character limit. `&`
/// starts a footer control code, so it becomes the full-width `＆`.
fn footer_text(note: &str) -> String {
    let short: String = note.chars().filter(|c| !c.is_control()).map(|c| if c == '&' { '＆' } else { c }).take(200).collect();
    format!("&C{short}")
}

/// `preferred` unless the data sheet already uses it.
fn unused_name<'a>(preferred: &'a str, data_sheet: &str) -> &'a str {
    if preferred == data_sheet { if preferred == EXPORT_NOTE_SHEET { "导出说明" } else { "模板填写说明" } } else { preferred }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starters_are_prefixed_with_a_quote() {
        for s in ["=1+1", "+1", "-1+1", "-A1", "@SUM(A1)", "\tx", "\rx", "\0x"] {
            assert_eq!(neutralise(s), format!("'{s}"), "{s:?}");
        }
        for s in ["张三", "1", "", " =1", "＝1", "-500.00", "-12.5%", "-3"] {
            assert_eq!(neutralise(s), s, "{s:?}");
        }
        for s in ["-1+1", "-500.00.1", "-", "-.5", "-5.", "-1e3", "-2,3"] {
            assert_eq!(neutralise(s), format!("'{s}"), "{s:?}");
        }
    }

    #[test]
    fn chinese_headers_get_double_width() {
        assert!((column_width("身份证号", true) - 22.0).abs() < f64::EPSILON);
        assert!((column_width("就业困难人员认定类别说明", false) - 28.0).abs() < f64::EPSILON);
        assert!((column_width("ID", false) - 10.0).abs() < f64::EPSILON);
    }

    #[test]
    fn footers_escape_ampersands_and_stay_short() {
        assert_eq!(footer_text("A&B\n"), "&CA＆B");
        assert!(footer_text(&"字".repeat(1000)).chars().count() <= 255);
    }

    #[test]
    fn the_notes_sheet_never_clashes_with_the_data_sheet() {
        assert_eq!(unused_name(EXPORT_NOTE_SHEET, "说明"), "导出说明");
        assert_eq!(unused_name(TEMPLATE_NOTE_SHEET, "人员"), "填写说明");
    }
}
