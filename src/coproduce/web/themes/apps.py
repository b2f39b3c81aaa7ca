from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "coproduce.web.themes"
    label = "themes"
    verbose_name = "Themes and sentiment"
