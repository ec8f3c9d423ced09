//! Row assembly shared by the xlsx and CSV readers: cell references, the
//! header rule (row 1, not all blank), skipping blank rows, and the row,
//! column and cell-length limits. Invariant: the sink sees the header exactly
//! once, before any data row, and never more than `max_rows` data rows.

use crate::{Limits, RawCell, RawRow, ReadError, RowSink};

/// Excel's grid: 1,048,576 rows by 16,384 columns (A..XFD).
pub(crate) const EXCEL_MAX_ROWS: u32 = 1_048_576;
pub(crate) const EXCEL_MAX_COLUMNS: u32 = 16_384;

/// The spreadsheet letter of a zero-based column index: 0 → `A`, 27 → `AB`.
pub fn column_letter(column: u32) -> String {
    let mut n = u64::from(column) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        // rem < 26, so the byte is an ASCII capital letter.
        letters.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Parses an A1-style reference into a 1-based row and a zero-based column,
/// refusing anything outside Excel's grid. `None` when malformed.
pub(crate) fn parse_cell_ref(reference: &[u8]) -> Option<(u32, u32)> {
    let letters = reference.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (col_part, row_part) = reference.split_at(letters);
    if col_part.is_empty() || col_part.len() > 3 || row_part.is_empty() || row_part.len() > 7 {
        return None;
    }
    let mut col: u32 = 0;
    for b in col_part {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    let row = parse_row_number(row_part)?;
    (col <= EXCEL_MAX_COLUMNS).then_some((row, col - 1))
}

/// Parses a 1-based row number within Excel's grid.
pub(crate) fn parse_row_number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 7 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let row = digits.iter().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    (1..=EXCEL_MAX_ROWS).contains(&row).then_some(row)
}

/// Checks a cell against the column and length limits and stores it at its
/// column. Blank cells beyond the column limit are dropped, not refused:
/// formatted but empty columns are common and harmless.
pub(crate) fn place_cell(cells: &mut Vec<RawCell>, row: u32, column: u32, cell: RawCell, limits: &Limits) -> Result<(), ReadError> {
    if column >= limits.max_columns {
        if cell.is_blank() {
            return Ok(());
        }
        return Err(ReadError::TooManyColumns { row, column, limit: limits.max_columns });
    }
    if let RawCell::Text(text) = &cell {
        // Byte length bounds char count from above: skip counting short strings.
        if text.len() > limits.max_cell_chars && text.chars().count() > limits.max_cell_chars {
            return Err(ReadError::CellTooLong { row, column, limit: limits.max_cell_chars });
        }
    }
    let index = usize::try_from(column).unwrap_or(usize::MAX);
    if index >= cells.len() {
        cells.resize(index.saturating_add(1), RawCell::Empty);
    }
    if let Some(slot) = cells.get_mut(index) {
        *slot = cell;
    }
    Ok(())
}

/// Feeds complete rows to the sink, applying the header rule and the row limit.
pub(crate) struct TableBuilder<'s> {
    sink: &'s mut dyn RowSink,
    max_rows: u32,
    header_seen: bool,
    data_rows: u32,
    columns: u32,
}

impl<'s> TableBuilder<'s> {
    pub(crate) fn new(sink: &'s mut dyn RowSink, limits: &Limits) -> Self {
        Self { sink, max_rows: limits.max_rows, header_seen: false, data_rows: 0, columns: 0 }
    }

    /// Hands one complete row (1-based `row`) to the sink. The first row must be row 1.
    pub(crate) fn push_row(&mut self, row: u32, mut cells: Vec<RawCell>) -> Result<(), ReadError> {
        let width = cells.iter().rposition(|c| !c.is_blank()).map_or(0, |i| i + 1);
        cells.truncate(width);
        let width = u32::try_from(width).unwrap_or(u32::MAX);
        if !self.header_seen {
            if row != 1 || cells.is_empty() {
                return Err(ReadError::HeaderEmpty);
            }
            let headers: Vec<String> = cells.iter().map(header_text).collect();
            self.header_seen = true;
            self.columns = width;
            return self.sink.header(&headers).map_err(|_| ReadError::Stopped);
        }
        if cells.is_empty() {
            return Ok(());
        }
        if self.data_rows >= self.max_rows {
            return Err(ReadError::TooManyRows { row, limit: self.max_rows });
        }
        self.data_rows += 1;
        self.columns = self.columns.max(width);
        self.sink.row(RawRow { row, cells }).map_err(|_| ReadError::Stopped)
    }

    /// Ends the table: `(data_rows, columns)`, or an error if there was no header.
    pub(crate) fn finish(self, sheet: Option<&str>) -> Result<(u32, u32), ReadError> {
        if !self.header_seen {
            return Err(ReadError::EmptyTable { sheet: sheet.map(str::to_owned) });
        }
        Ok((self.data_rows, self.columns))
    }
}

