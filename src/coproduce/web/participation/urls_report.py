from django.urls import path

from . import views_report

urlpatterns = [
    path("report/", views_report.gripp2, name="gripp2"),
    path("report/edit/", views_report.gripp2_edit, name="gripp2_edit"),
    path("report/print/", views_report.gripp2_print, name="gripp2_print"),
    path("report/gripp2.pdf", views_report.gripp2_pdf, name="gripp2_pdf"),
]
