"""The engine's and the modules' refusals read in the reader's language wherever a form or a table shows them."""
from __future__ import annotations

import pytest
from flask import Flask

from modules.importing import Reason
from modules.procurement.lines import LineRejected, parse_lines
from webui.form_fields import error_text
from webui.reasons import column_labels, said, sentence


@pytest.mark.parametrize(("message", "chinese", "english"), [
    ("must have at most 20 rows", "最多 20 行。", "At most 20 lines."),
    ("must be a list of rows", "无法读取这些值。", "These values could not be read."),
    ("your account has no department; an administrator sets it", "您的账户尚未设置部门，请由管理员设置。",
     "Your account has no department yet: an administrator sets it."),
    ("is your own department (IT); a request for another is filed by someone there",
     "您所在的部门是 IT；其他部门的申请请由该部门的人员提交。",
     "Your department is IT; a request for another department is filed by someone there."),
])
def test_the_engines_form_messages_read_in_both_languages(app: Flask, message: str, chinese: str,
                                                          english: str) -> None:
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert error_text(message) == chinese
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert error_text(message) == english


def test_order_and_purchase_lines_say_which_line_and_column(app: Flask) -> None:
    with pytest.raises(LineRejected) as caught:
        parse_lines([{"item": "Desk", "quantity": 1, "unit_price": 0}])
    labels = column_labels({"unit_price": "Unit price"})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert sentence(caught.value.reason, labels) == "Line 1: Unit price must be a number above 0, not “0”."
        assert said(Reason("too_many_lines", limit=50)) == "At most 50 lines."
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert sentence(caught.value.reason) == "第 1 行：unit price须为大于 0 的数字，而不是“0”。"
        assert said(Reason("not_json_lines")) == "无法读取明细行。"
        assert said(Reason("no_lines")) == "请至少填写一行。"
