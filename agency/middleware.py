from django.utils import translation
from django.utils.cache import patch_cache_control


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


class PrivateNoStoreMiddleware:
    """Responses to a signed-in person (pages, PDFs, exports, API calls with a
    token) are theirs alone: `Cache-Control: private, no-store`, so no shared
    cache or browser history keeps a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.META.get("HTTP_AUTHORIZATION"):
            patch_cache_control(response, private=True, no_store=True)
            if "public" in response.get("Cache-Control", ""):
                response["Cache-Control"] = "private, no-store"
        return response
