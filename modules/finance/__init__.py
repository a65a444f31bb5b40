"""Finance: budgets and budget checks, payment requests, customer invoices, payment reminders, the ledger."""
from engine import ServiceRegistry

from .. import Manifest, ProcessAccess
from .budget import Budget, BudgetStatus, CheckBudget, budget_status, check_budget, current_period, parse_budget
from .invoice import (
    CreateInvoice,
    Invoice,
    InvoiceRef,
    PaymentReminder,
    create_invoice,
    record_customer_payment,
    send_payment_reminder,
)
from .ledger import ACCOUNTS, LedgerEntry
from .payment_request import PaymentRequest, RequestPayment, request_payment

MANIFEST = Manifest(
    name="finance", depends=(), processes=("purchase_approval", "expense_reimbursement", "order_handling"),
    access={"expense_reimbursement": ProcessAccess(start=("requesters",),
                                                   see_all=("finance-directors",),
                                                   see_department=("role:manager",))})


def register(registry: ServiceRegistry) -> None:
    registry.register("finance.request_payment", request_payment, RequestPayment)
    registry.register("finance.check_budget", check_budget, CheckBudget, reads_only=True)
    registry.register("finance.create_invoice", create_invoice, CreateInvoice)
    registry.register("finance.send_payment_reminder", send_payment_reminder, InvoiceRef)
    registry.register("finance.record_customer_payment", record_customer_payment, InvoiceRef)


__all__ = ["ACCOUNTS", "MANIFEST", "Budget", "BudgetStatus", "Invoice", "LedgerEntry", "PaymentReminder",
           "PaymentRequest", "budget_status", "current_period", "parse_budget", "register"]
