"""Routes for payments: payment rates, the payments page, the finance export and expense
claims. Spliced into ``urls.urlpatterns`` (namespace ``participation``, mounted at
projects/<int:pk>/participation/)."""

from django.urls import path

from . import views_money as views

urlpatterns = [
    path("payment-rates/", views.payment_rates, name="payment_rates"),
    path("payment-rates/new/", views.payment_tier_create, name="payment_tier_create"),
    path("payment-rates/<int:tier_pk>/edit/", views.payment_tier_edit, name="payment_tier_edit"),
    path(
        "payment-rates/<int:tier_pk>/delete/",
        views.payment_tier_delete,
        name="payment_tier_delete",
    ),
    path("payments/", views.payments, name="payments"),
    path("payments/finance.csv", views.payments_csv, name="payments_csv"),
    path("expenses/", views.expenses, name="expenses"),
    path("expenses/new/", views.expense_create, name="expense_create"),
    path("expenses/<int:claim_pk>/", views.expense, name="expense"),
    path("expenses/<int:claim_pk>/edit/", views.expense_edit, name="expense_edit"),
    path("me/expenses/", views.my_expenses, name="my_expenses"),
    path("me/expenses/new/", views.my_expense_create, name="my_expense_create"),
    path("me/expenses/<int:claim_pk>/edit/", views.my_expense_edit, name="my_expense_edit"),
]
