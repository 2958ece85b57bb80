//! The storage contract for web console sessions: a session comes back as begun, its use is
//! recorded, ending it removes it, and sessions past their lifetime are forgotten when
//! another begins.

use atlas_integrations::domain::console_session::{ConsoleSession, MAX_AGE_MS, SignedIn};
use atlas_integrations::domain::ids::ObjectId;
use atlas_integrations::store::Store;

pub async fn keeps_the_console_session_contract(store: &dyn Store) {
    let now = 10 * MAX_AGE_MS;
    let (by_key, _) = ConsoleSession::begin(SignedIn::ApiKey("abcdefgh".into()), now);
    let account = SignedIn::ServiceAccount { account: ObjectId::generate(), secret: ObjectId::generate() };
    let (by_account, _) = ConsoleSession::begin(account, now);
    store.begin_session(&by_key).await.unwrap();
    store.begin_session(&by_account).await.unwrap();
    assert_eq!(store.find_session(&by_key.id).await.unwrap(), Some(by_key.clone()));
    assert_eq!(store.find_session(&by_account.id).await.unwrap(), Some(by_account.clone()));
    assert_eq!(store.find_session("no-such-session").await.unwrap(), None);

    store.touch_session(&by_key.id, now + 90_000).await.unwrap();
    assert_eq!(store.find_session(&by_key.id).await.unwrap().unwrap().seen_ms, now + 90_000);

    assert!(store.end_session(&by_account.id).await.unwrap());
    assert!(!store.end_session(&by_account.id).await.unwrap());
    assert_eq!(store.find_session(&by_account.id).await.unwrap(), None);

    let (later, _) = ConsoleSession::begin(SignedIn::ApiKey("ijklmnop".into()), now + MAX_AGE_MS);
    store.begin_session(&later).await.unwrap();
    assert_eq!(store.find_session(&by_key.id).await.unwrap(), None, "an ended session is forgotten");
    assert!(store.find_session(&later.id).await.unwrap().is_some());
}
