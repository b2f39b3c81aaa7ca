from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coproduce.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"
