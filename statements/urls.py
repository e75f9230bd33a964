from django.urls import path

from statements import feeds, views

app_name = "statements"

urlpatterns = [
    path("", views.StatementListView.as_view(), name="list"),
    path("feed/", feeds.StatementFeed(), name="feed"),
    path("feed/about/", feeds.feed_about, name="feed-about"),
    # Slugs may be Korean or Japanese, so any text, not only [-a-zA-Z0-9_].
    path("<str:slug>/", views.statement_detail, name="detail"),
]
