from django.urls import path

from statements import embed

app_name = "oembed"

urlpatterns = [path("", embed.oembed, name="endpoint")]
