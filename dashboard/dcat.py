"""Open data records: each finished measurement round as a DCAT-AP-NL dataset (JSON-LD),
and a catalogue of them, so that the rounds can be registered on data.overheid.nl.

The licence (CC0 or CC-BY 4.0), the publisher and the contact point are settings
(OPEN_DATA_*); docs/api.md, "Open data records", lists the properties.
"""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from dashboard import queries
from dashboard.export_format import XLSX_TYPE
from dashboard.problems import problem
from measurement.models import Scan

# The licence values of the DCAT-AP-NL (DONL) value list.
LICENCES = {
    "CC0-1.0": "http://creativecommons.org/publicdomain/zero/1.0/deed.nl",
    "CC-BY-4.0": "http://creativecommons.org/licenses/by/4.0/deed.nl",
}
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "adms": "http://www.w3.org/ns/adms#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"
JSON_LD = "application/ld+json"


def licence_uri() -> str:
    return LICENCES[settings.OPEN_DATA_LICENCE]


def _literal(text: str) -> dict:
    return {"@language": "nl", "@value": text}


def _date(value) -> dict:
    return {"@type": "xsd:dateTime", "@value": value.isoformat()}


def _distribution(url: str, title: str, media_type: str, file_type: str) -> dict:
    return {
        "@type": "dcat:Distribution",
        "dct:title": _literal(title),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media_type}"},
        "dct:format": {"@id": f"{EU}file-type/{file_type}"},
        "dct:license": {"@id": licence_uri()},
    }


def round_dataset(request: HttpRequest, scan: Scan) -> dict:
    """The DCAT-AP-NL Dataset of one finished round: what, when, under which method and
    licence, its checksum (docs/rounds.md) and where to download it."""
    url = request.build_absolute_uri
    csv = url(reverse("exports:scan_csv", args=[scan.pk]))
    xlsx = url(reverse("exports:scan_xlsx", args=[scan.pk]))
    return {
        "@id": url(reverse("exports:scan_dcat", args=[scan.pk])),
        "@type": "dcat:Dataset",
        "dct:identifier": url(f"/api/v1/scans/{scan.pk}/"),
        "dct:title": _literal(f"Mailbeveiliging overheid: {scan.name or scan.pk}"),
        "dct:description": _literal(
            "Per e-maildomein van de Nederlandse overheid: STARTTLS, DANE, MTA-STS, TLS-RPT "
            f"en DNSSEC, gemeten volgens methodologie {scan.methodology_version}."
        ),
        "dct:issued": _date(scan.finished_at or scan.created_at),
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _date(scan.started_at or scan.created_at),
            "dcat:endDate": _date(scan.finished_at or scan.created_at),
        },
        "dct:publisher": {
            "@id": settings.OPEN_DATA_PUBLISHER_URI,
            "@type": "foaf:Agent",
            "foaf:name": settings.OPEN_DATA_PUBLISHER_NAME,
        },
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": settings.OPEN_DATA_PUBLISHER_NAME,
            "vcard:hasEmail": {"@id": f"mailto:{settings.OPEN_DATA_CONTACT_EMAIL}"},
        },
        "dct:license": {"@id": licence_uri()},
        "dct:accessRights": {"@id": f"{EU}access-right/PUBLIC"},
        "dct:language": {"@id": f"{EU}language/NLD"},
        "dcat:theme": {"@id": f"{EU}data-theme/GOVE"},
        "dcat:keyword": [_literal(k) for k in ("STARTTLS", "DANE", "MTA-STS", "TLS-RPT", "DNSSEC")],
        "owl:versionInfo": scan.methodology_version,
        "dct:conformsTo": {"@id": url(reverse("dashboard:methodology"))},
        "adms:identifier": {
            "@type": "adms:Identifier",
            "skos:notation": scan.checksum,
            "adms:schemaAgency": "SHA-256 over named columns of the CSV export: "
            "docs/rounds.md of the Mailbeveiliging overheid source",
        },
        "dcat:distribution": [
            _distribution(csv, "CSV (RFC 4180)", "text/csv", "CSV"),
            _distribution(f"{csv}?sep=semicolon", "CSV voor Excel (puntkomma)", "text/csv", "CSV"),
            _distribution(xlsx, "XLSX", XLSX_TYPE, "XLSX"),
        ],
    }


def _json_ld(data: dict) -> JsonResponse:
    body = {"@context": CONTEXT} | data
    response = JsonResponse(body, content_type=JSON_LD, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def scan_dcat(request: HttpRequest, scan_id: int):
    scan = queries.finished_rounds().filter(pk=scan_id).first()
    if scan is None:
        return problem(404, f"no finished measurement round with id {scan_id}")
    return _json_ld(round_dataset(request, scan))


@require_safe
def catalogue(request: HttpRequest):
    """Every finished round in one DCAT catalogue, newest first: what a portal harvests."""
    return _json_ld(
        {
            "@id": request.build_absolute_uri(reverse("exports:catalogue")),
            "@type": "dcat:Catalog",
            "dct:title": _literal("Mailbeveiliging overheid: meetronden"),
            "dct:description": _literal(
                "De meetronden (nulmeting en jaarlijkse metingen) van de beveiliging van "
                "inkomende e-mail bij de Nederlandse overheid."
            ),
            "dct:publisher": {"@id": settings.OPEN_DATA_PUBLISHER_URI},
            "dct:license": {"@id": licence_uri()},
            "dcat:dataset": [
                round_dataset(request, scan)
                for scan in queries.finished_rounds().order_by("-created_at", "-id")
            ],
        }
    )
