"""The round checksum: a function of the rows alone, and recomputed for older rounds."""

import importlib

from django.apps import apps

from measurement.checksum import CHECKSUM_COLUMNS, round_checksum_of
from measurement.models import Scan
from tests.dashboard.conftest import build_cast

ROW = ("12", "1.0", "a.nl", "https://identifier.overheid.nl/tooi/id/gemeente/gm0363",
       "gemeente", *["pass"] * (len(CHECKSUM_COLUMNS) - 5))  # fmt: skip


def test_the_checksum_is_the_sha256_of_the_sorted_tab_separated_lines():
    other = ("12", "1.0", "b.nl", "", "rijk", *["fail"] * (len(CHECKSUM_COLUMNS) - 5))
    assert round_checksum_of([ROW, other]) == round_checksum_of([other, ROW])
    changed = (*ROW[:-1], "fail")
    assert round_checksum_of([ROW, other]) != round_checksum_of([changed, other])
    # None and an empty cell are the same (an organisation without TOOI identifier)
    assert round_checksum_of([(*ROW[:3], None, *ROW[4:])]) == round_checksum_of(
        [(*ROW[:3], "", *ROW[4:])]
    )


def test_the_migration_gives_rounds_frozen_earlier_the_checksum_of_the_recipe(db):
    from measurement.scan import store

    cast = build_cast()  # its round carries a stand-in checksum, as an old recipe would
    assert cast.round.checksum == "ab" * 32
    migration = importlib.import_module(
        "measurement.migrations.0007_round_checksums_over_export_columns"
    )
    migration.recompute(apps, None)
    round_ = Scan.objects.get(pk=cast.round.pk)
    assert round_.checksum == store.round_checksum(round_)
    assert Scan.objects.get(pk=cast.latest.pk).checksum == ""  # only rounds have one
