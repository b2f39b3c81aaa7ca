from django.apps import AppConfig


class EbcdConfig(AppConfig):
    name = "coproduce.web.ebcd"
    label = "ebcd"
    verbose_name = "Ebcd"
