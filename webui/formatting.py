"""How numbers, money, times and people read on screen, in the reader's language.

The engine stores naive UTC times, plain floats and user names; every screen
turns them into something a person reads at a glance through these filters,
so the same value looks the same on the inbox, the task and the instance page.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from babel import Locale, dates, numbers
from flask import Blueprint, g, has_request_context
from flask_babel import format_decimal, get_locale, get_timezone, to_user_timezone
from flask_babel import gettext as _
from flask_babel import to_utc as _to_utc
from sqlalchemy import select

from engine import User, utcnow

from . import labels
from .extensions import db
from .step_names import step_name

RULES_ACTOR = "system"  # who the rules act as (rules/auto_approval.py)

CURRENCY = "CNY"


def money(value: Any) -> str:
    """An amount in yuan, e.g. ¥29,400.00 (zh_CN) or CN¥29,400.00 (en), as Babel writes it (`_money_sign`)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(float(value))).quantize(_CENT, ROUND_HALF_EVEN)  # Babel's rounding
    except (TypeError, ValueError, ArithmeticError):
        return str(value)
    locale = _reader()[0]
    sign = _money_sign(locale)
    if sign is None:
        return numbers.format_currency(float(value), CURRENCY, locale=locale)
    return f"{'-' if amount.is_signed() else ''}{sign[0]}{abs(amount):,.2f}{sign[1]}"


_CENT = Decimal("0.01")
_SIGNS: dict[Locale, tuple[str, str] | None] = {}


def _money_sign(locale: Locale) -> tuple[str, str] | None:
    """What Babel writes before and after an amount of yuan in this locale, learnt from Babel once: formatting
    every amount with Babel cost a list page more than its queries. None for a locale that does not write
    amounts like 1,234.50 (none that OpsFlow ships), which `money` leaves to Babel."""
    try:
        return _SIGNS[locale]
    except KeyError:
        before, digits, after = numbers.format_currency(1234.5, CURRENCY, locale=locale).partition("1,234.50")
        negative = numbers.format_currency(-1234.5, CURRENCY, locale=locale)
        sign = _SIGNS[locale] = (before, after) if digits and negative == f"-{before}1,234.50{after}" else None
        return sign


def number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    return format_decimal(value)


# One way to write a moment per language, on every screen: the day, then the time on a 24-hour clock.
WHEN_PATTERN = {"zh": "yyyy年M月d日 HH:mm", "en": "d MMM yyyy, HH:mm"}
DAY_PATTERN = {"zh": "yyyy年M月d日", "en": "d MMM yyyy"}


def _reader() -> tuple[Locale, Any]:
    """The reader's locale and time zone, looked up once per request: a list page formats hundreds of values."""
    if not has_request_context():
        return get_locale() or Locale("en"), get_timezone()
    reader = g.get("opsflow_reader")
    if reader is None:
        reader = g.opsflow_reader = (get_locale() or Locale("en"), get_timezone())
    return reader


def _pattern(patterns: dict[str, str], locale: Locale) -> str:
    return patterns.get(locale.language, patterns["en"])


def when(value: datetime | None) -> str:
    """A stored (naive UTC) moment as the reader's clock shows it: in OPSFLOW_TIMEZONE, in their language."""
    if not value:
        return ""
    locale, zone = _reader()
    moment = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)
    return _written(_pattern(WHEN_PATTERN, locale), locale, moment)


def day(value: date | None) -> str:
    """A calendar day (a due date, an absence), written as the day part of `when`."""
    if not value:
        return ""
    locale = _reader()[0]
    if isinstance(value, datetime):  # a moment: the day it is on the reader's clock
        value = to_user_timezone(value).date()
    return _written(_pattern(DAY_PATTERN, locale), locale, value)


# the fields the patterns above use, as Babel writes them (a list page writes a hundred moments: Babel's own
# formatting of each cost more than the page's queries)
_FIELDS: dict[str, Callable[[Any, Locale], str]] = {
    "yyyy": lambda v, _: f"{v.year:04d}", "M": lambda v, _: str(v.month), "d": lambda v, _: str(v.day),
    "MMM": lambda v, locale: locale.months["format"]["abbreviated"][v.month],
    "HH": lambda v, _: f"{v.hour:02d}", "mm": lambda v, _: f"{v.minute:02d}"}
