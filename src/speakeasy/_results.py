"""How each operation's 2xx answer becomes what the call returns (the same on both edges)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Type, TypeVar

from speakeasy._answers import decode_answer
from speakeasy._rawresponse import HttpResponse
from speakeasy._redact import Redactor
from speakeasy.models import operations, shared

if TYPE_CHECKING:
    from speakeasy.models.operations._response import EventBatchResponse

# The response models (``models.operations``) load on the first answer, not at import.


def http_fields(response: HttpResponse) -> Dict[str, Any]:
    """The keyword arguments of every response model, for an HTTP response."""
    return {
        "content_type": response.headers.get("content-type", ""),
        "status_code": response.status_code,
        "raw_response": response,
    }


def no_result(response: HttpResponse, redact: Redactor) -> None:
    return None


def post_result(response: HttpResponse, redact: Redactor) -> operations.PostWorkspaceEventsResponse:
    return operations.PostWorkspaceEventsResponse(**http_fields(response))


def search_result(
    response: HttpResponse, redact: Redactor
) -> operations.SearchWorkspaceEventsResponse:
    return _event_batch(operations.SearchWorkspaceEventsResponse, response, redact)


def by_target_result(
    response: HttpResponse, redact: Redactor
) -> operations.GetWorkspaceEventsByTargetResponse:
    return _event_batch(operations.GetWorkspaceEventsByTargetResponse, response, redact)


_B = TypeVar("_B", bound="EventBatchResponse")


def _event_batch(cls: Type[_B], response: HttpResponse, redact: Redactor) -> _B:
    """A response whose payload is the answer's events (search, events by target)."""
    events = decode_answer(response, shared.CliEvent, redact)
    return cls(**http_fields(response), cli_event_batch=events)


def targets_result(
    response: HttpResponse, redact: Redactor
) -> operations.GetWorkspaceTargetsResponse:
    return operations.GetWorkspaceTargetsResponse(
        **http_fields(response), target_sdk_list=decode_answer(response, shared.TargetSDK, redact)
    )


def no_workspace_targets_result(
    response: HttpResponse, redact: Redactor
) -> operations.GetTargetsResponse:
    return operations.GetTargetsResponse(
        **http_fields(response), target_sdk_list=decode_answer(response, shared.TargetSDK, redact)
    )
