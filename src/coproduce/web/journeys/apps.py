from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "coproduce.web.journeys"
    label = "journeys"
    verbose_name = "Journeys"
