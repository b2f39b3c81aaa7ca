"""Themes, labels and sentiment pages, mounted at projects/<int:pk>/themes/."""

from django.urls import path

from . import views

app_name = "themes"

urlpatterns = [
    path("", views.theme_list, name="list"),
    path("find/", views.find, name="find"),
    path("merge/", views.merge, name="merge"),
    path("comments.csv", views.export, name="export"),
    path("<int:theme_pk>/", views.detail, name="detail"),
    path("<int:theme_pk>/rename/", views.rename, name="rename"),
    path("<int:theme_pk>/split/", views.split, name="split"),
    path("<int:theme_pk>/move/", views.move, name="move"),
    path("labels/", views.labels, name="labels"),
    path("labels/comments/", views.label_comments, name="label_comments"),
    path("labels/classify/", views.classify, name="classify"),
    path("labels/own/", views.own_labels, name="own_labels"),
    path("labels/own/train/", views.train, name="train"),
    path("labels/own/classifiers/<int:run_pk>/", views.run_detail, name="run"),
    path("labels/own/comments/<int:comment_pk>/", views.comment_labels, name="comment_labels"),
]
