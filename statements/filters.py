"""The statement list's filters, read once for the list page and the JSON API.

`?kind=`, `?year=`, `?campaign=`, `?q=` and `?page=`: a value that is not valid is refused
with 400 and the parameter's name (the page and the API say so), never guessed or ignored.
An empty value (`?kind=`, which the list page's form sends for "all") means no filter.
"""

from typing import Literal

from ninja import Schema
from pydantic import Field

from icnk.api import NO_NUL, Number, PageNumber
from statements.models import Statement

KindFilter = Literal[("",) + tuple(Statement.Kind.values)]
# Years the database can represent in any time zone, with room on both sides of real data.
Year = Number(ge=1901, le=2999) | Literal[""]


class StatementFilters(Schema):
    q: str = Field("", max_length=200, pattern=NO_NUL, description="words to search for")
    kind: KindFilter = Field("", description="kind of statement; empty for all")
    year: Year = Field("", description="year of publication (1901-2999); empty for all")
    campaign: str = Field(
        "", max_length=120, pattern=NO_NUL, description="a campaign's slug; empty for all"
    )
    page: PageNumber = 1

    @property
    def is_filtered(self):
        return bool(self.q.strip() or self.kind or self.year or self.campaign)

    def apply(self, statements, *, language=None):
        """Narrow published statements to these filters, searched or newest first."""
        if self.kind:
            statements = statements.filter(kind=self.kind)
        if self.year:
            statements = statements.filter(published_at__year=self.year)
        if self.campaign:
            statements = statements.filter(campaign__slug=self.campaign, campaign__is_public=True)
        if q := self.q.strip():
            return statements.search(q, language=language)
        return statements.order_by("-published_at", "-pk")
