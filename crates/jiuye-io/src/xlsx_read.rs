//! Streaming the first worksheet of a checked .xlsx through calamine's cell
//! reader (`Xlsx::worksheet_cells_reader`), one row at a time. Invariants:
//! the package and sheet pre-scans have passed before calamine opens the
//! file; at most one row of cells is held in memory (plus calamine's shared
//! strings, bounded by the uncompressed-size limit).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{DataRef, Reader, SheetType, Xlsx, XlsxError};

use crate::cells::{TableBuilder, place_cell};
use crate::{FileKind, Limits, RawCell, ReadError, RowSink, TableInfo, package, prescan};

pub(crate) fn read_xlsx(path: &Path, limits: &Limits, sink: &mut dyn RowSink) -> Result<TableInfo, ReadError> {
    let mut archive = package::open_archive(path, limits)?;
    let pkg = package::inspect(&mut archive, limits)?;
    let shared_strings = match &pkg.sst_part {
        Some(part) => prescan::count_shared_strings(&mut archive, part)?,
        None => 0,
    };
    prescan::scan_sheet(&mut archive, &pkg.sheet_part, shared_strings, limits)?;
    drop(archive);
    // Defence in depth: the pre-scan refuses what is known to upset calamine, and a panic inside
    // calamine on some other hostile input becomes a refusal of the file, never a crash.
    let part = pkg.sheet_part.clone();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stream_cells(path, &pkg.sheet_part, limits, sink))) {
        Ok(r) => r,
        Err(_) => Err(ReadError::malformed(part, None)),
    }
}

fn stream_cells(path: &Path, part: &str, limits: &Limits, sink: &mut dyn RowSink) -> Result<TableInfo, ReadError> {
    let file = File::open(path).map_err(ReadError::Io)?;
    let mut workbook: Xlsx<BufReader<File>> = Xlsx::new(BufReader::new(file)).map_err(|e| map_error(e, "xl/workbook.xml"))?;
    let sheet_name =
        workbook.sheets_metadata().iter().find(|s| s.typ == SheetType::WorkSheet).map(|s| s.name.clone()).ok_or(ReadError::NoWorksheet)?;
    // Serials of a 1904-system workbook are shifted to the 1900 system.
    let epoch_shift = if workbook.has_1904_epoch() { DAYS_1900_TO_1904 } else { 0.0 };
    let mut cells_reader = workbook.worksheet_cells_reader(&sheet_name).map_err(|e| map_error(e, part))?;

    let mut table = TableBuilder::new(sink, limits);
    let mut current: Option<u32> = None;
    let mut cells: Vec<RawCell> = Vec::new();
    while let Some(cell) = cells_reader.next_cell().map_err(|e| map_error(e, part))? {
        let (row0, column) = cell.get_position();
        let row = row0.saturating_add(1);
        match current {
            Some(cur) if row == cur => {}
            Some(cur) if row < cur => {
                return Err(ReadError::RowsOutOfOrder { row, after: cur });
            }
            Some(cur) => {
                table.push_row(cur, std::mem::take(&mut cells))?;
                current = Some(row);
            }
            None => current = Some(row),
        }
        let value = convert(cell.get_value(), epoch_shift);
        place_cell(&mut cells, row, column, value, limits)?;
    }
    if let Some(cur) = current {
        table.push_row(cur, cells)?;
    }
    let (data_rows, columns) = table.finish(Some(&sheet_name))?;
    Ok(TableInfo { kind: FileKind::Xlsx, sheet_name: Some(sheet_name), data_rows, columns, encoding: None })
}

/// Days between the 1900 and 1904 date systems' day 0.
const DAYS_1900_TO_1904: f64 = 1462.0;

fn convert(value: &DataRef<'_>, epoch_shift: f64) -> RawCell {
    match value {
        DataRef::Empty => RawCell::Empty,
        DataRef::String(s) if s.is_empty() => RawCell::Empty,
        DataRef::SharedString("") => RawCell::Empty,
        DataRef::String(s) => RawCell::Text(s.clone()),
        DataRef::SharedString(s) => RawCell::Text((*s).to_owned()),
        DataRef::Int(i) => RawCell::Int(*i),
        DataRef::Float(f) => RawCell::Float(*f),
        DataRef::Bool(b) => RawCell::Bool(*b),
        // A duration ("[h]:mm") is a number of days, not a point in time.
        DataRef::DateTime(dt) if dt.is_duration() => RawCell::Float(dt.as_f64()),
        DataRef::DateTime(dt) => RawCell::DateTime(dt.as_f64() + epoch_shift),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => RawCell::DateIso(s.clone()),
        DataRef::Error(e) => RawCell::Error(e.to_string()),
    }
}

/// calamine's errors by class; the pre-scans catch most of them earlier with
/// a more precise message, so these are the fallbacks.
fn map_error(err: XlsxError, part: &str) -> ReadError {
    match err {
        XlsxError::Password => ReadError::Encrypted,
        XlsxError::Zip(e) => ReadError::CorruptZip(Box::new(e)),
        XlsxError::Io(e) => ReadError::CorruptZip(Box::new(e)),
        XlsxError::WorksheetNotFound(_) | XlsxError::NotAWorksheet(_) => ReadError::NoWorksheet,
        other => ReadError::malformed(part, Some(Box::new(other))),
    }
}
