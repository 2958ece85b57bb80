//! How each engine turns domain values into sealed rows and back: one place, so both
//! engines seal exactly the same way.

use crate::crypto::Sealer;
use crate::domain::alerts::config::AlertSettings;
use crate::domain::alerts::delivery::Delivery;
use crate::domain::api_key::Ha1;
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::{Integration, IntegrationType};
use crate::domain::secret::Secret;

use super::error::StoreError;

fn integration_context(group: GroupId, kind: IntegrationType) -> Vec<u8> {
    format!("integration:{group}:{kind}").into_bytes()
}

fn alert_config_context(group: &str, id: &str) -> Vec<u8> {
    format!("alert-config:{group}:{id}").into_bytes()
}

fn notification_context(id: &str) -> Vec<u8> {
    format!("notification:{id}").into_bytes()
}

fn ha1_context(public_key: &str) -> Vec<u8> {
    format!("api-key:{public_key}").into_bytes()
}

/// Seals an integration's settings for its row.
pub fn seal_integration(sealer: &Sealer, group: GroupId, integration: &Integration) -> Vec<u8> {
    sealer.seal(&integration.fields_to_stored(), &integration_context(group, integration.kind))
}

/// Opens an integration row.
pub fn open_integration(
    sealer: &Sealer,
    group: GroupId,
    id: &str,
    kind: &str,
    sealed: &[u8],
) -> Result<Integration, StoreError> {
    let kind = IntegrationType::parse(kind)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown integration type {kind:?}")))?;
    let id = ObjectId::parse(id).ok_or_else(|| StoreError::Corrupt(format!("bad integration id {id:?}")))?;
    let plain = sealer
        .open(sealed, &integration_context(group, kind))
        .map_err(|e| StoreError::Corrupt(format!("{kind} integration of project {group}: {e}")))?;
    Integration::from_stored(id, kind, &plain).map_err(StoreError::Corrupt)
}

/// Seals an alert configuration's settings (credentials included) for its row.
pub fn seal_alert_settings(
    sealer: &Sealer,
    group: GroupId,
    id: ObjectId,
    settings: &AlertSettings,
) -> Vec<u8> {
    let plain = zeroize::Zeroizing::new(settings.to_stored().to_string());
    sealer.seal(plain.as_bytes(), &alert_config_context(&group.to_string(), &id.to_string()))
}

/// Opens an alert configuration's settings.
pub fn open_alert_settings(
    sealer: &Sealer,
    group: GroupId,
    id: ObjectId,
    sealed: &[u8],
) -> Result<AlertSettings, StoreError> {
    let plain = sealer
        .open(sealed, &alert_config_context(&group.to_string(), &id.to_string()))
        .map_err(|e| StoreError::Corrupt(format!("alert configuration {id} of project {group}: {e}")))?;
    let stored: serde_json::Value = serde_json::from_slice(&plain)
        .map_err(|e| StoreError::Corrupt(format!("alert configuration {id}: {e}")))?;
    AlertSettings::from_stored(&stored)
        .map_err(|e| StoreError::Corrupt(format!("alert configuration {id}: {e}")))
}

/// An alert configuration row's blob sealed again under the active key, or `None` if it
/// already is.
pub fn reseal_alert_config(
    sealer: &Sealer,
    group: &str,
    id: &str,
    sealed: &[u8],
) -> Result<Option<Vec<u8>>, StoreError> {
    reseal(sealer, sealed, &alert_config_context(group, id))
}

/// Seals what a notification carries to its destination.
pub fn seal_delivery(sealer: &Sealer, id: ObjectId, delivery: &Delivery) -> Vec<u8> {
    let plain = zeroize::Zeroizing::new(serde_json::to_vec(delivery).expect("a delivery serialises"));
    sealer.seal(&plain, &notification_context(&id.to_string()))
}

/// Opens what a notification carries.
pub fn open_delivery(sealer: &Sealer, id: &str, sealed: &[u8]) -> Result<Delivery, StoreError> {
    let plain = sealer
        .open(sealed, &notification_context(id))
        .map_err(|e| StoreError::Corrupt(format!("notification {id}: {e}")))?;
    serde_json::from_slice(&plain).map_err(|e| StoreError::Corrupt(format!("notification {id}: {e}")))
}

/// Seals a key's Digest verifiers.
pub fn seal_ha1(sealer: &Sealer, public_key: &str, ha1: &Ha1) -> Vec<u8> {
    let plain = zeroize::Zeroizing::new(format!("{}:{}", ha1.md5.expose(), ha1.sha256.expose()));
    sealer.seal(plain.as_bytes(), &ha1_context(public_key))
}

/// Opens a key's Digest verifiers.
pub fn open_ha1(sealer: &Sealer, public_key: &str, sealed: &[u8]) -> Result<Ha1, StoreError> {
    let plain = sealer
        .open(sealed, &ha1_context(public_key))
        .map_err(|e| StoreError::Corrupt(format!("API key {public_key}: {e}")))?;
    let text = std::str::from_utf8(&plain).map_err(|_| StoreError::Corrupt("HA1 is not text".into()))?;
    let (md5, sha256) = text.split_once(':').ok_or_else(|| StoreError::Corrupt("HA1 is malformed".into()))?;
    Ok(Ha1 { md5: Secret::new(md5), sha256: Secret::new(sha256) })
}

/// An integration row's blob sealed again under the active key, or `None` if it already is.
pub fn reseal_integration(
    sealer: &Sealer,
    group: &str,
    kind: &str,
    sealed: &[u8],
) -> Result<Option<Vec<u8>>, StoreError> {
    let context = format!("integration:{group}:{kind}").into_bytes();
    reseal(sealer, sealed, &context)
}

/// What a notification carries sealed again under the active key, or `None` if it already is.
pub fn reseal_delivery(sealer: &Sealer, id: &str, sealed: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    reseal(sealer, sealed, &notification_context(id))
}

/// A key's verifiers sealed again under the active key, or `None` if they already are.
pub fn reseal_ha1(sealer: &Sealer, public_key: &str, sealed: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    reseal(sealer, sealed, &ha1_context(public_key))
}

fn reseal(sealer: &Sealer, sealed: &[u8], context: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    if sealer.is_current(sealed) {
        return Ok(None);
    }
    let plain = sealer.open(sealed, context).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Some(sealer.seal(&plain, context)))
}
