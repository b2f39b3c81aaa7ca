"""Kano survey pages, mounted at projects/<int:pk>/kano/ (namespace ``kanosurvey``)."""

from django.urls import path

from . import views

app_name = "kanosurvey"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="new"),
    path("<int:survey_pk>/", views.survey_detail, name="survey"),
    path("<int:survey_pk>/edit/", views.survey_edit, name="edit"),
    path("<int:survey_pk>/status/", views.survey_status, name="status"),
    path("<int:survey_pk>/delete/", views.survey_delete, name="delete"),
    path("<int:survey_pk>/attributes/new/", views.attribute_new, name="attribute_new"),
    path(
        "<int:survey_pk>/attributes/<int:attribute_pk>/edit/",
        views.attribute_edit,
        name="attribute_edit",
    ),
    path(
        "<int:survey_pk>/attributes/<int:attribute_pk>/move/<str:direction>/",
        views.attribute_move,
        name="attribute_move",
    ),
    path(
        "<int:survey_pk>/attributes/<int:attribute_pk>/delete/",
        views.attribute_delete,
        name="attribute_delete",
    ),
    path("<int:survey_pk>/answer/", views.answer, name="answer"),
    path("<int:survey_pk>/answer/thanks/", views.answered, name="answered"),
    path("<int:survey_pk>/results/", views.results, name="results"),
    path("<int:survey_pk>/results.csv", views.results_csv, name="results_csv"),
    path("<int:survey_pk>/upload/", views.upload, name="upload"),
]
