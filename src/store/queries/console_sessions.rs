//! Web console sessions: begun, found, used, ended; those past their lifetime are forgotten
//! whenever one begins.

use crate::domain::console_session::{ConsoleSession, MAX_AGE_MS, MAX_IDLE_MS, SignedIn};
use crate::domain::service_account::{client_id_of, parse_client_id};
use crate::store::error::StoreError;
use crate::store::rows::parse_id;
use crate::store::sql::{Param, Row, Sql, text};

const INSERT: &str = "INSERT INTO console_sessions (id, credential, account_secret_id, created_ms, seen_ms) \
     VALUES ($1, $2, $3, $4, $5)";
const FIND: &str =
    "SELECT id, credential, account_secret_id, created_ms, seen_ms FROM console_sessions WHERE id = $1";
const TOUCH: &str = "UPDATE console_sessions SET seen_ms = $2 WHERE id = $1";
const END: &str = "DELETE FROM console_sessions WHERE id = $1";
const FORGET_ENDED: &str = "DELETE FROM console_sessions WHERE created_ms < $1 OR seen_ms < $2";

/// Stores a new session, and forgets those that have ended.
pub async fn begin(db: &mut dyn Sql, session: &ConsoleSession) -> Result<(), StoreError> {
    let now = session.created_ms;
    db.execute(FORGET_ENDED, &[Param::Int(Some(now - MAX_AGE_MS)), Param::Int(Some(now - MAX_IDLE_MS))])
        .await?;
    let (credential, secret) = match &session.signed_in {
        SignedIn::ApiKey(public_key) => (public_key.clone(), None),
        SignedIn::ServiceAccount { account, secret } => (client_id_of(*account), Some(secret.to_string())),
    };
    let params = [
        text(&session.id),
        text(&credential),
        Param::Text(secret.as_deref()),
        Param::Int(Some(session.created_ms)),
        Param::Int(Some(session.seen_ms)),
    ];
    db.execute(INSERT, &params).await?;
    Ok(())
}

/// The session with this id, if there is one.
pub async fn find(db: &mut dyn Sql, id: &str) -> Result<Option<ConsoleSession>, StoreError> {
    db.fetch_optional(FIND, &[text(id)]).await?.map(session).transpose()
}

/// Records a use at `now_ms`.
pub async fn touch(db: &mut dyn Sql, id: &str, now_ms: i64) -> Result<(), StoreError> {
    db.execute(TOUCH, &[text(id), Param::Int(Some(now_ms))]).await?;
    Ok(())
}

/// Ends a session; whether there was one.
pub async fn end(db: &mut dyn Sql, id: &str) -> Result<bool, StoreError> {
    Ok(db.execute(END, &[text(id)]).await? > 0)
}

fn session(mut row: Row) -> Result<ConsoleSession, StoreError> {
    let credential = row.text(1)?;
    let signed_in = match row.optional_text(2)? {
        None => SignedIn::ApiKey(credential),
        Some(secret) => SignedIn::ServiceAccount {
            account: parse_client_id(&credential)
                .ok_or_else(|| StoreError::Corrupt(format!("a console session's client id {credential}")))?,
            secret: parse_id(&secret)?,
        },
    };
    Ok(ConsoleSession { id: row.text(0)?, signed_in, created_ms: row.int(3)?, seen_ms: row.int(4)? })
}
