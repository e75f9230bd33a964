from django.urls import path

from drives import views

app_name = "drives"

urlpatterns = [
    path("<str:token>/", views.sign, name="sign"),
]
