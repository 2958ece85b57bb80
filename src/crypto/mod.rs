//! Key material: the one master key every replica shares, the subkeys derived from it, and
//! the sealing of secrets at rest, and the signing of service accounts' access tokens.

mod master_key;
mod opened;
mod sealer;
pub mod tokens;

pub use master_key::{KeyFileError, MasterKey};
pub use sealer::{SealError, Sealer};
pub use tokens::TokenSigner;
