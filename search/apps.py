from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """One search interface over Elasticsearch or the embedded database backend (issue 4)."""

    name = "search"
    verbose_name = _("Search")
