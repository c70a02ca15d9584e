"""A list of provider functions that other apps fill in at startup.

The dashboard ("Waiting for me") and the client page's panels use it, so
`agency` never imports an app: apps register themselves in AppConfig.ready().
"""

from collections.abc import Callable


class Providers:
    def __init__(self):
        self._providers: list[Callable] = []

    def register(self, provider: Callable) -> Callable:
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def collect(self, *args) -> list:
        """Every provider's results, flattened and sorted by their `order`."""
        results = [item for provider in self._providers for item in provider(*args)]
        return sorted(results, key=lambda item: item.order)
