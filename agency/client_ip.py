"""The client's IP address behind the documented reverse proxies.

django-axes throttles login failures per username AND IP. Behind a proxy,
REMOTE_ADDR is the proxy's address for everyone, so the IP must come from
X-Forwarded-For; but only the entries our own proxies appended can be trusted
(anything left of them is whatever the client typed).

settings.TRUSTED_PROXY_COUNT (env AXES_PROXY_COUNT) = the number of proxies in
front of the app (0 = none: the header is ignored). With N proxies, each appending the address it saw, the
client is the N-th entry from the right. django-axes calls `client_ip` through
AXES_CLIENT_IP_CALLABLE (its documented hook), no django-ipware needed.
"""

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    value = (value or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) < proxies:
        return remote  # not through all our proxies: the header is not ours
    return _valid(forwarded[-proxies]) or remote
