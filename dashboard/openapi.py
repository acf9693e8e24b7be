"""The OpenAPI 3.1 description of the JSON API, served at /api/v1/openapi.json."""

from measurement.models import VERDICT_COLUMNS

_OUTCOME = {
    "type": ["string", "null"],
    "enum": ["pass", "fail", "not_applicable", "not_testable", "error", None],
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(name: str) -> dict:
    return {
        "type": "object",
        "required": ["count", "page", "page_size", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer"},
            "page": {"type": "integer"},
            "page_size": {"type": "integer"},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": _ref(name)},
        },
    }


def _ok(schema: dict, description: str = "OK") -> dict:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}},
        "404": {
            "description": "Not found",
            "content": {"application/json": {"schema": _ref("Error")}},
        },
    }


_PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {
        "name": "page_size",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
    },
]
_SECTOR = {
    "name": "sector",
    "in": "query",
    "schema": {
        "type": "string",
        "enum": ["rijk", "provincie", "gemeente", "waterschap", "semi_publiek"],
    },
}
_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
_NAME = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "Mailbeveiliging overheid API",
        "version": "1",
        "description": (
            "Read-only access to the measurements of STARTTLS, DANE, MTA-STS, TLS-RPT and "
            "DNSSEC of Dutch government mail domains. Outcomes are pass, fail, "
            "not_applicable, not_testable and error; percentages are pass / (pass + fail). "
            "Responses carry Cache-Control: public, max-age=300. See docs/api.md."
        ),
        "license": {"name": "CC0-1.0"},
    },
    "servers": [{"url": "/api/v1"}],
    "paths": {
        "/organisations/": {
            "get": {
                "summary": "Organisations, by name",
                "parameters": [
                    *_PAGING,
                    _SECTOR,
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}},
                ],
                "responses": _ok(_page_of("Organisation")),
            }
        },
        "/organisations/{slug}/": {
            "get": {
                "summary": "One organisation with its domains and their latest results",
                "parameters": [_SLUG],
                "responses": _ok(_ref("OrganisationDetail")),
            }
        },
        "/organisations/{slug}/history/": {
            "get": {
                "summary": "Per finished scan: how many of its domains pass each standard",
                "parameters": [_SLUG],
                "responses": _ok(_ref("OrganisationHistory")),
            }
        },
        "/domains/": {
            "get": {
                "summary": "Mail domains with their latest result",
                "parameters": [
                    *_PAGING,
                    _SECTOR,
                    {"name": "organisation", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "active",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["true", "1"]},
                    },
                ],
                "responses": _ok(_page_of("Domain")),
            }
        },
        "/domains/{name}/": {
            "get": {
                "summary": "One domain and its latest result",
                "parameters": [_NAME],
                "responses": _ok(_ref("Domain")),
            }
        },
        "/domains/{name}/history/": {
            "get": {
                "summary": "Every result of one domain, oldest first",
                "parameters": [_NAME, *_PAGING],
                "responses": _ok(
                    {
                        "allOf": [
                            _page_of("Result"),
                            {"type": "object", "properties": {"domain": {"type": "string"}}},
                        ]
                    }
                ),
            }
        },
        "/sectors/": {
            "get": {
                "summary": "Sector statistics of a finished scan (default: the latest)",
                "parameters": [{"name": "scan", "in": "query", "schema": {"type": "integer"}}],
                "responses": _ok(_ref("SectorStatistics")),
            }
        },
        "/scans/": {
            "get": {
                "summary": "Finished scans, newest first",
                "parameters": [
                    *_PAGING,
                    {
                        "name": "kind",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["scheduled", "on_demand", "round"]},
                    },
                ],
                "responses": _ok(_page_of("Scan")),
            }
        },
        "/scans/{id}/": {
            "get": {
                "summary": "One scan",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": _ok(_ref("Scan")),
            }
        },
        "/rounds/": {
            "get": {
                "summary": "Measurement rounds (frozen, named scans), newest first",
                "parameters": _PAGING,
                "responses": _ok(_page_of("Scan")),
            }
        },
    },
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {"error": {"type": "string"}, "detail": {"type": "string"}},
            },
            "Organisation": {
                "type": "object",
                "properties": {
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "abbreviation": {"type": "string"},
                    "sector": _SECTOR["schema"],
                    "type": {"type": "string"},
                    "tooi": {"type": ["string", "null"]},
                    "valid_from": {"type": ["string", "null"], "format": "date"},
                    "valid_to": {"type": ["string", "null"], "format": "date"},
                },
            },
            "OrganisationDetail": {
                "allOf": [
                    _ref("Organisation"),
                    {
                        "type": "object",
                        "properties": {"domains": {"type": "array", "items": _ref("Domain")}},
                    },
                ]
            },
            "OrganisationHistory": {
                "type": "object",
                "properties": {
                    "organisation": {"type": "string"},
                    "history": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "scan": {"type": "integer"},
                                "date": {"type": "string", "format": "date-time"},
                                "kind": {"type": "string"},
                                "name": {"type": "string"},
                                "domains": {"type": "integer"},
                                "checks": {
                                    "type": "object",
                                    "additionalProperties": {
                                        "type": "object",
                                        "properties": {
                                            "passed": {"type": "integer"},
                                            "measured": {"type": "integer"},
                                            "percentage": {"type": ["number", "null"]},
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
            "Domain": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "organisation": {"type": "string"},
                    "active": {"type": "boolean"},
                    "added_on": {"type": ["string", "null"], "format": "date"},
                    "removed_on": {"type": ["string", "null"], "format": "date"},
                    "latest_result": {"oneOf": [_ref("Result"), {"type": "null"}]},
                },
            },
            "Result": {
                "type": "object",
                "properties": {
                    "scan": {"type": "integer"},
                    "scan_date": {"type": ["string", "null"], "format": "date-time"},
                    "methodology_version": {"type": "string"},
                    "judged_at": {"type": ["string", "null"], "format": "date-time"},
                    "verdicts": {
                        "type": "object",
                        "properties": {
                            name: _OUTCOME for name in VERDICT_COLUMNS if name != "mta_sts_mode"
                        }
                        | {"mta_sts_mode": {"type": ["string", "null"]}},
                    },
                    "reasons": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                    "mx": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "preference": {"type": "integer"},
                                "host": {"type": "string"},
                            },
                        },
                    },
                },
            },
            "Figure": {
                "type": "object",
                "properties": {
                    name: {"type": "integer"}
                    for name in (
                        "passed",
                        "failed",
                        "not_applicable",
                        "not_testable",
                        "errors",
                        "measured",
                        "organisations_measured",
                        "organisations_compliant",
                    )
                }
                | {
                    "percentage": {"type": ["number", "null"]},
                    "organisations_percentage": {"type": ["number", "null"]},
                },
            },
            "SectorStatistics": {
                "type": "object",
                "properties": {
                    "scan": {"oneOf": [_ref("Scan"), {"type": "null"}]},
                    "sectors": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "additionalProperties": _ref("Figure"),
                        },
                    },
                    "total": {"type": "object", "additionalProperties": _ref("Figure")},
                },
            },
            "Scan": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "kind": {"type": "string", "enum": ["scheduled", "on_demand", "round"]},
                    "name": {"type": "string"},
                    "status": {"type": "string"},
                    "frozen": {"type": "boolean"},
                    "methodology_version": {"type": "string"},
                    "scanner_version": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "started_at": {"type": ["string", "null"], "format": "date-time"},
                    "finished_at": {"type": ["string", "null"], "format": "date-time"},
                    "domains_total": {"type": "integer"},
                    "domains_done": {"type": "integer"},
                    "checksum": {"type": ["string", "null"]},
                },
            },
        }
    },
}
