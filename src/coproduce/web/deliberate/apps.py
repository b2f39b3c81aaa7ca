from django.apps import AppConfig


class DeliberateConfig(AppConfig):
    name = "coproduce.web.deliberate"
    label = "deliberate"
    verbose_name = "Deliberate"

    def ready(self) -> None:
        from coproduce.web.takepart.registry import register

        from .views import open_conversations

        register(open_conversations)
