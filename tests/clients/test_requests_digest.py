"""Python's requests with HTTPDigestAuth, many at once, each body sent 100 ms after its
headers (two TCP segments with a gap, as on a real network). The first leg of each request
is answered 401 before its body is read; requests then resends on the same connection, so
that connection must still be usable: not one connection error is allowed."""

import concurrent.futures
import http.client
import os
import threading
import time

import requests
from requests.auth import HTTPDigestAuth

BASE = os.environ["ATLAS_BASE_URL"]
GROUP = os.environ["ATLAS_GROUP"]
USER, PASSWORD = os.environ["ATLAS_PUBLIC_KEY"], os.environ["ATLAS_PRIVATE_KEY"]
GAP_SECS = 0.1
THREADS = 32

_send = http.client.HTTPConnection.send
delayed_bodies = 0
counting = threading.Lock()


def _send_body_late(self, data):
    """The request head goes at once; a JSON body GAP_SECS later, in a send of its own."""
    global delayed_bodies
    if isinstance(data, (bytes, bytearray)) and data[:1] == b"{":
        time.sleep(GAP_SECS)
        with counting:
            delayed_bodies += 1
    return _send(self, data)


http.client.HTTPConnection.send = _send_body_late


def put_slack(session, auth, n):
    url = f"{BASE}/api/atlas/v1.0/groups/{GROUP}/integrations/SLACK"
    body = {"type": "SLACK", "apiToken": f"xoxb-{n:08d}", "channelName": f"alerts-{n}"}
    answer = session.put(url, json=body, auth=auth, timeout=30)
    return answer.status_code


def run(requests_per_thread, auth_per_request):
    def worker(thread):
        session = requests.Session()
        shared_auth = HTTPDigestAuth(USER, PASSWORD)
        statuses = []
        for i in range(requests_per_thread):
            auth = HTTPDigestAuth(USER, PASSWORD) if auth_per_request else shared_auth
            statuses.append(put_slack(session, auth, thread * 100_000 + i))
        return statuses

    before = delayed_bodies
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        results = [status for statuses in pool.map(worker, range(THREADS)) for status in statuses]
    assert delayed_bodies - before >= len(results), "every body was sent late"
    return results


def test_a_challenge_before_a_late_body_never_breaks_the_connection_it_is_resent_on():
    # A new HTTPDigestAuth per request: every PUT is challenged first, with its body late.
    statuses = run(requests_per_thread=63, auth_per_request=True)
    assert len(statuses) == 63 * THREADS
    assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}


def test_sessions_that_reuse_their_nonce_send_late_bodies_without_a_connection_error():
    statuses = run(requests_per_thread=32, auth_per_request=False)
    assert len(statuses) == 32 * THREADS
    assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
