from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "coproduce.web.improvement"
    label = "improvement"
    verbose_name = "Model for Improvement"
