//! Key material: the one master key every replica shares, the subkeys derived from it, and
//! the sealing of secrets at rest.

mod master_key;
mod opened;
mod sealer;

pub use master_key::{KeyFileError, MasterKey};
pub use sealer::{SealError, Sealer};
