from django.utils import translation


class UserLanguageMiddleware:
    """Activate the signed-in user's remembered language.

    LocaleMiddleware has already picked a language from the cookie or the
    browser; a logged-in user's saved preference wins, so the choice follows
    them to any device.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
