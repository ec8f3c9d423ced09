use calamine::{Data, Reader, Xlsx, open_workbook};
use jiuye_app::Actor;
use jiuye_app::registry::{PersonInput, PersonQuery};
use jiuye_test_support::TestDb;

use crate::app_on;

#[tokio::test]
async fn an_export_reads_back_masked_with_formulas_neutralised_and_a_watermark() {
    let db = TestDb::sqlite();
    let app = app_on(&db).await;
    let id_number = "130527199503040010";
    let input = PersonInput {
        name: "=HYPERLINK(\"http://x\",\"a\")".into(),
        id_number: id_number.into(),
        phone: "13812345678".into(),
        township: "和阳镇".into(),
        tags: "退役军人、低保".into(),
        ..Default::default()
    };
    app.create_person(&Actor::cli(), &input).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.xlsx");
    let n = app.export_persons(&Actor::cli(), &PersonQuery::default(), &path).await.unwrap();
    assert_eq!(n, 1);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = wb.worksheet_range("人员名册").unwrap();
    let row: Vec<String> = sheet.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
    assert!(row[0].starts_with("'="), "formula-like text is neutralised: {}", row[0]);
    assert_eq!(row[1], "130***********0010");
    assert_eq!(row[4], "138****5678");
    assert_eq!(row[8], "退役军人、特殊群体（已隐藏）");
    let formulas = wb.worksheet_formula("人员名册").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula cells");
    let all: Vec<String> = sheet.rows().flatten().filter_map(|c| if let Data::String(s) = c { Some(s.clone()) } else { None }).collect();
    assert!(!all.iter().any(|s| s.contains(id_number) || s.contains("13812345678") || s.contains("低保")));
    let note = wb.worksheet_range("说明").unwrap();
    assert!(note.rows().flatten().any(|c| c.to_string().contains("导出人")), "watermark sheet");
}
