//! The malformed corpus of SECURITY.md T6, generated here: each file gets its
//! own error variant and nothing panics.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use jiuye_io::{FileKind, Limits, ReadError, sniff};
use zip::write::SimpleFileOptions;

use crate::support::{
    CONTENT_TYPES, ROOT_RELS, WORKBOOK_RELS, fixture, inline, minimal_xlsx, number, read_bytes, read_path, shared_strings, sheet_xml, text,
    workbook_xml, xlsx_with, zip_parts,
};

fn small_xlsx() -> Vec<u8> {
    let rows = format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
        inline("A1", "姓名"),
        inline("B1", "年龄"),
        inline("A2", "张三"),
        number("B2", "34")
    );
    minimal_xlsx(&sheet_xml(&rows, ""), &shared_strings(&[]))
}

fn strict(limits: impl FnOnce(&mut Limits)) -> Limits {
    let mut l = Limits::default();
    limits(&mut l);
    l
}

#[test]
fn the_hand_built_workbook_used_below_is_itself_valid() {
    let (sink, info) = read_bytes(&small_xlsx(), "a.xlsx", &Limits::default()).unwrap();
    assert_eq!(sink.headers, ["姓名", "年龄"]);
    assert_eq!(info.data_rows, 1);
    assert_eq!(sink.rows[0].cells[0], text("张三"));
}

#[test]
fn a_zero_byte_file_is_empty() {
    for name in ["a.xlsx", "a.csv"] {
        let err = read_bytes(b"", name, &Limits::default()).unwrap_err();
        assert!(matches!(err, ReadError::EmptyFile), "{name}: {err:?}");
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing_with_the_limit_in_mb() {
    let limits = strict(|l| l.max_file_bytes = 1024 * 1024);
    let err = read_bytes(&vec![b'a'; 1024 * 1024 + 1], "a.csv", &limits).unwrap_err();
    assert!(matches!(err, ReadError::FileTooLarge { .. }), "{err:?}");
    assert_eq!(err.to_string(), "文件过大（1.0 MB），上限为 1.0 MB，请分批导入");
}

#[test]
fn a_truncated_zip_is_corrupt() {
    let bytes = small_xlsx();
    for cut in [bytes.len() / 2, bytes.len() - 10, 30] {
        let err = read_bytes(&bytes[..cut], "a.xlsx", &Limits::default()).unwrap_err();
        assert!(matches!(err, ReadError::CorruptZip(_)), "cut at {cut}: {err:?}");
    }
}

/// A real zip bomb: a sheet of 600 MB of spaces, deflated to well under 1 MB.
fn bomb() -> &'static PathBuf {
    static BOMB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &BOMB
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("bomb.xlsx");
            let file = std::fs::File::create(&path).unwrap();
            let mut writer = zip::ZipWriter::new(file);
            let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
            for (name, data) in [
                ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
                ("_rels/.rels", ROOT_RELS.as_bytes()),
                ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
            ] {
                writer.start_file(name, options).unwrap();
                writer.write_all(data).unwrap();
            }
            writer.start_file("xl/workbook.xml", options).unwrap();
            writer.write_all(&workbook_xml(b"Sheet1")).unwrap();
            writer.start_file("xl/worksheets/sheet1.xml", options).unwrap();
            writer.write_all(br#"<worksheet><sheetData><row r="1">"#).unwrap();
            let spaces = vec![b' '; 1024 * 1024];
            for _ in 0..600 {
                writer.write_all(&spaces).unwrap();
            }
            writer.write_all(b"</row></sheetData></worksheet>").unwrap();
            writer.finish().unwrap();
            (dir, path)
        })
        .1
}

#[test]
fn a_zip_bomb_is_refused_by_its_compression_ratio_without_inflating_it() {
    let size = std::fs::metadata(bomb()).unwrap().len();
    assert!(size < 1024 * 1024, "the bomb file is small: {size} bytes");
    let err = read_path(bomb(), "bomb.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::CompressionRatio { limit: 100, ratio } if ratio > 500), "{err:?}");
}

#[test]
fn a_zip_bomb_is_refused_by_its_total_uncompressed_size() {
    let limits = strict(|l| l.max_uncompressed_bytes = 100 * 1024 * 1024);
    let err = read_path(bomb(), "bomb.xlsx", &limits).unwrap_err();
    assert!(matches!(err, ReadError::UncompressedTooLarge { total, .. } if total >= 600 * 1024 * 1024), "{err:?}");
}

#[test]
fn a_zip_with_too_many_entries_is_refused() {
    let names: Vec<String> = (0..120).map(|i| format!("xl/media/{i}.bin")).collect();
    let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let limits = strict(|l| l.max_zip_entries = 100);
    let err = read_bytes(&zip_parts(&parts), "a.xlsx", &limits).unwrap_err();
    assert!(matches!(err, ReadError::TooManyZipEntries { count: 120, limit: 100 }), "{err:?}");
}

/// Sets the declared uncompressed size of `name` (local and central headers) to `size`.
fn lie_about_size(bytes: &mut [u8], name: &str, size: u32) {
    let name = name.as_bytes();
    for i in 0..bytes.len().saturating_sub(46) {
        if bytes[i..].starts_with(b"PK\x03\x04") && bytes[i + 30..].starts_with(name) {
            bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
        }
        if bytes[i..].starts_with(b"PK\x01\x02") && bytes[i + 46..].starts_with(name) {
            bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
        }
    }
}

#[test]
fn a_declared_size_smaller_than_the_data_stops_decompression_with_an_error() {
    let mut bytes = small_xlsx();
    lie_about_size(&mut bytes, "xl/worksheets/sheet1.xml", 40);
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::Malformed { .. } | ReadError::CorruptZip(_)), "{err:?}");
}

