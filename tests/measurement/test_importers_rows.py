"""The importers' bulk INSERT (COPY on PostgreSQL): keys set, errors Django's."""

import pytest
from django.db import IntegrityError, transaction

from measurement.importers.rows import insert
from measurement.models import Organisation, Source


def organisation(number: int, slug: str | None = None) -> Organisation:
    return Organisation(
        name=f"Organisatie {number}",
        sector="gemeente",
        source=Source.CSV,
        slug=slug or f"organisatie-{number}",
    )


@pytest.mark.django_db
def test_inserted_rows_get_their_keys_and_read_back_as_written():
    rows = [organisation(n) for n in range(250)]
    insert(rows)
    stored = {o.pk: o for o in Organisation.objects.all()}
    assert sorted(stored) == sorted(o.pk for o in rows)
    assert all(stored[o.pk].slug == o.slug and stored[o.pk].created_at for o in rows)


@pytest.mark.django_db
def test_a_row_saved_after_an_insert_gets_a_key_of_its_own():
    rows = [organisation(n) for n in range(3)]
    insert(rows)
    later = Organisation.objects.create(
        name="Later", sector="rijk", source=Source.MANUAL, slug="later"
    )
    assert later.pk not in {o.pk for o in rows}


@pytest.mark.django_db
def test_a_duplicate_is_djangos_integrity_error_and_stores_nothing():
    with pytest.raises(IntegrityError), transaction.atomic():
        insert([organisation(1, slug="dubbel"), organisation(2, slug="dubbel")])
    assert not Organisation.objects.exists()
