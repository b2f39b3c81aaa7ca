from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "coproduce.web.jobs"
    label = "jobs"
    verbose_name = "Jobs"
