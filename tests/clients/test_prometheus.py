"""Prometheus's side of a PROMETHEUS integration, read by real client code: pyomsdk (Ops
Manager's generated SDK) reads the discovery answer with HTTP Basic, and the metrics it points
to parse with the prometheus-client package's text parser."""

import os
import time

import httpx
import requests
from prometheus_client.parser import text_string_to_metric_families
from pyomsdk.resources import IntegrationSettingsResource
from requests.auth import HTTPDigestAuth

BASE = os.environ["ATLAS_BASE_URL"]
GROUP = os.environ["ATLAS_GROUP"]
DIGEST = HTTPDigestAuth(os.environ["ATLAS_PUBLIC_KEY"], os.environ["ATLAS_PRIVATE_KEY"])
USER, PASSWORD = "prom_user_clients", "prom-clients-pass-5e1"
V2 = f"{BASE}/api/atlas/v2/groups/{GROUP}"


def setup_module():
    body = {"type": "PROMETHEUS", "enabled": True, "serviceDiscovery": "http",
            "username": USER, "password": PASSWORD}
    answer = requests.put(f"{V2}/integrations/PROMETHEUS", json=body, auth=DIGEST, timeout=30)
    assert answer.status_code == 200, answer.text
    config = {"eventTypeName": "HOST_DOWN", "enabled": True,
              "notifications": [{"typeName": "EMAIL", "emailAddress": "ops@example.com"}]}
    answer = requests.post(f"{V2}/alertConfigs", json=config, auth=DIGEST, timeout=30)
    assert answer.status_code == 200, answer.text
    observation = {"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-0.example.net:27017"}
    answer = requests.post(f"{V2}/alerts", json=observation, auth=DIGEST, timeout=30)
    assert answer.status_code == 200, answer.text
    alert = answer.json()["results"][0]["id"]
    # With no SMTP server, the delivery worker logs the email as skipped when it takes it.
    for _ in range(100):
        log = requests.get(f"{V2}/alerts/{alert}/notifications", auth=DIGEST, timeout=30).json()["results"]
        if log and log[0]["status"] == "SKIPPED":
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the email was never logged as skipped: {log}")


def discovery(auth):
    client = httpx.Client(base_url=BASE, auth=auth, timeout=30, headers={"Accept": "application/json"})
    resource = IntegrationSettingsResource(client)
    params = IntegrationSettingsResource.ReturnLatestPrometheusTargetsPathParams(project_id=GROUP)
    return resource.return_latest_prometheus_targets(params, None)


def test_pyomsdk_reads_the_discovery_answer():
    targets = discovery(httpx.BasicAuth(USER, PASSWORD))
    assert isinstance(targets, list) and len(targets) == 1
    target = targets[0]
    assert target["targets"] == [BASE.removeprefix("http://")]
    assert target["labels"]["group_id"] == GROUP
    assert target["labels"]["__metrics_path__"] == f"/prometheus/v1.0/groups/{GROUP}/metrics"


def test_the_discovered_target_serves_metrics_prometheus_parses():
    target = discovery(httpx.BasicAuth(USER, PASSWORD))[0]
    labels = target["labels"]
    url = f"{labels['__scheme__']}://{target['targets'][0]}{labels['__metrics_path__']}"
    answer = requests.get(url, auth=(USER, PASSWORD), timeout=30)
    assert answer.status_code == 200
    families = {family.name: family for family in text_string_to_metric_families(answer.text)}
    open_alerts = {s.labels["event_type_name"]: s.value for s in families["atlas_alerts_open"].samples}
    assert open_alerts == {"HOST_DOWN": 1.0}
    notifications = {(s.labels["type_name"], s.labels["status"]): s.value
                     for s in families["atlas_alert_notifications"].samples}
    assert notifications == {("EMAIL", "SKIPPED"): 1.0}
    latency = families["atlas_alert_notification_delivery_seconds"]
    assert latency.type == "histogram"
    buckets = [s for s in latency.samples if s.name.endswith("_bucket")]
    assert buckets[-1].labels["le"] == "+Inf"


def test_wrong_credentials_are_refused():
    answer = requests.get(f"{BASE}/prometheus/v1.0/groups/{GROUP}/discovery", auth=(USER, "nope"), timeout=30)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Basic ")
