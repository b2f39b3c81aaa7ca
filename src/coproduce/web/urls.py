from django.urls import include, path

from coproduce.web import views
from coproduce.web.api.api import api
from coproduce.web.measures import views_chart as measure_chart_views
from coproduce.web.projects import views as project_views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("accounts/", include("coproduce.web.accounts.urls")),
    path("projects/", include("coproduce.web.projects.urls")),
    path("projects/<int:pk>/measures/", include("coproduce.web.measures.urls")),
    path("projects/<int:pk>/improvement/", include("coproduce.web.improvement.urls")),
    path("projects/<int:pk>/participation/", include("coproduce.web.participation.urls")),
    path("projects/<int:pk>/experience/", include("coproduce.web.experience.urls")),
    path("projects/<int:pk>/themes/", include("coproduce.web.themes.urls")),
    path("projects/<int:pk>/journeys/", include("coproduce.web.journeys.urls")),
    path("projects/<int:pk>/ebcd/", include("coproduce.web.ebcd.urls")),
    path("projects/<int:pk>/deliberation/", include("coproduce.web.deliberate.urls")),
    path("projects/<int:pk>/kano/", include("coproduce.web.kanosurvey.urls")),
    path("projects/<int:pk>/decisions/", include("coproduce.web.decide.urls")),
    path("take-part/", include("coproduce.web.takepart.urls")),
    path("jobs/", include("coproduce.web.jobs.urls")),
    path(
        "organisations/<int:org_pk>/board/",
        measure_chart_views.organisation_board,
        name="organisation_board",
    ),
    path("invitations/<str:token>/", project_views.invitation, name="invitation"),
    path("api/v1/", api.urls),
]

handler403 = "coproduce.web.views.forbidden"
handler404 = "coproduce.web.views.not_found"
handler500 = "coproduce.web.views.server_error"
