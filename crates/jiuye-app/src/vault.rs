//! The personal-data vault: AES-256-GCM encryption of ID numbers and phones with a key version per
//! row, and HMAC-SHA-256 blind indexes for uniqueness and exact lookup. The keys live in a key file
//! outside the database (`jiuye.keys` beside the SQLite file by default, or `JIUYE_KEY_FILE`), so a
//! copy of the database alone reveals no ID number or phone.

use std::collections::BTreeMap;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::Mac;
use sha2::Sha256;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("密钥文件错误：{0}")]
    KeyFile(String),
    #[error("解密失败：密钥版本{0}不可用或数据已损坏")]
    Decrypt(i64),
    #[error("随机数生成失败")]
    Random,
}

pub struct Vault {
    mac_key: [u8; 32],
    enc_keys: BTreeMap<i64, [u8; 32]>,
    current: i64,
    nonces: NonceSource,
}

/// GCM nonces by the deterministic construction of NIST SP 800-38D §8.2.1: a random 64-bit field
/// fixed per vault instance and a 32-bit invocation counter, so sealing needs no system call per
/// value. A nonce never repeats under one key: the counter does not wrap (a fresh random field is
/// drawn when it would), and two instances share a field with probability 2^-64.
struct NonceSource {
    state: std::sync::Mutex<([u8; 8], u32)>,
}

impl NonceSource {
    fn new() -> Result<Self, VaultError> {
        Ok(Self { state: std::sync::Mutex::new((random_bytes()?, 0)) })
    }

    fn next(&self) -> Result<[u8; 12], VaultError> {
        let mut s = self.state.lock().map_err(|_| VaultError::Random)?;
        if s.1 == u32::MAX {
            *s = (random_bytes()?, 0);
        }
        s.1 += 1;
        let mut n = [0u8; 12];
        let (field, counter) = n.split_at_mut(8);
        field.copy_from_slice(&s.0);
        counter.copy_from_slice(&s.1.to_be_bytes());
        Ok(n)
    }
}

// Keys never reach a log line.
impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vault(current key version {}, {} keys)", self.current, self.enc_keys.len())
    }
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], VaultError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|_| VaultError::Random)?;
    Ok(b)
}

fn parse_hex32(s: &str) -> Result<[u8; 32], VaultError> {
    let v = hex::decode(s.trim()).map_err(|_| VaultError::KeyFile("密钥不是十六进制".into()))?;
    v.try_into().map_err(|_| VaultError::KeyFile("密钥长度应为32字节".into()))
}

impl Vault {
    /// Fresh random keys (version 1).
    pub fn generate() -> Result<Self, VaultError> {
        Ok(Self { mac_key: random_bytes()?, enc_keys: BTreeMap::from([(1, random_bytes()?)]), current: 1, nonces: NonceSource::new()? })
    }

