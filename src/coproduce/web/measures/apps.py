from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "coproduce.web.measures"
    label = "measures"
    verbose_name = "Measures"
