"""Schemathesis hooks for scripts/conformance.sh (loaded through schemathesis.toml).

Some operations refuse a well-formed call when a resource is in the wrong state: a voice
challenge for a number that cannot take one, a text-enable order for numbers that are not
verified, relinking a number that is still linked elsewhere. The spec says so in each
operation's description: the answer is 400 with the status FAILED_PRECONDITION. No schema can
say which states those are, so Schemathesis, which only sees the schema, would count each such
answer as a valid request refused.

On exactly those operations schemathesis.toml turns the built-in `positive_data_acceptance`
check off, and this one runs in its place: the built-in check, except that a 400 whose body says
FAILED_PRECONDITION is accepted. Any other refusal of schema-valid data (400
INVALID_ARGUMENT included) still fails, so the spec and the fake must still agree on every rule
a schema can state.
"""

from urllib.parse import unquote

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance


def _is_failed_precondition(response) -> bool:
    if response.status_code != 400:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("status") == "FAILED_PRECONDITION"


@schemathesis.check
def positive_data_acceptance_in_state(ctx, response, case):
    """Schema-valid data is accepted, or refused only for the state of a resource."""
    if ctx.config.positive_data_acceptance.enabled:
        # The built-in check runs on this operation; nothing to add.
        return None
    if _is_failed_precondition(response):
        return None
    return positive_data_acceptance(ctx, response, case)


# The operations whose body's projectId must be the path's (their bodies' descriptions say so).
PROJECT_IN_BODY = {
    "ImportNumber",
    "ImportHostingOrderNumbers",
    "TextEnableHostingOrderNumbers",
    "TextEnableHostingOrderTollFreeNumbers",
    "TextEnableQualifiedNumbers",
    "TextEnableQualifiedTollFreeNumbers",
}


@schemathesis.hook
def before_call(context, case, kwargs):
    """A projectId in the body of those operations is the path's project.

    A value other than the path's is refused with 400, and no schema can tie one value to
    another. Every phase generates the body and the path on their own, so a generated string in
    the body is replaced by the path's project before the call. A projectId of another type, or
    none, is left as generated: a negative case stays negative, and an absent optional field
    stays absent.
    """
    if case.operation.definition.raw.get("operationId") not in PROJECT_IN_BODY:
        return
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("projectId"), str):
        project = (case.path_parameters or {}).get("projectId")
        if isinstance(project, str):
            # The path's value is percent-encoded by now; the server compares the decoded one.
            body["projectId"] = unquote(project)
