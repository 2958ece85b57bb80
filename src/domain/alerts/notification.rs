//! One notification of an alert configuration: who is told, through which service, after how
//! long and how often. Each `typeName` has its own fields; credentials are kept in clear only
//! in memory (sealed at rest with the configuration) and shown masked, and a masked value sent
//! back unchanged keeps what is stored, as integration secrets do.

use serde_json::{Map, Value, json};

use super::notification_types::{Kind, REDACTED, TYPES, TypeSpec, spec_of};
use crate::domain::ids::ObjectId;
use crate::domain::secret::{mask, mask_url};

/// The types this server sends (through the project's integration or the notification's own
/// credentials); the others are kept and shown but not sent.
pub const SENT_TYPES: &[&str] =
    &["DATADOG", "MICROSOFT_TEAMS", "OPS_GENIE", "PAGER_DUTY", "SLACK", "VICTOR_OPS", "WEBHOOK"];

/// The default minutes between repeats.
const DEFAULT_INTERVAL_MIN: i64 = 60;

/// One notification, its values checked (secrets in clear).
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// The wire `typeName`.
    pub type_name: &'static str,
    /// Its identity across updates (`notifierId`).
    pub notifier_id: ObjectId,
    /// Minutes to wait before the first notice.
    pub delay_min: i64,
    /// Minutes between repeats; `None` for services that repeat on their own.
    pub interval_min: Option<i64>,
    /// The project integration whose credentials to use, if named.
    pub integration_id: Option<ObjectId>,
    /// The type's own fields that are set.
    pub fields: Map<String, Value>,
}

/// Whether a field a type does not have holds what says nothing: Terraform's provider sends
/// `"emailEnabled": false, "smsEnabled": false, "roles": null` in every notification, and
/// Atlas takes them as absent.
fn says_nothing(name: &str, value: &Value) -> bool {
    match name {
        "emailEnabled" | "smsEnabled" => matches!(value, Value::Null | Value::Bool(false)),
        "roles" => value.is_null() || value.as_array().is_some_and(Vec::is_empty),
        _ => false,
    }
}

impl Notification {
    /// A notification from its wire form. `previous` is the stored notification it replaces,
    /// if any: its secrets stay where the body sends back their masks.
    pub fn parse(body: &Value, previous: Option<&Notification>) -> Result<Notification, String> {
        let object = body.as_object().ok_or("each notification must be an object")?;
        let type_name =
            object.get("typeName").and_then(Value::as_str).ok_or("notifications.typeName is required")?;
        let &TypeSpec { name: type_name, fields, required, repeats } =
            spec_of(type_name).ok_or_else(|| {
                let names: Vec<_> = TYPES.iter().map(|spec| spec.name).collect();
                format!("notifications.typeName {type_name} is not one of {}", names.join(", "))
            })?;
        let previous = previous.filter(|previous| previous.type_name == type_name);
        let mut kept = Map::new();
        for (name, value) in object {
            if matches!(
                name.as_str(),
                "typeName" | "delayMin" | "intervalMin" | "integrationId" | "notifierId"
            ) {
                continue;
            }
            let Some(kind) = fields.iter().find(|(field, _)| field == name).map(|(_, kind)| *kind) else {
                if says_nothing(name, value) {
                    continue;
                }
                return Err(format!(
                    "notifications.{name} is not an attribute of a {type_name} notification"
                ));
            };
            if value.is_null() {
                continue;
            }
            let stored = previous.and_then(|previous| previous.fields.get(name));
            let value = match stored.filter(|stored| shown(kind, stored) == *value) {
                Some(stored) => stored.clone(),
                None => check(name, kind, value)?,
            };
            kept.insert(name.clone(), value);
        }
        if let Some(required) = required.filter(|field| !kept.contains_key(*field)) {
            return Err(format!("notifications.{required} is required for a {type_name} notification"));
        }
        let delay_min = minutes(object.get("delayMin"), "delayMin", 0, 0)?;
        let interval_min = match repeats {
            true => Some(minutes(object.get("intervalMin"), "intervalMin", 5, DEFAULT_INTERVAL_MIN)?),
            false => None,
        };
        let integration_id = match object.get("integrationId") {
            None | Some(Value::Null) => None,
            Some(id) => Some(
                id.as_str()
                    .and_then(ObjectId::parse)
                    .ok_or("notifications.integrationId must be 24 hexadecimal digits")?,
            ),
        };
        let notifier_id = match object.get("notifierId").and_then(Value::as_str).and_then(ObjectId::parse) {
            Some(id) => id,
            None => previous.map_or_else(ObjectId::generate, |previous| previous.notifier_id),
        };
        Ok(Notification { type_name, notifier_id, delay_min, interval_min, integration_id, fields: kept })
    }

