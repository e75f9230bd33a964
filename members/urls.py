from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("renew/<str:token>/", views.renew, name="renew"),
    path("<slug:slug>/", views.organization_detail, name="organization-detail"),
]
