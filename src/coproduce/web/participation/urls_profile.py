"""Route of the co-production profile, spliced into ``urls.py`` (namespace ``participation``)."""

from django.urls import path

from . import views_profile as views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
]