    /// Parses the key file format: `mac = HEX`, `enc.N = HEX` lines, `current = N`.
    pub fn parse(text: &str) -> Result<Self, VaultError> {
        let mut mac = None;
        let mut enc = BTreeMap::new();
        let mut current = None;
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let (k, v) = line
                .split_once('=')
                .ok_or_else(|| VaultError::KeyFile(format!("无法识别的行：{}", line.chars().take(12).collect::<String>())))?;
            let (k, v) = (k.trim(), v.trim());
            if k == "mac" {
                mac = Some(parse_hex32(v)?);
            } else if k == "current" {
                current = Some(v.parse::<i64>().map_err(|_| VaultError::KeyFile("current 应为整数".into()))?);
            } else if let Some(n) = k.strip_prefix("enc.") {
                let n: i64 = n.parse().map_err(|_| VaultError::KeyFile("enc.N 的 N 应为整数".into()))?;
                enc.insert(n, parse_hex32(v)?);
            }
        }
        let mac_key = mac.ok_or_else(|| VaultError::KeyFile("缺少 mac 密钥".into()))?;
        let current = current.or_else(|| enc.keys().next_back().copied()).ok_or_else(|| VaultError::KeyFile("缺少 enc 密钥".into()))?;
        if !enc.contains_key(&current) {
            return Err(VaultError::KeyFile(format!("当前密钥版本 {current} 不存在")));
        }
        Ok(Self { mac_key, enc_keys: enc, current, nonces: NonceSource::new()? })
    }

    pub fn to_file_text(&self) -> String {
        let mut s = String::from("# jiuye data keys: keep outside the database, back up separately, never commit.\n");
        s.push_str(&format!("mac = {}\n", hex::encode(self.mac_key)));
        for (n, k) in &self.enc_keys {
            s.push_str(&format!("enc.{n} = {}\n", hex::encode(k)));
        }
        s.push_str(&format!("current = {}\n", self.current));
        s
    }

    /// Loads the key file, creating it (mode 0600) with fresh keys when `create` and it is missing.
    pub fn load_or_create(path: &Path, create: bool) -> Result<Self, VaultError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let v = Self::generate()?;
                write_private(path, &v.to_file_text()).map_err(|e| VaultError::KeyFile(format!("无法写入 {}：{e}", path.display())))?;
                Ok(v)
            }
            Err(e) => Err(VaultError::KeyFile(format!("无法读取 {}：{e}", path.display()))),
        }
    }

    /// Adds a new encryption key and makes it current; old rows still open under their version.
    pub fn rotate(&mut self) -> Result<i64, VaultError> {
        let next = self.current + 1;
        self.enc_keys.insert(next, random_bytes()?);
        self.current = next;
        Ok(next)
    }

    pub fn key_version(&self) -> i64 {
        self.current
    }

    /// Blind index: HMAC-SHA-256 over a domain tag and the normalised value.
    pub fn blind(&self, domain: &str, value: &str) -> Vec<u8> {
        let Ok(mut mac) = <hmac::Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.mac_key) else {
            return Vec::new();
        };
        mac.update(domain.as_bytes());
        mac.update(b"\x1f");
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// `nonce (12 bytes) ‖ ciphertext ‖ tag` under the current key.
    pub fn seal(&self, plaintext: &str) -> Result<Vec<u8>, VaultError> {
        let key = self.enc_keys.get(&self.current).ok_or(VaultError::Decrypt(self.current))?;
        let cipher = Aes256Gcm::new(key.into());
        let nonce_bytes = self.nonces.next()?;
        let nonce = Nonce::from(nonce_bytes);
        let ct = cipher.encrypt(&nonce, plaintext.as_bytes()).map_err(|_| VaultError::Decrypt(self.current))?;
        let mut out = Vec::with_capacity(12 + ct.len());
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub fn open(&self, sealed: &[u8], key_version: i64) -> Result<String, VaultError> {
        let key = self.enc_keys.get(&key_version).ok_or(VaultError::Decrypt(key_version))?;
        let (nonce, ct) = sealed.split_at_checked(12).ok_or(VaultError::Decrypt(key_version))?;
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| VaultError::Decrypt(key_version))?;
        let cipher = Aes256Gcm::new(key.into());
        let pt = cipher.decrypt(&Nonce::from(nonce), ct).map_err(|_| VaultError::Decrypt(key_version))?;
        String::from_utf8(pt).map_err(|_| VaultError::Decrypt(key_version))
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_rotation_keeps_old_rows_readable() {
        let mut v = Vault::generate().unwrap();
        let old = v.seal("11010519491231002X").unwrap();
        assert!(!old.windows(18).any(|w| w == b"11010519491231002X"));
        v.rotate().unwrap();
        let new = v.seal("13812345678").unwrap();
        assert_eq!(v.open(&old, 1).unwrap(), "11010519491231002X");
        assert_eq!(v.open(&new, 2).unwrap(), "13812345678");
        assert!(v.open(&new, 1).is_err());
        let reparsed = Vault::parse(&v.to_file_text()).unwrap();
        assert_eq!(reparsed.open(&old, 1).unwrap(), "11010519491231002X");
        assert_eq!(reparsed.blind("id", "x"), v.blind("id", "x"));
    }

    #[test]
    fn nonces_never_repeat_within_an_instance() {
        let v = Vault::generate().unwrap();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let sealed = v.seal("x").unwrap();
            assert!(seen.insert(sealed[..12].to_vec()));
        }
    }

    #[test]
    fn blind_indexes_are_deterministic_and_domain_separated() {
        let v = Vault::generate().unwrap();
        assert_eq!(v.blind("id", "1"), v.blind("id", "1"));
        assert_ne!(v.blind("id", "1"), v.blind("phone", "1"));
        assert_eq!(v.blind("id", "1").len(), 32);
    }
}
