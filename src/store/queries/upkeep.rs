//! What operators run: row counts, the write probe of `/readyz`, and re-sealing every secret
//! under a new key.

use crate::crypto::Sealer;
use crate::store::error::StoreError;
use crate::store::interface::{Counts, Resealed};
use crate::store::sealing::{reseal_ha1, reseal_integration};
use crate::store::sql::{Engine, Param, Sql, text, work};

const COUNTS: &str = "SELECT (SELECT COUNT(*) FROM organizations), (SELECT COUNT(*) FROM projects), \
     (SELECT COUNT(*) FROM api_keys), (SELECT COUNT(*) FROM integrations)";
/// The probe's write (`$1`: the time in ms).
const WRITE_PROBE: &str = "INSERT INTO write_probe (id, probed_at) VALUES (1, $1) \
     ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at";
const SEALED_INTEGRATIONS: &str = "SELECT project_id, type, settings FROM integrations";
const RESEAL_INTEGRATION: &str =
    "UPDATE integrations SET settings = $1 WHERE project_id = $2 AND type = $3 AND settings = $4";
const SEALED_KEYS: &str = "SELECT public_key, ha1_sealed FROM api_keys";
const RESEAL_KEY: &str = "UPDATE api_keys SET ha1_sealed = $1 WHERE public_key = $2 AND ha1_sealed = $3";

/// How many rows of each kind there are.
pub async fn counts(db: &mut dyn Sql) -> Result<Counts, StoreError> {
    let mut row = db.fetch_one(COUNTS, &[]).await?;
    Ok(Counts {
        organizations: row.int(0)? as u64,
        projects: row.int(1)? as u64,
        api_keys: row.int(2)? as u64,
        integrations: row.int(3)? as u64,
    })
}

/// Rewrites the probe's row with the time `now_ms`.
pub async fn write_probe(db: &mut dyn Sql, now_ms: i64) -> Result<(), StoreError> {
    db.execute(WRITE_PROBE, &[Param::Int(Some(now_ms))]).await?;
    Ok(())
}

/// Seals again under the active key every blob sealed under a previous one: one row per
/// transaction, and a row changed meanwhile (already under the active key) is left alone.
pub async fn reseal_all<E: Engine>(engine: &E, sealer: &Sealer) -> Result<Resealed, StoreError> {
    let mut done = Resealed::default();
    let integrations = engine.reader().await?.fetch(SEALED_INTEGRATIONS, &[]).await?;
    for mut row in integrations {
        let (group, kind, sealed) = (row.text(0)?, row.text(1)?, row.bytes(2)?);
        if let Some(fresh) = reseal_integration(sealer, &group, &kind, &sealed)? {
            let replace = work(move |db| {
                Box::pin(async move {
                    let params = [Param::Bytes(&fresh), text(&group), text(&kind), Param::Bytes(&sealed)];
                    db.execute(RESEAL_INTEGRATION, &params).await
                })
            });
            done.integrations += engine.write(None, replace).await?;
        }
    }
    let keys = engine.reader().await?.fetch(SEALED_KEYS, &[]).await?;
    for mut row in keys {
        let (public_key, sealed) = (row.text(0)?, row.bytes(1)?);
        if let Some(fresh) = reseal_ha1(sealer, &public_key, &sealed)? {
            let replace = work(move |db| {
                Box::pin(async move {
                    let params = [Param::Bytes(&fresh), text(&public_key), Param::Bytes(&sealed)];
                    db.execute(RESEAL_KEY, &params).await
                })
            });
            done.api_keys += engine.write(None, replace).await?;
        }
    }
    Ok(done)
}
