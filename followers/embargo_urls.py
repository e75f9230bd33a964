from django.urls import path

from followers import embargo_views

app_name = "embargo"

urlpatterns = [
    # A signed, expiring token (followers/embargo.py): never an address.
    path("document/<str:token>/", embargo_views.document, name="document"),
    path("preview/<str:token>/", embargo_views.preview, name="preview"),
]
