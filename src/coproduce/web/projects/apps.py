from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "coproduce.web.projects"
    label = "projects"
    verbose_name = "Projects"
