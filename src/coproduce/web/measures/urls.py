from django.urls import path

from . import views_data
from .urls_chart import chart_urlpatterns

app_name = "measures"

urlpatterns = [
    path("", views_data.measure_list, name="list"),
    path("new/", views_data.measure_create, name="create"),
    path("<int:measure_pk>/edit/", views_data.measure_edit, name="edit"),
    path("<int:measure_pk>/delete/", views_data.measure_delete, name="delete"),
    path("<int:measure_pk>/data/", views_data.data, name="data"),
    path("<int:measure_pk>/data.csv", views_data.download, name="download"),
    path("<int:measure_pk>/upload/", views_data.upload, name="upload"),
    path("<int:measure_pk>/upload/columns/", views_data.upload_columns, name="upload_columns"),
    path("<int:measure_pk>/upload/import/", views_data.upload_import, name="upload_import"),
    # The measure page, its exports and phases, and the project board.
    *chart_urlpatterns,
]
