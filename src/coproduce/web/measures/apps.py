from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "coproduce.web.measures"
    label = "measures"
    verbose_name = "Measures"

    def ready(self) -> None:
        # Connects the receiver that draws a measure's chart ahead after a change.
        from coproduce.web.measures import actions_chart  # noqa: F401
