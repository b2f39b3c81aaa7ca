from django.apps import AppConfig


class ExperienceConfig(AppConfig):
    name = "coproduce.web.experience"
    label = "experience"
    verbose_name = "Experience"
