"""The server's own metrics (--metrics-listen) after traffic, read by prometheus-client's text
parser: the request counter moved by exactly the requests sent, failed logins are counted by
reason, and no label carries a project id or a key."""

import os

import requests
from prometheus_client.parser import text_string_to_metric_families
from requests.auth import HTTPDigestAuth

BASE = os.environ["ATLAS_BASE_URL"]
GROUP = os.environ["ATLAS_GROUP"]
PUBLIC = os.environ["ATLAS_PUBLIC_KEY"]
DIGEST = HTTPDigestAuth(PUBLIC, os.environ["ATLAS_PRIVATE_KEY"])
METRICS = os.environ["ATLAS_METRICS_URL"] + "/metrics"
ROUTE = "/api/atlas/v1.0/groups/{group_id}/integrations/{integration_type}"


def scrape():
    answer = requests.get(METRICS, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return answer.text, samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_the_counters_move_by_what_was_sent_and_labels_stay_bounded():
    _, before = scrape()
    url = f"{BASE}/api/atlas/v1.0/groups/{GROUP}/integrations/DATADOG"
    for _ in range(4):
        assert requests.get(url, auth=DIGEST, timeout=30).status_code == 404
    wrong = HTTPDigestAuth(PUBLIC, "00000000-0000-0000-0000-000000000000")
    assert requests.get(url, auth=wrong, timeout=30).status_code == 401
    text, after = scrape()

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("atlas_integrations_http_requests_total", method="GET", route=ROUTE, status="404") == 4
    assert moved("atlas_integrations_auth_failures_total", scheme="digest", reason="wrong_response") == 1
    assert moved("atlas_integrations_http_request_duration_seconds_count", method="GET", route=ROUTE) >= 5
    assert ("atlas_integrations_outbox_depth", ()) in after
    assert GROUP not in text and PUBLIC not in text
