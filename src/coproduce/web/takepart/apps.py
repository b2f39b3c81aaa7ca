from django.apps import AppConfig


class TakepartConfig(AppConfig):
    name = "coproduce.web.takepart"
    label = "takepart"
    verbose_name = "Takepart"
