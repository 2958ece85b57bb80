"""Schemathesis against Atlas's official OpenAPI subset for this resource, with HTTP Digest:
every generated request gets an answer that is not a server error and that matches the
schema declared for its status. Run by run.sh, which starts the server and sets the
environment; the number of examples per operation is ATLAS_EXAMPLES."""

import os

import requests
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from requests.auth import HTTPDigestAuth
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

BASE_URL = os.environ["ATLAS_BASE_URL"]
GROUP = os.environ["ATLAS_GROUP"]
SESSION = requests.Session()
SESSION.auth = HTTPDigestAuth(os.environ["ATLAS_PUBLIC_KEY"], os.environ["ATLAS_PRIVATE_KEY"])



def recorded_corrections(raw):
    """Where Atlas's specification disagrees with the answers Atlas was recorded sending,
    the recordings win (shared/spec/CONTRACT.md): error parameters are strings, and unset
    webhook templates read back as null. And reads mask New Relic's license key (DESIGN.md),
    which then no longer matches the 40-hex pattern that requests must."""
    schemas = raw["components"]["schemas"]
    schemas["ApiError"]["properties"]["parameters"]["items"] = {"type": "string"}
    for field in ("bodyTemplate", "headersTemplate"):
        schemas["Webhook"]["properties"][field]["nullable"] = True
    schemas["NewRelic"]["properties"]["licenseKey"].pop("pattern")
    return raw


with open(os.environ["ATLAS_SPEC"], encoding="utf-8") as spec:
    schema = schemathesis.openapi.from_dict(recorded_corrections(yaml.safe_load(spec)))


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("ATLAS_EXAMPLES", "25")),
    # The same examples on every run, so that CI is repeatable; raise ATLAS_EXAMPLES to explore.
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_generated_request_gets_a_well_formed_answer(case):
    # Most requests go to the project the key owns, so they reach the resource itself
    # rather than stopping at authorisation; the generated ids still exercise the 401s.
    if case.path_parameters and hash(str(case.body)) % 4 != 0:
        case.path_parameters["groupId"] = GROUP
    response = case.call(base_url=BASE_URL, session=SESSION)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
