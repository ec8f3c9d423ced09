//! Deciding what an uploaded file really is from its first bytes (magic
//! numbers), with the extension only as a tie-breaker for plain text.
//! Invariant: only CSV text and zip containers get past this point; every
//! other format is refused here with the message that fits it.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::{FileKind, ReadError};

/// How much of the head is inspected for text/HTML/binary decisions.
const HEAD_BYTES: usize = 8 * 1024;

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decides the kind of `path` by its magic bytes; `original_name` (as
/// uploaded) only tells a CSV from a workbook that is secretly text.
pub fn sniff(path: &Path, original_name: &str) -> Result<FileKind, ReadError> {
    let extension = extension_of(original_name);
    let mut file = File::open(path).map_err(ReadError::Io)?;
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut file).take(HEAD_BYTES as u64).read_to_end(&mut head).map_err(ReadError::Io)?;
    if head.is_empty() {
        return Err(ReadError::EmptyFile);
    }
    if head.starts_with(&CFB_MAGIC) {
        return if cfb_is_encrypted_package(path)? { Err(ReadError::Encrypted) } else { Err(ReadError::XlsNotSupported) };
    }
    match extension.as_str() {
        ".xlsm" | ".xltm" | ".xlam" => return Err(ReadError::MacroEnabled),
        ".ods" | ".fods" => return Err(ReadError::OdsNotSupported),
        _ => {}
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(FileKind::Xlsx);
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadError::Utf16Text);
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    if start.and_then(|i| text.get(i)) == Some(&b'<') {
        return Err(if looks_like_html(text) { ReadError::HtmlNotSpreadsheet } else { ReadError::UnknownFormat });
    }
    if looks_binary(text) {
        return Err(ReadError::UnknownFormat);
    }
    match extension.as_str() {
        ".csv" | ".txt" => Ok(FileKind::Csv),
        ".xlsx" | ".xls" | ".xltx" | ".xlsb" => Err(ReadError::CsvNamedAsWorkbook { extension }),
        "" => Err(ReadError::UnsupportedExtension { extension: "无扩展名".to_owned() }),
        _ => Err(ReadError::UnsupportedExtension { extension }),
    }
}

/// The lowercased extension with its dot (`.xlsx`), or an empty string.
fn extension_of(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.chars().count() <= 10 => {
            format!(".{}", ext.to_lowercase())
        }
        _ => String::new(),
    }
}

fn looks_like_html(text: &[u8]) -> bool {
    let lower = text.to_ascii_lowercase();
    [&b"<html"[..], b"<!doctype html", b"<table", b"<head", b"<body", b"<meta"]
        .iter()
        .any(|tag| lower.windows(tag.len()).any(|w| w == *tag))
}

/// NUL bytes or many control characters: not a text table.
fn looks_binary(text: &[u8]) -> bool {
    let controls = text.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A)).count();
    text.contains(&0) || controls * 100 > text.len()
}

/// An encrypted OOXML package is a CFB file with an `EncryptedPackage`
/// stream; legacy .xls files have a `Workbook` stream instead. Directory
/// entry names are UTF-16LE, so the whole file is scanned for that name
/// (streaming, so memory stays bounded whatever the size).
fn cfb_is_encrypted_package(path: &Path) -> Result<bool, ReadError> {
    let needle: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut reader = BufReader::new(File::open(path).map_err(ReadError::Io)?);
    let mut window: Vec<u8> = Vec::with_capacity(64 * 1024 + needle.len());
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut chunk).map_err(ReadError::Io)?;
        if n == 0 {
            return Ok(false);
        }
        window.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if window.windows(needle.len()).any(|w| w == needle.as_slice()) {
            return Ok(true);
        }
        let keep = needle.len().saturating_sub(1).min(window.len());
        window.drain(..window.len() - keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_lowercased_with_their_dot() {
        assert_eq!(extension_of("人员名单.XLSX"), ".xlsx");
        assert_eq!(extension_of("C:\\下载\\a.b.csv"), ".csv");
        assert_eq!(extension_of("noext"), "");
        assert_eq!(extension_of(".csv"), ".csv");
        assert_eq!(extension_of("a.verylongextension"), "");
    }

    #[test]
    fn html_is_recognised_by_its_tags() {
        assert!(looks_like_html(b"<!DOCTYPE html><html>"));
        assert!(looks_like_html(b"<TABLE><tr><td>1</td></tr></TABLE>"));
        assert!(!looks_like_html(b"<?xml version=\"1.0\"?><Workbook/>"));
    }

    #[test]
    fn text_with_nul_bytes_is_binary() {
        assert!(looks_binary(b"a,b\0c"));
        assert!(!looks_binary("姓名,身份证号\r\n张三,110\t\n".as_bytes()));
    }
}
