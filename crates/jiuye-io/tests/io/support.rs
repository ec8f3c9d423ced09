//! Sinks, and builders for small hand-written .xlsx packages.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use jiuye_io::{Limits, RawCell, RawRow, ReadError, RowSink, SinkStop, TableInfo, read_table};
use zip::write::SimpleFileOptions;

/// Keeps everything it is given.
#[derive(Debug, Default)]
pub struct Collect {
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
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

/// Counts rows and cells without keeping them; checks rows come in order.
#[derive(Debug, Default)]
pub struct Count {
    pub headers: usize,
    pub rows: u64,
    pub cells: u64,
    pub last_row: u32,
}

impl RowSink for Count {
    fn header(&mut self, headers: &[String]) -> Result<(), SinkStop> {
        self.headers = headers.len();
        Ok(())
    }
    fn row(&mut self, row: RawRow) -> Result<(), SinkStop> {
        assert!(row.row > self.last_row, "rows out of order: {} after {}", row.row, self.last_row);
        self.last_row = row.row;
        self.rows += 1;
        self.cells += row.cells.len() as u64;
        Ok(())
    }
}

/// Reads `bytes` saved under `name` in a fresh temp dir, collecting everything.
pub fn read_bytes(bytes: &[u8], name: &str, limits: &Limits) -> Result<(Collect, TableInfo), ReadError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload.bin");
    std::fs::write(&path, bytes).unwrap();
    read_path(&path, name, limits)
}

pub fn read_path(path: &Path, name: &str, limits: &Limits) -> Result<(Collect, TableInfo), ReadError> {
    let mut sink = Collect::default();
    let info = read_table(path, name, limits, &mut sink)?;
    Ok((sink, info))
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn text(s: &str) -> RawCell {
    RawCell::Text(s.to_owned())
}

/// A zip with the given parts, deflated.
pub fn zip_parts(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

pub const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;

pub const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

pub const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// workbook.xml with one sheet named by the given raw bytes.
pub fn workbook_xml(sheet_name: &[u8]) -> Vec<u8> {
    let mut xml = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name=""#
        .to_vec();
    xml.extend_from_slice(sheet_name);
    xml.extend_from_slice(br#"" sheetId="1" r:id="rId1"/></sheets></workbook>"#);
    xml
}

/// A worksheet whose `<sheetData>` holds `rows` (and `tail` after it, e.g. mergeCells).
pub fn sheet_xml(rows: &str, tail: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData>{tail}</worksheet>"#
    )
}

/// A shared-string table of the given strings.
pub fn shared_strings(strings: &[&str]) -> String {
    let items: String = strings.iter().map(|s| format!("<si><t>{s}</t></si>")).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">{items}</sst>"#,
        n = strings.len()
    )
}

/// A minimal workbook: one sheet "Sheet1" with the given XML and shared strings.
pub fn minimal_xlsx(sheet: &str, strings: &str) -> Vec<u8> {
    xlsx_with(&workbook_xml(b"Sheet1"), sheet.as_bytes(), strings.as_bytes())
}

pub fn xlsx_with(workbook: &[u8], sheet: &[u8], strings: &[u8]) -> Vec<u8> {
    zip_parts(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", strings),
    ])
}

/// An inline-string cell.
pub fn inline(reference: &str, value: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>"#)
}

/// A number cell.
pub fn number(reference: &str, value: &str) -> String {
    format!(r#"<c r="{reference}"><v>{value}</v></c>"#)
}
