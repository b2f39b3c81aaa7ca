"""Experience pages, mounted at projects/<int:pk>/experience/."""

from django.urls import path

from . import views, views_import, views_review

app_name = "experience"

urlpatterns = [
    path("", views.comment_list, name="list"),
    path("export.csv", views.export_csv, name="export"),
    path("comments/<int:comment_pk>/", views.comment_detail, name="comment"),
    path("stories/new/", views.story_create, name="story_create"),
    path("imports/", views.batch_list, name="batches"),
    path("imports/<int:batch_pk>/delete/", views.batch_delete, name="batch_delete"),
    path("import/", views_import.upload, name="import"),
    path("import/columns/", views_import.columns, name="import_columns"),
    path("import/confirm/", views_import.confirm, name="import_confirm"),
    path("review/", views_review.queue, name="review_queue"),
    path("review/<int:comment_pk>/", views_review.review, name="review"),
    path("review/<int:comment_pk>/redact/", views_review.add_redaction, name="review_redact"),
    path("review/<int:comment_pk>/restore/", views_review.restore_redaction, name="review_restore"),
]
