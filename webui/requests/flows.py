"""Every flow the signed-in person may start, for the tabs atop each New request page: purchasing first, then the
flows whose start pages the module screens add (records.start.STARTS)."""
from __future__ import annotations

from flask import url_for

from ..access import current_actor, policy
from ..extensions import db
from ..records.start import STARTS

PURCHASE = ("requests.new", "purchase_approval")


def start_flows() -> list[tuple[str, str, str]]:
    """(endpoint, process key, address) of each start page the reader's access lets them open."""
    actor = current_actor()
    return [(endpoint, key, url_for(endpoint)) for endpoint, key in [PURCHASE, *STARTS]
            if policy().may_start(db.session, actor, key)]


def is_start_page(endpoint: str | None) -> bool:
    return endpoint in {PURCHASE[0], *(e for e, _ in STARTS)}
