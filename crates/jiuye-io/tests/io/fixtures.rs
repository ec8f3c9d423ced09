//! Files written by LibreOffice Calc (see tests/fixtures/README.md).

use jiuye_io::{Limits, RawCell, ReadError};

use crate::support::{fixture, read_path, text};

#[test]
fn an_id_typed_as_a_number_arrives_as_a_number_not_text() {
    let (sink, info) = read_path(&fixture("lo_numeric_id.xlsx"), "名单.xlsx", &Limits::default()).unwrap();
    assert_eq!(sink.headers, ["姓名", "身份证号", "年龄", "手机号", "登记日期"]);
    assert_eq!(info.sheet_name.as_deref(), Some("lo_numeric_id"));
    assert_eq!(info.data_rows, 3, "the all-empty CSV line is skipped");
    assert_eq!(info.columns, 5);

    let zhang = &sink.rows[0];
    assert_eq!(zhang.row, 2);
    assert_eq!(zhang.cells[0], text("张三"));
    // Calc rounded the 18-digit number to 15 significant digits: the caller must refuse it.
    assert_eq!(zhang.cells[1], RawCell::Float(110_105_199_003_071_000.0));
    assert_eq!(zhang.cells[2], RawCell::Float(34.0));
    assert_eq!(zhang.cells[3], RawCell::Float(13_800_138_000.0));
    assert_eq!(zhang.cells[4], RawCell::DateTime(45366.0), "2024-03-15 as a date serial");

    let li = &sink.rows[1];
    assert_eq!(li.cells[0], text("李四 "), "trailing spaces are kept for the caller");
    assert_eq!(li.cells[1], text("11010519851201567X"), "an ID with X stays text");

    let wang = &sink.rows[2];
    assert_eq!(wang.row, 5);
    assert_eq!(wang.cells[3], RawCell::Empty, "a gap inside the row stays in place");
}

#[test]
fn an_id_entered_as_text_arrives_as_text_and_blank_rows_are_skipped() {
    let (sink, info) = read_path(&fixture("lo_text_id.xlsx"), "登记.xlsx", &Limits::default()).unwrap();
    assert_eq!(info.sheet_name.as_deref(), Some("就业登记"));
    assert_eq!(sink.headers, ["姓名", "身份证号", "登记日期", "已就业"]);
    assert_eq!(info.data_rows, 2);
    assert_eq!(sink.rows[0].cells[1], text("110105199003071234"));
    assert_eq!(sink.rows[1].row, 5);
    assert_eq!(sink.rows[1].cells, vec![text("钱七"), text("11010519851201567x")]);
}

#[test]
fn a_formula_written_by_calc_is_refused_naming_its_cell() {
    let err = read_path(&fixture("lo_formula.xlsx"), "补贴.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::Formula { row: 3, column: 2 }), "{err:?}");
    assert_eq!(err.to_string(), "第3行 C列 是公式单元格，请复制后“选择性粘贴为数值”再导入");
}

#[test]
fn merged_header_cells_written_by_calc_are_refused_naming_the_range() {
    let err = read_path(&fixture("lo_merged.xlsx"), "人员.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(&err, ReadError::MergedCells { range } if range == "A1:B1"), "{err:?}");
    assert_eq!(err.to_string(), "A1:B1 为合并单元格，请取消合并后再导入");
}

#[test]
fn every_fixture_is_small() {
    for name in ["lo_numeric_id.xlsx", "lo_text_id.xlsx", "lo_formula.xlsx", "lo_merged.xlsx"] {
        let size = std::fs::metadata(fixture(name)).unwrap().len();
        assert!(size < 50 * 1024, "{name} is {size} bytes");
    }
}
