from django.urls import path

from members import join_views

app_name = "join"

urlpatterns = [
    path("", join_views.join, name="form"),
    path("sent/", join_views.sent, name="sent"),
    path("confirm/<str:token>/", join_views.verify, name="verify"),
    path("new-link/", join_views.resend, name="resend"),
]
