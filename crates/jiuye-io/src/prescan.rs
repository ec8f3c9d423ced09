//! A bounded streaming pass over the worksheet XML (and the shared-string
//! table) before calamine reads any value. It refuses, naming the cell:
//! formula cells (`<f>`), merged ranges (`<mergeCell>`), shared-string
//! indexes past the table, malformed or out-of-grid cell references, rows out
//! of order, and the row/column limits. Invariant: anything that passes here
//! is safe to hand to calamine's cell reader, whose reference arithmetic and
//! number parsing can panic in debug builds on such input (overflowing
//! column letters, reversed `<dimension>` ranges, `t="n"` values that only
//! `str::parse` accepts, a huge `uniqueCount`).

use quick_xml::events::Event;

use crate::cells::{EXCEL_MAX_COLUMNS, EXCEL_MAX_ROWS, column_letter, parse_cell_ref, parse_row_number};
use crate::package::{Archive, XmlReader, attribute, xml_error, xml_part};
use crate::{Limits, ReadError};

/// Counts the `<si>` entries of the shared-string table the way calamine
/// reads them, and refuses a `uniqueCount` that would make calamine reserve
/// far more memory than the table holds.
pub(crate) fn count_shared_strings(archive: &mut Archive, part: &str) -> Result<u64, ReadError> {
    let mut xml = xml_part(archive, part)?;
    let mut buf = Vec::new();
    let mut declared: Option<u64> = None;
    let mut count: u64 = 0;
    let mut in_sst = false;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if !in_sst && e.local_name().as_ref() == "sst" => {
                in_sst = true;
                declared = attribute(&e, "uniqueCount").map(|v| parse_index(v.as_bytes()));
            }
            Ok(Event::Start(e)) if in_sst && e.local_name().as_ref() == "si" => {
                count += 1;
                skip_string_item(&mut xml, part, e.name().as_ref().to_owned())?;
            }
            Ok(Event::End(e)) if in_sst && e.local_name().as_ref() == "sst" => break,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(err) => return Err(xml_error(part, err)),
        }
    }
    if declared.is_some_and(|d| d > count.saturating_mul(2).saturating_add(1024)) {
        return Err(ReadError::malformed(part, None));
    }
    Ok(count)
}

/// Consumes one `<si>` like calamine: up to the first end tag named like it,
/// where `<t>` contents are skipped up to their own end tag.
fn skip_string_item(xml: &mut XmlReader<'_>, part: &str, closing: String) -> Result<(), ReadError> {
    let mut buf = Vec::new();
    let mut phonetic = false;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Ok(Event::End(e)) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Ok(Event::End(e)) if e.name().as_ref() == closing => return Ok(()),
            Ok(Event::Start(e)) if !phonetic && e.local_name().as_ref() == "t" => {
                let t_name = e.name().as_ref().to_owned();
                let mut inner = Vec::new();
                loop {
                    inner.clear();
                    match xml.read_event_into(&mut inner) {
                        Ok(Event::End(end)) if end.name().as_ref() == t_name => break,
                        Ok(Event::Eof) => return Err(ReadError::malformed(part, None)),
                        Ok(_) => {}
                        Err(err) => return Err(xml_error(part, err)),
                    }
                }
            }
            Ok(Event::Eof) => return Err(ReadError::malformed(part, None)),
            Ok(_) => {}
            Err(err) => return Err(xml_error(part, err)),
        }
    }
}

/// calamine's index parsing: digits (leading zeros allowed), anything else is 0.
fn parse_index(text: &[u8]) -> u64 {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return 0;
    }
    std::str::from_utf8(text).ok().and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
}

/// The cell being scanned.
struct CellScan {
    row: u32,
    column: u32,
    kind: Option<String>,
}

/// What the first event inside `<v>`/`<is>` held.
struct ValueScan {
    /// Raw bytes of the first event if it was text (what calamine parses for numbers).
    first_text: Option<String>,
    /// Any non-whitespace content at all.
    has_content: bool,
}

/// Limits counted on cells that hold a value.
struct Counters {
    max_rows: u32,
    max_columns: u32,
    last_value_row: u32,
    data_rows: u32,
}

