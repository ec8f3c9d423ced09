//! Large tables stream through a counting sink; no test keeps the rows.

use std::io::{BufWriter, Write};

use jiuye_io::{Limits, OutCell, RawRow, ReadError, RowSink, SinkStop, XlsxSheet, read_table, write_xlsx};

use crate::support::Count;

#[test]
fn a_200000_row_csv_streams_through_a_counting_sink() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, "姓名,身份证号,电话,地址").unwrap();
    for i in 0..200_000u32 {
        writeln!(out, "人员{i},1101051990{i:08},138{i:08},\"北京市,朝阳区{i}号\"").unwrap();
    }
    out.flush().unwrap();
    drop(out);

    let mut sink = Count::default();
    let info = read_table(&path, "big.csv", &Limits::default(), &mut sink).unwrap();
    assert_eq!(sink.headers, 4);
    assert_eq!(sink.rows, 200_000);
    assert_eq!(sink.cells, 800_000);
    assert_eq!(sink.last_row, 200_001);
    assert_eq!(info.data_rows, 200_000);
}

#[test]
fn a_50000_row_xlsx_written_by_the_exporter_streams_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.xlsx");
    let sheet = XlsxSheet { name: "人员", headers: &["姓名", "身份证号", "年龄"], text_columns: &[1] };
    let rows = (0..50_000i64)
        .map(|i| vec![OutCell::Text(format!("人员{i}")), OutCell::Text(format!("1101051990{i:08}")), OutCell::Int(20 + i % 40)]);
    assert_eq!(write_xlsx(&path, &sheet, rows, Some("测试")).unwrap(), 50_000);

    let mut sink = Count::default();
    let info = read_table(&path, "big.xlsx", &Limits::default(), &mut sink).unwrap();
    assert_eq!(sink.rows, 50_000);
    assert_eq!(sink.cells, 150_000);
    assert_eq!(sink.last_row, 50_001);
    assert_eq!(info.columns, 3);
}

/// Stops after `n` rows, as a cancelled import would.
struct StopAfter(u32);

impl RowSink for StopAfter {
    fn header(&mut self, _: &[String]) -> Result<(), SinkStop> {
        Ok(())
    }
    fn row(&mut self, _: RawRow) -> Result<(), SinkStop> {
        if self.0 == 0 {
            return Err(SinkStop);
        }
        self.0 -= 1;
        Ok(())
    }
}

#[test]
fn a_sink_can_stop_the_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.csv");
    std::fs::write(&path, "a\n1\n2\n3\n").unwrap();
    let err = read_table(&path, "a.csv", &Limits::default(), &mut StopAfter(2)).unwrap_err();
    assert!(matches!(err, ReadError::Stopped), "{err:?}");
}
