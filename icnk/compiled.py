"""Querysets whose SQL is written once per process, then run with new values.

Django writes a queryset's SQL anew each time it is evaluated. For most pages that is a small
part of the work, but the statement page's query (the statement's columns and its campaign's,
a subquery for its language versions, and two EXISTS for documents and press contacts) costs
about 1.5 ms to build and write, more than PostgreSQL takes to answer it, and its signatory
rows another 0.4 ms. A `Compiled` query does that once per database, with a marker where each
value goes, and afterwards only puts the request's values in their places. The rows come back
through Django's own iterables: model instances (with their `select_related` objects and
annotations), or `values_list()` tuples, with the same conversions from the database's types.

On PostgreSQL the query is also a prepared statement on each connection: its values travel
beside the SQL, not inside it, and PostgreSQL plans it once instead of on every run. Planning
was most of the database's time for these short queries (the statement page's: 0.5 ms of 0.6,
its signatories 0.4 of 0.65). Everywhere else the site keeps Django's default, values written
into the SQL by psycopg (`server_side_binding` off), so only queries written here are prepared.
Django's query log (`connection.queries`, DEBUG) shows such a query with `%s` and its values
beside it, not with the values in place.

    PAGE = Compiled(
        lambda slug, now: Statement.objects.filter(slug=slug, published_at__lte=now),
        slug=str,
        now=datetime.datetime,
    )
    PAGE.rows(slug="welcomes-inquiry", now=timezone.now())

The values a query takes must be its keyword arguments, and each must be compared with a
column as it is (a text, a whole number or an aware datetime): a value that changes the query's
shape (a list for `__in`, None for `isnull`, a language that picks another column) needs a
`Compiled` of its own. The first run checks that every value landed among the query's
parameters and refuses the query otherwise. A whole number's marker is a big integer: compared
with an annotation that Django takes for a plain integer (a row number, a count), Django would
drop the comparison as out of range (`EmptyResultSet`), so give such an annotation
`output_field=BigIntegerField()`.
"""

import copy
import datetime
import functools
import itertools
import threading
import time

from django.db import NotSupportedError, connections, router

_KINDS = (str, int, datetime.datetime)


