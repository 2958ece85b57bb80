//! A project's integrations: read, change (read, merge, write and record, in the caller's
//! transaction) and import.

use crate::crypto::Sealer;
use crate::domain::event::Actor;
use crate::domain::ids::GroupId;
use crate::domain::integration::{Integration, IntegrationType, Operation, Patch};
use crate::store::error::StoreError;
use crate::store::rows::{self, SealedIntegration};
use crate::store::sealing::{open_integration, seal_integration};
use crate::store::sql::{Param, Sql, id, text};

use super::events::record_change;

const INTEGRATION: &str = "SELECT id, type, settings FROM integrations WHERE project_id = $1 AND type = $2";
const INTEGRATIONS: &str = "SELECT id, type, settings FROM integrations WHERE project_id = $1";
const DELETE: &str = "DELETE FROM integrations WHERE project_id = $1 AND type = $2";
/// Writes an integration's row, replacing the project's one of that type.
const UPSERT: &str = "INSERT INTO integrations (project_id, type, id, settings, updated_at) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (project_id, type) DO UPDATE SET id = excluded.id, \
     settings = excluded.settings, updated_at = excluded.updated_at";

/// An [`Operation`] that owns its body, to travel to wherever the transaction runs.
pub enum OwnedOperation {
    /// See [`Operation::Create`].
    Create(Patch),
    /// See [`Operation::Upsert`].
    Upsert(Patch),
    /// See [`Operation::Delete`].
    Delete(IntegrationType),
}

impl OwnedOperation {
    /// A copy of `operation` that owns its body.
    pub fn from(operation: Operation<'_>) -> Self {
        match operation {
            Operation::Create(patch) => OwnedOperation::Create(patch.clone()),
            Operation::Upsert(patch) => OwnedOperation::Upsert(patch.clone()),
            Operation::Delete(kind) => OwnedOperation::Delete(kind),
        }
    }

    /// The operation, borrowing its body.
    pub fn borrow(&self) -> Operation<'_> {
        match self {
            OwnedOperation::Create(patch) => Operation::Create(patch),
            OwnedOperation::Upsert(patch) => Operation::Upsert(patch),
            OwnedOperation::Delete(kind) => Operation::Delete(*kind),
        }
    }
}

fn open(sealer: &Sealer, group: GroupId, row: &SealedIntegration) -> Result<Integration, StoreError> {
    open_integration(sealer, group, &row.id, &row.kind, &row.settings)
}

/// One integration of the project.
pub async fn get_integration(
    db: &mut dyn Sql,
    sealer: &Sealer,
    group: GroupId,
    kind: IntegrationType,
) -> Result<Option<Integration>, StoreError> {
    let row = db.fetch_optional(INTEGRATION, &[id(group), text(kind.as_str())]).await?;
    row.map(|row| open(sealer, group, &rows::sealed_integration(row)?)).transpose()
}

/// The project's integrations in type order.
pub async fn list_integrations(
    db: &mut dyn Sql,
    sealer: &Sealer,
    group: GroupId,
) -> Result<Vec<Integration>, StoreError> {
    let rows = db.fetch(INTEGRATIONS, &[id(group)]).await?;
    let mut integrations = rows
        .into_iter()
        .map(|row| open(sealer, group, &rows::sealed_integration(row)?))
        .collect::<Result<Vec<_>, _>>()?;
    integrations.sort_by_key(|integration| integration.kind);
    Ok(integrations)
}

/// Applies one change, records its event by `actor`, and returns the project's integrations
/// after it. The caller holds the transaction and the lock on (project, type).
pub async fn change_integration(
    db: &mut dyn Sql,
    sealer: &Sealer,
    group: GroupId,
    operation: Operation<'_>,
    actor: &Actor,
) -> Result<Vec<Integration>, StoreError> {
    let kind = operation.kind();
    let current = get_integration(db, sealer, group, kind).await?;
    match operation.apply(current.as_ref())? {
        Some(next) => write_integration(db, sealer, group, &next).await?,
        None => {
            db.execute(DELETE, &[id(group), text(kind.as_str())]).await?;
        }
    }
    record_change(db, group, &operation, actor).await?;
    list_integrations(db, sealer, group).await
}

/// Writes `integration` sealed, replacing the project's integration of its type.
pub async fn write_integration(
    db: &mut dyn Sql,
    sealer: &Sealer,
    group: GroupId,
    integration: &Integration,
) -> Result<(), StoreError> {
    let sealed = seal_integration(sealer, group, integration);
    let params =
        [id(group), text(integration.kind.as_str()), id(integration.id), Param::Bytes(&sealed), Param::Now];
    db.execute(UPSERT, &params).await?;
    Ok(())
}
