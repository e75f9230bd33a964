"""Comparing email addresses: `field__mailbox=address`, for any text field holding one, and
`Mailbox(field)` to group rows by address.

Two spellings are one address when they differ only in the case of the letters A–Z. That is
how this site has always compared addresses, and it must stay that narrow. `__iexact` is
wider on PostgreSQL: its UPPER() also folds letters outside ASCII, so the dotless ı of
"maıl.example.org", a domain anyone may register, becomes the I of "MAIL.EXAMPLE.ORG". A
search by the look-alike address then found the owner of kim@mail.example.org, and mailed
their sign-in link, or handed their press-list entry, to someone else's mailbox.

On PostgreSQL, LOWER() under the "C" collation changes only A–Z; SQLite's LOWER() changes
only A–Z already. The part before the @ is ASCII (icnk.validators.validate_sendable_email);
a domain written in another script matches only as written, never another domain.
"""

from django.db.models import CharField, Func, Lookup


@CharField.register_lookup
class SameMailbox(Lookup):
    lookup_name = "mailbox"

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs, (*lhs_params, *rhs_params)

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value.strip() if isinstance(value, str) else value])

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"LOWER({lhs}) = LOWER({rhs})", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f'LOWER({lhs} COLLATE "C") = LOWER({rhs} COLLATE "C")', params


class Mailbox(Func):
    """The address as `__mailbox` compares it, to group or order rows by address."""

    function = "LOWER"
    output_field = CharField()

    def as_postgresql(self, compiler, connection):
        return self.as_sql(compiler, connection, template='LOWER(%(expressions)s COLLATE "C")')
