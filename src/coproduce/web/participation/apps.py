from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "coproduce.web.participation"
    label = "participation"
    verbose_name = "Participation"
