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
]
