//! The .xlsx zip container before calamine sees it: entry count, declared
//! sizes and compression ratios (zip-bomb guard), macro/ODS/non-workbook
//! detection, and locating the first worksheet and the shared-string part the
//! way calamine does. Invariants: nothing here decompresses more than an
//! entry's declared size (the `zip` crate refuses output past the declared
//! size, and every read is additionally wrapped in `take(declared)`), and the
//! declared sizes were checked against the limits before any decompression.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use crate::{Limits, ReadError};

pub(crate) type Archive = ZipArchive<BufReader<File>>;
pub(crate) type XmlReader<'a> = quick_xml::Reader<BufReader<std::io::Take<zip::read::ZipFile<'a, BufReader<File>>>>>;

/// Entries above this size are subject to the compression-ratio check.
const RATIO_CHECK_FLOOR: u64 = 1024 * 1024;

/// What the reader needs to know about a checked package.
#[derive(Debug)]
pub(crate) struct Package {
    /// Zip entry name of the first worksheet, as stored in the archive.
    pub sheet_part: String,
    /// Zip entry name of the shared-string table, if the workbook has one.
    pub sst_part: Option<String>,
}

/// Opens the zip container after checking its end-of-central-directory
/// record, so a central directory with millions of entries is refused
/// before the zip crate allocates one record per entry.
pub(crate) fn open_archive(path: &Path, limits: &Limits) -> Result<Archive, ReadError> {
    let mut file = File::open(path).map_err(ReadError::Io)?;
    if let Some(count) = declared_entry_count(&mut file)?
        && count > limits.max_zip_entries as u64
    {
        return Err(ReadError::TooManyZipEntries { count: usize::try_from(count).unwrap_or(usize::MAX), limit: limits.max_zip_entries });
    }
    file.seek(SeekFrom::Start(0)).map_err(ReadError::Io)?;
    ZipArchive::new(BufReader::new(file)).map_err(|e| ReadError::CorruptZip(Box::new(e)))
}

/// Checks the central directory against the limits and finds the parts to read.
pub(crate) fn inspect(archive: &mut Archive, limits: &Limits) -> Result<Package, ReadError> {
    if archive.len() > limits.max_zip_entries {
        return Err(ReadError::TooManyZipEntries { count: archive.len(), limit: limits.max_zip_entries });
    }
    // Lowercased, slash-normalised name -> stored name, as calamine looks parts up.
    let mut names: HashMap<String, String> = HashMap::with_capacity(archive.len());
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index).map_err(|e| ReadError::CorruptZip(Box::new(e)))?;
        if entry.encrypted() {
            return Err(ReadError::Encrypted);
        }
        let size = entry.size();
        total = total.saturating_add(size);
        if total > limits.max_uncompressed_bytes {
            return Err(ReadError::UncompressedTooLarge { total, limit: limits.max_uncompressed_bytes });
        }
        if size > RATIO_CHECK_FLOOR {
            let ratio = size / entry.compressed_size().max(1);
            if ratio > limits.max_compression_ratio {
                return Err(ReadError::CompressionRatio { ratio, limit: limits.max_compression_ratio });
            }
        }
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        names.insert(name.replace('\\', "/").to_ascii_lowercase(), name);
    }
    if let Some(mimetype) = names.get("mimetype").cloned() {
        let mut head = Vec::new();
        read_part(archive, &mimetype)?.take(128).read_to_end(&mut head).map_err(|e| ReadError::CorruptZip(Box::new(e)))?;
        if head.starts_with(b"application/vnd.oasis.opendocument") {
            return Err(ReadError::OdsNotSupported);
        }
    }
    if names.keys().any(|n| n.ends_with("vbaproject.bin")) {
        return Err(ReadError::MacroEnabled);
    }
    let lookup = |path: &str| names.get(&path.to_ascii_lowercase()).cloned();
    let root_rels = lookup("_rels/.rels").ok_or(ReadError::NotAWorkbook)?;
    let document = relationships(archive, &root_rels)?
        .into_iter()
        .find(|rel| rel.kind.ends_with("/officeDocument"))
        .map(|rel| rel.target)
        .ok_or(ReadError::NotAWorkbook)?;
    // Same split as calamine: directory (without a leading slash) and file name.
    let (dir, file_name) = match document.rfind('/') {
        Some(i) => document.split_at(i + 1),
        None => ("", document.as_str()),
    };
    let xl_path = dir.strip_prefix('/').unwrap_or(dir).to_owned();
    let workbook_name = if file_name.is_empty() { "workbook.xml" } else { file_name };
    let workbook = lookup(&format!("{xl_path}{workbook_name}")).ok_or(ReadError::NotAWorkbook)?;
    let rels_path = format!("{xl_path}_rels/{workbook_name}.rels");
    let rels_part = lookup(&rels_path).ok_or_else(|| ReadError::malformed(rels_path, None))?;
    let rels = relationships(archive, &rels_part)?;
    let sheet_target = first_worksheet_target(archive, &workbook, &rels)?;
    let sheet_path = match sheet_target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("{xl_path}{sheet_target}"),
    };
    let sheet_part = lookup(&sheet_path).ok_or_else(|| ReadError::malformed(sheet_path, None))?;
    let sst_part = lookup(&format!("{xl_path}sharedStrings.xml"));
    Ok(Package { sheet_part, sst_part })
}

