from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/members/invite/", views.invite, name="invite"),
    path("<int:pk>/members/<int:member_pk>/", views.member, name="member"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("<int:pk>/audit/", views.audit_log, name="audit"),
]
