"""Refusals as HTTP: 404 for what one may not see, 403 for what one may not
do, 400 with the service's message for a DomainError (wrong state, bad input)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from agency.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        # Keep the message the selectors and services gave (DRF would drop it).
        message = exc.args[0] if exc.args else exceptions.PermissionDenied.default_detail
        exc = exceptions.PermissionDenied(message)
    return drf_exception_handler(exc, context)
