"""Every raw status word a screen shows goes through a translated label: a suspended instance reads 已暂停."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from engine import Actor, WorkflowEngine


def badges(html: str) -> list[str]:
    return re.findall(r'<span class="badge suspended[^"]*" data-testid="badge-suspended">([^<]*)</span>', html)


def test_a_suspended_instance_shows_a_translated_label_on_its_page_and_in_lists(
        login: Any, engine: WorkflowEngine, purchase: Callable[..., int], actor: Callable[[str], Actor]) -> None:
    instance_id = purchase()
    engine.suspend(instance_id, actor("admin"))
    page = login("alice", "zh_CN").get(f"/instances/{instance_id}").get_data(as_text=True)
    assert badges(page) == ["已暂停"]
    listing = login("alice", "zh_CN").get("/requests").get_data(as_text=True)
    assert "已暂停" in listing and ">suspended<" not in listing
    assert badges(login("alice").get(f"/instances/{instance_id}").get_data(as_text=True)) == ["Suspended"]


def test_every_status_an_instance_or_job_can_have_has_a_label() -> None:
    from engine.integration.models import MESSAGE_STATUSES
    from engine.jobs.runner import STATUSES as JOB_STATUSES
    from webui.api.instances import STATUSES as INSTANCE_STATUSES
    from webui.labels import STATUS

    missing = {s for s in (*INSTANCE_STATUSES, *JOB_STATUSES, *MESSAGE_STATUSES) if s not in STATUS}
    assert missing == set()
