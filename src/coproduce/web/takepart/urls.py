"""Taking part, mounted at take-part/ (namespace ``takepart``); per project: <int:pk>/..."""

from django.urls import path

from . import views

app_name = "takepart"

urlpatterns = [
    path("code/", views.code, name="code"),
    path("l/<str:token>/", views.link, name="link"),
    path("<int:pk>/", views.home, name="home"),
    path("<int:pk>/name/", views.pseudonym, name="pseudonym"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/manage/links/new/", views.links_new, name="links_new"),
    path("<int:pk>/manage/links/<int:link_pk>/revoke/", views.link_revoke, name="link_revoke"),
    path("<int:pk>/manage/codes/new/", views.code_new, name="code_new"),
    path("<int:pk>/manage/codes/<int:code_pk>/close/", views.code_close, name="code_close"),
    path("<int:pk>/manage/assisted/new/", views.assisted_new, name="assisted_new"),
    path("<int:pk>/manage/assisted/<int:voter_pk>/start/", views.assist_start, name="assist_start"),
    path("<int:pk>/manage/assisted/stop/", views.assist_stop, name="assist_stop"),
]
