"""Money and moments read on every list as Babel writes them, in both languages and on any clock.

The screens write amounts and times without Babel's per-value formatting (a list page writes a hundred
of them); what they write must be, to the character, what Babel writes for the reader's locale.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from babel import dates, numbers
from flask import Flask
from flask_babel import force_locale, get_locale, get_timezone

from webui import create_app, formatting

AMOUNTS = [0, -0.0, 0.005, 0.015, 2.675, -0.001, -42.5, 29400, 1e12, 123456789.125, "17", "3.30", True]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_amounts_and_moments_read_as_babel_writes_them(database_url: str, language: str, zone: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "BABEL_DEFAULT_TIMEZONE": zone})
    rng = random.Random(7)
    moments = [datetime(2026, 3, 8, 1, 59), datetime(2026, 11, 1, 5, 30)]  # around New York's clock changes
    moments += [datetime(2020, 1, 1) + timedelta(seconds=rng.randint(0, 10**9)) for _ in range(300)]
    amounts = AMOUNTS + [rng.uniform(-1e7, 1e7) for _ in range(300)] + [round(rng.uniform(0, 1e5), 3)
                                                                          for _ in range(300)]
    with app.test_request_context(), force_locale(language):
        locale, tz = get_locale(), get_timezone()
        assert locale.language == language[:2] and str(tz) == zone
        when, on_day = formatting.WHEN_PATTERN[locale.language], formatting.DAY_PATTERN[locale.language]
        for amount in amounts:
            assert formatting.money(amount) == numbers.format_currency(float(amount), "CNY", locale=locale), amount
        for moment in moments:
            assert formatting.when(moment) == dates.format_datetime(moment, when, tzinfo=tz, locale=locale)
            assert formatting.day(moment.date()) == dates.format_date(moment.date(), on_day, locale=locale)
        assert formatting.money(None) == formatting.money("") == formatting.when(None) == ""
        assert formatting.money("n/a") == "n/a"


def test_the_screens_patterns_are_written_without_babel() -> None:
    for pattern in (*formatting.WHEN_PATTERN.values(), *formatting.DAY_PATTERN.values()):
        assert formatting._compile(pattern) is not None, pattern
    assert formatting._compile("yyyy年M月d日") == ["yyyy", "年", "M", "月", "d", "日"]


def test_a_pattern_of_fields_the_screens_do_not_use_is_left_to_babel(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        locale = get_locale()
        assert formatting._written("EEEE, d MMMM", locale, date(2026, 12, 3)) == "Thursday, 3 December"
        assert formatting._written("d MMM yyyy", locale, date(2026, 12, 3)) == "3 Dec 2026"
