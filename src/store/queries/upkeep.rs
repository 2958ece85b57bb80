//! What operators run: row counts, the write probe of `/readyz`, and re-sealing every secret
//! under a new key.

use crate::crypto::Sealer;
use crate::store::error::StoreError;
use crate::store::interface::{Counts, Resealed};
use crate::store::sealing::{reseal_alert_config, reseal_delivery, reseal_ha1, reseal_integration};
use crate::store::sql::{Engine, Param, Sql, text, work};

const COUNTS: &str = "SELECT (SELECT COUNT(*) FROM organizations), (SELECT COUNT(*) FROM projects), \
     (SELECT COUNT(*) FROM api_keys), (SELECT COUNT(*) FROM integrations), \
     (SELECT COUNT(*) FROM service_accounts)";
/// The probe's write (`$1`: the time in ms).
const WRITE_PROBE: &str = "INSERT INTO write_probe (id, probed_at) VALUES (1, $1) \
     ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at";
const SEALED_INTEGRATIONS: &str = "SELECT project_id, type, settings FROM integrations";
const RESEAL_INTEGRATION: &str =
    "UPDATE integrations SET settings = $1 WHERE project_id = $2 AND type = $3 AND settings = $4";
const SEALED_ALERT_CONFIGS: &str = "SELECT project_id, id, settings FROM alert_configs";
const RESEAL_ALERT_CONFIG: &str =
    "UPDATE alert_configs SET settings = $1 WHERE project_id = $2 AND id = $3 AND settings = $4";
const SEALED_NOTIFICATIONS: &str = "SELECT id, delivery FROM notifications WHERE length(delivery) > 0";
const RESEAL_NOTIFICATION: &str = "UPDATE notifications SET delivery = $1 WHERE id = $2 AND delivery = $3";
const SEALED_KEYS: &str = "SELECT public_key, ha1_sealed FROM api_keys";
const RESEAL_KEY: &str = "UPDATE api_keys SET ha1_sealed = $1 WHERE public_key = $2 AND ha1_sealed = $3";

/// The ids of the keys the rows a rotation re-seals were sealed with (bytes 2 to 5 of each
/// blob).
const SEALING_KEY_IDS: &str = "SELECT DISTINCT substr(settings, 2, 4) FROM integrations \
     UNION SELECT DISTINCT substr(settings, 2, 4) FROM alert_configs \
     UNION SELECT DISTINCT substr(ha1_sealed, 2, 4) FROM api_keys";

/// The ids of the keys the stored secrets are sealed with, in hex.
pub async fn sealing_key_ids(db: &mut dyn Sql) -> Result<Vec<String>, StoreError> {
    let rows = db.fetch(SEALING_KEY_IDS, &[]).await?;
    rows.into_iter().map(|mut row| Ok(hex::encode(row.bytes(0)?))).collect()
}

/// How many rows of each kind there are.
pub async fn counts(db: &mut dyn Sql) -> Result<Counts, StoreError> {
    let mut row = db.fetch_one(COUNTS, &[]).await?;
    Ok(Counts {
        organizations: row.int(0)? as u64,
        projects: row.int(1)? as u64,
        api_keys: row.int(2)? as u64,
        integrations: row.int(3)? as u64,
        service_accounts: row.int(4)? as u64,
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
    Ok(Resealed {
        integrations: reseal_rows(engine, SEALED_INTEGRATIONS, RESEAL_INTEGRATION, |keys, sealed| {
            reseal_integration(sealer, &keys[0], &keys[1], sealed)
        })
        .await?,
        api_keys: reseal_rows(engine, SEALED_KEYS, RESEAL_KEY, |keys, sealed| {
            reseal_ha1(sealer, &keys[0], sealed)
        })
        .await?,
        alert_configs: reseal_rows(engine, SEALED_ALERT_CONFIGS, RESEAL_ALERT_CONFIG, |keys, sealed| {
            reseal_alert_config(sealer, &keys[0], &keys[1], sealed)
        })
        .await?,
        notifications: reseal_rows(engine, SEALED_NOTIFICATIONS, RESEAL_NOTIFICATION, |keys, sealed| {
            reseal_delivery(sealer, &keys[0], sealed)
        })
        .await?,
    })
}

/// Re-seals the rows `select` finds (their key columns, then the sealed blob) with `reseal`,
/// each by `update` in a transaction of its own (`$1` the new blob, then the keys, then the
/// old blob, so a row changed meanwhile is left alone); how many it changed.
async fn reseal_rows<E: Engine>(
    engine: &E,
    select: &'static str,
    update: &'static str,
    reseal: impl Fn(&[String], &[u8]) -> Result<Option<Vec<u8>>, StoreError>,
) -> Result<u64, StoreError> {
    let mut changed = 0;
    for mut row in engine.reader().await?.fetch(select, &[]).await? {
        let width = row.0.len();
        let keys = (0..width - 1).map(|column| row.text(column)).collect::<Result<Vec<_>, _>>()?;
        let sealed = row.bytes(width - 1)?;
        let Some(fresh) = reseal(&keys, &sealed)? else { continue };
        let replace = work(move |db| {
            Box::pin(async move {
                let mut params = vec![Param::Bytes(&fresh)];
                params.extend(keys.iter().map(|key| text(key)));
                params.push(Param::Bytes(&sealed));
                db.execute(update, &params).await
            })
        });
        changed += engine.write(None, replace).await?;
    }
    Ok(changed)
}