/// Scans the worksheet part; see the module documentation.
pub(crate) fn scan_sheet(archive: &mut Archive, part: &str, shared_strings: u64, limits: &Limits) -> Result<(), ReadError> {
    let mut xml = xml_part(archive, part)?;
    let mut buf = Vec::new();
    // Implicit positions, kept as calamine keeps them (zero-based row).
    let mut row_index: u64 = 0;
    let mut col_index: u64 = 0;
    let mut last_row: u32 = 0;
    let mut cell: Option<CellScan> = None;
    let mut sheet_data_closed = false;
    let mut sheet_data_open = false;
    let mut counters = Counters { max_rows: limits.max_rows, max_columns: limits.max_columns, last_value_row: 0, data_rows: 0 };
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(err) => return Err(xml_error(part, err)),
        };
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "dimension" => {
                    if let Some(range) = attribute(&e, "ref") {
                        check_dimension(range.as_bytes())?;
                    }
                }
                "sheetData" => sheet_data_open = true,
                // Rows and cells belong in <sheetData>; outside it calamine would still be reading
                // the sheet's header (a <dimension> among the cells would be taken for the range).
                "row" | "c" if !sheet_data_open => return Err(ReadError::malformed(part, None)),
                "row" => {
                    if let Some(r) = attribute(&e, "r") {
                        let r = r.as_bytes();
                        let row = parse_row_number(r).ok_or_else(|| bad_reference(r))?;
                        row_index = u64::from(row) - 1;
                    }
                }
                "c" => {
                    let (row, column) = match attribute(&e, "r") {
                        Some(r) => {
                            let r = r.as_bytes();
                            parse_cell_ref(r).ok_or_else(|| bad_reference(r))?
                        }
                        None => implicit_position(row_index, col_index)?,
                    };
                    if row < last_row {
                        return Err(ReadError::RowsOutOfOrder { row, after: last_row });
                    }
                    last_row = row;
                    col_index = u64::from(column) + 1;
                    cell = Some(CellScan { row, column, kind: attribute(&e, "t") });
                }
                "f" => {
                    if let Some(c) = &cell {
                        return Err(ReadError::Formula { row: c.row, column: c.column });
                    }
                }
                name @ ("v" | "is") => {
                    if let Some(c) = &cell {
                        let closing = e.name().as_ref().to_owned();
                        let is_inline = name == "is";
                        let value = scan_value(&mut xml, part, &closing)?;
                        check_value(c, &value, is_inline, shared_strings, part)?;
                        if value.has_content {
                            counters.count(c)?;
                        }
                    }
                }
                "mergeCell" => {
                    let range = attribute(&e, "ref").unwrap_or_default();
                    return Err(ReadError::MergedCells { range: shorten(range.as_bytes()) });
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "row" => {
                    row_index += 1;
                    col_index = 0;
                }
                "c" => cell = None,
                "sheetData" => sheet_data_closed = true,
                _ => {}
            },
            // A part cut short (e.g. by a declared size smaller than the data) is malformed.
            Event::Eof if sheet_data_closed => return Ok(()),
            Event::Eof => return Err(ReadError::malformed(part, None)),
            _ => {}
        }
    }
}

impl Counters {
    fn count(&mut self, cell: &CellScan) -> Result<(), ReadError> {
        if cell.column >= self.max_columns {
            return Err(ReadError::TooManyColumns { row: cell.row, column: cell.column, limit: self.max_columns });
        }
        if cell.row != self.last_value_row {
            self.last_value_row = cell.row;
            if cell.row > 1 {
                if self.data_rows >= self.max_rows {
                    return Err(ReadError::TooManyRows { row: cell.row, limit: self.max_rows });
                }
                self.data_rows += 1;
            }
        }
        Ok(())
    }
}

/// A cell without `r`: the next column of the current row, within the grid.
fn implicit_position(row_index: u64, col_index: u64) -> Result<(u32, u32), ReadError> {
    let row = row_index + 1;
    if row > u64::from(EXCEL_MAX_ROWS) || col_index >= u64::from(EXCEL_MAX_COLUMNS) {
        return Err(ReadError::BadCellReference { reference: format!("第{row}行 第{}列", col_index + 1) });
    }
    // Both fit: checked against the grid just above.
    Ok((u32::try_from(row).unwrap_or(EXCEL_MAX_ROWS), u32::try_from(col_index).unwrap_or(0)))
}

