"""Users and groups.

Kept in the engine because the engine decides who may claim or complete a
task (candidate groups, separation of duties). Setting passwords and
signing in is `accounts.py`; hashes are `passwords.py`; API tokens are
`api_tokens.py`; signed-in browsers are `login_sessions.py`.
"""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..models import Base

user_groups = Table(
    "user_groups",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    department: Mapped[str | None] = mapped_column(String(100), nullable=True)
    roles: Mapped[str] = mapped_column(String(300), default="")
    locale: Mapped[str | None] = mapped_column(String(10), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    groups: Mapped[list[Group]] = relationship(secondary=user_groups, lazy="selectin")

    @property
    def group_names(self) -> list[str]:
        return sorted(g.name for g in self.groups)

    @property
    def role_names(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    # what a login session needs of a user (the attributes Flask-Login reads), without importing it
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)


def get_or_create_group(session: Session, name: str) -> Group:
    group = session.scalar(select(Group).where(Group.name == name))
    if group is None:
        group = Group(name=name)
        session.add(group)
    return group
