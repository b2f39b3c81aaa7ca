"""Routes of equity of involvement and the population served, spliced into ``urls.py``
(namespace ``participation``)."""

from django.urls import path

from . import views_equity as views

urlpatterns = [
    path("equity/", views.equity, name="equity"),
    path("equity/population/", views.population, name="population"),
    path("equity/population/upload/", views.population_upload, name="population_upload"),
    path("equity/population/download/", views.population_download, name="population_download"),
    path(
        "equity/population/<slug:dimension>/edit/",
        views.population_edit,
        name="population_edit",
    ),
    path(
        "equity/population/<slug:dimension>/remove/",
        views.population_remove,
        name="population_remove",
    ),
]
