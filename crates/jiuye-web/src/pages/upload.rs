//! Receiving one uploaded file from a multipart form into a temporary path, streamed and capped:
//! the text fields come back with it, and a file over the limit stops the upload at the limit.

use std::path::Path;

use axum::extract::Multipart;
use jiuye_app::AppError;
use tokio::io::AsyncWriteExt;

/// The form's text fields, and the file's name and size (0 when no file was sent).
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub file_name: Option<String>,
    pub size: u64,
}

impl Upload {
    pub fn field(&self, name: &str) -> String {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

pub enum UploadError {
    /// The file is over the limit (the upload stopped there).
    TooLarge,
    /// The upload broke off or the form was not multipart.
    Broken,
    Internal(AppError),
}

/// Reads the multipart form; the field named `file` is written to `path`.
pub async fn receive(mp: &mut Multipart, path: &Path, limit: u64) -> Result<Upload, UploadError> {
    let internal = |e: std::io::Error| UploadError::Internal(AppError::Internal(e.to_string()));
    let mut up = Upload { fields: Vec::new(), file_name: None, size: 0 };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err(UploadError::Broken),
        };
        let name = field.name().unwrap_or("").to_string();
        if name != "file" {
            up.fields.push((name, field.text().await.unwrap_or_default()));
            continue;
        }
        up.file_name = Some(field.file_name().unwrap_or("upload").chars().take(200).collect());
        let mut out = tokio::fs::File::create(path).await.map_err(internal)?;
        let mut field = field;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    up.size += chunk.len() as u64;
                    if up.size > limit {
                        return Err(UploadError::TooLarge);
                    }
                    out.write_all(&chunk).await.map_err(internal)?;
                }
                Ok(None) => break,
                Err(_) => return Err(UploadError::Broken),
            }
        }
        out.flush().await.map_err(internal)?;
    }
    Ok(up)
}
