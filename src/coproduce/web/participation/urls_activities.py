"""Routes for activities, attendance, decisions and the influence log.

Spliced into ``urls.urlpatterns`` (namespace ``participation``, mounted at
projects/<int:pk>/participation/).
"""

from django.urls import path

from . import views_activities as views

urlpatterns = [
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:activity_pk>/", views.activity_detail, name="activity"),
    path("activities/<int:activity_pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:activity_pk>/delete/", views.activity_delete, name="activity_delete"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/<int:decision_pk>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:decision_pk>/delete/", views.decision_delete, name="decision_delete"),
    path("influence/", views.influence_log, name="influence"),
    path("influence/new/", views.contribution_create, name="contribution_create"),
    path(
        "influence/<int:contribution_pk>/edit/",
        views.contribution_edit,
        name="contribution_edit",
    ),
    path(
        "influence/<int:contribution_pk>/respond/",
        views.contribution_respond,
        name="contribution_respond",
    ),
    path(
        "influence/<int:contribution_pk>/fed-back/",
        views.contribution_fed_back,
        name="contribution_fed_back",
    ),
    path(
        "influence/<int:contribution_pk>/delete/",
        views.contribution_delete,
        name="contribution_delete",
    ),
    path("you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
]
