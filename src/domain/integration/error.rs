//! Why an integration body or change was refused, in terms the wire maps to Atlas's codes.

use super::IntegrationType;

/// A request body that cannot become integration settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// The body is not a JSON object.
    #[error("the request body must be a JSON object")]
    NotAnObject,
    /// A required attribute (`type`, or a field of the type) is absent.
    #[error("the required attribute {0} was not specified")]
    MissingAttribute(String),
    /// An attribute this type does not have, or a `type` that differs from the path.
    #[error("invalid attribute {0} specified")]
    InvalidAttribute(String),
    /// A field of another integration type holding something other than that field's
    /// default (a default is ignored: SDK constructors fill every type's defaults in).
    #[error("at least one integration field is invalid: {0} is not a field of this type")]
    FieldOfAnotherType(String),
    /// A value of the wrong kind or shape.
    #[error("the provided settings for the {kind} integration were invalid: {reason}")]
    Invalid {
        /// The integration type whose settings were refused.
        kind: IntegrationType,
        /// What is wrong, naming the field.
        reason: String,
    },
}

/// A change to a project's integration that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    /// The settings were refused.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// POST of a type the project already has.
    #[error("the integration of type '{0}' is already configured for this group")]
    AlreadyConfigured(IntegrationType),
    /// GET one or DELETE of a type the project does not have.
    #[error("the integration of type '{0}' is not configured for this group")]
    NotConfigured(IntegrationType),
}
