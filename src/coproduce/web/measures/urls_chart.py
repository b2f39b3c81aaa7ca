"""Routes of the measure page, its exports and phases, and the boards.

``chart_urlpatterns`` are relative to ``projects/<int:pk>/measures/`` (the ``measures``
namespace). The organisation board is routed in ``coproduce.web.urls`` as
``organisation_board`` (``organisations/<int:org_pk>/board/``).
"""

from django.urls import path

from . import views_chart

chart_urlpatterns = [
    path("board/", views_chart.board, name="board"),
    path("<int:measure_pk>/", views_chart.measure_detail, name="detail"),
    path("<int:measure_pk>/export.<str:fmt>", views_chart.measure_export, name="export"),
    path("<int:measure_pk>/phases/new/", views_chart.phase_add, name="phase_add"),
    path(
        "<int:measure_pk>/phases/<int:phase_pk>/delete/",
        views_chart.phase_delete,
        name="phase_delete",
    ),
]
