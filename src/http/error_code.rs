//! Atlas's error codes that this resource answers with, and the HTTP status of each.

use axum::http::StatusCode;

/// One `errorCode` of Atlas's error envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// A path `{integrationType}` outside the enum.
    InvalidEnumValue,
    /// A project name already taken in its organization.
    GroupAlreadyExists,
    /// No project the caller can see has the name asked for.
    GroupNameNotFound,
    /// An organization name already taken.
    DuplicateOrgName,
    /// An organization still has projects.
    CannotDeleteOrgActiveProjects,
    /// The caller may not create projects in the organization.
    NotOrgGroupCreator,
    /// No API key of that id in the organization (or project).
    ApiKeyNotFound,
    /// The address is not on the key's access list.
    ApiKeyAccessListEntryNotFound,
    /// A malformed `{groupId}`.
    InvalidGroupId,
    /// A well-formed group that does not exist.
    GroupNotFound,
    /// A body that is not a JSON object.
    InvalidJson,
    /// A required attribute absent.
    MissingAttribute,
    /// An attribute the type does not have, or a `type` that differs from the path.
    InvalidAttribute,
    /// A value of the wrong kind or shape.
    InvalidIntegrationSettings,
    /// A field of another integration type holding something other than its default.
    IntegrationFieldsInvalid,
    /// POST of a configured type.
    IntegrationAlreadyConfigured,
    /// GET one or DELETE of a type not configured.
    IntegrationNotConfigured,
    /// An alert configuration id the project does not have.
    AlertConfigNotFound,
    /// An alert id the project does not have.
    AlertNotFound,
    /// A project that holds the most alert configurations it may.
    AlertConfigLimitReached,
    /// A notification id the alert does not have (an extension's code).
    NotificationNotFound,
    /// A notification still waiting or being sent, or skipped, asked to be sent again.
    NotificationNotRedeliverable,
    /// An organization that does not exist (or that the caller cannot see).
    OrgNotFound,
    /// A client id the organization or project has no service account under.
    ServiceAccountNotFound,
    /// A service account that already holds the most secrets it may.
    ServiceAccountSecretLimit,
    /// A test notification the receiver did not accept (an extension's code).
    IntegrationTestFailed,
    /// A bad `pageNum`, `itemsPerPage` or flag.
    InvalidQueryParameter,
    /// A v2 `Accept` naming an unknown or malformed version date.
    InvalidVersionDate,
    /// A v2 `Accept` naming no media type this API serves.
    NotAcceptable,
    /// A body with a media type other than JSON.
    UnsupportedMediaType,
    /// A body over the limit.
    RequestTooLarge,
    /// A key without the role for this.
    UserUnauthorized,
    /// No such path.
    ResourceNotFound,
    /// A method the path does not have.
    MethodNotAllowed,
    /// The client's address is not on the key's access list.
    IpAddressNotOnAccessList,
    /// Too many requests for the project, or too many failed authentications.
    RateLimited,
    /// The database cannot be reached now.
    ServiceUnavailable,
    /// An HTTP/1.1 request without `Host` (RFC 9112 §3.2).
    MissingHostHeader,
    /// A request with more than one `Host` (RFC 9112 §3.2).
    DuplicateHostHeader,
    /// A console path holding a control character.
    InvalidPath,
    /// Anything unexpected.
    UnexpectedError,
}

