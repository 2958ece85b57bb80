//! The master key file: 32 random bytes, base64 on one line, readable by its owner only.
//! Every other key (sealing, nonce signing) is derived from it with HKDF-SHA-256, so
//! replicas that share the file share everything they must agree on.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// Reading or writing the file failed.
    #[error("cannot use the secret key file {path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
    /// The file does not hold a key.
    #[error(
        "the secret key file {path} does not hold a key: expected 32 bytes in base64 on one line \
         (make one with `head -c 32 /dev/urandom | base64 > FILE`)"
    )]
    Malformed {
        /// The file.
        path: PathBuf,
    },
}

/// The 32-byte master key.
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl MasterKey {
    /// A new random key.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut()).expect("the operating system's random source failed");
        MasterKey(bytes)
    }

    /// Reads a key file.
    pub fn read(path: &Path) -> Result<Self, KeyFileError> {
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|error| KeyFileError::Io { path: path.to_owned(), error })?,
        );
        let bytes = Zeroizing::new(
            STANDARD.decode(text.trim()).map_err(|_| KeyFileError::Malformed { path: path.to_owned() })?,
        );
        let key: [u8; 32] =
            bytes.as_slice().try_into().map_err(|_| KeyFileError::Malformed { path: path.to_owned() })?;
        Ok(MasterKey(Zeroizing::new(key)))
    }

    /// Writes this key to a new file with mode 0600; refuses to overwrite an existing one.
    pub fn write_new(&self, path: &Path) -> Result<(), KeyFileError> {
        let io_error = |error| KeyFileError::Io { path: path.to_owned(), error };
        let mut file =
            OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(io_error)?;
        let text = Zeroizing::new(format!("{}\n", STANDARD.encode(self.0.as_ref())));
        file.write_all(text.as_bytes()).map_err(io_error)?;
        file.sync_all().map_err(io_error)
    }

    /// Reads the key at `path`, or creates it there if no file exists yet.
    pub fn read_or_create(path: &Path) -> Result<Self, KeyFileError> {
        if path.exists() {
            return Self::read(path);
        }
        let key = Self::generate();
        match key.write_new(path) {
            Ok(()) => Ok(key),
            // Another process created it first: use theirs.
            Err(KeyFileError::Io { error, .. }) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                Self::read(path)
            }
            Err(other) => Err(other),
        }
    }

    /// A 32-byte subkey for one purpose (`label` names it).
    pub fn derive(&self, label: &str) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(Some(b"atlas-integrations"), self.0.as_ref())
            .expand(label.as_bytes(), out.as_mut())
            .expect("32 bytes is a valid HKDF-SHA-256 output length");
        out
    }

    /// A short public identifier of this key, stored beside what it sealed.
    pub fn id(&self) -> [u8; 4] {
        let digest = Sha256::digest(self.derive("key-id").as_ref());
        [digest[0], digest[1], digest[2], digest[3]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_created_key_file_is_private_and_read_back_identically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let created = MasterKey::read_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let again = MasterKey::read_or_create(&path).unwrap();
        assert_eq!(created.0.as_ref(), again.0.as_ref());
        assert!(created.write_new(&path).is_err(), "an existing key file is never overwritten");
    }

    #[test]
    fn a_file_without_a_key_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.key");
        std::fs::write(&path, "not base64 at all").unwrap();
        let message = MasterKey::read(&path).err().unwrap().to_string();
        assert!(message.contains("32 bytes in base64"), "{message}");
    }

    #[test]
    fn subkeys_differ_by_purpose() {
        let key = MasterKey::generate();
        assert_ne!(key.derive("a").as_ref(), key.derive("b").as_ref());
        assert_eq!(key.derive("a").as_ref(), key.derive("a").as_ref());
    }
}
