"""Crontab schedules: when a rule set runs, read as crontab reads it; what the migration made of intervals."""
from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from rules import RuleError
from rules.cron import check, next_run
from webui.migrate import alembic_config

SATURDAY = datetime(2030, 6, 1, 12, 0)  # naive UTC, as the engine keeps time


@pytest.mark.parametrize(("schedule", "after", "expected"), [
    ("* * * * *", SATURDAY, datetime(2030, 6, 1, 12, 0)),                      # at a fire time: that one
    ("* * * * *", SATURDAY.replace(second=1), datetime(2030, 6, 1, 12, 1)),
    ("*/15 * * * *", SATURDAY.replace(minute=16), datetime(2030, 6, 1, 12, 30)),
    ("0 9 * * 1-5", SATURDAY, datetime(2030, 6, 3, 9, 0)),                      # Monday
    ("0 9 * * 0", SATURDAY, datetime(2030, 6, 2, 9, 0)),                        # 0 is Sunday, as in crontab
    ("0 9 * * 7", SATURDAY, datetime(2030, 6, 2, 9, 0)),                        # and so is 7
    ("0 9 * * sat", SATURDAY, datetime(2030, 6, 8, 9, 0)),
    ("0 9 * * 1-5/2", SATURDAY, datetime(2030, 6, 3, 9, 0)),                    # Mon, Wed, Fri
    ("0 9 * * */2", SATURDAY.replace(day=2), datetime(2030, 6, 4, 9, 0)),       # Sun, Tue, Thu, Sat
    ("0 0 1 * *", SATURDAY, datetime(2030, 7, 1, 0, 0)),
])
def test_next_run_reads_the_five_fields_as_crontab_does(schedule: str, after: datetime, expected: datetime) -> None:
    assert next_run(schedule, after) == expected


def test_a_schedule_is_read_in_the_business_time_zone() -> None:
    # nine in the morning in Shanghai is one in the morning UTC
    assert next_run("0 9 * * *", datetime(2030, 6, 1, 2, 0), "Asia/Shanghai") == datetime(2030, 6, 2, 1, 0)
    assert next_run("0 9 * * *", datetime(2030, 6, 1, 0, 30), "Asia/Shanghai") == datetime(2030, 6, 1, 1, 0)


@pytest.mark.parametrize(("schedule", "message"), [
    ("* * * *", "schedule: 4 fields given; a crontab schedule has 5"),
    ("61 * * * *", "schedule: minute '61':"),
    ("0 24 * * *", "schedule: hour '24':"),
    ("0 0 0 * *", "schedule: day of month '0':"),
    ("0 0 1 13 *", "schedule: month '13':"),
    ("0 0 * * 8", "schedule: day of week '8': '8' is not a range of days 0-7 (0 and 7 are Sunday)"),
    ("0 0 * * 5-1", "schedule: day of week '5-1'"),
    ("every minute please", "schedule: 3 fields given"),
    ("*/0 * * * *", "schedule: minute '*/0'"),
    ("0 0 30 2 *", "schedule: '0 0 30 2 *' never fires"),
])
def test_a_bad_schedule_is_refused_naming_the_field(schedule: str, message: str) -> None:
    with pytest.raises(RuleError) as error:
        check(schedule)
    assert error.value.problems[0].startswith(message), error.value.problems


def test_a_good_schedule_comes_back_single_spaced() -> None:
    assert check("  30   9 * *  1-5 ") == "30 9 * * 1-5"


def _migration():  # noqa: ANN202
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0006_rule_schedules.py"
    spec = importlib.util.spec_from_file_location("rule_schedules_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_turns_intervals_into_the_nearest_even_schedule(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = alembic_config(url)
    for revision in ("0002", "0004", "0005"):  # the database as it was before schedules
        command.upgrade(config, revision)
    intervals = (10, 60, 300, 420, 7200, 5 * 3600, 86400, 7 * 86400)
    db = create_engine(url)
    with db.begin() as conn:
        for i, seconds in enumerate(intervals):
            conn.execute(text("INSERT INTO rule_sets (name, process_key, task_name, interval_seconds, created_at) "
                              "VALUES (:n, 'p', :t, :s, '2030-01-01')"), {"n": f"every {seconds}", "t": f"t{i}",
                                                                          "s": seconds})
    command.upgrade(config, "heads")
    with db.connect() as conn:
        schedules = conn.execute(text("SELECT schedule FROM rule_sets ORDER BY id")).scalars().all()
    db.dispose()
    assert schedules == ["* * * * *", "* * * * *", "*/5 * * * *", "*/6 * * * *", "0 */2 * * *", "0 */4 * * *",
                         "0 0 * * *", "0 0 * * *"]
    assert all(check(s) == s for s in schedules)
    assert _migration().schedule_for(45 * 60) == "*/30 * * * *"  # 45 is as near 30 as 60: the shorter one
