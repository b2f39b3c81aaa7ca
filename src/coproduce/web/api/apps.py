from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "coproduce.web.api"
    label = "api"
    verbose_name = "API"
