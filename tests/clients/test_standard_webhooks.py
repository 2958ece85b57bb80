"""Webhook notifications verified by the Standard Webhooks reference library for Python
(`standardwebhooks` from PyPI), an implementation independent of the server's: the secret
given to it as `whsec_` + base64 of the webhook secret's bytes, as its documentation says. One
`webhook-id` across a failed attempt, its retry and a `:redeliver`."""

import base64
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from requests.auth import HTTPDigestAuth
from standardwebhooks.webhooks import Webhook

BASE = os.environ["ATLAS_BASE_URL"]
GROUP = os.environ["ATLAS_GROUP"]
DIGEST = HTTPDigestAuth(os.environ["ATLAS_PUBLIC_KEY"], os.environ["ATLAS_PRIVATE_KEY"])
V2 = f"{BASE}/api/atlas/v2/groups/{GROUP}"
SECRET = "python-standard-webhooks-secret-41"


class Receiver(BaseHTTPRequestHandler):
    """Keeps every request; answers 500 to the first, 200 to the rest."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(500 if len(Receiver.received) == 1 else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def wait_for(count):
    deadline = time.monotonic() + 60
    while len(Receiver.received) < count:
        assert time.monotonic() < deadline, f"only {len(Receiver.received)} requests arrived"
        time.sleep(0.05)
    return Receiver.received


def test_the_reference_library_verifies_every_attempt_and_the_id_holds_across_retry_and_redelivery():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    config = {"eventTypeName": "HOST_DOWN", "enabled": True, "notifications": [
        {"typeName": "WEBHOOK", "webhookUrl": url, "webhookSecret": SECRET, "delayMin": 0, "intervalMin": 60}]}
    answer = requests.post(f"{V2}/alertConfigs", json=config, auth=DIGEST, timeout=30)
    assert answer.status_code == 200, answer.text
    config_id = answer.json()["id"]
    observation = {"eventTypeName": "HOST_DOWN", "hostnameAndPort": "db-7.example.net:27017"}
    answer = requests.post(f"{V2}/alerts", json=observation, auth=DIGEST, timeout=30)
    assert answer.status_code == 200, answer.text
    # Other tests' configurations of the event may open alerts too: ours is the one of ours.
    [alert] = [opened["id"] for opened in answer.json()["results"] if opened["alertConfigId"] == config_id]

    verifier = Webhook("whsec_" + base64.b64encode(SECRET.encode()).decode())
    first, retry = wait_for(2)[:2]
    for headers, body in (first, retry):
        assert verifier.verify(body, headers)["id"] == alert
    assert first[0]["webhook-id"] == retry[0]["webhook-id"]

    notification = first[0]["webhook-id"]
    deadline = time.monotonic() + 30
    while True:
        log = requests.get(f"{V2}/alerts/{alert}/notifications", auth=DIGEST, timeout=30).json()["results"]
        if log[0]["status"] == "DELIVERED":
            break
        assert time.monotonic() < deadline, log
        time.sleep(0.05)
    assert log[0]["id"] == notification
    answer = requests.post(f"{V2}/alerts/{alert}/notifications/{notification}:redeliver", json={},
                           auth=DIGEST, timeout=30)
    assert answer.status_code == 202, answer.text
    headers, body = wait_for(3)[2]
    assert verifier.verify(body, headers)["id"] == alert
    assert headers["webhook-id"] == notification
    tampered = dict(headers, **{"webhook-id": "another"})
    try:
        verifier.verify(body, tampered)
        raise AssertionError("a changed id must not verify")
    except Exception as error:  # the library's WebhookVerificationError
        assert "verif" in type(error).__name__.lower() or "signature" in str(error).lower()
    server.shutdown()
