//! The URL servers link notifications under, recorded as each starts and read by the
//! commands that plan notifications beside them (`alert raise`, `alert close`).

use crate::store::error::StoreError;
use crate::store::sql::{Param, Sql, text};

const RECORD: &str = "INSERT INTO server_links (name, url, recorded_ms) VALUES ('notifications', $1, $2) \
     ON CONFLICT (name) DO UPDATE SET url = excluded.url, recorded_ms = excluded.recorded_ms";
const READ: &str = "SELECT url FROM server_links WHERE name = 'notifications'";

/// Records `url` as the one notifications link under, as of `now_ms`.
pub async fn record(db: &mut dyn Sql, url: &str, now_ms: i64) -> Result<(), StoreError> {
    db.execute(RECORD, &[text(url), Param::Int(Some(now_ms))]).await?;
    Ok(())
}

/// The URL the last server to start recorded, if one has.
pub async fn read(db: &mut dyn Sql) -> Result<Option<String>, StoreError> {
    db.fetch_optional(READ, &[]).await?.map(|mut row| row.text(0)).transpose()
}
