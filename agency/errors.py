class DomainError(Exception):
    """A refused action: wrong state, missing reason, invalid transition.

    Services raise it with one of their module's error constants (and, when
    the message has placeholders, its parameters as keywords):

        raise DomainError(ERR_NOT_ON_TEAM, name=user)

    Views turn it into `messages.error` through `agency.actions.run_service`
    (never a 500). `template` keeps the constant, so tests can check *which*
    refusal happened (`tests.helpers.assert_refused(call, ERR_NOT_ON_TEAM)`).
    """

    def __init__(self, message, **params):
        self.template = message
        self.params = params
        self.message = message % params if params else message
        super().__init__(self.message)

    def __str__(self):
        return str(self.message)
