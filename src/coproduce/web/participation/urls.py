"""Participation pages, mounted at projects/<int:pk>/participation/.

Each area keeps its routes in its own module; they share the ``participation`` namespace.
"""

from django.urls import path

from . import (
    urls_activities,
    urls_equity,
    urls_money,
    urls_people,
    urls_profile,
    urls_report,
    urls_team,
    views,
)

app_name = "participation"

urlpatterns = [
    path("", views.overview, name="overview"),
    *urls_activities.urlpatterns,
    *urls_people.urlpatterns,
    *urls_profile.urlpatterns,
    *urls_equity.urlpatterns,
    *urls_money.urlpatterns,
    *urls_team.urlpatterns,
    *urls_report.urlpatterns,
]
