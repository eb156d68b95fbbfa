"""schemathesis against the generated /api/v1/openapi.json: every operation, valid and invalid
input, each request sent with the token of every role (and none). No server error, and every
answer (status, content type, body) as the document says. Bounded: a few examples per
operation, so both databases together stay near a minute."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import CHECKS
from schemathesis.generation.modes import GenerationMode

from .api_factories import NOW, api_world_fixture  # noqa: F401

EXAMPLES_PER_OPERATION = 4
# The domain refuses valid-looking input the schema cannot express (an end before the start,
# a date outside opening hours): 422 for positive data is part of the contract.
SKIPPED_CHECKS = ("positive_data_acceptance",)
# Input that breaks the schema is refused before any role matters: two roles are enough.
NEGATIVE_ROLES = ("admin", "anonymous")


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


@pytest.fixture
def role_headers(api_world):
    return api_world.headers


def test_every_operation_keeps_its_contract_for_every_role(app, role_headers):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    excluded = CHECKS.get_by_names(list(SKIPPED_CHECKS))
    failures: list[str] = []
    statuses: dict[str, set[int]] = {role: set() for role in role_headers}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    def check(operation, mode):
        roles = role_headers if mode == GenerationMode.POSITIVE else NEGATIVE_ROLES

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def run(case):
            for role in roles:
                try:
                    response = case.call_and_validate(headers=role_headers[role],
                                                      excluded_checks=excluded)
                    statuses[role].add(response.status_code)
                except (AssertionError, BaseExceptionGroup) as failure:  # reported below
                    failures.append(f"{operation.label} as {role} ({mode}): "
                                    f"{str(failure)[:600]}")

        run()

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            check(operation, mode)
    assert failures == [], "\n\n".join(failures[:20])
    print(statuses)
    for role, seen in statuses.items():  # every role got answers and refusals
        assert {200, 422} <= seen, (role, seen)
