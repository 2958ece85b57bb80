//! [`AlertStore`] for either engine, written once, as [`super::sql_store`] is for the rest.

use async_trait::async_trait;

use super::alerting::AlertStore;
use super::error::StoreError;
use super::queries::{alert_configs, alerts};
use super::sql::{Engine, work};
use super::sql_store::SqlStore;
use crate::domain::alerts::alert::{Acknowledgement, Alert, AlertFilter};
use crate::domain::alerts::config::{AlertConfig, AlertSettings};
use crate::domain::alerts::observation::Observation;
use crate::domain::ids::{GroupId, ObjectId};

#[async_trait]
impl<E: Engine> AlertStore for SqlStore<E> {
    async fn list_alert_configs(
        &self,
        group: GroupId,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<AlertConfig>, u64), StoreError> {
        alert_configs::list(&mut *self.engine.reader().await?, &self.sealer, group, offset, limit).await
    }

    async fn get_alert_config(
        &self,
        group: GroupId,
        id: ObjectId,
    ) -> Result<Option<AlertConfig>, StoreError> {
        alert_configs::get(&mut *self.engine.reader().await?, &self.sealer, group, id).await
    }

    async fn create_alert_config(
        &self,
        group: GroupId,
        settings: AlertSettings,
    ) -> Result<AlertConfig, StoreError> {
        let sealer = self.sealer.clone();
        let create = work(move |db| {
            Box::pin(async move { alert_configs::create(db, &sealer, group, settings).await })
        });
        self.engine.write(None, create).await
    }

    async fn replace_alert_config(
        &self,
        group: GroupId,
        id: ObjectId,
        settings: AlertSettings,
    ) -> Result<Option<AlertConfig>, StoreError> {
        let sealer = self.sealer.clone();
        let replace = work(move |db| {
            Box::pin(async move { alert_configs::replace(db, &sealer, group, id, settings).await })
        });
        self.engine.write(Some(format!("alert-config:{id}")), replace).await
    }

    async fn set_alert_config_enabled(
        &self,
        group: GroupId,
        id: ObjectId,
        enabled: bool,
    ) -> Result<Option<AlertConfig>, StoreError> {
        let sealer = self.sealer.clone();
        let toggle = work(move |db| {
            Box::pin(async move { alert_configs::set_enabled(db, &sealer, group, id, enabled).await })
        });
        self.engine.write(Some(format!("alert-config:{id}")), toggle).await
    }

    async fn delete_alert_config(&self, group: GroupId, id: ObjectId) -> Result<bool, StoreError> {
        let delete = work(move |db| Box::pin(async move { alert_configs::delete(db, group, id).await }));
        self.engine.write(None, delete).await
    }

    async fn raise_alert(&self, group: GroupId, observation: &Observation) -> Result<Vec<Alert>, StoreError> {
        let (observation, sealer) = (observation.clone(), self.sealer.clone());
        let raise = work(move |db| {
            Box::pin(async move {
                let configs =
                    alert_configs::enabled_for_event(db, &sealer, group, &observation.event_type_name)
                        .await?;
                let mut raised = Vec::new();
                for config in configs.iter().filter(|config| observation.is_caught_by(&config.settings)) {
                    raised.push(alerts::raise(db, config, &observation).await?.0);
                }
                Ok(raised)
            })
        });
        self.engine.write(Some(format!("alerts:{group}")), raise).await
    }

    async fn list_alerts(
        &self,
        group: GroupId,
        filter: AlertFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Alert>, u64), StoreError> {
        alerts::list(&mut *self.engine.reader().await?, group, filter, offset, limit).await
    }

    async fn get_alert(&self, group: GroupId, id: ObjectId) -> Result<Option<Alert>, StoreError> {
        alerts::get(&mut *self.engine.reader().await?, group, id).await
    }

    async fn acknowledge_alert(
        &self,
        group: GroupId,
        id: ObjectId,
        acknowledgement: Option<Acknowledgement>,
    ) -> Result<Option<Alert>, StoreError> {
        let acknowledge = work(move |db| {
            Box::pin(async move { alerts::acknowledge(db, group, id, acknowledgement).await })
        });
        self.engine.write(Some(format!("alerts:{group}")), acknowledge).await
    }

    async fn close_alert(&self, group: GroupId, id: ObjectId) -> Result<Option<Alert>, StoreError> {
        let close = work(move |db| Box::pin(async move { alerts::close(db, group, id).await }));
        self.engine.write(Some(format!("alerts:{group}")), close).await
    }
}
