"""Rule sets run on a crontab schedule, each run a row in the jobs table; probation for employees.

`rule_sets.interval_seconds` and `last_run_at` give way to `schedule`, a five-field crontab
expression. Intervals become the nearest schedule cron can keep evenly (a cron step restarts
every hour and every day, so only divisors of 60 minutes and of 24 hours repeat evenly):

  up to 60 s                -> "* * * * *"        (every minute; cron has nothing shorter)
  under an hour             -> "*/M * * * *"      M = the divisor of 60 nearest to the minutes
                                                  (the shorter on a tie; 60 -> "0 * * * *")
  under a day               -> "0 */H * * *"      H = the divisor of 24 nearest to the hours
  a day or more             -> "0 0 * * *"        (daily, at midnight)

`last_run_at` is dropped: the jobs table holds the runs. `jobs.unique_key` lets schedulers
plan an occurrence once (a unique index; NULL for jobs that need none).
`hr_employees.probation_months` (default 6) dates the end of an employee's probation.

Downgrade restores every rule set to a 60-second interval.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = ("0002", "0004")  # the jobs and rule_sets tables, and hr_employees


def _nearest(value: float, divisors: tuple[int, ...]) -> int:
    return min(divisors, key=lambda d: (abs(d - value), d))


def schedule_for(seconds: int) -> str:
    if seconds <= 60:
        return "* * * * *"
    if seconds < 3600:
        minutes = _nearest(seconds / 60, (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60))
        return {1: "* * * * *", 60: "0 * * * *"}.get(minutes, f"*/{minutes} * * * *")
    if seconds < 86400:
        hours = _nearest(seconds / 3600, (1, 2, 3, 4, 6, 8, 12))
        return "0 * * * *" if hours == 1 else f"0 */{hours} * * *"
    return "0 0 * * *"


def upgrade() -> None:
    op.add_column("rule_sets", sa.Column("schedule", sa.String(length=100), nullable=False,
                                         server_default="* * * * *"))
    bind = op.get_bind()
    for rule_set_id, seconds in bind.execute(sa.text("SELECT id, interval_seconds FROM rule_sets")).all():
        bind.execute(sa.text("UPDATE rule_sets SET schedule = :s WHERE id = :i"),
                     {"s": schedule_for(seconds), "i": rule_set_id})
    with op.batch_alter_table("rule_sets") as batch:
        batch.alter_column("schedule", server_default=None)
        batch.drop_column("interval_seconds")
        batch.drop_column("last_run_at")
    op.add_column("jobs", sa.Column("unique_key", sa.String(length=200), nullable=True))
    op.create_index("ux_jobs_unique_key", "jobs", ["unique_key"], unique=True)
    op.add_column("hr_employees", sa.Column("probation_months", sa.Integer(), nullable=False,
                                            server_default="6"))
    with op.batch_alter_table("hr_employees") as batch:
        batch.alter_column("probation_months", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("hr_employees") as batch:
        batch.drop_column("probation_months")
    op.drop_index("ux_jobs_unique_key", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("unique_key")
    with op.batch_alter_table("rule_sets") as batch:
        batch.add_column(sa.Column("interval_seconds", sa.Integer(), nullable=False, server_default="60"))
        batch.add_column(sa.Column("last_run_at", sa.DateTime(), nullable=True))
        batch.drop_column("schedule")
    with op.batch_alter_table("rule_sets") as batch:
        batch.alter_column("interval_seconds", server_default=None)
