from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrivesConfig(AppConfig):
    name = "drives"
    verbose_name = _("Sign-on drives")

    def ready(self):
        from drives.services import release_on_publication
        from statements.services import on_publication

        # Publishing a statement releases its drive: confirmed answers become signatures.
        on_publication(release_on_publication)
