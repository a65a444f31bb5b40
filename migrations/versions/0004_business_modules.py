"""business modules: suppliers, customers, items and stock, departments and employees, budgets, invoices,
sales orders, reservations, stock moves, purchase requisitions, work orders, bills of materials, quality checks,
hires, positions, candidates, interviews, payment reminders, ledger entries

Revision ID: 0004
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("production_work_orders", "production_quality_checks", "production_bom_lines", "sales_orders", "sales_customers", "procurement_suppliers", "procurement_requisitions",
          "inventory_stock_moves", "inventory_stock", "inventory_reservations", "inventory_items",
          "hr_interviews", "hr_candidates", "hr_positions", "hr_hires", "hr_employees", "hr_departments", "finance_ledger_entries", "finance_payment_reminders", "finance_invoices", "finance_budgets")


def upgrade() -> None:
    op.create_table('finance_budgets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('department', 'period', name='uq_budget_department_period')
    )
    op.create_index(op.f('ix_finance_budgets_department'), 'finance_budgets', ['department'], unique=False)
    op.create_index(op.f('ix_finance_budgets_period'), 'finance_budgets', ['period'], unique=False)
    op.create_table('finance_invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('customer', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'task_name', name='uq_invoice_origin'),
    sa.UniqueConstraint('number')
    )
    op.create_index(op.f('ix_finance_invoices_customer'), 'finance_invoices', ['customer'], unique=False)
    op.create_index(op.f('ix_finance_invoices_instance_id'), 'finance_invoices', ['instance_id'], unique=False)
    op.create_index(op.f('ix_finance_invoices_status'), 'finance_invoices', ['status'], unique=False)
    op.create_table('hr_departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('manager', sa.String(length=100), nullable=False),
    sa.Column('cost_center', sa.String(length=30), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('hr_employees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('department', sa.String(length=30), nullable=False),
    sa.Column('position', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('hired_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    op.create_index(op.f('ix_hr_employees_department'), 'hr_employees', ['department'], unique=False)
    op.create_index(op.f('ix_hr_employees_name'), 'hr_employees', ['name'], unique=False)
    op.create_index(op.f('ix_hr_employees_status'), 'hr_employees', ['status'], unique=False)
    op.create_table('inventory_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=50), nullable=False),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('preferred_supplier', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_index(op.f('ix_inventory_items_category'), 'inventory_items', ['category'], unique=False)
    op.create_index(op.f('ix_inventory_items_name'), 'inventory_items', ['name'], unique=False)
    op.create_index(op.f('ix_inventory_items_status'), 'inventory_items', ['status'], unique=False)
    op.create_table('inventory_reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=30), nullable=False),
    sa.Column('warehouse', sa.String(length=20), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'task_name', 'attempt', name='uq_reservation_origin')
    )
    op.create_index(op.f('ix_inventory_reservations_instance_id'), 'inventory_reservations', ['instance_id'], unique=False)
    op.create_index(op.f('ix_inventory_reservations_item_code'), 'inventory_reservations', ['item_code'], unique=False)
    op.create_table('inventory_stock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=30), nullable=False),
    sa.Column('warehouse', sa.String(length=20), nullable=False),
    sa.Column('on_hand', sa.Integer(), nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_code', 'warehouse', name='uq_stock_item_warehouse')
    )
    op.create_index(op.f('ix_inventory_stock_item_code'), 'inventory_stock', ['item_code'], unique=False)
    op.create_index(op.f('ix_inventory_stock_warehouse'), 'inventory_stock', ['warehouse'], unique=False)
    op.create_table('inventory_stock_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=30), nullable=False),
    sa.Column('warehouse', sa.String(length=20), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'task_name', 'attempt', name='uq_move_origin')
    )
    op.create_index(op.f('ix_inventory_stock_moves_instance_id'), 'inventory_stock_moves', ['instance_id'], unique=False)
    op.create_index(op.f('ix_inventory_stock_moves_item_code'), 'inventory_stock_moves', ['item_code'], unique=False)
    op.create_table('procurement_requisitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('purchase_instance_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'task_name', name='uq_requisition_origin')
    )
    op.create_index(op.f('ix_procurement_requisitions_instance_id'), 'procurement_requisitions', ['instance_id'], unique=False)
    op.create_index(op.f('ix_procurement_requisitions_purchase_instance_id'), 'procurement_requisitions', ['purchase_instance_id'], unique=False)
    op.create_table('procurement_suppliers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_index(op.f('ix_procurement_suppliers_category'), 'procurement_suppliers', ['category'], unique=False)
    op.create_index(op.f('ix_procurement_suppliers_instance_id'), 'procurement_suppliers', ['instance_id'], unique=False)
    op.create_index(op.f('ix_procurement_suppliers_name'), 'procurement_suppliers', ['name'], unique=False)
    op.create_index(op.f('ix_procurement_suppliers_status'), 'procurement_suppliers', ['status'], unique=False)
    op.create_table('sales_customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('segment', sa.String(length=20), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('credit_limit', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_index(op.f('ix_sales_customers_name'), 'sales_customers', ['name'], unique=False)
    op.create_index(op.f('ix_sales_customers_segment'), 'sales_customers', ['segment'], unique=False)
    op.create_index(op.f('ix_sales_customers_status'), 'sales_customers', ['status'], unique=False)
    op.create_table('sales_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('customer_code', sa.String(length=30), nullable=False),
    sa.Column('item_code', sa.String(length=30), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('warehouse', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('entered_by', sa.String(length=100), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'task_name', name='uq_sales_order_origin'),
    sa.UniqueConstraint('number')
    )
    op.create_index(op.f('ix_sales_orders_customer_code'), 'sales_orders', ['customer_code'], unique=False)
    op.create_index(op.f('ix_sales_orders_instance_id'), 'sales_orders', ['instance_id'], unique=False)
    op.create_index(op.f('ix_sales_orders_status'), 'sales_orders', ['status'], unique=False)

    op.create_table('production_bom_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_code', sa.String(length=30), nullable=False),
    sa.Column('component_code', sa.String(length=30), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('product_code', 'component_code', name='uq_bom_line')
    )
    op.create_index(op.f('ix_production_bom_lines_product_code'), 'production_bom_lines', ['product_code'], unique=False)
    op.create_table('production_quality_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order', sa.String(length=30), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.Column('inspector', sa.String(length=100), nullable=False),
    sa.Column('notes', sa.String(length=2000), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'task_name', 'attempt', name='uq_quality_check_origin')
    )
    op.create_index(op.f('ix_production_quality_checks_instance_id'), 'production_quality_checks', ['instance_id'], unique=False)
    op.create_index(op.f('ix_production_quality_checks_work_order'), 'production_quality_checks', ['work_order'], unique=False)
    op.create_table('production_work_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('product_code', sa.String(length=30), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('warehouse', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'task_name', name='uq_work_order_origin'),
    sa.UniqueConstraint('number')
    )
    op.create_index(op.f('ix_production_work_orders_instance_id'), 'production_work_orders', ['instance_id'], unique=False)
    op.create_index(op.f('ix_production_work_orders_product_code'), 'production_work_orders', ['product_code'], unique=False)
    op.create_index(op.f('ix_production_work_orders_status'), 'production_work_orders', ['status'], unique=False)
    op.create_table('hr_hires',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_number', sa.String(length=30), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'task_name', name='uq_hire_origin')
    )
    op.create_index(op.f('ix_hr_hires_instance_id'), 'hr_hires', ['instance_id'], unique=False)
    op.create_table('finance_payment_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_number', sa.String(length=30), nullable=False),
    sa.Column('customer', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'task_name', name='uq_reminder_origin')
    )
    op.create_index(op.f('ix_finance_payment_reminders_instance_id'), 'finance_payment_reminders', ['instance_id'], unique=False)
    op.create_index(op.f('ix_finance_payment_reminders_invoice_number'), 'finance_payment_reminders', ['invoice_number'], unique=False)
    op.create_table('finance_ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=10), nullable=False),
    sa.Column('debit', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('credit', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('document', sa.String(length=30), nullable=False),
    sa.Column('memo', sa.String(length=200), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('posted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_finance_ledger_entries_account'), 'finance_ledger_entries', ['account'], unique=False)
    op.create_index(op.f('ix_finance_ledger_entries_document'), 'finance_ledger_entries', ['document'], unique=False)
    op.create_table('hr_candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'attempt', name='uq_candidate_origin')
    )
    op.create_index(op.f('ix_hr_candidates_instance_id'), 'hr_candidates', ['instance_id'], unique=False)
    op.create_index(op.f('ix_hr_candidates_name'), 'hr_candidates', ['name'], unique=False)
    op.create_index(op.f('ix_hr_candidates_position_id'), 'hr_candidates', ['position_id'], unique=False)
    op.create_index(op.f('ix_hr_candidates_status'), 'hr_candidates', ['status'], unique=False)
    op.create_table('hr_interviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('interviewer', sa.String(length=100), nullable=False),
    sa.Column('recommendation', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_hr_interviews_candidate_id'), 'hr_interviews', ['candidate_id'], unique=False)
    op.create_table('hr_positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('department', sa.String(length=30), nullable=False),
    sa.Column('salary_max', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', name='uq_position_origin')
    )
    op.create_index(op.f('ix_hr_positions_department'), 'hr_positions', ['department'], unique=False)
    op.create_index(op.f('ix_hr_positions_instance_id'), 'hr_positions', ['instance_id'], unique=False)
    op.create_index(op.f('ix_hr_positions_status'), 'hr_positions', ['status'], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
