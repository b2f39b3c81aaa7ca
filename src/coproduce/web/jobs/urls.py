"""Routes of background jobs, mounted at jobs/ (namespace ``jobs``)."""

from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("<int:job_id>/", views.detail, name="detail"),
    path("<int:job_id>/status/", views.status, name="status"),
    path("<int:job_id>/cancel/", views.cancel, name="cancel"),
    path("project/<int:pk>/", views.project_list, name="project_list"),
]
