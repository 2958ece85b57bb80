//! The role × operation × project matrix: who may read and write which project's
//! integrations, organizations kept apart, and missing projects hidden from keys that could
//! not see them.

use atlas_integrations::admin::{self, KeyGrant};
use atlas_integrations::domain::api_key::{OrgRole, ProjectRole};
use atlas_integrations::domain::ids::GroupId;
use atlas_integrations::domain::integration::{IntegrationType, Operation, Patch};
use serde_json::{Value, json};

use crate::helpers::{Credentials, TestApp, integrations_path};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Allowed,
    Unauthorized,
    Challenge,
}

#[derive(Clone, Copy, Debug)]
enum Op {
    List,
    GetOne,
    Create,
    Update,
    Delete,
}

fn body() -> Value {
    json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef"})
}

/// Puts the project in the state the operation needs: PAGER_DUTY absent for a create,
/// present for the others.
async fn prepare(app: &TestApp, group: GroupId, op: Op) {
    let _ =
        app.store.change_integration(group, Operation::Delete(IntegrationType::PagerDuty), &actor()).await;
    if !matches!(op, Op::Create) {
        let patch = Patch::parse(IntegrationType::PagerDuty, body()).unwrap();
        app.store.change_integration(group, Operation::Upsert(&patch), &actor()).await.unwrap();
    }
}

async fn attempt(app: &TestApp, credentials: &Credentials, group: GroupId, op: Op) -> Expect {
    prepare(app, group, op).await;
    let client = app.client(credentials);
    let (list, one) = (
        integrations_path("/api/atlas/v2", &group.to_string(), ""),
        integrations_path("/api/atlas/v2", &group.to_string(), "PAGER_DUTY"),
    );
    let answer = match op {
        Op::List => client.get(&list).await,
        Op::GetOne => client.get(&one).await,
        Op::Create => client.post(&one, &body()).await,
        Op::Update => client.put(&one, &json!({"type": "PAGER_DUTY", "region": "EU"})).await,
        Op::Delete => client.delete(&one).await,
    };
    match answer.status {
        200 | 204 => Expect::Allowed,
        401 if answer.header("www-authenticate").is_some() => Expect::Challenge,
        401 => {
            answer.assert_error(401, "USER_UNAUTHORIZED");
            Expect::Unauthorized
        }
        other => panic!("{op:?} on {group}: unexpected {other} {}", answer.text()),
    }
}

async fn key(app: &TestApp, grant: KeyGrant) -> Credentials {
    app.key(grant).await
}

#[tokio::test]
async fn every_role_reaches_exactly_what_atlas_lets_it() {
    let app = TestApp::spawn().await;
    let org = app.project.org_id;
    let sibling = admin::create_project(app.store.as_ref(), "Sibling", None).await.unwrap();
    let elsewhere = admin::create_organization(app.store.as_ref(), "Elsewhere").await.unwrap();
    let foreign_project =
        admin::create_project(app.store.as_ref(), "Foreign", Some(elsewhere.id)).await.unwrap();

    let org_owner = key(&app, KeyGrant::Organization(org, OrgRole::OrgOwner)).await;
    let org_reader = key(&app, KeyGrant::Organization(org, OrgRole::OrgReadOnly)).await;
    let member = key(&app, KeyGrant::Organization(org, OrgRole::OrgMember)).await;
    let assigned = key(&app, KeyGrant::Organization(org, OrgRole::OrgMember)).await;
    app.store.grant_project_role(&assigned.public_key, sibling.id, ProjectRole::GroupReadOnly).await.unwrap();
    let foreign = key(&app, KeyGrant::Organization(elsewhere.id, OrgRole::OrgOwner)).await;
    let revoked = key(&app, KeyGrant::Project(app.project.id, ProjectRole::GroupOwner)).await;
    app.store.revoke_api_key(&revoked.public_key).await.unwrap();

    use Expect::{Allowed as A, Challenge as C, Unauthorized as U};
    let read_only = [A, A, U, U, U];
    let everything = [A, A, A, A, A];
    let nothing = [U, U, U, U, U];
    let cases: Vec<(&str, &Credentials, GroupId, [Expect; 5])> = vec![
        ("org owner, own project", &org_owner, app.project.id, everything),
        ("org owner, sibling project", &org_owner, sibling.id, everything),
        ("org read-only", &org_reader, sibling.id, read_only),
        ("org member without project role", &member, app.project.id, nothing),
        ("org member with GROUP_READ_ONLY", &assigned, sibling.id, read_only),
        ("org member, project it has no role in", &assigned, app.project.id, nothing),
        ("group owner", &app.owner, app.project.id, everything),
        ("group owner, other project", &app.owner, sibling.id, nothing),
        ("group read-only", &app.reader, app.project.id, read_only),
        ("owner of another organization", &foreign, app.project.id, nothing),
        ("owner of another organization, its own project", &foreign, foreign_project.id, everything),
        ("revoked key", &revoked, app.project.id, [C, C, C, C, C]),
    ];
    for (who, credentials, group, expected) in cases {
        for (op, expect) in
            [Op::List, Op::GetOne, Op::Create, Op::Update, Op::Delete].into_iter().zip(expected)
        {
            assert_eq!(attempt(&app, credentials, group, op).await, expect, "{who}: {op:?}");
        }
    }
}

#[tokio::test]
async fn a_missing_project_is_not_found_only_for_keys_that_see_a_whole_organization() {
    let app = TestApp::spawn().await;
    let missing = integrations_path("/api/atlas/v2", "0123456789abcdef01234567", "");
    let org_reader = app.key(KeyGrant::Organization(app.project.org_id, OrgRole::OrgReadOnly)).await;
    app.client(&org_reader).get(&missing).await.assert_error(404, "GROUP_NOT_FOUND");
    let member = app.key(KeyGrant::Organization(app.project.org_id, OrgRole::OrgMember)).await;
    app.client(&member).get(&missing).await.assert_error(401, "USER_UNAUTHORIZED");
    app.client(&app.reader).get(&missing).await.assert_error(401, "USER_UNAUTHORIZED");
}

#[tokio::test]
async fn a_key_cannot_be_given_a_project_of_another_organization() {
    let app = TestApp::spawn().await;
    let elsewhere = admin::create_organization(app.store.as_ref(), "Elsewhere").await.unwrap();
    let foreign_project =
        admin::create_project(app.store.as_ref(), "Foreign", Some(elsewhere.id)).await.unwrap();
    let refused = app
        .store
        .grant_project_role(&app.owner.public_key, foreign_project.id, ProjectRole::GroupOwner)
        .await;
    assert!(refused.is_err());
    let path = integrations_path("/api/atlas/v2", &foreign_project.id.to_string(), "");
    app.owner().get(&path).await.assert_error(401, "USER_UNAUTHORIZED");
}

fn actor() -> atlas_integrations::domain::event::Actor {
    atlas_integrations::domain::event::Actor {
        api_key_id: atlas_integrations::domain::ids::ObjectId::generate(),
        public_key: "testsetu".into(),
        remote_address: None,
    }
}
