"""Routes for groups, their stage (pulses and the facilitator's log), and the principles and
capability self-assessments. Spliced into ``urls.urlpatterns`` (namespace ``participation``,
mounted at projects/<int:pk>/participation/)."""

from django.urls import path

from . import views_team as views

urlpatterns = [
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:group_pk>/", views.group_detail, name="group"),
    path("groups/<int:group_pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:group_pk>/delete/", views.group_delete, name="group_delete"),
    path("groups/<int:group_pk>/stage/new/", views.stage_log_add, name="stage_log_add"),
    path(
        "groups/<int:group_pk>/stage/<int:entry_pk>/delete/",
        views.stage_log_delete,
        name="stage_log_delete",
    ),
    path("groups/<int:group_pk>/pulse/open/", views.pulse_open, name="pulse_open"),
    path("groups/<int:group_pk>/pulse/<int:round_pk>/", views.pulse_answer, name="pulse_answer"),
    path(
        "groups/<int:group_pk>/pulse/<int:round_pk>/close/",
        views.pulse_close,
        name="pulse_close",
    ),
    path("principles/", views.principles, name="principles"),
    path("principles/new/", views.principles_assess, name="principles_assess"),
    path(
        "principles/<int:assessment_pk>/delete/",
        views.principles_delete,
        name="principles_delete",
    ),
    path("capabilities/", views.capabilities, name="capabilities"),
    path("capabilities/new/", views.capabilities_assess, name="capabilities_assess"),
    path(
        "capabilities/<int:assessment_pk>/delete/",
        views.capabilities_delete,
        name="capabilities_delete",
    ),
]
