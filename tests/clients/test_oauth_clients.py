"""Two OAuth 2.0 clients from PyPI do the client-credentials flow against the real server:
requests-oauthlib's BackendApplicationClient (credentials in HTTP Basic) and authlib's
OAuth2Session (credentials in the form body), then call the API with the Bearer token, and
authlib revokes its token (RFC 7009)."""

import os

import requests
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from oauthlib.oauth2 import BackendApplicationClient
from requests_oauthlib import OAuth2Session

# The test server speaks plain HTTP on loopback; oauthlib refuses that unless told.
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"

BASE = os.environ["ATLAS_BASE_URL"]
GROUP = os.environ["ATLAS_GROUP"]
CLIENT_ID, CLIENT_SECRET = os.environ["ATLAS_CLIENT_ID"], os.environ["ATLAS_CLIENT_SECRET"]
TOKEN_URL = f"{BASE}/api/oauth/token"
V2 = "application/vnd.atlas.2023-01-01+json"


def test_requests_oauthlib_fetches_a_token_with_basic_and_uses_it():
    session = OAuth2Session(client=BackendApplicationClient(client_id=CLIENT_ID))
    token = session.fetch_token(token_url=TOKEN_URL, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    body = {"type": "SLACK", "apiToken": "xoxb-oauth-client-1234", "channelName": "ops"}
    answer = session.put(f"{BASE}/api/atlas/v2/groups/{GROUP}/integrations/SLACK", json=body,
                         headers={"Accept": V2, "Content-Type": V2}, timeout=30)
    assert answer.status_code == 200, answer.text
    status = session.get(f"{BASE}/api/atlas/v2", headers={"Accept": V2}, timeout=30).json()
    assert status["serviceAccount"]["clientId"] == CLIENT_ID and status["apiKey"] is None


def test_authlib_fetches_a_token_with_form_credentials_and_revokes_it():
    session = AuthlibSession(CLIENT_ID, CLIENT_SECRET, token_endpoint_auth_method="client_secret_post")
    token = session.fetch_token(TOKEN_URL, grant_type="client_credentials")
    listed = session.get(f"{BASE}/api/atlas/v2/orgs/{status_org(session)}/serviceAccounts",
                         headers={"Accept": "application/vnd.atlas.2024-08-05+json"}, timeout=30)
    assert listed.status_code == 200, listed.text
    assert any(account["clientId"] == CLIENT_ID for account in listed.json()["results"])
    revoked = session.revoke_token(f"{BASE}/api/oauth/revoke", token=token["access_token"],
                                   token_type_hint="access_token")
    assert revoked.status_code == 200, revoked.text
    after = requests.get(f"{BASE}/api/atlas/v2/groups/{GROUP}/integrations",
                         headers={"Authorization": f"Bearer {token['access_token']}", "Accept": V2}, timeout=30)
    assert after.status_code == 401


def status_org(session):
    roles = session.get(f"{BASE}/api/atlas/v2", headers={"Accept": V2}, timeout=30).json()["serviceAccount"]["roles"]
    return next(role["orgId"] for role in roles if "orgId" in role)
