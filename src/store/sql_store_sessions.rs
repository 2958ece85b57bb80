//! [`SessionStore`] for either engine, written once, as [`super::sql_store`] is for the rest.

use async_trait::async_trait;

use super::error::StoreError;
use super::queries::console_sessions;
use super::sessions::SessionStore;
use super::sql::{Engine, work};
use super::sql_store::SqlStore;
use crate::domain::console_session::ConsoleSession;

#[async_trait]
impl<E: Engine> SessionStore for SqlStore<E> {
    async fn begin_session(&self, session: &ConsoleSession) -> Result<(), StoreError> {
        let session = session.clone();
        let begin = work(move |db| Box::pin(async move { console_sessions::begin(db, &session).await }));
        self.engine.write(None, begin).await
    }

    async fn find_session(&self, id: &str) -> Result<Option<ConsoleSession>, StoreError> {
        console_sessions::find(&mut *self.engine.reader().await?, id).await
    }

    async fn touch_session(&self, id: &str, now_ms: i64) -> Result<(), StoreError> {
        let id = id.to_owned();
        let touch = work(move |db| Box::pin(async move { console_sessions::touch(db, &id, now_ms).await }));
        self.engine.write(None, touch).await
    }

    async fn end_session(&self, id: &str) -> Result<bool, StoreError> {
        let id = id.to_owned();
        let end = work(move |db| Box::pin(async move { console_sessions::end(db, &id).await }));
        self.engine.write(None, end).await
    }
}
