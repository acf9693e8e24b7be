"""Importers for the organisation registers: parsers yield records, apply.py stores them.

Formats: exportOO.xml (oo_xml), exportRIO.xml (rio_xml) and a simple CSV (csv_file).
See docs/importers.md for the formats, the decisions and how to run them.
"""
