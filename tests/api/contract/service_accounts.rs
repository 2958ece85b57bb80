//! The storage contract for service accounts: an account with its roles, access list and
//! secrets back as stored; at most two secrets; project roles only in its organization; the
//! token check that a revocation, a deleted secret or a deleted account turns off; import.

use atlas_integrations::domain::api_key::{OrgRole, ProjectRole};
use atlas_integrations::domain::ids::ObjectId;
use atlas_integrations::domain::service_account::ServiceAccount;
use atlas_integrations::store::{AccountChange, NewSecret, Store, StoreError};

fn secret(created_ms: i64) -> NewSecret {
    NewSecret {
        id: ObjectId::generate(),
        verifier: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        masked: "mdb_sa_sk_****abcd".into(),
        created_ms,
        expires_ms: created_ms + 3_600_000,
    }
}

pub async fn keeps_the_service_account_contract(store: &dyn Store) {
    let project = store.create_project("accounts", None).await.unwrap();
    let other_org = store.create_organization("Elsewhere").await.unwrap();
    let elsewhere = store.create_project("elsewhere", Some(other_org.id)).await.unwrap();
    let account = ServiceAccount {
        id: ObjectId::generate(),
        org_id: project.org_id,
        name: "Contract".into(),
        description: "checks the store".into(),
        org_roles: vec![OrgRole::OrgMember],
        project_roles: vec![],
        access_list: vec![],
        created_ms: 1_000,
        secrets: vec![],
    };
    let first = secret(1_000);
    store.create_service_account(&account, &first).await.unwrap();
    let found = store.find_service_account(account.id).await.unwrap().unwrap();
    assert_eq!((found.name.as_str(), found.org_roles.clone()), ("Contract", vec![OrgRole::OrgMember]));
    assert_eq!(found.secrets.len(), 1);
    assert_eq!((found.secrets[0].id, found.secrets[0].masked.as_str()), (first.id, "mdb_sa_sk_****abcd"));

    store
        .set_service_account_project_roles(account.id, project.id, &[ProjectRole::GroupOwner])
        .await
        .unwrap();
    let crossing =
        store.set_service_account_project_roles(account.id, elsewhere.id, &[ProjectRole::GroupOwner]).await;
    assert!(matches!(crossing, Err(StoreError::Conflict(_))), "{crossing:?}");
    store.add_service_account_access_entry(account.id, "203.0.113.0/24".parse().unwrap()).await.unwrap();
    let change = AccountChange {
        name: Some("Renamed".into()),
        description: None,
        org_roles: Some(vec![OrgRole::OrgReadOnly]),
    };
    let updated = store.update_service_account(account.id, change).await.unwrap().unwrap();
    assert_eq!(updated.name, "Renamed");
    assert_eq!(updated.description, "checks the store");
    assert_eq!(updated.org_roles, vec![OrgRole::OrgReadOnly]);
    assert_eq!(updated.project_roles, vec![(project.id, ProjectRole::GroupOwner)]);
    assert_eq!(updated.access_list.len(), 1);

    let second = secret(2_000);
    store.add_service_account_secret(account.id, &second).await.unwrap();
    let third = store.add_service_account_secret(account.id, &secret(3_000)).await;
    assert!(matches!(third, Err(StoreError::Conflict(_))), "two secrets at most: {third:?}");
    let verifiers = store.secret_verifiers(account.id, 1_500).await.unwrap();
    assert_eq!(verifiers.len(), 2);
    assert_eq!(
        store.secret_verifiers(account.id, 1_000 + 3_600_000).await.unwrap().len(),
        1,
        "expired ones left out"
    );

    let token = ObjectId::generate();
    assert!(store.token_account(account.id, first.id, token, 1_500).await.unwrap().is_some());
    assert!(
        store.token_account(account.id, first.id, token, 1_000 + 3_600_000).await.unwrap().is_none(),
        "expired secret"
    );
    store.revoke_token(token, 10_000, 1_500).await.unwrap();
    store.revoke_token(token, 10_000, 1_500).await.unwrap();
    assert!(store.token_account(account.id, first.id, token, 1_500).await.unwrap().is_none(), "revoked");
    let other_token = ObjectId::generate();
    assert!(store.delete_service_account_secret(account.id, first.id).await.unwrap());
    assert!(
        store.token_account(account.id, first.id, other_token, 1_500).await.unwrap().is_none(),
        "secret gone"
    );
    assert!(store.token_account(account.id, second.id, other_token, 2_500).await.unwrap().is_some());

    assert!(store.delete_service_account(account.id).await.unwrap());
    assert!(store.find_service_account(account.id).await.unwrap().is_none());
    assert!(
        store.token_account(account.id, second.id, other_token, 2_500).await.unwrap().is_none(),
        "account gone"
    );
    assert!(store.stored_secrets(account.id).await.unwrap().is_empty(), "its secrets went with it");
    assert!(store.list_service_accounts(Some(other_org.id)).await.unwrap().is_empty());
}
