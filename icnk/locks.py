"""A lock by name, held until the transaction ends: for a check then a write that no database
constraint covers ("has this address a request in progress?"), so that two requests at the
same moment take their turns instead of both finding nothing and both writing."""

import hashlib

from django.db import connection


def hold(name):
    """Wait for, then hold until the current transaction ends, the lock called `name`.

    PostgreSQL: a transaction-level advisory lock on a 64-bit digest of the name. SQLite lets
    one writer in at a time, and each transaction takes that place as it begins
    (`transaction_mode` IMMEDIATE, settings): nothing more is needed there.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("a named lock is held until the transaction ends: open one first")
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
