//! The notification types of Atlas's alert configurations: each one's own fields, how each
//! field is checked and shown, which field it must have, and who repeats it.

/// How a field is checked and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text shown in clear.
    Text,
    /// A key or token: shown with all but its last four characters masked.
    Key,
    /// A URL: shown as `scheme://host/****` and its last four.
    Url,
    /// Shown fully redacted (`******`).
    Hidden,
    /// A boolean.
    Flag,
    /// One of a fixed set.
    Choice(&'static [&'static str]),
    /// A list of role names.
    Roles(&'static [&'static str]),
}

/// What fully redacted fields read as.
pub const REDACTED: &str = "******";

const GROUP_ROLES: &[&str] = &[
    "GROUP_CLUSTER_MANAGER",
    "GROUP_DATA_ACCESS_ADMIN",
    "GROUP_DATA_ACCESS_READ_ONLY",
    "GROUP_DATA_ACCESS_READ_WRITE",
    "GROUP_OWNER",
    "GROUP_READ_ONLY",
    "GROUP_SEARCH_INDEX_EDITOR",
    "GROUP_STREAM_PROCESSING_OWNER",
];
const ORG_ROLES: &[&str] = &[
    "ORG_OWNER",
    "ORG_MEMBER",
    "ORG_GROUP_CREATOR",
    "ORG_BILLING_ADMIN",
    "ORG_BILLING_READ_ONLY",
    "ORG_READ_ONLY",
];
/// One notification type: its wire name, its own fields, the field it must have (if any),
/// and whether it repeats on this server's schedule (`intervalMin`) rather than the service's.
pub struct TypeSpec {
    /// The wire `typeName`.
    pub name: &'static str,
    /// Its own fields and how each is checked.
    pub fields: &'static [(&'static str, Kind)],
    /// The field it must have, if any.
    pub required: Option<&'static str>,
    /// Whether `intervalMin` applies.
    pub repeats: bool,
}

const fn spec(
    name: &'static str,
    fields: &'static [(&'static str, Kind)],
    required: Option<&'static str>,
    repeats: bool,
) -> TypeSpec {
    TypeSpec { name, fields, required, repeats }
}

const DATADOG_REGIONS: &[&str] = &["US", "EU", "US3", "US5", "AP1", "US1_FED"];
const US_EU: &[&str] = &["US", "EU"];
const EMAIL_SMS: [(&str, Kind); 2] = [("emailEnabled", Kind::Flag), ("smsEnabled", Kind::Flag)];

/// The notification types.
pub const TYPES: &[TypeSpec] = &[
    spec(
        "DATADOG",
        &[("datadogApiKey", Kind::Key), ("datadogRegion", Kind::Choice(DATADOG_REGIONS))],
        None,
        true,
    ),
    spec("EMAIL", &[("emailAddress", Kind::Text)], Some("emailAddress"), true),
    spec("GROUP", &[EMAIL_SMS[0], EMAIL_SMS[1], ("roles", Kind::Roles(GROUP_ROLES))], None, true),
    spec("HIP_CHAT", &[("notificationToken", Kind::Key), ("roomName", Kind::Text)], None, true),
    spec("MICROSOFT_TEAMS", &[("microsoftTeamsWebhookUrl", Kind::Url)], None, true),
    spec("OPS_GENIE", &[("opsGenieApiKey", Kind::Key), ("opsGenieRegion", Kind::Choice(US_EU))], None, false),
    spec("ORG", &[EMAIL_SMS[0], EMAIL_SMS[1], ("roles", Kind::Roles(ORG_ROLES))], None, true),
    spec("PAGER_DUTY", &[("serviceKey", Kind::Key), ("region", Kind::Choice(US_EU))], None, false),
    spec("SLACK", &[("apiToken", Kind::Key), ("channelName", Kind::Text)], None, true),
    spec("SMS", &[("mobileNumber", Kind::Text)], Some("mobileNumber"), true),
    spec(
        "TEAM",
        &[EMAIL_SMS[0], EMAIL_SMS[1], ("teamId", Kind::Text), ("teamName", Kind::Text)],
        Some("teamId"),
        true,
    ),
    spec("USER", &[EMAIL_SMS[0], EMAIL_SMS[1], ("username", Kind::Text)], Some("username"), true),
    spec("VICTOR_OPS", &[("victorOpsApiKey", Kind::Key), ("victorOpsRoutingKey", Kind::Text)], None, false),
    spec(
        "WEBHOOK",
        &[
            ("webhookUrl", Kind::Url),
            ("webhookSecret", Kind::Hidden),
            ("webhookHeadersTemplate", Kind::Hidden),
            ("webhookBodyTemplate", Kind::Hidden),
        ],
        None,
        true,
    ),
];

/// The type called `type_name`, if there is one.
pub fn spec_of(type_name: &str) -> Option<&'static TypeSpec> {
    TYPES.iter().find(|spec| spec.name == type_name)
}

/// Atlas's own spelling of a notification type, if `type_name` is one (for bounded labels).
pub fn known_type_name(type_name: &str) -> Option<&'static str> {
    spec_of(type_name).map(|spec| spec.name)
}
