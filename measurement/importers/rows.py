"""A lean INSERT for the importers: new model instances in bulk, their primary keys set.

Django's bulk_create prepares every value through every field's full save path; the
importers' values are already clean (parsed, normalised, length-checked), so here they
only go through the backend's date and time adapters. On PostgreSQL the rows go in by
COPY, with primary keys drawn from the table's sequence beforehand: a multi-row INSERT
costs psycopg a parse of the whole statement text on the client (to turn %s into $n)
and the server a plan, per statement. On SQLite, one INSERT per hundred rows with the
new keys read back by RETURNING (SQLite 3.35+), as bulk_create does.
"""

from django.db import connection, models
from django.utils import timezone

PARAMETERS_PER_STATEMENT = 30_000  # SQLite allows 32,766 since 3.32
# Rows per INSERT: a statement of a thousand rows costs SQLite some 25 MB to prepare, one
# of 100 rows about 1 MB, for about the same speed.
ROWS_PER_STATEMENT = 100


def insert(objects: list[models.Model]) -> None:
    """Insert unsaved instances of one model and set their primary keys."""
    if not objects:
        return
    meta = objects[0]._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    _fill_automatic(objects, fields)
    if connection.vendor == "postgresql":
        _copy(objects, meta, fields)
    else:
        _insert_statements(objects, meta, fields)


def _copy(objects: list[models.Model], meta, fields: list[models.Field]) -> None:
    """COPY the rows, their keys drawn from the sequence first (as the default would)."""
    table = connection.ops.quote_name(meta.db_table)
    columns = [meta.pk, *fields]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    attnames = [f.attname for f in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        # Django's cursor passes copy() through to psycopg's; its errors become Django's
        # (IntegrityError ...), as they do in execute().
        with (
            connection.wrap_database_errors,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for obj in objects:
                copy.write_row([getattr(obj, name) for name in attnames])
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias


def _insert_statements(objects: list[models.Model], meta, fields: list[models.Field]) -> None:
    adapters = [_adapter(f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, min(ROWS_PER_STATEMENT, PARAMETERS_PER_STATEMENT // len(fields)))
    table = connection.ops.quote_name(meta.db_table)
    returning = connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), per_statement):
            chunk = objects[start : start + per_statement]
            params = [
                adapt(getattr(obj, f.attname))
                for obj in chunk
                for f, adapt in zip(fields, adapters, strict=True)
            ]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "
                f"{', '.join([row_marks] * len(chunk))} RETURNING {returning}",
                params,
            )
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias


def _fill_automatic(objects: list[models.Model], fields: list[models.Field]) -> None:
    """auto_now and auto_now_add times, as save() would set them."""
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field.attname, now)


def _adapter(field: models.Field):
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return _as_is


def _as_is(value):
    return value
