//! Property tests (SECURITY.md T7): on any input `read_table` returns Ok or
//! Err, it never panics. Inputs: random bytes, real files truncated or with
//! bytes flipped, and workbooks whose XML parts were mutated before zipping
//! (flipping bytes of a zip mostly trips its CRC; mutating the XML reaches
//! the parsers).

use jiuye_io::{Limits, RawRow, RowSink, SinkStop, read_table};
use proptest::prelude::*;

use crate::support::{fixture, inline, number, shared_strings, sheet_xml, workbook_xml, xlsx_with};

struct Discard;

impl RowSink for Discard {
    fn header(&mut self, _: &[String]) -> Result<(), SinkStop> {
        Ok(())
    }
    fn row(&mut self, _: RawRow) -> Result<(), SinkStop> {
        Ok(())
    }
}

/// Reads `bytes` under `name`; the result does not matter, only that it returns.
fn read_any(bytes: &[u8], name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    std::fs::write(&path, bytes).unwrap();
    let limits = Limits { max_rows: 10_000, ..Limits::default() };
    let _ = read_table(&path, name, &limits, &mut Discard);
}

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = ["lo_numeric_id.xlsx", "lo_text_id.xlsx", "lo_formula.xlsx", "lo_merged.xlsx", "lo_legacy.xls"]
        .iter()
        .map(|n| std::fs::read(fixture(n)).unwrap())
        .collect();
    seeds.push(seed_sheet().0.into_bytes());
    seeds.push("姓名,身份证号\r\n张三,\"1101\"\"05\"\r\n".as_bytes().to_vec());
    seeds
}

/// A sheet and shared strings using most constructs the readers handle.
fn seed_sheet() -> (String, String) {
    let rows = format!(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c>{}<c r="C1" t="s"><v>1</v></c></row><row r="2">{}<c r="B2" t="b"><v>1</v></c><c r="C2" t="e"><v>#N/A</v></c><c r="D2" t="str"><v>x&amp;y</v></c><c r="E2" t="d"><v>2024-03-15</v></c></row><row><c><v>1.5E3</v></c><c t="n"><v>-0</v></c><c s="0" t="s"><v>1</v></c></row>"#,
        inline("B1", "年龄"),
        number("A2", "110105199003071234")
    );
    let sheet = sheet_xml(&rows, r#"<mergeCells count="0"></mergeCells>"#).replace("<sheetData>", r#"<dimension ref="A1:E3"/><sheetData>"#);
    let strings = shared_strings(&["姓名", "身份证号"])
        .replace("<si><t>身份证号</t></si>", r#"<si><r><t xml:space="preserve">身份</t></r><r><t>证号</t></r><rPh><t>x</t></rPh></si>"#);
    (sheet, strings)
}

const TOKENS: &[&str] = &[
    "<f>A1</f>",
    "<c r=\"A1\">",
    "</c>",
    "<row r=\"2\">",
    "</row>",
    " r=\"ZZZZ9\"",
    " t=\"s\"",
    " t=\"n\"",
    " t=\"inlineStr\"",
    "<v>",
    "</v>",
    "<v>99999999999999999999</v>",
    "<is><t>x</t></is>",
    "<mergeCell ref=\"A1:B2\"/>",
    "<dimension ref=\"B2:A1\"/>",
    "&#0;",
    "&amp;",
    "<![CDATA[x]]>",
    "<!DOCTYPE x [<!ENTITY a \"b\">]>",
    "&a;",
    "\u{0}",
    "\u{fffd}",
    "<si>",
    "</si>",
    "<t>",
    "</t>",
    " uniqueCount=\"7\"",
    "<sheet name=\"x\" r:id=\"rId1\"/>",
    "_x000D_",
    "<sheetData/>",
];

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, usize),
    Delete(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(i, t)| Mutation::Insert(i, t)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutations: &[Mutation]) {
    for m in mutations {
        let len = bytes.len().max(1);
        match *m {
            Mutation::Truncate(i) => bytes.truncate(i % len),
            Mutation::Flip(i, b) => {
                if let Some(x) = bytes.get_mut(i % len) {
                    *x = b;
                }
            }
            Mutation::Insert(i, t) => {
                let at = (i % len).min(bytes.len());
                bytes.splice(at..at, TOKENS[t].bytes());
            }
            Mutation::Delete(i, n) => {
                let at = (i % len).min(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), as_csv in any::<bool>()) {
        read_any(&bytes, if as_csv { "r.csv" } else { "r.xlsx" });
    }

    #[test]
    fn random_bytes_behind_a_zip_or_cfb_magic_never_panic(body in proptest::collection::vec(any::<u8>(), 0..2048), cfb in any::<bool>()) {
        let magic: &[u8] = if cfb { &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] } else { b"PK\x03\x04" };
        let bytes: Vec<u8> = magic.iter().copied().chain(body).collect();
        read_any(&bytes, "r.xlsx");
    }

    #[test]
    fn mutated_real_files_never_panic(seed in 0usize..7, mutations in proptest::collection::vec(mutation(), 1..6)) {
        let seeds = seeds();
        let mut bytes = seeds[seed % seeds.len()].clone();
        apply(&mut bytes, &mutations);
        read_any(&bytes, "m.xlsx");
        read_any(&bytes, "m.csv");
    }

    #[test]
    fn workbooks_with_mutated_xml_never_panic(
        part in 0usize..3,
        mutations in proptest::collection::vec(mutation(), 1..8),
    ) {
        let (sheet, strings) = seed_sheet();
        let mut parts = [workbook_xml("人员".as_bytes()), sheet.into_bytes(), strings.into_bytes()];
        apply(&mut parts[part], &mutations);
        read_any(&xlsx_with(&parts[0], &parts[1], &parts[2]), "x.xlsx");
    }
}

/// Found by `workbooks_with_mutated_xml_never_panic` in CI: a CDATA section and a reversed
/// `<dimension>` inserted into the sheet made calamine's dimension parser subtract with overflow
/// (a panic in debug builds). The reader must refuse the file instead.
#[test]
fn a_reversed_dimension_that_reaches_calamine_is_refused_not_a_panic() {
    let (sheet, strings) = seed_sheet();
    let mut parts = [workbook_xml("人员".as_bytes()), sheet.into_bytes(), strings.into_bytes()];
    apply(&mut parts[1], &[Mutation::Insert(2397349991982788121, 17), Mutation::Insert(8517306249235310008, 14)]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    std::fs::write(&path, xlsx_with(&parts[0], &parts[1], &parts[2])).unwrap();
    let r = read_table(&path, "x.xlsx", &Limits::default(), &mut Discard);
    assert!(matches!(r, Err(jiuye_io::ReadError::Malformed { .. })), "{r:?}");
}
