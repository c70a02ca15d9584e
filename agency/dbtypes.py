"""Reading dates the database holds but Python cannot (PostgreSQL, psycopg2).

PostgreSQL stores years before 1 (1 BC) and after 9999; Python's datetime does
not, so one such row (a meeting entered as year 1 in Asia/Shanghai is 1 BC in
UTC) made every list that contains it a 500. New values are refused where
they come in (agency.dates); a row already stored reads as the nearest edge
value Python and the local time zone can show, instead of failing.
"""

import datetime as dt

TIMESTAMPTZ_OID = 1184
DATE_OID = 1082

# A day inside the edges, so converting to any local time zone stays valid.
EDGE_MIN = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
EDGE_MAX = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


def _too_early(value: str) -> bool:
    return value.rstrip().endswith("BC")


def register(sender=None, connection=None, **kwargs) -> None:
    """connection_created receiver: install the edge-tolerant casters."""
    if connection is None or connection.vendor != "postgresql":
        return
    try:
        import psycopg2.extensions as ext
    except ImportError:  # psycopg 3: not used by this project
        return

    def timestamptz(value, cursor):
        try:
            return ext.PYDATETIMETZ(value, cursor)
        except ValueError:
            return EDGE_MIN if _too_early(value) else EDGE_MAX

    def date(value, cursor):
        try:
            return ext.PYDATE(value, cursor)
        except ValueError:
            return EDGE_MIN.date() if _too_early(value) else EDGE_MAX.date()

    raw = connection.connection
    ext.register_type(ext.new_type((TIMESTAMPTZ_OID,), "AGENCY_TIMESTAMPTZ", timestamptz), raw)
    ext.register_type(ext.new_type((DATE_OID,), "AGENCY_DATE", date), raw)
