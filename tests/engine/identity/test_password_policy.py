"""The password policy: each rule refuses what it should and names itself."""
from __future__ import annotations

import pytest

from engine import WeakPassword, check_password_policy


@pytest.mark.parametrize(("username", "password", "rule"), [
    ("mei", "nine-char", "too_short"),
    ("mei", "x" * 257, "too_long"),
    ("meilin", "MeiLin", "too_short"),
    ("meilin", "my-MEILIN-password", "user_name"),
    ("bob", "bob", "too_short"),
    ("bob", "password123", "common"),
    ("bob", "Qwertyuiop", "common"),
    ("bob", "zzzzzzzzzzzz", "common"),
])
def test_weak_passwords_are_refused_naming_the_rule(username: str, password: str, rule: str) -> None:
    with pytest.raises(WeakPassword) as refused:
        check_password_policy(username, password)
    assert refused.value.rule == rule
    assert list(refused.value.errors) == ["password"]


@pytest.mark.parametrize("password", ["correct horse battery", "kite-plum-harbour", "运营管理系统的密码1"])
def test_good_passwords_pass(password: str) -> None:
    check_password_policy("mei", password)  # raises nothing
