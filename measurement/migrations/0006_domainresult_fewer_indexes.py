"""DomainResult's foreign keys lose their own indexes: each key leads a composite index
already. Only the indexes are dropped: Django's AlterField would drop and re-add the
foreign-key constraints, and re-adding one checks the whole table while locking it and
the tables it refers to. On PostgreSQL the indexes go CONCURRENTLY, so writers carry on.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    "measurement_domainresult_domain_id_a9c15c1d",
    "measurement_domainresult_organisation_id_388cfdec",
    "measurement_domainresult_scan_id_c090e0b1",
]


def drop_indexes(apps, schema_editor):
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {name}")


def create_indexes(apps, schema_editor):
    for name in INDEXES:
        column = name.removeprefix("measurement_domainresult_").rsplit("_", 1)[0]
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON measurement_domainresult ({column})"
        )


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("measurement", "0005_lz4_evidence"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="domainresult",
                    name="domain",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="results",
                        to="measurement.domain",
                    ),
                ),
                migrations.AlterField(
                    model_name="domainresult",
                    name="organisation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="domain_results",
                        to="measurement.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="domainresult",
                    name="scan",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="domain_results",
                        to="measurement.scan",
                    ),
                ),
            ],
        ),
    ]
