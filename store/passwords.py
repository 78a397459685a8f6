"""The one hasher for staff passwords and the kiosk PIN: Argon2id, with old hashes still accepted.

argon2-cffi's defaults follow RFC 9106's recommendations. A hash made before this
module existed (the kiosk PIN was a werkzeug ``scrypt:`` hash) is still checked, and
``needs_rehash`` says so, so the caller stores a fresh Argon2 hash after the next
successful login: nobody has to reset anything.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
#: Verified against when there is no real hash (unknown account), so timing tells nothing.
DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
_LEGACY = ("scrypt:", "pbkdf2:")


def hash_secret(secret: str) -> str:
    """An Argon2id hash of a password or PIN (salted: equal secrets hash differently)."""
    return _hasher.hash(secret)


def verify_secret(stored: str, secret: str) -> bool:
    """True when ``secret`` matches ``stored`` (Argon2, or a legacy werkzeug scrypt/pbkdf2 hash)."""
    if stored.startswith(_LEGACY):
        return _verify_legacy(stored, secret)
    try:
        return _hasher.verify(stored, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` is a legacy hash or Argon2 with weaker parameters than today's."""
    if stored.startswith(_LEGACY):
        return True
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def _verify_legacy(stored: str, secret: str) -> bool:
    """Check a werkzeug ``method:args$salt$hex`` hash with the standard library's KDFs."""
    try:
        method, salt, expected = stored.split("$", 2)
        name, *args = method.split(":")
        password, salt_bytes = secret.encode(), salt.encode()
        if name == "scrypt":
            n, r, p = map(int, args) if args else (2**15, 8, 1)
            digest = hashlib.scrypt(password, salt=salt_bytes, n=n, r=r, p=p, maxmem=132 * n * r * p)
        else:
            hash_name = args[0] if args else "sha256"
            iterations = int(args[1]) if len(args) > 1 else 600_000
            digest = hashlib.pbkdf2_hmac(hash_name, password, salt_bytes, iterations)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), expected)