    /// The wire form, credentials masked.
    pub fn to_wire(&self) -> Value {
        let mut object = Map::new();
        object.insert("delayMin".into(), json!(self.delay_min));
        let kinds = spec_of(self.type_name).map_or(&[][..], |spec| spec.fields);
        for (name, value) in &self.fields {
            let kind = kinds.iter().find(|(field, _)| field == name).map_or(Kind::Hidden, |(_, kind)| *kind);
            object.insert(name.clone(), shown(kind, value));
        }
        if let Some(id) = self.integration_id {
            object.insert("integrationId".into(), json!(id.to_string()));
        }
        if let Some(interval) = self.interval_min {
            object.insert("intervalMin".into(), json!(interval));
        }
        object.insert("notifierId".into(), json!(self.notifier_id.to_string()));
        object.insert("typeName".into(), json!(self.type_name));
        Value::Object(object)
    }

    /// The stored form (credentials in clear, for the sealed document).
    pub fn to_stored(&self) -> Value {
        let mut object = self.fields.clone();
        object.insert("typeName".into(), json!(self.type_name));
        object.insert("notifierId".into(), json!(self.notifier_id.to_string()));
        object.insert("delayMin".into(), json!(self.delay_min));
        if let Some(interval) = self.interval_min {
            object.insert("intervalMin".into(), json!(interval));
        }
        if let Some(id) = self.integration_id {
            object.insert("integrationId".into(), json!(id.to_string()));
        }
        Value::Object(object)
    }

    /// Whether this server sends notifications of this type.
    pub fn is_sent(&self) -> bool {
        SENT_TYPES.contains(&self.type_name)
    }
}

/// What a read shows for a stored value.
fn shown(kind: Kind, value: &Value) -> Value {
    match (kind, value.as_str()) {
        (Kind::Key, Some(text)) => json!(mask(text)),
        (Kind::Url, Some(text)) => json!(mask_url(text)),
        (Kind::Hidden, _) => json!(REDACTED),
        _ => value.clone(),
    }
}

fn check(name: &str, kind: Kind, value: &Value) -> Result<Value, String> {
    let text = || match value.as_str() {
        Some(text) if !text.is_empty() && text.chars().count() <= 16 * 1024 => Ok(value.clone()),
        Some("") => Err(format!("notifications.{name} must not be empty")),
        Some(_) => Err(format!("notifications.{name} is too long")),
        None => Err(format!("notifications.{name} must be a string")),
    };
    match kind {
        Kind::Text | Kind::Key | Kind::Hidden => text(),
        Kind::Url => {
            text()?;
            let url = value.as_str().and_then(|text| url::Url::parse(text).ok());
            match url.filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some()) {
                Some(_) => Ok(value.clone()),
                None => Err(format!("notifications.{name} must be an absolute http or https URL")),
            }
        }
        Kind::Flag if value.is_boolean() => Ok(value.clone()),
        Kind::Flag => Err(format!("notifications.{name} must be a boolean")),
        Kind::Choice(choices) if value.as_str().is_some_and(|text| choices.contains(&text)) => {
            Ok(value.clone())
        }
        Kind::Choice(choices) => Err(format!("notifications.{name} must be one of {}", choices.join(", "))),
        Kind::Roles(roles) => match value.as_array() {
            Some(items)
                if items.iter().all(|item| item.as_str().is_some_and(|role| roles.contains(&role))) =>
            {
                Ok(value.clone())
            }
            _ => Err(format!("notifications.{name} must be a list of {}", roles.join(", "))),
        },
    }
}