#[test]
fn too_many_rows_are_refused_naming_the_first_row_over_the_limit() {
    let rows: String = (1..=6).map(|r| format!(r#"<row r="{r}">{}</row>"#, number(&format!("A{r}"), "1"))).collect();
    let bytes = minimal_xlsx(&sheet_xml(&rows, ""), &shared_strings(&[]));
    let limits = strict(|l| l.max_rows = 4);
    let err = read_bytes(&bytes, "a.xlsx", &limits).unwrap_err();
    assert!(matches!(err, ReadError::TooManyRows { row: 6, limit: 4 }), "{err:?}");
    assert!(read_bytes(&bytes, "a.xlsx", &strict(|l| l.max_rows = 5)).is_ok());
}

#[test]
fn a_sheet_of_1048576_rows_is_refused_under_the_upload_limits() {
    let mut rows = String::with_capacity(40 * 1_048_576);
    for r in 1..=1_048_576u32 {
        rows.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>1</v></c></row>"#));
    }
    let bytes = minimal_xlsx(&sheet_xml(&rows, ""), &shared_strings(&[]));
    let limits = strict(|l| l.max_rows = 50_000);
    let err = read_bytes(&bytes, "a.xlsx", &limits).unwrap_err();
    assert!(matches!(err, ReadError::TooManyRows { row: 50_002, limit: 50_000 }), "{err:?}");
}

#[test]
fn a_sheet_of_16384_columns_is_refused_naming_the_first_column_over_the_limit() {
    let cells: String = (0..16_384u32).map(|c| number(&format!("{}1", jiuye_io::column_letter(c)), "1")).collect();
    let bytes = minimal_xlsx(&sheet_xml(&format!(r#"<row r="1">{cells}</row>"#), ""), &shared_strings(&[]));
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::TooManyColumns { row: 1, column: 200, limit: 200 }), "{err:?}");
    assert_eq!(err.to_string(), "第1行 GS列 超出列数上限（最多 200 列）");
}

#[test]
fn a_cell_longer_than_the_limit_is_refused_naming_it() {
    let rows = format!(r#"<row r="1">{}</row><row r="2">{}</row>"#, inline("A1", "备注"), inline("A2", &"长".repeat(11)));
    let bytes = minimal_xlsx(&sheet_xml(&rows, ""), &shared_strings(&[]));
    let err = read_bytes(&bytes, "a.xlsx", &strict(|l| l.max_cell_chars = 10)).unwrap_err();
    assert!(matches!(err, ReadError::CellTooLong { row: 2, column: 0, limit: 10 }), "{err:?}");
}

#[test]
fn a_shared_string_index_out_of_range_is_refused_naming_the_cell() {
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>7</v></c></row>"#;
    let bytes = minimal_xlsx(&sheet_xml(rows, ""), &shared_strings(&["姓名", "张三"]));
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::SharedStringOutOfRange { row: 2, column: 1, index: 7 }), "{err:?}");
}

#[test]
fn a_huge_declared_unique_count_is_refused_before_calamine_reserves_memory() {
    let strings =
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="99999999999999"><si><t>姓名</t></si></sst>"#;
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    let bytes = minimal_xlsx(&sheet_xml(rows, ""), strings);
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(&err, ReadError::Malformed { part, .. } if part == "xl/sharedStrings.xml"), "{err:?}");
}

#[test]
fn a_sheet_name_that_is_not_utf8_is_refused() {
    let rows = format!(r#"<row r="1">{}</row>"#, inline("A1", "姓名"));
    let bytes = xlsx_with(&workbook_xml(b"\xFF\xFE\xC0"), sheet_xml(&rows, "").as_bytes(), shared_strings(&[]).as_bytes());
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::BadSheetName), "{err:?}");
}

