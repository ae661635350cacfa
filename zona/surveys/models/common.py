"""Keys and codes with no order and no time in them, shared by the survey models."""

from __future__ import annotations

import secrets
from datetime import datetime


def random_id() -> int:
    # 62 random bits: no order, no time, and a collision among even millions of rows is
    # vanishingly unlikely (the unique primary key would refuse it anyway).
    return secrets.randbits(62) + 1


# No 0/o, 1/l/i: codes are read aloud and typed from paper.
SHORT_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def short_code(length: int = 8) -> str:
    return "".join(secrets.choice(SHORT_ALPHABET) for _ in range(length))


def kiosk_key() -> str:
    return secrets.token_urlsafe(18)


def contact_token() -> str:
    return secrets.token_urlsafe(12)


def floor_to_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)
