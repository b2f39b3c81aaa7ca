"""Routes of the people area, spliced into ``urls.py`` (namespace ``participation``)."""

from django.urls import path

from . import views_people as views

urlpatterns = [
    path("people/", views.participants, name="participants"),
    path("people/new/", views.participant_add, name="participant_add"),
    path("people/<int:ppk>/", views.participant_detail, name="participant"),
    path("people/<int:ppk>/edit/", views.participant_edit, name="participant_edit"),
    path("people/<int:ppk>/left/", views.participant_leave, name="participant_leave"),
    path("people/<int:ppk>/returned/", views.participant_return, name="participant_return"),
    path("people/<int:ppk>/delete/", views.participant_delete, name="participant_delete"),
    path("people/<int:ppk>/consent/new/", views.consent_add, name="consent_add"),
    path(
        "people/<int:ppk>/consent/<int:cpk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("people/<int:ppk>/equality/", views.equality_on_behalf, name="equality_on_behalf"),
    path("people/<int:ppk>/check-in/", views.checkin_on_behalf, name="checkin_on_behalf"),
    path("people/<int:ppk>/support/new/", views.support_add, name="support_add"),
    path("people/<int:ppk>/support/<int:spk>/edit/", views.support_edit, name="support_edit"),
    path("me/", views.me, name="me"),
    path("me/contact/", views.me_contact, name="me_contact"),
    path("me/consent/<int:cpk>/withdraw/", views.me_consent_withdraw, name="me_consent_withdraw"),
    path("me/equality/", views.me_equality, name="me_equality"),
    path("me/check-in/", views.me_checkin, name="me_checkin"),
    path("who-takes-part/", views.who_takes_part, name="who_takes_part"),
    path("plus-groups/", views.plus_groups, name="plus_groups"),
    path("plus-groups/<int:gpk>/remove/", views.plus_group_remove, name="plus_group_remove"),
]
