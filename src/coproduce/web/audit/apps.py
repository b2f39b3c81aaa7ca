from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "coproduce.web.audit"
    label = "audit"
    verbose_name = "Audit log"
