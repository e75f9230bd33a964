"""A statement's card for other sites' <iframe>s (frame-ancestors relaxed for these only)."""

from django.urls import path

from statements import embed

app_name = "statements-embed"

urlpatterns = [
    # Slugs may be Korean or Japanese, so any text, as on the statement's own page.
    path("<str:slug>/", embed.statement_card, name="card"),
]
