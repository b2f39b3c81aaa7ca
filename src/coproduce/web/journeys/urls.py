"""Journey pages, under projects/<pk>/journeys/ (namespace "journeys")."""

from django.urls import path

from . import views

app_name = "journeys"

J = "<int:journey_pk>/"
T = J + "touchpoints/<int:touchpoint_pk>/"
S = J + "stages/<int:stage_pk>/"

urlpatterns = [
    path("", views.journey_list, name="list"),
    path("new/", views.journey_create, name="create"),
    path(J, views.journey_detail, name="detail"),
    path(J + "edit/", views.journey_edit, name="edit"),
    path(J + "delete/", views.journey_delete, name="delete"),
    path(J + "map/", views.journey_map, name="map"),
    path(J + "emotions.csv", views.emotions_csv, name="emotions_csv"),
    path(J + "stages/new/", views.stage_create, name="stage_create"),
    path(S + "edit/", views.stage_edit, name="stage_edit"),
    path(S + "agency/", views.stage_agency, name="stage_agency"),
    path(S + "move/", views.stage_move, name="stage_move"),
    path(S + "delete/", views.stage_delete, name="stage_delete"),
    path(S + "touchpoints/new/", views.touchpoint_create, name="touchpoint_create"),
    path(T, views.touchpoint_detail, name="touchpoint"),
    path(T + "edit/", views.touchpoint_edit, name="touchpoint_edit"),
    path(T + "move/", views.touchpoint_move, name="touchpoint_move"),
    path(T + "delete/", views.touchpoint_delete, name="touchpoint_delete"),
    path(T + "emotions/new/", views.emotion_create, name="emotion_create"),
    path(T + "themes/", views.theme_map, name="theme_map"),
    path(T + "themes/<int:link_pk>/remove/", views.theme_unmap, name="theme_unmap"),
    path(J + "emotions/<int:emotion_pk>/delete/", views.emotion_delete, name="emotion_delete"),
]
