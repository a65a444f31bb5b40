"""Finance screens: budgets per department and year, payment requests, invoices."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from modules.finance import ACCOUNTS, Budget, Invoice, LedgerEntry, PaymentReminder, PaymentRequest, parse_budget

from ..records import Access, Column, Editor, Filter, ListSpec, add_list, add_start

bp = Blueprint("finance", __name__)
add_start(bp, "expenses/new", "expense_reimbursement")

add_list(bp, ListSpec(
    name="budgets", access=Access(read_all=("finance-clerks", "finance-directors"), read_department=("role:manager",),
                                  import_=("finance-directors",)),
    title=_l("Budgets"), model=Budget, key="id", order_by="department",
    columns=(Column("department", _l("Department")), Column("period", _l("Year")),
             Column("amount", _l("Budget"), "money"), Column("note", _l("Note"))),
    search=("department", "period", "note"),
    editor=Editor(parse_budget, ("department", "period", "amount", "note"), unique=(("department", "period"),)),
))
add_list(bp, ListSpec(
    name="payments", access=Access(read_all=("finance-clerks", "finance-directors"), read_department=("role:manager",)),
    title=_l("Payment requests"), model=PaymentRequest, key="number", order_by="created_at",
    descending=True,
    columns=(Column("number", _l("Number")), Column("payee", _l("Payee")), Column("amount", _l("Amount"), "money"),
             Column("department", _l("Department")), Column("reference", _l("Reference")),
             Column("status", _l("Status"), "status"), Column("created_at", _l("Created"), "date")),
    search=("number", "payee", "department", "reference"),
    filters=(Filter("status", _l("Status"), ("requested", "paid")),),
))
add_list(bp, ListSpec(
    name="invoices", access=Access(read_all=("finance-clerks", "finance-directors", "Sales-managers")),
    title=_l("Invoices"), model=Invoice, key="number", order_by="created_at", descending=True,
    columns=(Column("number", _l("Number")), Column("customer", _l("Customer")),
             Column("amount", _l("Amount"), "money"), Column("reference", _l("Reference")),
             Column("due_date", _l("Due"), "date"), Column("status", _l("Status"), "status")),
    search=("number", "customer", "reference"),
    filters=(Filter("status", _l("Status"), ("open", "overdue", "paid")),),
))
add_list(bp, ListSpec(
    name="reminders", access=Access(read_all=("finance-clerks", "finance-directors", "sales", "Sales-managers")),
    title=_l("Payment reminders"), model=PaymentReminder, key="id", order_by="sent_at",
    descending=True,
    columns=(Column("id", _l("Number")), Column("invoice_number", _l("Invoice")), Column("customer", _l("Customer")),
             Column("amount", _l("Amount"), "money"), Column("sent_at", _l("Sent"), "date")),
    search=("invoice_number", "customer"),
))
add_list(bp, ListSpec(
    name="ledger", access=Access(read_all=("finance-clerks", "finance-directors")),
    title=_l("Ledger"), model=LedgerEntry, key="id", order_by="posted_at", descending=True,
    columns=(Column("id", _l("Number")), Column("account", _l("Account")), Column("debit", _l("Debit"), "money"),
             Column("credit", _l("Credit"), "money"), Column("document", _l("Document")), Column("memo", _l("Memo")),
             Column("department", _l("Department")), Column("posted_at", _l("Posted"), "date")),
    search=("document", "memo", "department"), filters=(Filter("account", _l("Account"), tuple(ACCOUNTS)),),
))
