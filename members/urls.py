from django.urls import path

from members import area, profile_views, views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("renew/<str:token>/", views.renew, name="renew"),
    # The members' area (members/area.py), before the organizations' slugs.
    path("area/", area.sign_in_view, name="area-sign-in"),
    path("area/link/<str:token>/", area.link_view, name="area-link"),
    path("area/sign-out/", area.sign_out_view, name="area-sign-out"),
    path("area/home/", area.home, name="area-home"),
    path("area/visibility/", area.visibility, name="area-visibility"),
    path("area/leave/", area.leave, name="area-leave"),
    path("area/profile/", profile_views.profile_edit, name="area-profile"),
    path("area/contact/", profile_views.contact_handover, name="area-contact"),
    path("contact/<str:token>/", profile_views.contact_handover_confirm, name="contact-handover"),
    path("<slug:slug>/", views.organization_detail, name="organization-detail"),
]
