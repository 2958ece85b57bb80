"""Schemathesis against Atlas's official OpenAPI subset for organizations, projects and
programmatic API keys, with HTTP Digest as an organization owner: every generated request
gets an answer that is not a server error and that matches the schema declared for its
status. Run by run.sh, which starts the server, makes the owner key and sets the
environment. Generated requests act on a project and a key made for them, never on the
caller's own key or the project the other suites use."""

import os

import requests
import schemathesis
import yaml
from requests.auth import HTTPDigestAuth
from generated import SETTINGS, check_answer

BASE_URL = os.environ["ATLAS_BASE_URL"]
ORG = os.environ["ATLAS_ORG"]
MEDIA = "application/vnd.atlas.2023-01-01+json"
SESSION = requests.Session()
SESSION.auth = HTTPDigestAuth(os.environ["ATLAS_ORG_PUBLIC_KEY"], os.environ["ATLAS_ORG_PRIVATE_KEY"])
HEADERS = {"Accept": MEDIA, "Content-Type": MEDIA}

TARGET_GROUP = SESSION.post(f"{BASE_URL}/api/atlas/v2/groups", json={"name": "Schemathesis target", "orgId": ORG},
                            headers=HEADERS).json()["id"]
TARGET_KEY = SESSION.post(f"{BASE_URL}/api/atlas/v2/orgs/{ORG}/apiKeys",
                          json={"desc": "changed by generated requests", "roles": ["ORG_MEMBER"]},
                          headers=HEADERS).json()["id"]
SESSION.post(f"{BASE_URL}/api/atlas/v2/orgs/{ORG}/apiKeys/{TARGET_KEY}/accessList",
             json=[{"ipAddress": "203.0.113.7"}], headers=HEADERS)


def recorded_corrections(raw):
    """Where Atlas's specification disagrees with the answers Atlas was recorded sending, the
    recordings win (shared/spec/CONTRACT.md): error parameters are strings. And names may
    hold spaces, as Atlas's own default project name ("Project 0") and this server's first
    project and organization do; the spec's name pattern leaves the space out."""
    schemas = raw["components"]["schemas"]
    schemas["ApiError"]["properties"]["parameters"]["items"] = {"type": "string"}
    for name in ("Group", "AtlasOrganization"):
        field = schemas[name]["properties"]["name"]
        field["pattern"] = field["pattern"].replace("[", "[ ", 1)
    # The limit's discriminator maps only the user-managed limits, while the path takes every
    # name of its enum (Data Federation's, Private Service Connect's) and answers each in the
    # same shape: the other names are mapped to it too.
    limit_path = raw["paths"]["/api/atlas/v2/groups/{groupId}/limits/{limitName}"]["get"]
    names = next(p for p in limit_path["parameters"] if p.get("name") == "limitName")["schema"]["enum"]
    mapping = schemas["DataFederationLimit"]["discriminator"]["mapping"]
    for name in names:
        mapping.setdefault(name, "#/components/schemas/DefaultLimit")
    return raw


with open(os.environ["ATLAS_PROJECTS_SPEC"], encoding="utf-8") as spec:
    schema = schemathesis.openapi.from_dict(recorded_corrections(yaml.safe_load(spec)))


@schema.parametrize()
@SETTINGS
def test_every_generated_request_gets_a_well_formed_answer(case):
    check_answer(case, BASE_URL, SESSION, {
        "groupId": TARGET_GROUP, "orgId": ORG, "apiUserId": TARGET_KEY, "ipAddress": "203.0.113.7",
        "groupName": "Schemathesis target",
    })
