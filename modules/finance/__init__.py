"""Finance: payment requests (budgets, invoices and the ledger follow)."""
from engine import ServiceRegistry

from .. import Manifest
from .payment_request import PaymentRequest, RequestPayment, request_payment

MANIFEST = Manifest(name="finance", depends=(), processes=("purchase_approval",))


def register(registry: ServiceRegistry) -> None:
    registry.register("finance.request_payment", request_payment, RequestPayment)


__all__ = ["MANIFEST", "PaymentRequest", "register"]
