"""Pages other sites show in an <iframe> (frame-ancestors relaxed for these only)."""

from django.urls import path

from members import views

app_name = "members-embed"

urlpatterns = [
    path("", views.directory_embed, name="directory"),
]
