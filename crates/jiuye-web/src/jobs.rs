//! Import jobs started from the web run in the background; the page polls their progress.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use jiuye_app::import::{ImportKind, ImportReport};
use uuid::Uuid;

pub struct Job {
    pub owner: Uuid,
    pub kind: ImportKind,
    pub file_name: String,
    pub rows_read: Arc<AtomicU64>,
    pub outcome: Mutex<Option<Result<ImportReport, String>>>,
}

#[derive(Clone, Default)]
pub struct Jobs(Arc<Mutex<HashMap<Uuid, Arc<Job>>>>);

impl Jobs {
    pub fn insert(&self, id: Uuid, job: Arc<Job>) {
        if let Ok(mut m) = self.0.lock() {
            // Keep the map small: forget finished jobs beyond the last 100.
            if m.len() > 100 {
                let done: Vec<Uuid> =
                    m.iter().filter(|(_, j)| j.outcome.lock().map(|o| o.is_some()).unwrap_or(true)).map(|(k, _)| *k).collect();
                for k in done.into_iter().take(50) {
                    m.remove(&k);
                }
            }
            m.insert(id, job);
        }
    }

    /// The job, if it exists and belongs to `user`.
    pub fn get(&self, id: Uuid, user: Uuid) -> Option<Arc<Job>> {
        self.0.lock().ok()?.get(&id).filter(|j| j.owner == user).cloned()
    }
}

impl Job {
    pub fn rows(&self) -> u64 {
        self.rows_read.load(Ordering::Relaxed)
    }
}
