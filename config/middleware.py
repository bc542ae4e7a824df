"""Project-wide middleware that belongs to no app."""

from django.utils import translation


class ApiLanguageMiddleware:
    """The JSON API answers in the language the client asks for (Accept-Language).

    LocaleMiddleware activates Chinese for every path without a language prefix, because the
    site's Chinese pages have none (i18n_patterns with prefix_default_language=False). API
    addresses carry no prefix in either language, so for them the request's headers decide.
    Goes right after LocaleMiddleware.
    """

    prefix = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(self.prefix):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
