"""Decision pages, mounted at projects/<int:pk>/decisions/ (namespace ``decide``)."""

from django.urls import path

from . import views

app_name = "decide"

urlpatterns = [
    path("", views.index, name="list"),
    path("new/", views.create, name="create"),
    path("<int:decision_pk>/", views.detail, name="detail"),
    path("<int:decision_pk>/respond/", views.respond, name="respond"),
    path("<int:decision_pk>/close/", views.close, name="close"),
    path("<int:decision_pk>/reopen/", views.reopen, name="reopen"),
    path("<int:decision_pk>/outcome/", views.outcome, name="outcome"),
    path(
        "<int:decision_pk>/responses/<int:response_pk>/resolve/",
        views.resolve,
        name="resolve",
    ),
]
