"""Schemathesis drives every route of the OpenAPI schema with generated input: no 5xx, ever."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from conftest import seed_folder
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from app import create_app
from rag.pipeline import Pipeline


@pytest.fixture
def api_schema(pipeline: Pipeline, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = seed_folder(tmp_path)
    pipeline.ingest([folder])
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(pipeline))


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(checks=[not_a_server_error])


@pytest.mark.slow
def test_no_sequence_of_calls_makes_a_server_error(api_schema, pipeline: Pipeline) -> None:  # type: ignore[no-untyped-def]
    """Upload, list, read, delete and ask in generated orders, following the schema's links
    (an upload's id is read and deleted next): no 5xx, and the store still answers after."""
    machine = api_schema.as_state_machine()

    class Calls(machine):  # type: ignore[misc, valid-type]
        def validate_response(self, response, case, **kwargs):  # type: ignore[no-untyped-def]
            case.validate_response(response, checks=[not_a_server_error])

        def teardown(self) -> None:
            # Each scenario starts from the seed corpus: an upload kept from one would change
            # what the next one's calls can follow, which Hypothesis takes for a flaky test.
            for document in pipeline.documents(None):
                if document.doc_id.startswith("uploads/"):
                    pipeline.delete_document(document.doc_id)

    Calls.run(
        settings=settings(
            max_examples=200,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    for document in pipeline.documents(None):
        assert pipeline.document(document.doc_id, None).text
    pipeline.search("Volodin", 3, None)
