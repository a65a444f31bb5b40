"""The demo company's master data: departments, people, suppliers and contracts, customers, items, stock, budgets.

华辰科技 (Huachen Technology), a small Shanghai maker and reseller of office IT
equipment. Seeding is idempotent: a record whose code exists is left as it is.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import utcnow
from modules.finance import Budget, current_period
from modules.hr import Department, Employee
from modules.inventory import Item, Stock
from modules.procurement import Contract, Supplier
from modules.production import BomLine
from modules.sales import Customer

DEPARTMENTS = [
    # code, name, manager, cost center
    ("IT", "信息技术部 IT", "bob", "CC-100"), ("Finance", "财务部 Finance", "carol", "CC-200"),
    ("Sales", "销售部 Sales", "erin", "CC-300"), ("Warehouse", "仓储物流部 Warehouse", "grace", "CC-400"),
    ("Procurement", "采购部 Procurement", "ivy", "CC-500"), ("HR", "人力资源部 HR", "", "CC-600"),
    ("Production", "生产部 Production", "kevin", "CC-700"),
]

EMPLOYEES = [
    # number, name, department, position, username, hired on
    ("E0001", "王丽 Alice Wang", "IT", "IT support engineer", "alice", "2021-03-01"),
    ("E0002", "张伟 Bob Zhang", "IT", "IT manager", "bob", "2018-07-16"),
    ("E0003", "李娜 Carol Li", "Finance", "Finance director", "carol", "2016-01-04"),
    ("E0004", "刘洋 Dave Liu", "IT", "Process designer", "dave", "2022-05-09"),
    ("E0005", "陈静 Erin Chen", "Sales", "Sales manager", "erin", "2019-09-02"),
    ("E0006", "赵强 Frank Zhao", "Sales", "Account manager", "frank", "2023-02-20"),
    ("E0007", "孙燕 Grace Sun", "Warehouse", "Warehouse lead", "grace", "2020-11-11"),
    ("E0008", "周杰 Henry Zhou", "Procurement", "Buyer", "henry", "2022-08-15"),
    ("E0009", "吴敏 Ivy Wu", "Procurement", "Procurement manager", "ivy", "2017-04-03"),
    ("E0010", "郑浩 Jack Zheng", "Finance", "Accountant", "jack", "2021-06-28"),
    ("E0011", "黄蕾 Lily Huang", "HR", "HR generalist", "lily", "2020-03-16"),
    ("E0012", "马超 Leo Ma", "Sales", "Sales assistant", "", "2024-07-01"),
    ("E0013", "何凯 Kevin He", "Production", "Production lead", "kevin", "2019-03-18"),
]

SUPPLIERS = [
    # code, name, category, contact, phone, email, rating, status
    ("S-001", "联想 Lenovo", "it", "王经理", "400-990-8888", "b2b@lenovo.example", 5, "active"),
    ("S-002", "京东企业购", "office", "李女士", "400-606-5500", "vip@jd.example", 4, "active"),
    ("S-003", "华为 Huawei", "it", "赵工", "400-822-9999", "enterprise@huawei.example", 5, "active"),
    ("S-004", "震旦 AURORA", "office", "孙先生", "021-5888-1234", "sales@aurora.example", 3, "active"),
    ("S-005", "Dell China", "it", "Mr. Chen", "800-858-0888", "china@dell.example", 4, "active"),
    ("S-006", "顺丰速运 SF Express", "logistics", "周经理", "95338", "corp@sf.example", 4, "active"),
    ("S-007", "上海宏达包装", "raw_materials", "钱女士", "021-6677-8899", "", 2, "inactive"),
]

CONTRACTS = [
    # number, supplier, title, years from this one (first, last), amount cap, status
    ("HC-CG-{year}-001", "S-001", "笔记本电脑及配件框架协议 Laptop framework agreement", (0, 0), 1500000, "active"),
    ("HC-CG-{year}-002", "S-005", "显示器年度采购协议 Monitor supply agreement", (0, 0), 300000, "active"),
    ("HC-CG-{year}-003", "S-002", "办公用品年度协议 Office supplies agreement", (0, 1), 120000, "active"),
    ("HC-CG-{year}-004", "S-003", "服务器维保协议 Server maintenance", (-1, -1), 200000, "expired"),
    ("HC-CG-{year}-005", "S-004", "办公家具框架协议（待签）Furniture framework", (1, 1), 250000, "draft"),
    ("HC-CG-{year}-006", "S-006", "快递服务协议 Courier services", (0, 0), 60000, "terminated"),
]

CUSTOMERS = [
    # code, name, segment, contact, phone, city, credit limit
    ("C001", "华东电子 East China Electronics", "enterprise", "刘总", "021-5555-0101", "上海", 300000),
    ("C002", "杭州云帆科技", "sme", "陈经理", "0571-8888-2323", "杭州", 80000),
    ("C003", "南京市第一中学", "government", "王老师", "025-8432-1100", "南京", 50000),
    ("C004", "苏州小蜜蜂网店", "retail", "张店长", "0512-6666-7788", "苏州", 10000),
]

ITEMS = [
    # code, name, category, unit, unit cost, preferred supplier, (SH-01, SZ-01) on hand
    ("LAP-X1", "ThinkPad X1 笔记本电脑", "laptops", "pcs", 9800, "联想 Lenovo", (40, 10)),
    ("MON-27", "27英寸显示器 27-inch monitor", "monitors", "pcs", 1200, "Dell China", (60, 20)),
    ("DOCK-U", "USB-C 扩展坞", "accessories", "pcs", 450, "联想 Lenovo", (120, 30)),
    ("SRV-R", "机架服务器 rack server", "servers", "set", 26000, "华为 Huawei", (2, 0)),
    ("CHAIR-E", "人体工学椅 ergonomic chair", "furniture", "pcs", 1200, "震旦 AURORA", (15, 5)),
    ("WS-OFFICE", "办公工作站 office workstation", "workstations", "set", 0, "", (3, 0)),
    ("MB-B760", "B760 主板 mainboard", "components", "pcs", 780, "华为 Huawei", (30, 0)),
    ("CASE-M", "M-ATX 机箱 case", "components", "pcs", 160, "京东企业购", (12, 0)),
    ("PSU-500", "500W 电源 power supply", "components", "pcs", 230, "京东企业购", (25, 0)),
]

BOM = [("WS-OFFICE", "MB-B760", 1), ("WS-OFFICE", "CASE-M", 1), ("WS-OFFICE", "PSU-500", 1)]

BUDGETS = [("IT", 800000), ("Finance", 120000), ("Sales", 300000), ("Warehouse", 150000),
           ("Procurement", 100000), ("HR", 80000), ("Production", 400000)]


def _missing(session: Session, model: type, key: str, value: str) -> bool:
    return session.scalar(select(model.id).where(getattr(model, key) == value)) is None


def _add_all(session: Session, model: type, key: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if _missing(session, model, key, row[key]):
            session.add(model(**row))


def seed_company(session: Session) -> None:
    _add_all(session, Department, "code", [dict(code=c, name=n, manager=m, cost_center=cc)
                                           for c, n, m, cc in DEPARTMENTS])
    _add_all(session, Employee, "number", [
        dict(number=no, name=n, department=d, position=p, username=u, hired_on=date.fromisoformat(h),
             email=f"{u or no.lower()}@huachen.example") for no, n, d, p, u, h in EMPLOYEES])
    _add_all(session, Supplier, "code", [
        dict(code=c, name=n, category=cat, contact=ct, phone=ph, email=e, rating=r, status=s)
        for c, n, cat, ct, ph, e, r, s in SUPPLIERS])
    year = utcnow().year
    _add_all(session, Contract, "number", [
        dict(number=n.format(year=year + first), supplier_code=sup, title=t, valid_from=date(year + first, 1, 1),
             valid_to=date(year + last, 12, 31), amount_cap=cap, status=st)
        for n, sup, t, (first, last), cap, st in CONTRACTS])
    _add_all(session, Customer, "code", [
        dict(code=c, name=n, segment=sg, contact=ct, phone=ph, city=city, credit_limit=lim)
        for c, n, sg, ct, ph, city, lim in CUSTOMERS])
    _add_all(session, Item, "code", [dict(code=c, name=n, category=cat, unit=u, unit_cost=cost,
                                          preferred_supplier=sup) for c, n, cat, u, cost, sup, _ in ITEMS])
    for code, *_, (sh, sz) in ITEMS:
        for warehouse, qty in (("SH-01", sh), ("SZ-01", sz)):
            if session.scalar(select(Stock.id).where(Stock.item_code == code, Stock.warehouse == warehouse)) is None:
                session.add(Stock(item_code=code, warehouse=warehouse, on_hand=qty, reserved=0))
    for product, component, per_unit in BOM:
        if session.scalar(select(BomLine.id).where(BomLine.product_code == product,
                                                   BomLine.component_code == component)) is None:
            session.add(BomLine(product_code=product, component_code=component, quantity=per_unit))
    period = current_period()
    for dept, amount in BUDGETS:
        if session.scalar(select(Budget.id).where(Budget.department == dept, Budget.period == period)) is None:
            session.add(Budget(department=dept, period=period, amount=amount, note=f"{period} operating budget"))
    session.flush()
