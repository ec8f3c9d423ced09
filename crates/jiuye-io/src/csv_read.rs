//! Reading CSV text in UTF-8 (with or without BOM) or GB18030/GBK, streaming
//! record by record. A first pass over the bytes decides the encoding (valid
//! UTF-8 throughout, else GB18030) and checks the quoting; the second pass
//! parses bytes with the `csv` crate and decodes each field. This is sound
//! because no byte of a GB18030 multi-byte sequence is `"`, `,`, CR or LF.
//! Invariant: memory holds one record, never the file.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::cells::{TableBuilder, place_cell};
use crate::{FileKind, Limits, RawCell, ReadError, RowSink, TableInfo, TextEncoding};

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) fn read_csv(path: &Path, limits: &Limits, sink: &mut dyn RowSink) -> Result<TableInfo, ReadError> {
    let scan = scan_text(path)?;
    let mut file = BufReader::new(File::open(path).map_err(ReadError::Io)?);
    if scan.has_bom {
        let mut bom = [0u8; 3];
        file.read_exact(&mut bom).map_err(ReadError::Io)?;
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(file);
    let mut record = csv::ByteRecord::new();
    let mut table = TableBuilder::new(sink, limits);
    let mut row: u32 = 0;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => return Err(map_csv_error(err)),
        }
        row = row.saturating_add(1);
        let mut cells = Vec::with_capacity(record.len().min(limits.max_columns as usize));
        for (column, field) in record.iter().enumerate() {
            let column = u32::try_from(column).unwrap_or(u32::MAX);
            let cell = match decode(field, scan.encoding) {
                text if text.is_empty() => RawCell::Empty,
                text => RawCell::Text(text),
            };
            place_cell(&mut cells, row, column, cell, limits)?;
        }
        table.push_row(row, cells)?;
    }
    let (data_rows, columns) = table.finish(None)?;
    Ok(TableInfo { kind: FileKind::Csv, sheet_name: None, data_rows, columns, encoding: Some(scan.encoding) })
}

fn decode(field: &[u8], encoding: TextEncoding) -> String {
    match encoding {
        TextEncoding::Utf8 => String::from_utf8_lossy(field).into_owned(),
        TextEncoding::Gb18030 => encoding_rs::GB18030.decode_without_bom_handling(field).0.into_owned(),
    }
}

fn map_csv_error(err: csv::Error) -> ReadError {
    let line = err.position().map_or(0, csv::Position::line);
    if err.is_io_error() {
        if let csv::ErrorKind::Io(e) = err.into_kind() {
            return ReadError::Io(e);
        }
        return ReadError::malformed(format!("CSV 第{line}行"), None);
    }
    ReadError::malformed(format!("CSV 第{line}行"), Some(Box::new(err)))
}

/// The result of the first pass.
#[derive(Debug, PartialEq, Eq)]
struct TextScan {
    encoding: TextEncoding,
    has_bom: bool,
}

/// Where the quote checker is within the current field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    FieldStart,
    Unquoted,
    /// Inside a quoted field that opened on this line.
    Quoted(u64),
    /// Just after a quote inside a quoted field (closing it, or the first of `""`).
    Closing(u64),
    /// Spaces after a closing quote, before the delimiter.
    TrailingSpace,
}

/// The first pass: UTF-8 validity over the whole file and quote balance,
/// following the `csv` crate's default dialect (`,`, `"`, doubled quotes).
struct Scanner {
    utf8: bool,
    carry: Vec<u8>,
    quote: Quote,
    line: u64,
    last_was_cr: bool,
}

impl Scanner {
    fn new() -> Self {
        Self { utf8: true, carry: Vec::new(), quote: Quote::FieldStart, line: 1, last_was_cr: false }
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), ReadError> {
        if self.utf8 {
            self.check_utf8(chunk);
        }
        for &b in chunk {
            self.step(b)?;
        }
        Ok(())
    }

    fn check_utf8(&mut self, chunk: &[u8]) {
        let mut joined = std::mem::take(&mut self.carry);
        joined.extend_from_slice(chunk);
        match std::str::from_utf8(&joined) {
            Ok(_) => {}
            // An incomplete sequence at the end: keep it for the next chunk.
            Err(e) if e.error_len().is_none() => {
                self.carry = joined.get(e.valid_up_to()..).unwrap_or_default().to_vec();
            }
            Err(_) => self.utf8 = false,
        }
    }

