//! Who a console request is from, once its session is found ([`super::session`] finds it):
//! the credential, the session and its form token, and the client's address. Pages read it;
//! changes are recorded against it.

use std::net::IpAddr;
use std::sync::Arc;

use crate::domain::api_key::ApiKey;
use crate::domain::event::Actor;

/// The signed-in credential of a console request.
#[derive(Clone, Debug)]
pub struct ConsoleUser {
    /// The key (or the service account acting as one), for the API's access rule.
    pub key: Arc<ApiKey>,
    /// The session's id.
    pub session: String,
    /// The token every form of this session carries.
    pub csrf: String,
    /// The client's address.
    pub client: Option<IpAddr>,
}

impl ConsoleUser {
    /// Who a change is recorded against.
    pub fn actor(&self) -> Actor {
        Actor {
            api_key_id: self.key.id,
            public_key: self.key.public_key.clone(),
            remote_address: self.client,
        }
    }
}
