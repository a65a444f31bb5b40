"""A payment flow whose service step asks a bank (the test's receiver) to pay, through the outbox.

Shared by the outbox tests and the process they start (`outbox_worker.py`), so both run the same flow.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tiny_bpmn import bundle, linear, service, user

from engine import Bundle, ServiceCall, ServiceRegistry, integration

PAYMENT_FLOW = linear("paying", service("pay", "bank.send_payment", {"amount": "amount"}, result="payment"),
                      user("check", "clerks"))


@dataclass(frozen=True)
class SendPayment:
    amount: float


def payment_registry(bank_url: str) -> ServiceRegistry:
    def send_payment(call: ServiceCall, req: SendPayment) -> dict[str, Any]:
        queued = integration.record(call.session, key=integration.call_key(call), method="POST",
                                    url=f"{bank_url}/payments", body=json.dumps({"amount": req.amount}),
                                    now=call.now, instance_id=call.instance_id)
        return {"queued": queued}

    registry = ServiceRegistry()
    registry.register("bank.send_payment", send_payment, SendPayment)
    return registry


def payment_bundle() -> Bundle:
    return bundle(PAYMENT_FLOW, "paying.bpmn")
