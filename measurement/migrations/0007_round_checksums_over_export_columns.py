"""Recompute the checksum of every frozen round under the recipe of docs/rounds.md (named
columns of the CSV export, with the organisation's TOOI identifier), so that rounds frozen
before it can be verified from their download as well."""

from django.db import migrations

from measurement.checksum import checksum_of_results


def recompute(apps, schema_editor):
    Scan = apps.get_model("measurement", "Scan")
    DomainResult = apps.get_model("measurement", "DomainResult")
    for scan in Scan.objects.filter(kind="round", status="finished").exclude(checksum=""):
        results = DomainResult.objects.filter(
            scan=scan, methodology_version=scan.methodology_version
        )
        scan.checksum = checksum_of_results(results)
        scan.save(update_fields=["checksum"])


class Migration(migrations.Migration):
    dependencies = [("measurement", "0006_domainresult_fewer_indexes")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
