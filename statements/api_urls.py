from django.urls import path

from statements import api

app_name = "statements-api"

urlpatterns = [
    path("", api.statement_list, name="list"),
    path("<str:slug>/", api.statement_detail, name="detail"),
]
