//! What our writer writes, our reader (and calamine) reads back.

use std::io::Read;

use calamine::{Reader, Xlsx, open_workbook};
use jiuye_io::{FileKind, Limits, OutCell, RawCell, WriteError, XlsxSheet, write_template, write_xlsx};

use crate::support::{read_path, text};

const HEADERS: &[&str] = &["姓名", "身份证号", "年龄", "备注"];

fn sheet() -> XlsxSheet<'static> {
    XlsxSheet { name: "就业人员名单", headers: HEADERS, text_columns: &[1] }
}

fn out(s: &str) -> OutCell {
    OutCell::Text(s.to_owned())
}

/// The raw XML of one part of a written file.
fn part(path: &std::path::Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[test]
fn an_export_reads_back_with_chinese_names_texts_and_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("导出.xlsx");
    let rows = vec![
        vec![out("张三"), out("110105199003071234"), OutCell::Int(34), out("")],
        vec![out("李四"), out("11010519851201567X"), OutCell::Int(39), OutCell::Empty],
        vec![OutCell::Empty, OutCell::Empty],
        vec![out("王五"), OutCell::Int(440_301_200_001_011_234), OutCell::Int(-7), out("二号楼")],
    ];
    let written = write_xlsx(&path, &sheet(), rows, None).unwrap();
    assert_eq!(written, 4);

    let (sink, info) = read_path(&path, "导出.xlsx", &Limits::default()).unwrap();
    assert_eq!(info.kind, FileKind::Xlsx);
    assert_eq!(info.sheet_name.as_deref(), Some("就业人员名单"));
    assert_eq!(sink.headers, HEADERS);
    assert_eq!(info.data_rows, 3, "the empty row is skipped");
    assert_eq!(sink.rows[0].row, 2);
    assert_eq!(sink.rows[0].cells, vec![text("张三"), text("110105199003071234"), RawCell::Float(34.0)]);
    assert_eq!(sink.rows[1].cells[1], text("11010519851201567X"));
    assert_eq!(sink.rows[2].row, 5);
    assert_eq!(
        sink.rows[2].cells,
        vec![text("王五"), text("440301200001011234"), RawCell::Float(-7.0), text("二号楼")],
        "an Int in a text column is written as text, never rounded"
    );
}

#[test]
fn integers_beyond_two_to_the_53_are_written_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.xlsx");
    let sheet = XlsxSheet { name: "数", headers: &["值"], text_columns: &[] };
    let rows = vec![vec![OutCell::Int(9_007_199_254_740_993)], vec![OutCell::Int(1 << 53)]];
    write_xlsx(&path, &sheet, rows, None).unwrap();
    let (sink, _) = read_path(&path, "big.xlsx", &Limits::default()).unwrap();
    assert_eq!(sink.rows[0].cells, vec![text("9007199254740993")]);
    assert_eq!(sink.rows[1].cells, vec![RawCell::Float(9_007_199_254_740_992.0)]);
}

