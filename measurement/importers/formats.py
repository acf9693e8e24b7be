"""The import formats: a parser and the function that stores what it yields."""

from measurement.importers.apply_csv import import_csv_rows
from measurement.importers.apply_oo import import_organisation_records
from measurement.importers.apply_rio import import_domain_registrations
from measurement.importers.csv_file import parse_csv
from measurement.importers.oo_xml import parse_oo_xml
from measurement.importers.rio_xml import parse_rio_xml

FORMATS = {
    "oo-xml": (parse_oo_xml, import_organisation_records),
    "rio-xml": (parse_rio_xml, import_domain_registrations),
    "csv": (parse_csv, import_csv_rows),
}