/// A streaming XML reader over one part, never yielding more than its declared size.
pub(crate) fn xml_part<'a>(archive: &'a mut Archive, part: &str) -> Result<XmlReader<'a>, ReadError> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(read_part(archive, part)?));
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = false;
    config.trim_text(false);
    Ok(reader)
}

fn read_part<'a>(archive: &'a mut Archive, part: &str) -> Result<std::io::Take<zip::read::ZipFile<'a, BufReader<File>>>, ReadError> {
    let entry = archive.by_name(part).map_err(|e| ReadError::CorruptZip(Box::new(e)))?;
    let declared = entry.size();
    Ok(entry.take(declared))
}

/// The raw (unescaped) value of the attribute whose local name is `name`.
pub(crate) fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element.attributes().with_checks(false).flatten().find(|a| a.key.local_name().as_ref() == name).map(|a| a.value.into_owned())
}

/// An XML error for `part`: a failing decompression (bad CRC, data past the
/// declared size) is a corrupt zip, anything else malformed XML.
pub(crate) fn xml_error(part: &str, err: quick_xml::Error) -> ReadError {
    match err {
        quick_xml::Error::Io(_) => ReadError::CorruptZip(Box::new(err)),
        other => ReadError::malformed(part, Some(Box::new(other))),
    }
}

struct Relationship {
    id: String,
    kind: String,
    target: String,
}

fn relationships(archive: &mut Archive, part: &str) -> Result<Vec<Relationship>, ReadError> {
    let mut xml = xml_part(archive, part)?;
    let mut found = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(kind), Some(target)) = (attribute(&e, "Id"), attribute(&e, "Type"), attribute(&e, "Target")) {
                    found.push(Relationship { id, kind, target });
                }
            }
            Ok(Event::Eof) => return Ok(found),
            Ok(_) => {}
            Err(err) => return Err(xml_error(part, err)),
        }
    }
}

/// The relationship target of the first `<sheet>` that is a worksheet.
/// quick-xml decodes as it reads, so a sheet name that is not UTF-8 shows
/// up as an encoding error of this part: the only free text in it.
fn first_worksheet_target(archive: &mut Archive, workbook: &str, rels: &[Relationship]) -> Result<String, ReadError> {
    let mut xml = xml_part(archive, workbook)?;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "sheet" => {
                let id = attribute(&e, "id").unwrap_or_default();
                let rel = rels.iter().find(|r| r.id == id);
                if let Some(rel) = rel.filter(|r| r.kind.ends_with("/worksheet")) {
                    return Ok(rel.target.clone());
                }
            }
            Ok(Event::Eof) => return Err(ReadError::NoWorksheet),
            Ok(_) => {}
            Err(quick_xml::Error::Encoding(_)) => return Err(ReadError::BadSheetName),
            Err(err) => return Err(xml_error(workbook, err)),
        }
    }
}

/// The entry count declared by the end-of-central-directory record (zip64
/// aware), or `None` when it cannot be found (the zip crate then decides).
fn declared_entry_count(file: &mut File) -> Result<Option<u64>, ReadError> {
    const EOCD_LEN: u64 = 22;
    let len = file.seek(SeekFrom::End(0)).map_err(ReadError::Io)?;
    let tail_len = len.min(EOCD_LEN + u64::from(u16::MAX));
    file.seek(SeekFrom::Start(len - tail_len)).map_err(ReadError::Io)?;
    let mut tail = Vec::new();
    file.take(tail_len).read_to_end(&mut tail).map_err(ReadError::Io)?;
    let Some(pos) = tail.windows(4).rposition(|w| w == b"PK\x05\x06") else {
        return Ok(None);
    };
    let Some(eocd) = tail.get(pos..) else {
        return Ok(None);
    };
    let entries = le_u64(eocd, 10, 2);
    let cd_size = le_u64(eocd, 12, 4);
    if entries != Some(0xFFFF) && cd_size != Some(0xFFFF_FFFF) {
        return Ok(entries);
    }
    // Zip64: the locator sits just before the EOCD and points at the zip64 record.
    let locator = pos.checked_sub(20).and_then(|p| tail.get(p..pos));
    let Some(locator) = locator.filter(|l| l.starts_with(b"PK\x06\x07")) else {
        return Ok(entries);
    };
    let Some(record_at) = le_u64(locator, 8, 8).filter(|&at| at < len) else {
        return Ok(None);
    };
    file.seek(SeekFrom::Start(record_at)).map_err(ReadError::Io)?;
    let mut record = Vec::new();
    file.take(56).read_to_end(&mut record).map_err(ReadError::Io)?;
    if !record.starts_with(b"PK\x06\x06") {
        return Ok(None);
    }
    Ok(le_u64(&record, 32, 8))
}

/// A little-endian unsigned integer of `width` bytes at `at`.
fn le_u64(bytes: &[u8], at: usize, width: usize) -> Option<u64> {
    let slice = bytes.get(at..at.checked_add(width)?)?;
    Some(slice.iter().rev().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn little_endian_fields_are_read_within_bounds_only() {
        assert_eq!(le_u64(&[0x34, 0x12, 0xFF], 0, 2), Some(0x1234));
        assert_eq!(le_u64(&[0x34, 0x12], 1, 2), None);
        assert_eq!(le_u64(&[], usize::MAX, 2), None);
    }
}
