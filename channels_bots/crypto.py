"""Secrets at rest: webhook URLs (a WeCom key is in its URL) and signing secrets.

Stdlib only (the project has no `cryptography`): a keystream of
HMAC-SHA256(key, nonce || counter) XORed with the text, and an HMAC tag over
nonce and ciphertext (encrypt-then-MAC). The key is derived from SECRET_KEY,
so a database dump alone does not reveal a bot's secret; rotating SECRET_KEY
makes stored secrets unreadable (they must be entered again).
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

NONCE = 16
TAG = 32


def _keys() -> tuple[bytes, bytes]:
    base = hashlib.sha256(("channels_bots:" + settings.SECRET_KEY).encode()).digest()
    return (
        hmac.new(base, b"encrypt", hashlib.sha256).digest(),
        hmac.new(base, b"authenticate", hashlib.sha256).digest(),
    )


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest()
        counter += 1
    return bytes(out[:length])


def encrypt(text: str) -> str:
    if not text:
        return ""
    enc, auth = _keys()
    nonce = secrets.token_bytes(NONCE)
    data = text.encode()
    cipher = bytes(a ^ b for a, b in zip(data, _stream(enc, nonce, len(data)), strict=True))
    tag = hmac.new(auth, nonce + cipher, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(nonce + cipher + tag).decode()


def decrypt(token: str) -> str:
    """The text, or "" when there is none or it cannot be read (key rotated)."""
    if not token:
        return ""
    try:
        raw = base64.urlsafe_b64decode(token.encode())
    except ValueError:
        return ""
    if len(raw) < NONCE + TAG:
        return ""
    enc, auth = _keys()
    nonce, cipher, tag = raw[:NONCE], raw[NONCE:-TAG], raw[-TAG:]
    if not hmac.compare_digest(tag, hmac.new(auth, nonce + cipher, hashlib.sha256).digest()):
        return ""
    data = bytes(a ^ b for a, b in zip(cipher, _stream(enc, nonce, len(cipher)), strict=True))
    return data.decode()
