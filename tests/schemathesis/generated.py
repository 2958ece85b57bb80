"""What the schemathesis suites share: the settings every generated test runs under, and the
check each generated request's answer must pass."""

import os

from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

# The same examples on every run, so that CI is repeatable; raise ATLAS_EXAMPLES to explore.
SETTINGS = settings(
    max_examples=int(os.environ.get("ATLAS_EXAMPLES", "25")),
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def check_answer(case, base_url, session, existing, enveloped_schemas=False):
    """Sends `case` and holds its answer to the spec. Most requests name the resources that
    exist (`existing`: path parameter -> value), so they reach the resource rather than
    stopping at a 404 or 401; the generated ids still get those. `envelope=true` wraps an
    answer in {"content", "status"}, which a spec's schemas may not describe: unless
    `enveloped_schemas`, such answers are held to "no server error" only."""
    if case.path_parameters and hash(str(case.body)) % 4 != 0:
        for name, value in existing.items():
            if name in case.path_parameters:
                case.path_parameters[name] = value
    response = case.call(base_url=base_url, session=session)
    enveloped = not enveloped_schemas and str((case.query or {}).get("envelope", "")).lower() == "true"
    checks = [not_a_server_error] if enveloped else [not_a_server_error, response_schema_conformance]
    case.validate_response(response, checks=checks)
