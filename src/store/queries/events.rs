//! The audit trail: one event per change, read back as Atlas's Events API pages them.

use crate::domain::event::{Actor, Event, EventFilter, EventType};
use crate::domain::ids::{GroupId, ObjectId};
use crate::domain::integration::Operation;
use crate::store::error::StoreError;
use crate::store::rows::{self, event_columns};
use crate::store::sql::{Param, Sql, id, text};

/// Records an event for a change of one project, with the project's organization (binds: id,
/// project, created_ms, event type, integration type, key id, public key, address).
const INSERT_EVENT: &str = "INSERT INTO events (id, project_id, org_id, created_ms, event_type, integration_type, \
     api_key_id, public_key, remote_address) \
     SELECT $1, id, org_id, $3, $4, $5, $6, $7, $8 FROM projects WHERE id = $2";

macro_rules! event_filter {
    () => {
        "WHERE project_id = $1 AND ($2 IS NULL OR created_ms >= $2) \
         AND ($3 IS NULL OR created_ms <= $3) AND ($4 IS NULL OR event_type = $4)"
    };
}

/// A project's events that pass the filter ($2 min, $3 max, $4 type).
const COUNT_EVENTS: &str = concat!("SELECT COUNT(*) FROM events ", event_filter!());
/// One page of them, newest first ($5 limit, $6 offset).
const PAGE_EVENTS: &str = concat!(
    "SELECT ",
    event_columns!(),
    " FROM events ",
    event_filter!(),
    " ORDER BY created_ms DESC, id DESC LIMIT $5 OFFSET $6"
);
const EVENT: &str = concat!("SELECT ", event_columns!(), " FROM events WHERE project_id = $1 AND id = $2");

/// The event a change records.
pub fn event_type_of(operation: &Operation<'_>) -> EventType {
    match operation {
        Operation::Create(_) | Operation::Upsert(_) => EventType::IntegrationConfigured,
        Operation::Delete(_) => EventType::IntegrationRemoved,
    }
}

/// Records that `actor` applied `operation` to `group`, now.
pub async fn record_change(
    db: &mut dyn Sql,
    group: GroupId,
    operation: &Operation<'_>,
    actor: &Actor,
) -> Result<(), StoreError> {
    let address = actor.remote_address.map(|ip| ip.to_string());
    let params = [
        id(ObjectId::generate()),
        id(group),
        Param::Int(Some(crate::store::clock::now_ms())),
        text(event_type_of(operation).as_str()),
        text(operation.kind().as_str()),
        id(actor.api_key_id),
        text(&actor.public_key),
        Param::Text(address.as_deref()),
    ];
    db.execute(INSERT_EVENT, &params).await?;
    Ok(())
}

/// One page (`offset`, `limit`) of a project's events, newest first, and how many pass the
/// filter in all.
pub async fn list_events(
    db: &mut dyn Sql,
    group: GroupId,
    filter: &EventFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Event>, u64), StoreError> {
    let kind = match filter.types.as_slice() {
        [one] => Some(one.as_str()),
        _ => None, // none or both: every event
    };
    let filter = [id(group), Param::Int(filter.min_ms), Param::Int(filter.max_ms), Param::Text(kind)];
    let total = db.fetch_one(COUNT_EVENTS, &filter).await?.int(0)?;
    let clamp = |n: u64| Param::Int(Some(n.min(i64::MAX as u64) as i64));
    let page = [filter[0], filter[1], filter[2], filter[3], clamp(limit), clamp(offset)];
    let events =
        db.fetch(PAGE_EVENTS, &page).await?.into_iter().map(rows::event).collect::<Result<_, _>>()?;
    Ok((events, total as u64))
}

/// One event of a project.
pub async fn get_event(
    db: &mut dyn Sql,
    group: GroupId,
    event: ObjectId,
) -> Result<Option<Event>, StoreError> {
    let row = db.fetch_optional(EVENT, &[id(group), id(event)]).await?;
    row.map(rows::event).transpose()
}
