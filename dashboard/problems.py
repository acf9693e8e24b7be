"""Error answers of the API and the downloads as RFC 9457 problem details (JSON)."""

from http import HTTPStatus

from django.http import JsonResponse

PROBLEM_TYPE = "application/problem+json"
ERROR_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}


def problem_body(status: int, detail: str) -> dict:
    """`type` about:blank means the status says it all (RFC 9457 section 4.2.1); `error`
    is our stable code beside it."""
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "error": ERROR_CODES.get(status, "error"),
    }


def problem(status: int, detail: str) -> JsonResponse:
    response = JsonResponse(
        problem_body(status, detail),
        status=status,
        content_type=PROBLEM_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return response