fn minutes(value: Option<&Value>, name: &str, least: i64, default: i64) -> Result<i64, String> {
    match value {
        None | Some(Value::Null) => Ok(default),
        Some(value) => match value.as_i64() {
            Some(n) if (least..=10_080).contains(&n) => Ok(n),
            _ => Err(format!("notifications.{name} must be a whole number of minutes from {least} to 10080")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_notification_hides_its_secret_and_masks_its_url() {
        let body = json!({"typeName": "WEBHOOK", "webhookUrl": "https://hooks.example.com/abc/1234",
                          "webhookSecret": "s3cret", "delayMin": 0, "intervalMin": 5});
        let notification = Notification::parse(&body, None).unwrap();
        let wire = notification.to_wire();
        assert_eq!(wire["webhookUrl"], "https://hooks.example.com/****1234");
        assert_eq!(wire["webhookSecret"], REDACTED);
        assert_eq!(wire["intervalMin"], 5);
        assert_eq!(wire["typeName"], "WEBHOOK");
        assert_eq!(notification.fields["webhookSecret"], "s3cret", "kept in clear in memory");
    }

    #[test]
    fn masks_sent_back_keep_the_stored_credentials_and_new_values_replace_them() {
        let first = Notification::parse(
            &json!({"typeName": "SLACK", "apiToken": "xoxb-1234567890", "channelName": "ops"}),
            None,
        )
        .unwrap();
        let echoed = first.to_wire();
        let again = Notification::parse(&echoed, Some(&first)).unwrap();
        assert_eq!(again.fields["apiToken"], "xoxb-1234567890");
        assert_eq!(again.notifier_id, first.notifier_id);
        let mut changed = echoed.clone();
        changed["apiToken"] = json!("xoxb-new");
        assert_eq!(Notification::parse(&changed, Some(&first)).unwrap().fields["apiToken"], "xoxb-new");
    }

    #[test]
    fn services_that_repeat_on_their_own_show_no_interval() {
        let pager = Notification::parse(
            &json!({"typeName": "PAGER_DUTY", "serviceKey": "k1234567", "intervalMin": 5}),
            None,
        );
        assert_eq!(pager.unwrap().to_wire().get("intervalMin"), None);
    }

    #[test]
    fn bad_notifications_are_refused_with_the_reason() {
        let refuse = |body: Value| Notification::parse(&body, None).unwrap_err();
        assert!(refuse(json!({"typeName": "FAX"})).contains("typeName FAX"));
        assert!(refuse(json!({"typeName": "EMAIL"})).contains("emailAddress is required"));
        assert!(refuse(json!({"typeName": "SLACK", "intervalMin": 1})).contains("intervalMin"));
        assert!(refuse(json!({"typeName": "SLACK", "webhookUrl": "https://x"})).contains("not an attribute"));
        assert!(refuse(json!({"typeName": "WEBHOOK", "webhookUrl": "ftp://x/y"})).contains("http or https"));
        assert!(refuse(json!({"typeName": "ORG", "roles": ["GROUP_OWNER"]})).contains("roles"));
    }

    #[test]
    fn fields_of_other_types_that_say_nothing_are_taken_as_absent() {
        let parse = |extra: Value| {
            let mut body =
                json!({"typeName": "WEBHOOK", "webhookUrl": "https://example.com/hook", "intervalMin": 5});
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            Notification::parse(&body, None)
        };
        let quiet = parse(json!({"emailEnabled": false, "smsEnabled": false, "roles": null})).unwrap();
        assert!(!quiet.fields.contains_key("emailEnabled") && !quiet.fields.contains_key("roles"));
        assert!(parse(json!({"roles": []})).is_ok());
        assert!(parse(json!({"emailEnabled": true})).unwrap_err().contains("emailEnabled"));
        assert!(parse(json!({"roles": ["GROUP_OWNER"]})).unwrap_err().contains("roles"));
    }
}
