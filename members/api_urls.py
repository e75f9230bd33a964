from django.urls import path

from members import api

app_name = "members-api"

urlpatterns = [
    path("", api.member_list, name="list"),
    path("openapi.json", api.openapi_schema, name="schema"),
    path("<slug:slug>/", api.member_detail, name="detail"),
]
