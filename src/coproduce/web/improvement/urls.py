from django.urls import path

from . import views

app_name = "improvement"

# Mounted at projects/<int:pk>/improvement/.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("aims/new/", views.aim_create, name="aim_create"),
    path("aims/<int:aim_pk>/edit/", views.aim_edit, name="aim_edit"),
    path("aims/<int:aim_pk>/delete/", views.aim_delete, name="aim_delete"),
    path("ideas/new/", views.idea_create, name="idea_create"),
    path("ideas/<int:idea_pk>/", views.idea_detail, name="idea"),
    path("ideas/<int:idea_pk>/edit/", views.idea_edit, name="idea_edit"),
    path("ideas/<int:idea_pk>/delete/", views.idea_delete, name="idea_delete"),
    path("ideas/<int:idea_pk>/cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<int:cycle_pk>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("cycles/<int:cycle_pk>/delete/", views.cycle_delete, name="cycle_delete"),
    path("progress/", views.progress, name="progress"),
    path("progress/<int:score_pk>/delete/", views.progress_delete, name="progress_delete"),
    path("diagrams/new/", views.diagram_create, name="diagram_create"),
    path("diagrams/<int:diagram_pk>/", views.diagram_detail, name="diagram"),
    path("diagrams/<int:diagram_pk>/edit/", views.diagram_edit, name="diagram_edit"),
    path("diagrams/<int:diagram_pk>/delete/", views.diagram_delete, name="diagram_delete"),
    path("diagrams/<int:diagram_pk>/history/", views.diagram_history, name="diagram_history"),
    path(
        "diagrams/<int:diagram_pk>/versions/<int:number>/",
        views.diagram_version,
        name="diagram_version",
    ),
    path("diagrams/<int:diagram_pk>/drivers/new/", views.driver_create, name="driver_create"),
    path(
        "diagrams/<int:diagram_pk>/drivers/<int:driver_pk>/edit/",
        views.driver_edit,
        name="driver_edit",
    ),
    path(
        "diagrams/<int:diagram_pk>/drivers/<int:driver_pk>/delete/",
        views.driver_delete,
        name="driver_delete",
    ),
    path(
        "diagrams/<int:diagram_pk>/drivers/<int:driver_pk>/move/",
        views.driver_move,
        name="driver_move",
    ),
    path(
        "diagrams/<int:diagram_pk>/drivers/<int:driver_pk>/links/",
        views.driver_links,
        name="driver_links",
    ),
    path(
        "diagrams/<int:diagram_pk>/links/<int:link_pk>/strength/",
        views.link_strength,
        name="link_strength",
    ),
    path(
        "diagrams/<int:diagram_pk>/links/<int:link_pk>/delete/",
        views.link_delete,
        name="link_delete",
    ),
]