/// Reads the content of `<v>` or `<is>` up to its end tag.
fn scan_value(xml: &mut XmlReader<'_>, part: &str, closing: &str) -> Result<ValueScan, ReadError> {
    let mut buf = Vec::new();
    let mut value = ValueScan { first_text: None, has_content: false };
    let mut first = true;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::End(e)) if e.name().as_ref() == closing => return Ok(value),
            Ok(Event::Text(t)) => {
                if first {
                    value.first_text = Some(t.to_string());
                }
                value.has_content |= !t.trim().is_empty();
            }
            Ok(Event::CData(t)) => value.has_content |= !t.is_empty(),
            Ok(Event::GeneralRef(_)) => value.has_content = true,
            Ok(Event::Eof) => return Err(ReadError::malformed(part, None)),
            Ok(_) => {}
            Err(err) => return Err(xml_error(part, err)),
        }
        first = false;
    }
}

/// Shared-string indexes and explicit numbers, as calamine will read them.
fn check_value(cell: &CellScan, value: &ValueScan, is_inline: bool, shared_strings: u64, part: &str) -> Result<(), ReadError> {
    if is_inline {
        return Ok(());
    }
    let text = value.first_text.as_deref().unwrap_or_default();
    match cell.kind.as_deref() {
        Some("s") if !text.is_empty() => {
            let index = parse_index(text.as_bytes());
            if index >= shared_strings {
                return Err(ReadError::SharedStringOutOfRange { row: cell.row, column: cell.column, index });
            }
        }
        Some("n") if !text.is_empty() && fast_float2::parse::<f64, _>(text).is_err() => {
            return Err(ReadError::malformed(format!("{part} {}{}", column_letter(cell.column), cell.row), None));
        }
        _ => {}
    }
    Ok(())
}

/// A `<dimension ref>` must be one or two in-grid references, top-left first.
fn check_dimension(range: &[u8]) -> Result<(), ReadError> {
    let mut parts = range.split(|&b| b == b':');
    let start = parts.next().and_then(parse_cell_ref);
    let end = match parts.next() {
        Some(p) => parse_cell_ref(p),
        None => start,
    };
    match (start, end, parts.next()) {
        (Some(s), Some(e), None) if s.0 <= e.0 && s.1 <= e.1 => Ok(()),
        _ => Err(bad_reference(range)),
    }
}

fn bad_reference(reference: &[u8]) -> ReadError {
    ReadError::BadCellReference { reference: shorten(reference) }
}

/// A reference from the file, made printable and short for a message.
fn shorten(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).chars().filter(|c| !c.is_control()).take(24).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_must_be_ordered_and_inside_the_grid() {
        assert!(check_dimension(b"A1:C10").is_ok());
        assert!(check_dimension(b"B2").is_ok());
        assert!(check_dimension(b"C10:A1").is_err());
        assert!(check_dimension(b"A1:B2:C3").is_err());
        assert!(check_dimension(b"A1:XFE2").is_err());
        assert!(check_dimension(b"").is_err());
    }

    #[test]
    fn shared_string_indexes_parse_like_calamine() {
        assert_eq!(parse_index(b"0007"), 7);
        assert_eq!(parse_index(b" 7"), 0);
        assert_eq!(parse_index(b"99999999999999999999999"), 0);
    }

    #[test]
    fn implicit_positions_stay_inside_the_grid() {
        assert_eq!(implicit_position(0, 0).unwrap(), (1, 0));
        assert!(implicit_position(1_048_576, 0).is_err());
        assert!(implicit_position(0, 16_384).is_err());
    }

    #[test]
    fn references_are_shortened_and_cleaned_for_messages() {
        assert_eq!(shorten(b"A1\n:B2"), "A1:B2");
        assert_eq!(shorten(&[b'A'; 100]).len(), 24);
    }
}