impl ErrorCode {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidEnumValue => "INVALID_ENUM_VALUE",
            ErrorCode::GroupAlreadyExists => "GROUP_ALREADY_EXISTS",
            ErrorCode::GroupNameNotFound => "GROUP_NAME_NOT_FOUND",
            ErrorCode::DuplicateOrgName => "DUPLICATE_ORG_NAME",
            ErrorCode::CannotDeleteOrgActiveProjects => "CANNOT_DELETE_ORG_ACTIVE_PROJECTS",
            ErrorCode::NotOrgGroupCreator => "NOT_ORG_GROUP_CREATOR",
            ErrorCode::ApiKeyNotFound => "API_KEY_NOT_FOUND",
            ErrorCode::ApiKeyAccessListEntryNotFound => "API_KEY_ACCESS_LIST_ENTRY_NOT_FOUND",
            ErrorCode::InvalidGroupId => "INVALID_GROUP_ID",
            ErrorCode::GroupNotFound => "GROUP_NOT_FOUND",
            ErrorCode::InvalidJson => "INVALID_JSON",
            ErrorCode::MissingAttribute => "MISSING_ATTRIBUTE",
            ErrorCode::InvalidAttribute => "INVALID_ATTRIBUTE",
            ErrorCode::InvalidIntegrationSettings => "INVALID_INTEGRATION_SETTINGS",
            ErrorCode::IntegrationFieldsInvalid => "INTEGRATION_FIELDS_INVALID",
            ErrorCode::IntegrationAlreadyConfigured => "INTEGRATION_ALREADY_CONFIGURED",
            ErrorCode::IntegrationNotConfigured => "INTEGRATION_NOT_CONFIGURED",
            ErrorCode::AlertConfigNotFound => "ALERT_CONFIG_NOT_FOUND",
            ErrorCode::AlertNotFound => "ALERT_NOT_FOUND",
            ErrorCode::AlertConfigLimitReached => "ALERT_CONFIG_LIMIT_REACHED",
            ErrorCode::NotificationNotFound => "NOTIFICATION_NOT_FOUND",
            ErrorCode::NotificationNotRedeliverable => "NOTIFICATION_NOT_REDELIVERABLE",
            ErrorCode::IntegrationTestFailed => "INTEGRATION_TEST_FAILED",
            ErrorCode::OrgNotFound => "ORG_NOT_FOUND",
            ErrorCode::ServiceAccountNotFound => "SERVICE_ACCOUNT_NOT_FOUND",
            ErrorCode::ServiceAccountSecretLimit => "SERVICE_ACCOUNT_SECRET_LIMIT",
            ErrorCode::InvalidQueryParameter => "INVALID_QUERY_PARAMETER",
            ErrorCode::InvalidVersionDate => "INVALID_VERSION_DATE",
            ErrorCode::NotAcceptable => "NOT_ACCEPTABLE",
            ErrorCode::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            ErrorCode::RequestTooLarge => "REQUEST_TOO_LARGE",
            ErrorCode::UserUnauthorized => "USER_UNAUTHORIZED",
            ErrorCode::MissingHostHeader => "MISSING_HOST_HEADER",
            ErrorCode::DuplicateHostHeader => "DUPLICATE_HOST_HEADER",
            ErrorCode::InvalidPath => "INVALID_PATH",
            ErrorCode::UnexpectedError => "UNEXPECTED_ERROR",
            ErrorCode::ResourceNotFound => "RESOURCE_NOT_FOUND",
            ErrorCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::IpAddressNotOnAccessList => "IP_ADDRESS_NOT_ON_ACCESS_LIST",
        }
    }

    /// The HTTP status it is sent with.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidEnumValue
            | ErrorCode::InvalidGroupId
            | ErrorCode::InvalidJson
            | ErrorCode::MissingAttribute
            | ErrorCode::InvalidAttribute
            | ErrorCode::InvalidIntegrationSettings
            | ErrorCode::IntegrationFieldsInvalid
            | ErrorCode::InvalidQueryParameter
            | ErrorCode::MissingHostHeader
            | ErrorCode::DuplicateHostHeader
            | ErrorCode::InvalidPath => StatusCode::BAD_REQUEST,
            ErrorCode::UserUnauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::GroupNotFound
            | ErrorCode::IntegrationNotConfigured
            | ErrorCode::AlertConfigNotFound
            | ErrorCode::AlertNotFound
            | ErrorCode::NotificationNotFound
            | ErrorCode::OrgNotFound
            | ErrorCode::ServiceAccountNotFound
            | ErrorCode::GroupNameNotFound
            | ErrorCode::ApiKeyNotFound
            | ErrorCode::ApiKeyAccessListEntryNotFound
            | ErrorCode::ResourceNotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::InvalidVersionDate | ErrorCode::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            ErrorCode::IntegrationAlreadyConfigured
            | ErrorCode::ServiceAccountSecretLimit
            | ErrorCode::NotificationNotRedeliverable
            | ErrorCode::AlertConfigLimitReached
            | ErrorCode::GroupAlreadyExists
            | ErrorCode::DuplicateOrgName
            | ErrorCode::CannotDeleteOrgActiveProjects => StatusCode::CONFLICT,
            ErrorCode::IntegrationTestFailed => StatusCode::BAD_GATEWAY,
            ErrorCode::RequestTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnexpectedError => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::IpAddressNotOnAccessList | ErrorCode::NotOrgGroupCreator => StatusCode::FORBIDDEN,
        }
    }
}
