"""Bulk SQL for measurement.scan.store, the one module that writes a scan.

Django's bulk_update builds one CASE WHEN expression per field and row, which costs more
CPU than probing the domain did; an executemany of one plain UPDATE per row does the
same in a fraction (PostgreSQL pipelines it, SQLite runs it in C). A JSON value can be
encoded beforehand (encode_json), so the encoding that escapes NUL is the one stored.
"""

import itertools
from collections.abc import Iterable, Sequence

from django.db import connection, models

from measurement.evaluate import evidence


class EncodedJson(str):
    """A JSON column's value, encoded already: update_rows writes the text as it is."""


def encode_json(value) -> EncodedJson:
    """`value` (dicts, lists, evidence and observations) as JSON text for update_rows, by
    the one serialiser of what a scan stores (measurement.evaluate.evidence)."""
    return EncodedJson(evidence.encode(value))


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    values: Iterable[Sequence],
    *,
    ignore_conflicts: bool = False,
    returning: Sequence[str] = (),
) -> int | list[tuple]:
    """INSERT a row per item of `values` (database-ready, in `fields` order); every other
    column takes its field's default. Returns how many rows were written, or with
    `returning` (column names) those columns of the rows written.

    `ignore_conflicts` skips a row that would break a unique constraint, and `returning`
    tells which rows went in: what a claim needs (measurement.scan.store). bulk_create
    would build a model instance and prepare every field of every row.
    """
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    rest, defaults = _defaults(meta, given)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in [*given, *rest])
    row_marks = "(" + ", ".join(["%s"] * (len(given) + len(rest))) + ")"
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if returning:
        tail += " RETURNING " + ", ".join(quote(name) for name in returning)
    written, returned = 0, []
    with connection.cursor() as cursor:
        # One statement per chunk, so that RETURNING names every row written; small
        # enough chunks for SQLite's limit on parameters.
        for chunk in itertools.batched(values, 200, strict=False):
            sql = head + ", ".join([row_marks] * len(chunk)) + tail
            cursor.execute(sql, [value for row in chunk for value in (*row, *defaults)])
            if returning:
                returned.extend(cursor.fetchall())
            written += cursor.rowcount
    return returned if returning else written


def insert_selected(
    model: type[models.Model], selected: Sequence[str], query, constants: dict[str, object]
) -> int:
    """INSERT ... SELECT: a row per row of `query` (a values_list queryset whose columns
    are the fields `selected`, in that order), `constants` (field name: value) in every
    row and every other column at its field's default. Returns how many rows went in.

    The rows never leave the database: a scan's snapshot of 10,000 domains took 0.5 s
    read into Python and written back, this a fraction of it. The constants are untyped
    parameters, which Django's client-side binding sends as literals; PostgreSQL with
    psycopg's server-side binding would want them cast.
    """
    meta = model._meta
    chosen = [meta.get_field(name) for name in selected]
    given = [meta.get_field(name) for name in constants]
    rest, defaults = _defaults(meta, [*chosen, *given])
    values = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(given, constants.values(), strict=True)
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in [*chosen, *given, *rest])
    marks = "".join(", %s" for _ in [*values, *defaults])
    inner, inner_params = query.query.sql_with_params()
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT q.*{marks} FROM ({inner}) q"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *defaults, *inner_params])
        return cursor.rowcount


def _defaults(meta, given: Sequence[models.Field]) -> tuple[list[models.Field], list]:
    """The columns an INSERT must fill that `given` does not, and their default values."""
    rest = [
        field
        for field in meta.concrete_fields
        if field not in given and not field.primary_key and not field.null
    ]
    return rest, [field.get_db_prep_save(field.get_default(), connection) for field in rest]


def update_rows(
    rows: Sequence, fields: Sequence[str], *, model: type[models.Model] | None = None
) -> int:
    """UPDATE each row's `fields` by primary key; returns how many rows were written.

    Rows are model instances, or (with `model`) any objects with `pk` and the fields'
    attribute names: a pipeline that computes every column it writes need not pay for
    building a model instance per row.
    """
    if not rows:
        return 0
    meta = (model or type(rows[0]))._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(meta.db_table)} SET "
        + ", ".join(f"{quote(column.column)} = %s" for column in columns)
        + f" WHERE {quote(meta.pk.column)} = %s"
    )
    params = [[_prepared(row, column) for column in columns] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(rows)


def _prepared(row, column: models.Field):
    value = getattr(row, column.attname)
    if isinstance(value, EncodedJson):
        return str(value)
    if type(value) is str and isinstance(column, models.CharField):
        return value  # what CharField's preparation returns, at a fraction of its cost
    return column.get_db_prep_save(value, connection)