#[test]
fn formula_like_text_comes_back_as_quoted_text_and_never_as_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inject.xlsx");
    let nasty = [r#"=HYPERLINK("http://x","a")"#, "+86 138", "-5+5", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0"];
    let rows: Vec<Vec<OutCell>> = nasty.iter().map(|s| vec![out("某人"), out(s)]).collect();
    write_xlsx(&path, &sheet(), rows, None).unwrap();

    let (sink, _) = read_path(&path, "inject.xlsx", &Limits::default()).unwrap();
    let first = &sink.rows[0].cells[1];
    assert_eq!(first, &text(r#"'=HYPERLINK("http://x","a")"#));
    for (row, original) in sink.rows.iter().zip(nasty) {
        assert_eq!(row.cells[1], text(&format!("'{original}")), "{original:?}");
    }

    let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
    let formulas = workbook.worksheet_formula("就业人员名单").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "calamine sees no formula");
    assert!(!part(&path, "xl/worksheets/sheet1.xml").contains("<f>"));

    // A plain number written as text (money in yuan, a share) is not a formula: no quote.
    let plain = dir.path().join("plain.xlsx");
    write_xlsx(&plain, &sheet(), vec![vec![out("某人"), out("-500.00")], vec![out("某人"), out("-12.5%")]], None).unwrap();
    let (sink, _) = read_path(&plain, "plain.xlsx", &Limits::default()).unwrap();
    assert_eq!((sink.rows[0].cells[1].clone(), sink.rows[1].cells[1].clone()), (text("-500.00"), text("-12.5%")));
}

#[test]
fn the_footer_note_is_in_a_second_sheet_and_the_print_footer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("note.xlsx");
    let note = "导出人 张三 2026-11-27 10:00 仅限工作使用";
    write_xlsx(&path, &sheet(), vec![vec![out("a")]], Some(note)).unwrap();

    let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["就业人员名单", "说明"]);
    let notes = workbook.worksheet_range("说明").unwrap();
    assert_eq!(notes.get_value((0, 0)).map(ToString::to_string).as_deref(), Some(note));
    assert!(part(&path, "xl/worksheets/sheet1.xml").contains(&format!("&amp;C{note}")));
}

#[test]
fn the_header_row_is_bold_and_frozen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("style.xlsx");
    write_xlsx(&path, &sheet(), vec![vec![out("a")]], None).unwrap();
    let sheet_xml = part(&path, "xl/worksheets/sheet1.xml");
    assert!(sheet_xml.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#), "{sheet_xml}");
    assert!(part(&path, "xl/styles.xml").contains("<b/>"));
}

#[test]
fn cells_longer_than_excel_allows_are_refused_naming_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.xlsx");
    let rows = vec![vec![out("a")], vec![out("b"), out(""), out(&"长".repeat(32_768))]];
    let err = write_xlsx(&path, &sheet(), rows, None).unwrap_err();
    assert!(matches!(err, WriteError::CellTooLong { row: 3, column: 2 }), "{err:?}");
    assert_eq!(err.to_string(), "第3行 C列 内容超过 Excel 单元格上限 32767 个字符");
}

#[test]
fn an_invalid_sheet_name_is_a_write_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = XlsxSheet { name: "a/b", headers: &["x"], text_columns: &[] };
    let err = write_xlsx(&dir.path().join("x.xlsx"), &bad, Vec::<Vec<OutCell>>::new(), None).unwrap_err();
    assert!(matches!(err, WriteError::Xlsx(_)), "{err:?}");
}

#[test]
fn a_template_has_headers_examples_text_columns_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("模板.xlsx");
    let examples = vec![vec!["张三", "110105199003071234", "34", "=示例"]];
    let notes = ["身份证号列已设为文本格式，请直接输入18位号码", "请删除示例行后再导入"];
    write_template(&path, &sheet(), &examples, &notes).unwrap();

    let (sink, info) = read_path(&path, "模板.xlsx", &Limits::default()).unwrap();
    assert_eq!(sink.headers, HEADERS);
    assert_eq!(info.data_rows, 1, "the 2000 pre-formatted blank rows are skipped");
    assert_eq!(sink.rows[0].cells, vec![text("张三"), text("110105199003071234"), text("34"), text("'=示例")]);

    let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["就业人员名单", "填写说明"]);
    let sheet_notes = workbook.worksheet_range("填写说明").unwrap();
    assert_eq!(sheet_notes.get_value((2, 0)).map(ToString::to_string).as_deref(), Some(notes[1]));

    // Text ("@") is built-in number format 49: on the whole column and the first 2000 data rows.
    let styles = part(&path, "xl/styles.xml");
    assert!(styles.contains(r#"numFmtId="49""#), "{styles}");
    let sheet_xml = part(&path, "xl/worksheets/sheet1.xml");
    assert!(sheet_xml.contains(r#"<col min="2" max="2""#), "column format present");
    assert!(sheet_xml.contains(r#"<c r="B2001" s="#), "data row 2000 pre-formatted");
    assert!(!sheet_xml.contains(r#"<c r="B2002""#));
}