class Compiled:
    def __init__(self, build, *, around=None, around_values=(), **kinds):
        """`build(**values)` returns the queryset; `kinds` names each value's type (str, int or
        datetime.datetime).

        `around`: SQL that reads the queryset's rows as a subquery, where `{query}` stands for
        it, for what the ORM cannot say in one query (a window over rows another window chose).
        Its first columns must be the queryset's, in order (Django converts those); columns it
        adds after them come back as the database gives them. `around_values` names the values
        it takes, in the order of its `%s` markers, all after the query's own; `build` does not
        take them."""
        for name, kind in kinds.items():
            if kind not in _KINDS:
                raise TypeError(f"{name}: a compiled query takes str, int or datetime values")
        if not set(around_values) <= kinds.keys() or (around_values and not around):
            raise TypeError("around_values must be values of the query, and need around")
        self._build = build
        self._kinds = kinds
        self._around = around
        self._around_values = tuple(around_values)
        self._by_database = {}
        self._lock = threading.Lock()

    def rows(self, *, using=None, **values):
        """The query's rows (a list) for these values."""
        if values.keys() != self._kinds.keys():
            raise TypeError(f"a compiled query needs exactly {sorted(self._kinds)}")
        entry = self._entry(using)
        connection = connections[entry.alias]
        params = list(entry.params)
        for name, value in values.items():
            if not isinstance(value, self._kinds[name]) or isinstance(value, bool):
                raise TypeError(f"{name} must be a {self._kinds[name].__name__}")
            prepared = _prepared(value, connection)
            for position in entry.positions[name]:
                params[position] = prepared
        # A copy of the written compiler, for this thread's connection, whose as_sql() only
        # hands over the SQL written the first time and this request's parameters.
        compiler = copy.copy(entry.compiler)
        compiler.connection = _Preparing(connection) if entry.prepares else connection
        compiler.as_sql = lambda *args, **kwargs: (entry.sql, tuple(params))
        query = copy.copy(entry.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        queryset = type(entry.queryset)(model=entry.queryset.model, query=query, using=entry.alias)
        queryset._iterable_class = entry.queryset._iterable_class
        queryset._fields = entry.queryset._fields
        queryset._fetch_mode = entry.queryset._fetch_mode
        try:
            return list(queryset)
        except NotSupportedError as error:
            if not (entry.prepares and getattr(error.__cause__, "sqlstate", None) == "0A000"):
                raise
            # "cached plan must not change result type": a migration changed the type of a
            # column the statement reads while this connection kept it prepared, and the
            # connection would refuse it until it closes. Start a new one, which prepares the
            # statement afresh; inside a transaction (no retry there), once this request ends.
            if connection.in_atomic_block:
                connection.close_at = time.monotonic()
                raise
            connection.close()
            return list(queryset)

    def _entry(self, using):
        alias = using or router.db_for_read(self._model())
        connection = connections[alias]
        # The settings of the database (its name differs in tests) can change what is written.
        key = (alias, connection.vendor, connection.settings_dict["NAME"])
        entry = self._by_database.get(key)
        if entry is None:
            with self._lock:
                entry = self._by_database.get(key) or _Entry(self, alias, connection)
                self._by_database[key] = entry
        return entry

    def _model(self):
        if not hasattr(self, "_model_class"):
            self._model_class = self._queryset(_markers(self._kinds)).model
        return self._model_class

    def _queryset(self, markers):
        return self._build(
            **{name: m for name, m in markers.items() if name not in self._around_values}
        )


class _Entry:
    """The query written once for one database: its SQL, its parameters with markers, and
    where each value goes."""

    def __init__(self, compiled, alias, connection):
        markers = _markers(compiled._kinds)
        self.alias = alias
        self.queryset = compiled._queryset(markers).using(alias)
        if self.queryset._prefetch_related_lookups:
            raise ValueError("a compiled query cannot prefetch")
        self.compiler = self.queryset.query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        if compiled._around:
            self.sql = compiled._around.format(query=self.sql)
            self.params += [
                _prepared(markers[name], connection) for name in compiled._around_values
            ]
        self.prepares = connection.vendor == "postgresql"
        self.positions = {}
        for name, marker in markers.items():
            prepared = _prepared(marker, connection)
            self.positions[name] = [i for i, p in enumerate(self.params) if p == prepared]
            if not self.positions[name] or (isinstance(marker, str) and marker in self.sql):
                raise ValueError(
                    f"{name} is not among the compiled query's parameters: it changes the "
                    "query's shape, or the query compares it after a conversion"
                )


_serial = itertools.count(1)


def _markers(kinds):
    """A value of each kind that no real request sends and no query holds as a constant."""
    markers = {}
    for name, kind in kinds.items():
        n = next(_serial)
        if kind is str:
            markers[name] = f"\x00compiled:{name}:{n}\x00"
        elif kind is int:
            markers[name] = -(10**15) - n
        else:
            markers[name] = datetime.datetime(1901, 1, 1, microsecond=n, tzinfo=datetime.UTC)
    return markers


def _prepared(value, connection):
    """The value as the database is sent it, as a datetime column's lookup prepares it."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class _Preparing:
    """A PostgreSQL connection as a compiled query's compiler sees it: the same in every way,
    except that its cursors send the values apart from the SQL and prepare the statement on
    first use (psycopg keeps it per connection and names it on later runs)."""

    def __init__(self, connection):
        self._connection = connection

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def cursor(self):
        # As BaseDatabaseWrapper.cursor(), with another kind of cursor: the same checks, error
        # wrapping and query logging (assertNumQueries counts these queries too).
        connection = self._connection
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        with connection.wrap_database_errors:
            return connection._prepare_cursor(_prepared_cursor(connection))

    chunked_cursor = cursor


def _prepared_cursor(connection):
    from django.db.backends.postgresql import base

    cursor = _cursor_class()(connection.connection)
    # As the backend's own cursors: dates in the connection's time zone.
    loader = connection.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)
    if connection.timezone != loader.timezone:
        base.register_tzloader(connection.timezone, cursor)
    return cursor


@functools.cache
def _cursor_class():
    """Psycopg's server-binding cursor as Django's backend subclasses it, always preparing.
    (psycopg prepares only where the connection's prepare_threshold is set: settings.py.)"""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True)

    return PreparedCursor
