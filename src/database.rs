//! Opening the configured database with its key material: the one path that the server and
//! every admin command take, so they always agree on where data is and how it is sealed.

use std::sync::Arc;

use crate::config::DatabaseConfig;
use crate::crypto::{KeyFileError, MasterKey, Sealer};
use crate::store::{self, Store, StoreError, is_postgres_url};

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The data folder could not be made.
    #[error("cannot create the data directory {path}: {error}")]
    DataDir {
        /// The folder.
        path: std::path::PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
    /// The key file is missing, unreadable or malformed.
    #[error(transparent)]
    KeyFile(#[from] KeyFileError),
    /// The default database exists but its generated key does not.
    #[error(
        "the database {database} exists but its key file {key} is missing: restore the key file, \
         or pass the one it was created with as --secret-key-file"
    )]
    KeyLost {
        /// The database file.
        database: String,
        /// The key file expected beside it.
        key: String,
    },
    /// PostgreSQL without a shared key file: replicas would each make their own.
    #[error(
        "a PostgreSQL database needs a shared secret key file: make one with \
         `atlas-integrations keys generate --out PATH`, give the same file to every replica and \
         admin command with --secret-key-file PATH (or ATLAS_INTEGRATIONS_SECRET_KEY_FILE)"
    )]
    KeyFileRequired,
    /// The key file does not open what the database holds.
    #[error(
        "the secret key file {key_file} (key id {key_id}) cannot open the secrets stored in {database}: they \
         were sealed with key id {sealed_with}. Start with the key file the data was written with \
         (--secret-key-file PATH), adding --previous-key-file PATH while a rotation is unfinished"
    )]
    WrongKey {
        /// The key file given.
        key_file: String,
        /// Its key's id.
        key_id: String,
        /// The ids of the keys the data was sealed with that no key given opens.
        sealed_with: String,
        /// The database, its password hidden.
        database: String,
    },
    /// The store failed to open or migrate.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An open database and the master key it is sealed with.
pub struct Database {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The master key (for deriving the nonce and token keys).
    pub master_key: MasterKey,
    /// The keys of a rotation in progress (tokens they signed still verify).
    pub previous_keys: Vec<MasterKey>,
}

/// Opens the database of `config`, creating the data folder, the key file (when it is the
/// default) and the schema as needed.
pub async fn open(config: &DatabaseConfig) -> Result<Database, OpenError> {
    let url = config.url();
    if is_postgres_url(&url) && config.secret_key_file.is_none() {
        return Err(OpenError::KeyFileRequired);
    }
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|error| OpenError::DataDir { path: config.data_dir.clone(), error })?;
    let (key_file, is_default) = config.key_file();
    let default_db = config.data_dir.join("atlas-integrations.db");
    let master_key =
        if is_default && !key_file.exists() && config.database_url.is_none() && default_db.exists() {
            return Err(OpenError::KeyLost {
                database: default_db.display().to_string(),
                key: key_file.display().to_string(),
            });
        } else if is_default {
            MasterKey::read_or_create(&key_file)?
        } else {
            MasterKey::read(&key_file)?
        };
    let previous =
        config.previous_key_files.iter().map(|path| MasterKey::read(path)).collect::<Result<Vec<_>, _>>()?;
    let sealer = Sealer::with_previous(&master_key, &previous);
    let key_id = sealer.active_key_id();
    let store = store::open(&url, sealer, config.pool).await?;
    let foreign = store.foreign_key_ids().await?;
    if !foreign.is_empty() {
        return Err(OpenError::WrongKey {
            key_file: key_file.display().to_string(),
            key_id,
            sealed_with: foreign.join(", "),
            database: store::redact_url(&url),
        });
    }
    Ok(Database { store, master_key, previous_keys: previous })
}
