"""Password hashing with Argon2id (argon2-cffi): memory-hard, salted, self-describing hashes."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Passwords:
    """`time_cost`/`memory_cost_kib` are settings; tests use small ones to stay fast."""

    def __init__(self, time_cost: int = 3, memory_cost_kib: int = 65536, parallelism: int = 1):
        self._ph = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)
        # a hash to verify against when the email is unknown, so timing does not reveal which it was
        self._decoy = self._ph.hash("decoy password that never matches 1")

    def hash(self, password: str) -> str:
        return self._ph.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._ph.verify(stored or self._decoy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False
