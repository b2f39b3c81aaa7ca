"""Deliberation pages, mounted at projects/<int:pk>/deliberation/ (namespace ``deliberate``)."""

from django.urls import path

from . import views

app_name = "deliberate"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:cid>/", views.detail, name="detail"),
    path("<int:cid>/edit/", views.edit, name="edit"),
    path("<int:cid>/statements/new/", views.seed, name="seed"),
    path("<int:cid>/moderation/", views.moderation, name="moderation"),
    path("<int:cid>/statements/<int:sid>/moderate/", views.moderate, name="moderate"),
    path("<int:cid>/vote/", views.vote, name="vote"),
    path("<int:cid>/vote/<int:sid>/", views.change_vote, name="change_vote"),
    path("<int:cid>/suggest/", views.suggest, name="suggest"),
    path("<int:cid>/results/", views.results, name="results"),
    path("<int:cid>/live/", views.live, name="live"),
    path("<int:cid>/live/panel/", views.live_panel, name="live_panel"),
    path("<int:cid>/export/<slug:kind>.csv", views.export, name="export"),
]
