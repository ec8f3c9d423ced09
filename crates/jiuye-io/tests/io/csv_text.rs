//! CSV in the encodings Chinese offices produce, ragged rows and quoting.

use jiuye_io::{FileKind, Limits, RawCell, ReadError, TextEncoding};

use crate::support::{read_bytes, text};

const TABLE: &str =
    "姓名,身份证号,户籍地址\r\n张三,110105199003071234,\"北京市朝阳区\r\n二号楼\"\r\n李四,11010519851201567X,\"上海市\"\"静安\"\"区\"\r\n";

#[test]
fn utf8_with_bom_and_gbk_give_the_same_chinese_text() {
    let utf8: Vec<u8> = b"\xEF\xBB\xBF".iter().copied().chain(TABLE.bytes()).collect();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(TABLE);
    assert!(!unmappable);

    let (a, info_a) = read_bytes(&utf8, "名单.csv", &Limits::default()).unwrap();
    let (b, info_b) = read_bytes(&gbk, "名单.csv", &Limits::default()).unwrap();
    assert_eq!(info_a.encoding, Some(TextEncoding::Utf8));
    assert_eq!(info_b.encoding, Some(TextEncoding::Gb18030));
    assert_eq!(info_a.kind, FileKind::Csv);
    assert_eq!(a.headers, ["姓名", "身份证号", "户籍地址"], "the BOM is not part of the first header");
    assert_eq!(a.headers, b.headers);
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.rows[0].cells[2], text("北京市朝阳区\r\n二号楼"));
    assert_eq!(a.rows[1].row, 3, "a quoted line break does not add a row");
    assert_eq!(a.rows[1].cells[2], text("上海市\"静安\"区"));
}

#[test]
fn utf8_without_bom_is_read_as_utf8() {
    let (sink, info) = read_bytes(TABLE.as_bytes(), "a.csv", &Limits::default()).unwrap();
    assert_eq!(info.encoding, Some(TextEncoding::Utf8));
    assert_eq!(sink.rows[0].cells[0], text("张三"));
}

#[test]
fn gb18030_only_characters_survive() {
    let original = "姓名\n𠀀㐀\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(original);
    let (sink, _) = read_bytes(&bytes, "a.csv", &Limits::default()).unwrap();
    assert_eq!(sink.rows[0].cells, vec![text("𠀀㐀")]);
}

#[test]
fn ragged_rows_are_given_as_they_are_and_empty_cells_are_empty() {
    let csv = "a,b,c\n1\n1,,3,4,5\n,,\n\n x ,\" \"\n";
    let (sink, info) = read_bytes(csv.as_bytes(), "a.csv", &Limits::default()).unwrap();
    let cells: Vec<&Vec<RawCell>> = sink.rows.iter().map(|r| &r.cells).collect();
    assert_eq!(cells, vec![&vec![text("1")], &vec![text("1"), RawCell::Empty, text("3"), text("4"), text("5")], &vec![text(" x ")],]);
    assert_eq!(info.columns, 5);
    assert_eq!(info.data_rows, 3);
    assert_eq!(sink.rows[2].row, 5, "row numbers count records; the blank line is skipped by the csv reader");
}

#[test]
fn an_unclosed_quote_is_refused_naming_its_line() {
    let err = read_bytes("姓名,备注\n张三,\"没有结束\n李四,好\n".as_bytes(), "a.csv", &Limits::default()).unwrap_err();
    assert_eq!(err.to_string(), "CSV 第2行 引号不匹配：从这里开始的引号没有结束");
}

#[test]
fn text_after_a_closing_quote_is_refused_naming_its_line() {
    let err = read_bytes(b"a,b\n1,2\n\"x\"y,3\n", "a.csv", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::CsvStrayQuote { line: 3 }), "{err:?}");
}

#[test]
fn an_all_empty_header_row_is_refused() {
    let err = read_bytes(b" , ,\n1,2,3\n", "a.csv", &Limits::default()).unwrap_err();
    assert_eq!(err.to_string(), "第1行 表头为空");
}

#[test]
fn a_header_only_file_has_zero_rows_and_headers_are_trimmed() {
    let (sink, info) = read_bytes(" 姓名 ,,姓名\n".as_bytes(), "a.csv", &Limits::default()).unwrap();
    assert_eq!(info.data_rows, 0);
    assert_eq!(sink.headers, ["姓名", "", "姓名"], "empty and duplicate headers are reported as they are");
}

#[test]
fn only_blank_lines_is_an_empty_table() {
    let err = read_bytes(b"\r\n\r\n", "a.csv", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::EmptyTable { sheet: None }), "{err:?}");
}

#[test]
fn csv_limits_name_the_row_and_column() {
    let limits = Limits { max_rows: 2, max_columns: 3, max_cell_chars: 4, ..Limits::default() };
    let err = read_bytes(b"a\n1\n2\n3\n", "a.csv", &limits).unwrap_err();
    assert!(matches!(err, ReadError::TooManyRows { row: 4, limit: 2 }), "{err:?}");
    let err = read_bytes(b"a\n1,2,3,4\n", "a.csv", &limits).unwrap_err();
    assert_eq!(err.to_string(), "第2行 D列 超出列数上限（最多 3 列）");
    let err = read_bytes("a\n一二三四五\n".as_bytes(), "a.csv", &limits).unwrap_err();
    assert!(matches!(err, ReadError::CellTooLong { row: 2, column: 0, limit: 4 }), "{err:?}");
}

#[test]
fn formula_text_in_csv_is_just_text() {
    let (sink, _) = read_bytes(b"a\n=1+1\n", "a.csv", &Limits::default()).unwrap();
    assert_eq!(sink.rows[0].cells, vec![text("=1+1")]);
}