_COMPILED: dict[str, list[str] | None] = {}
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")  # a pattern's fields (年 is text)


def _written(pattern: str, locale: Locale, value: date) -> str:
    """`value` written by `pattern` (Babel's date pattern syntax, of the fields in `_FIELDS`; any other
    pattern is Babel's to write)."""
    if pattern not in _COMPILED:
        _COMPILED[pattern] = _compile(pattern)
    parts = _COMPILED[pattern]
    if parts is None:
        if isinstance(value, datetime):
            return dates.format_datetime(value, pattern, tzinfo=value.tzinfo, locale=locale)
        return dates.format_date(value, pattern, locale=locale)
    return "".join(_FIELDS[p](value, locale) if p in _FIELDS else p for p in parts)


def _compile(pattern: str) -> list[str] | None:
    """The pattern as fields and the text between them; None if it holds a field `_FIELDS` lacks or a quote."""
    parts = [m.group(0) for m in re.finditer(r"([A-Za-z])\1*|[^A-Za-z]+", pattern)]
    if "'" in pattern or any(p[0] in _LETTERS and p not in _FIELDS for p in parts):
        return None
    return parts


def local(value: datetime) -> datetime:
    """A stored (naive UTC) moment as a naive wall-clock time in OPSFLOW_TIMEZONE: what exports write."""
    return to_user_timezone(value).replace(tzinfo=None)


def entered(value: datetime) -> datetime:
    """A time someone typed, read on OPSFLOW_TIMEZONE's clock, as the naive UTC moment the engine stores."""
    return _to_utc(value)


def day_start(day: date) -> datetime:
    """The stored (naive UTC) moment a local calendar day begins: what a 'from' date filter compares with."""
    return entered(datetime.combine(day, time()))


def day_end(day: date) -> datetime:
    """The stored moment the local day after `day` begins: what a 'to' date filter compares with (exclusive)."""
    return day_start(day + timedelta(days=1))


def duration(seconds: float | int | None) -> str:
    """A wait as people say it: '2 h 5 min', '3 d 4 h', '< 1 min'."""
    if seconds is None:
        return ""
    total_minutes = max(int(seconds) // 60, 0)
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h", d=days, h=hours)
    if hours:
        return _("%(h)s h %(m)s min", h=hours, m=minutes)
    if minutes:
        return _("%(m)s min", m=minutes)
    return _("< 1 min")


def waited(start: datetime | None, end: datetime | None = None) -> str:
    """How long something has waited, up to now while it is still open."""
    if start is None:
        return ""
    return duration(((end or utcnow()) - start).total_seconds())


def overdue(due_at: datetime | None, done_at: datetime | None = None) -> bool:
    return due_at is not None and (done_at or utcnow()) > due_at


def person(username: str | None) -> str:
    """A user's display name ('Bob 张伟'), looked up once per request; the user name if unknown."""
    if not username:
        return ""
    if username == RULES_ACTOR:
        return _("Automatic approver (rules)")
    cache: dict[str, str] = g.setdefault("display_names", {})
    if username not in cache:
        name = db.session.scalar(select(User.display_name).where(User.username == username))
        cache[username] = name or username
    return cache[username]


FILTERS = {"money": money, "number": number, "when": when, "day": day, "duration": duration, "waited": waited,
           "person": person}


def register(bp: Blueprint) -> None:
    """Install the filters and label helpers app-wide from whichever screen blueprint is registered."""
    for name, func in FILTERS.items():
        bp.add_app_template_filter(func, name)
    for name, func in labels.LABELS.items():
        bp.add_app_template_global(func, name)
    bp.add_app_template_global(overdue, "overdue")
    bp.add_app_template_global(step_name, "step_name")
    bp.add_app_template_global(labels.outcome, "outcome_of")