#[test]
fn a_formula_cell_is_refused_naming_it() {
    let rows = format!(
        r#"<row r="1">{}{}</row><row r="3">{}<c r="B3"><f>cmd|' /C calc'!A0</f><v>0</v></c></row>"#,
        inline("A1", "姓名"),
        inline("B1", "值"),
        inline("A3", "张三")
    );
    let bytes = minimal_xlsx(&sheet_xml(&rows, ""), &shared_strings(&[]));
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::Formula { row: 3, column: 1 }), "{err:?}");
}

#[test]
fn a_shared_formula_without_text_is_still_a_formula() {
    let rows = format!(r#"<row r="1">{}</row><row r="12"><c r="C12"><f t="shared" si="0"/><v>3</v></c></row>"#, inline("A1", "x"));
    let bytes = minimal_xlsx(&sheet_xml(&rows, ""), &shared_strings(&[]));
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert_eq!(err.to_string(), "第12行 C列 是公式单元格，请复制后“选择性粘贴为数值”再导入");
}

#[test]
fn merged_cells_anywhere_are_refused_naming_the_range() {
    let rows = format!(r#"<row r="1">{}</row><row r="2">{}</row>"#, inline("A1", "x"), inline("A2", "y"));
    let tail = r#"<mergeCells count="1"><mergeCell ref="A5:C6"/></mergeCells>"#;
    let bytes = minimal_xlsx(&sheet_xml(&rows, tail), &shared_strings(&[]));
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert_eq!(err.to_string(), "A5:C6 为合并单元格，请取消合并后再导入");
}

#[test]
fn references_outside_the_grid_or_reversed_are_refused_not_panicking() {
    let cases = [
        r#"<row r="1"><c r="AAAAAAAAAAAAAAAAAAAAAAAA1"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A99999999999999"><v>1</v></c></row>"#,
        r#"<row r="99999999999"><c><v>1</v></c></row>"#,
        r#"<row r="1048576"></row><row><c><v>1</v></c></row>"#,
    ];
    for rows in cases {
        let bytes = minimal_xlsx(&sheet_xml(rows, ""), &shared_strings(&[]));
        let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
        assert!(matches!(err, ReadError::BadCellReference { .. }), "{rows}: {err:?}");
    }
    let reversed = r#"<?xml version="1.0"?><worksheet><dimension ref="C10:A1"/><sheetData/></worksheet>"#;
    let err = read_bytes(&minimal_xlsx(reversed, &shared_strings(&[])), "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::BadCellReference { .. }), "{err:?}");
}

#[test]
fn rows_going_backwards_are_refused() {
    let rows =
        format!(r#"<row r="1">{}</row><row r="5">{}</row><row r="3">{}</row>"#, inline("A1", "x"), inline("A5", "y"), inline("A3", "z"));
    let bytes = minimal_xlsx(&sheet_xml(&rows, ""), &shared_strings(&[]));
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::RowsOutOfOrder { row: 3, after: 5 }), "{err:?}");
}

#[test]
fn an_explicit_number_calamine_cannot_parse_is_malformed_not_a_panic() {
    for value in ["inf", "infinity", "NaN", "+inf", "1e", "--1", "1_0", "0x10", "+.5e-3"] {
        let rows = format!(r#"<row r="1">{}</row><row r="2"><c r="A2" t="n"><v>{value}</v></c></row>"#, inline("A1", "x"));
        let bytes = minimal_xlsx(&sheet_xml(&rows, ""), &shared_strings(&[]));
        match read_bytes(&bytes, "a.xlsx", &Limits::default()) {
            Ok(_) | Err(ReadError::Malformed { .. }) => {}
            Err(other) => panic!("{value}: {other:?}"),
        }
    }
}

#[test]
fn a_missing_or_blank_first_row_is_an_empty_header() {
    let rows = format!(r#"<row r="2">{}</row>"#, inline("A2", "张三"));
    let bytes = minimal_xlsx(&sheet_xml(&rows, ""), &shared_strings(&[]));
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert_eq!(err.to_string(), "第1行 表头为空");
    let rows = format!(r#"<row r="1">{}<c r="B1" s="1"/></row><row r="2">{}</row>"#, inline("A1", "  "), inline("A2", "x"));
    let bytes = minimal_xlsx(&sheet_xml(&rows, ""), &shared_strings(&[]));
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::HeaderEmpty), "{err:?}");
}

#[test]
fn an_empty_sheet_has_no_header_and_a_header_only_sheet_has_no_rows() {
    let bytes = minimal_xlsx(&sheet_xml("", ""), &shared_strings(&[]));
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert_eq!(err.to_string(), "工作表“Sheet1”没有任何内容：第1行应为表头");

    let rows = format!(r#"<row r="1">{}{}</row>"#, inline("A1", "姓名"), inline("B1", "姓名"));
    let bytes = minimal_xlsx(&sheet_xml(&rows, ""), &shared_strings(&[]));
    let (sink, info) = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap();
    assert_eq!(info.data_rows, 0);
    assert_eq!(sink.headers, ["姓名", "姓名"], "duplicate headers are given as they are");
}

#[test]
fn a_csv_renamed_xlsx_is_refused_as_csv_text() {
    let err = read_bytes("姓名,年龄\n张三,34\n".as_bytes(), "名单.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(&err, ReadError::CsvNamedAsWorkbook { extension } if extension == ".xlsx"), "{err:?}");
    let (bytes, _, _) = encoding_rs::GBK.encode("姓名,年龄\n张三,34\n");
    let err = read_bytes(&bytes, "名单.xls", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::CsvNamedAsWorkbook { .. }), "{err:?}");
}

#[test]
fn an_html_table_renamed_xlsx_is_refused_as_html() {
    let html = "\u{feff}\r\n<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><body><table><tr><td colspan=2>姓名</td></tr></table></body></html>";
    for name in ["a.xlsx", "a.xls", "a.csv"] {
        let err = read_bytes(html.as_bytes(), name, &Limits::default()).unwrap_err();
        assert!(matches!(err, ReadError::HtmlNotSpreadsheet), "{name}: {err:?}");
    }
}

#[test]
fn a_legacy_xls_is_refused_with_the_save_as_hint() {
    let err = read_path(&fixture("lo_legacy.xls"), "旧表.xls", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::XlsNotSupported), "{err:?}");
    assert_eq!(err.to_string(), "不支持 .xls 格式，请在 Excel 中另存为 .xlsx");
    // Named .xlsx, or with a corrupt FAT: the magic decides and nothing parses it.
    let mut bytes = std::fs::read(fixture("lo_legacy.xls")).unwrap();
    bytes[76..512].fill(0xFF);
    let err = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::XlsNotSupported), "{err:?}");
}

#[test]
fn a_password_protected_workbook_is_refused_as_encrypted() {
    let err = read_path(&fixture("encrypted.xlsx"), "加密.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::Encrypted), "{err:?}");
    assert!(err.to_string().contains("密码"));
}

#[test]
fn a_macro_workbook_is_refused_by_extension_and_by_content() {
    let err = read_bytes(&small_xlsx(), "宏.xlsm", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::MacroEnabled), "{err:?}");
    let rows = format!(r#"<row r="1">{}</row>"#, inline("A1", "x"));
    let bytes = zip_parts(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", &workbook_xml(b"Sheet1")),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet_xml(&rows, "").as_bytes()),
        ("xl/vbaProject.bin", b"\xD0\xCF\x11\xE0"),
    ]);
    let err = read_bytes(&bytes, "改名.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::MacroEnabled), "{err:?}");
}

#[test]
fn other_zips_are_not_workbooks() {
    let docx = zip_parts(&[("[Content_Types].xml", CONTENT_TYPES.as_bytes()), ("word/document.xml", b"<w:document/>")]);
    let err = read_bytes(&docx, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::NotAWorkbook), "{err:?}");
    let ods = zip_parts(&[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<x/>")]);
    let err = read_bytes(&ods, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::OdsNotSupported), "{err:?}");
}

#[test]
fn random_binary_and_utf16_text_are_refused() {
    let binary: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let err = read_bytes(&binary, "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::UnknownFormat), "{err:?}");
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("姓名\t年龄".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let err = read_bytes(&utf16, "a.csv", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::Utf16Text), "{err:?}");
}

#[test]
fn unsupported_extensions_are_named() {
    let err = read_bytes(b"a,b\n", "a.docx", &Limits::default()).unwrap_err();
    assert_eq!(err.to_string(), "不支持的文件类型（.docx），请上传 .xlsx 或 .csv 文件");
}

#[test]
fn the_content_decides_the_kind_not_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x");
    std::fs::write(&path, small_xlsx()).unwrap();
    assert_eq!(sniff(&path, "其实是工作簿.csv").unwrap(), FileKind::Xlsx);
    std::fs::write(&path, "a,b\n").unwrap();
    assert_eq!(sniff(&path, "A.CSV").unwrap(), FileKind::Csv);
}

#[test]
fn dates_of_a_1904_workbook_arrive_in_the_1900_system() {
    let styles = r#"<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#;
    let workbook = String::from_utf8(workbook_xml(b"Sheet1")).unwrap().replace("<sheets>", r#"<workbookPr date1904="1"/><sheets>"#);
    let rows = format!(r#"<row r="1">{}</row><row r="2"><c r="A2" s="1"><v>0</v></c></row>"#, inline("A1", "日期"));
    let bytes = zip_parts(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/styles.xml", styles.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet_xml(&rows, "").as_bytes()),
    ]);
    let (sink, _) = read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap();
    assert_eq!(sink.rows[0].cells, vec![jiuye_io::RawCell::DateTime(1462.0)], "1904-01-01");
}
