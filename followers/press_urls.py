from django.urls import path

from followers import press_views as views

app_name = "press"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/sent/", views.sent, name="sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("leave/<str:token>/", views.leave, name="leave"),
]
