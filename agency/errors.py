class DomainError(Exception):
    """A refused action: wrong state, missing reason, invalid transition.

    Services raise it with a translated, user-facing message; views turn it
    into `messages.error` (never a 500). Subclass per app when useful.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)
