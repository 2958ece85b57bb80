//! `GET /prometheus/v1.0/groups/{groupId}/discovery`: Prometheus's HTTP service discovery
//! in Atlas's shape, a JSON array of `{"targets": [...], "labels": {...}}`. The one target is
//! this server, its metrics path and scheme given with Prometheus's own `__metrics_path__`
//! and `__scheme__` labels, so a plain `http_sd_configs` entry scrapes the project's metrics.
//! `targetScheme` (`PUBLIC`, `PRIVATE`, `PRIVATE_ENDPOINT`) is accepted; every scheme
//! reaches the same target here.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::basic::PrometheusCaller;
use crate::domain::project::Project;
use crate::http::extract::SelfLink;

/// The discovery answer.
pub async fn discovery(PrometheusCaller(project): PrometheusCaller, at: SelfLink) -> Response {
    let mut response = targets(&project, &at.origin).to_string().into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The targets of `project` for a server reached at `origin` (`scheme://host[:port]`).
fn targets(project: &Project, origin: &str) -> Value {
    let (scheme, host) = origin.split_once("://").unwrap_or(("http", origin));
    let has_port = host.rsplit_once(':').is_some_and(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        && !host.ends_with(']');
    let target = match (has_port, scheme) {
        (true, _) => host.to_owned(),
        (false, "https") => format!("{host}:443"),
        (false, _) => format!("{host}:80"),
    };
    json!([{
        "targets": [target],
        "labels": {
            "__metrics_path__": format!("/prometheus/v1.0/groups/{}/metrics", project.id),
            "__scheme__": scheme,
            "group_id": project.id.to_string(),
            "group_name": project.name,
            "org_id": project.org_id.to_string(),
        },
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{GroupId, ObjectId};

    fn project() -> Project {
        Project {
            id: GroupId(ObjectId::parse("5f0000000000000000000002").unwrap()),
            org_id: ObjectId::parse("5f0000000000000000000003").unwrap(),
            name: "Payments".into(),
        }
    }

    #[test]
    fn the_target_carries_its_port_scheme_and_metrics_path() {
        let answer = targets(&project(), "https://atlas.example.net");
        assert_eq!(answer[0]["targets"], json!(["atlas.example.net:443"]));
        let labels = &answer[0]["labels"];
        assert_eq!(labels["__scheme__"], "https");
        assert_eq!(labels["__metrics_path__"], "/prometheus/v1.0/groups/5f0000000000000000000002/metrics");
        assert_eq!(labels["group_name"], "Payments");
        assert_eq!(targets(&project(), "http://127.0.0.1:8080")[0]["targets"], json!(["127.0.0.1:8080"]));
        assert_eq!(targets(&project(), "http://[::1]")[0]["targets"], json!(["[::1]:80"]));
    }
}
