"""Schemathesis against Atlas's official OpenAPI subset for service accounts (and the
system status), with a service account's Bearer token from the OAuth client-credentials
flow: every generated request gets an answer that is not a server error and that matches
the schema declared for its status. Run by run.sh, which starts the server, makes the
account and sets the environment."""

import os

import schemathesis
import yaml
from oauthlib.oauth2 import BackendApplicationClient
from requests_oauthlib import OAuth2Session
from generated import SETTINGS, check_answer

# The test server speaks plain HTTP on loopback; oauthlib refuses that unless told.
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"

BASE_URL = os.environ["ATLAS_BASE_URL"]
GROUP = os.environ["ATLAS_GROUP"]
CLIENT_ID, CLIENT_SECRET = os.environ["ATLAS_CLIENT_ID"], os.environ["ATLAS_CLIENT_SECRET"]
MEDIA = "application/vnd.atlas.2024-08-05+json"

SESSION = OAuth2Session(client=BackendApplicationClient(client_id=CLIENT_ID))
SESSION.fetch_token(token_url=f"{BASE_URL}/api/oauth/token", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
ORG = next(role["orgId"] for role in SESSION.get(f"{BASE_URL}/api/atlas/v2").json()["serviceAccount"]["roles"]
           if "orgId" in role)
# The account the generated requests change, so that they never delete the one they run as.
TARGET = SESSION.post(
    f"{BASE_URL}/api/atlas/v2/groups/{GROUP}/serviceAccounts",
    json={"name": "Schemathesis target", "description": "changed by generated requests",
          "roles": ["GROUP_READ_ONLY"], "secretExpiresAfterHours": 8},
    headers={"Accept": MEDIA, "Content-Type": MEDIA},
).json()["clientId"]


def recorded_corrections(raw):
    """Where Atlas's specification disagrees with the answers Atlas was recorded sending, the
    recordings win (shared/spec/CONTRACT.md): error parameters are strings."""
    raw["components"]["schemas"]["ApiError"]["properties"]["parameters"]["items"] = {"type": "string"}
    return raw


with open(os.environ["ATLAS_SA_SPEC"], encoding="utf-8") as spec:
    schema = schemathesis.openapi.from_dict(recorded_corrections(yaml.safe_load(spec)))


@schema.parametrize()
@SETTINGS
def test_every_generated_request_gets_a_well_formed_answer(case):
    check_answer(case, BASE_URL, SESSION, {"groupId": GROUP, "orgId": ORG, "clientId": TARGET})
