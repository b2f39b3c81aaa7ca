"""EBCD pages, mounted at projects/<int:pk>/ebcd/ (namespace ``ebcd``)."""

from django.urls import path

from . import views

app_name = "ebcd"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("setup/", views.setup, name="setup"),
    path("stages/<slug:stage>/", views.step, name="step"),
    path("celebration/", views.celebration, name="celebration"),
    # interviews and clips
    path("interviews/", views.interviews, name="interviews"),
    path("interviews/new/", views.interview_create, name="interview_create"),
    path("interviews/<int:interview_pk>/", views.interview, name="interview"),
    path("interviews/<int:interview_pk>/edit/", views.interview_edit, name="interview_edit"),
    path("interviews/<int:interview_pk>/consent/", views.consent, name="consent"),
    path("interviews/<int:interview_pk>/withdraw/", views.withdraw, name="withdraw"),
    path("interviews/<int:interview_pk>/transcript/", views.transcript, name="transcript"),
    path("interviews/<int:interview_pk>/delete/", views.interview_delete, name="interview_delete"),
    path("interviews/<int:interview_pk>/clips/new/", views.clip_create, name="clip_create"),
    path("clips/<int:clip_pk>/edit/", views.clip_edit, name="clip_edit"),
    path("clips/<int:clip_pk>/delete/", views.clip_delete, name="clip_delete"),
    # the trigger film
    path("film/", views.film, name="film"),
    path("film/add/", views.film_add, name="film_add"),
    path("film/print/", views.film_print, name="film_print"),
    path("film/<int:entry_pk>/move/", views.film_move, name="film_move"),
    path("film/<int:entry_pk>/remove/", views.film_remove, name="film_remove"),
    # events, priorities and votes
    path("events/<slug:kind>/", views.event, name="event"),
    path("events/<slug:kind>/edit/", views.event_edit, name="event_edit"),
    path("events/<slug:kind>/delete/", views.event_delete, name="event_delete"),
    path("events/<slug:kind>/priorities/new/", views.priority_create, name="priority_create"),
    path("events/<slug:kind>/votes/<slug:group>/", views.votes, name="votes"),
    path("events/<slug:kind>/emotions/new/", views.emotion_create, name="emotion_create"),
    path("priorities/<int:priority_pk>/edit/", views.priority_edit, name="priority_edit"),
    path("priorities/<int:priority_pk>/delete/", views.priority_delete, name="priority_delete"),
    path("results/", views.results, name="results"),
    path("results.csv", views.results_csv, name="results_csv"),
    # co-design groups
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:group_pk>/", views.group, name="group"),
    path("groups/<int:group_pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:group_pk>/delete/", views.group_delete, name="group_delete"),
    path("groups/<int:group_pk>/actions/new/", views.action_create, name="action_create"),
    path(
        "groups/<int:group_pk>/actions/<int:action_pk>/edit/",
        views.action_edit,
        name="action_edit",
    ),
    path(
        "groups/<int:group_pk>/actions/<int:action_pk>/delete/",
        views.action_delete,
        name="action_delete",
    ),
    path(
        "groups/<int:group_pk>/actions/<int:action_pk>/change-idea/",
        views.action_change_idea,
        name="action_change_idea",
    ),
    # accelerated EBCD: the archive of narratives
    path("archive/", views.archive, name="archive"),
    path("archive/import/", views.archive_import, name="archive_import"),
    path("archive/themes/", views.archive_themes, name="archive_themes"),
    path("archive/touchpoints/", views.archive_hint, name="archive_hint"),
    path(
        "archive/themes/<int:theme_pk>/touchpoint/",
        views.archive_touchpoint,
        name="archive_touchpoint",
    ),
]