    fn step(&mut self, b: u8) -> Result<(), ReadError> {
        let newline = b == b'\n' || b == b'\r';
        if b == b'\r' || (b == b'\n' && !self.last_was_cr) {
            self.line += 1;
        }
        self.last_was_cr = b == b'\r';
        let line = self.line;
        self.quote = match (self.quote, b) {
            (Quote::FieldStart, b'"') => Quote::Quoted(line),
            (Quote::FieldStart | Quote::Unquoted | Quote::TrailingSpace, b',') => Quote::FieldStart,
            (Quote::FieldStart | Quote::Unquoted | Quote::TrailingSpace, _) if newline => Quote::FieldStart,
            (Quote::FieldStart | Quote::Unquoted, _) => Quote::Unquoted,
            (Quote::Quoted(start), b'"') => Quote::Closing(start),
            (Quote::Quoted(start), _) => Quote::Quoted(start),
            (Quote::Closing(start), b'"') => Quote::Quoted(start),
            (Quote::Closing(_), b',') => Quote::FieldStart,
            (Quote::Closing(_), _) if newline => Quote::FieldStart,
            (Quote::Closing(_) | Quote::TrailingSpace, b' ' | b'\t') => Quote::TrailingSpace,
            (Quote::Closing(_) | Quote::TrailingSpace, _) => {
                // The line counter already moved for a newline; this byte is not one.
                return Err(ReadError::CsvStrayQuote { line });
            }
        };
        Ok(())
    }

    fn finish(self, has_bom: bool) -> Result<TextScan, ReadError> {
        if let Quote::Quoted(start) = self.quote {
            return Err(ReadError::CsvUnclosedQuote { line: start });
        }
        let utf8 = self.utf8 && self.carry.is_empty();
        Ok(TextScan { encoding: if utf8 { TextEncoding::Utf8 } else { TextEncoding::Gb18030 }, has_bom })
    }
}

fn scan_text(path: &Path) -> Result<TextScan, ReadError> {
    let mut file = BufReader::new(File::open(path).map_err(ReadError::Io)?);
    let mut scanner = Scanner::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut first = true;
    let mut has_bom = false;
    loop {
        let n = file.read(&mut chunk).map_err(ReadError::Io)?;
        if n == 0 {
            return scanner.finish(has_bom);
        }
        let mut data = chunk.get(..n).unwrap_or_default();
        if first {
            first = false;
            if let Some(rest) = data.strip_prefix(BOM) {
                has_bom = true;
                data = rest;
            }
        }
        scanner.feed(data)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(bytes: &[u8]) -> Result<TextScan, ReadError> {
        let mut scanner = Scanner::new();
        for chunk in bytes.chunks(3) {
            scanner.feed(chunk)?;
        }
        scanner.finish(false)
    }

    #[test]
    fn utf8_split_across_chunks_is_still_utf8() {
        let scan = scan("姓名,籍贯\n张三,北京\n".as_bytes()).unwrap();
        assert_eq!(scan.encoding, TextEncoding::Utf8);
    }

    #[test]
    fn gbk_bytes_are_detected_as_gb18030() {
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,籍贯\n张三,北京\n");
        assert_eq!(scan(&bytes).unwrap().encoding, TextEncoding::Gb18030);
    }

    #[test]
    fn quoted_fields_may_hold_commas_newlines_and_doubled_quotes() {
        assert!(scan(b"a,\"x,\ny\"\"z\"\nb,c\n").is_ok());
        assert!(scan(b"a,\"x\" ,b\n").is_ok());
        assert!(scan(b"12\"inch,b\n").is_ok());
    }

    #[test]
    fn an_unclosed_quote_names_the_line_where_it_opened() {
        let err = scan(b"a,b\nc,\"d\ne,f\n").unwrap_err();
        assert!(matches!(err, ReadError::CsvUnclosedQuote { line: 2 }), "{err:?}");
    }

    #[test]
    fn text_after_a_closing_quote_names_its_line() {
        let err = scan(b"a,b\r\nc,d\r\n\"e\"f,g\r\n").unwrap_err();
        assert!(matches!(err, ReadError::CsvStrayQuote { line: 3 }), "{err:?}");
    }
}