/// A header cell as trimmed text.
fn header_text(cell: &RawCell) -> String {
    match cell {
        RawCell::Empty => String::new(),
        RawCell::Text(s) | RawCell::DateIso(s) | RawCell::Error(s) => s.trim().to_owned(),
        RawCell::Int(i) => i.to_string(),
        RawCell::Float(f) | RawCell::DateTime(f) => f.to_string(),
        RawCell::Bool(true) => "TRUE".to_owned(),
        RawCell::Bool(false) => "FALSE".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SinkStop;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(16_383), "XFD");
        assert_eq!(column_letter(u32::MAX), "MWLQKWV");
    }

    #[test]
    fn cell_references_parse_within_the_grid_only() {
        assert_eq!(parse_cell_ref(b"A1"), Some((1, 0)));
        assert_eq!(parse_cell_ref(b"xfd1048576"), Some((1_048_576, 16_383)));
        assert_eq!(parse_cell_ref(b"XFE1"), None);
        assert_eq!(parse_cell_ref(b"A1048577"), None);
        assert_eq!(parse_cell_ref(b"A0"), None);
        assert_eq!(parse_cell_ref(b"AAAAAAAAAAAAAAAAAAAAA1"), None);
        assert_eq!(parse_cell_ref(b"A99999999999999999999"), None);
        assert_eq!(parse_cell_ref(b"1A"), None);
        assert_eq!(parse_cell_ref(b""), None);
        assert_eq!(parse_cell_ref("甲1".as_bytes()), None);
    }

    #[derive(Default)]
    struct Collect {
        headers: Vec<String>,
        rows: Vec<RawRow>,
    }

    impl RowSink for Collect {
        fn header(&mut self, headers: &[String]) -> Result<(), SinkStop> {
            self.headers = headers.to_vec();
            Ok(())
        }
        fn row(&mut self, row: RawRow) -> Result<(), SinkStop> {
            self.rows.push(row);
            Ok(())
        }
    }

    fn text(s: &str) -> RawCell {
        RawCell::Text(s.to_owned())
    }

    #[test]
    fn blank_rows_are_skipped_and_trailing_blanks_trimmed() {
        let mut sink = Collect::default();
        let mut table = TableBuilder::new(&mut sink, &Limits::default());
        table.push_row(1, vec![text(" 姓名 "), text("")]).unwrap();
        table.push_row(2, vec![text("  "), RawCell::Empty]).unwrap();
        table.push_row(3, vec![text("张三"), RawCell::Empty, text(" ")]).unwrap();
        assert_eq!(table.finish(None).unwrap(), (1, 1));
        assert_eq!(sink.headers, vec!["姓名"]);
        assert_eq!(sink.rows[0].cells, vec![text("张三")]);
        assert_eq!(sink.rows[0].row, 3);
    }

    #[test]
    fn a_blank_or_missing_first_row_is_an_empty_header() {
        let mut sink = Collect::default();
        let mut table = TableBuilder::new(&mut sink, &Limits::default());
        let err = table.push_row(1, vec![text(" "), RawCell::Empty]).unwrap_err();
        assert!(matches!(err, ReadError::HeaderEmpty), "{err:?}");

        let mut table = TableBuilder::new(&mut sink, &Limits::default());
        let err = table.push_row(2, vec![text("姓名")]).unwrap_err();
        assert!(matches!(err, ReadError::HeaderEmpty), "{err:?}");
    }

    #[test]
    fn the_row_limit_counts_data_rows_only() {
        let limits = Limits { max_rows: 1, ..Limits::default() };
        let mut sink = Collect::default();
        let mut table = TableBuilder::new(&mut sink, &limits);
        table.push_row(1, vec![text("a")]).unwrap();
        table.push_row(2, vec![text("b")]).unwrap();
        let err = table.push_row(5, vec![text("c")]).unwrap_err();
        assert!(matches!(err, ReadError::TooManyRows { row: 5, limit: 1 }), "{err:?}");
    }

    #[test]
    fn cells_beyond_the_column_limit_are_refused_unless_blank() {
        let limits = Limits { max_columns: 2, max_cell_chars: 3, ..Limits::default() };
        let mut cells = Vec::new();
        place_cell(&mut cells, 4, 5, RawCell::Empty, &limits).unwrap();
        place_cell(&mut cells, 4, 5, text(" "), &limits).unwrap();
        assert!(cells.is_empty());
        let err = place_cell(&mut cells, 4, 2, RawCell::Int(1), &limits).unwrap_err();
        assert!(matches!(err, ReadError::TooManyColumns { row: 4, column: 2, limit: 2 }), "{err:?}");
        place_cell(&mut cells, 4, 1, text("一二三"), &limits).unwrap();
        assert_eq!(cells, vec![RawCell::Empty, text("一二三")]);
        let err = place_cell(&mut cells, 4, 0, text("一二三四"), &limits).unwrap_err();
        assert!(matches!(err, ReadError::CellTooLong { row: 4, column: 0, limit: 3 }), "{err:?}");
    }
}
