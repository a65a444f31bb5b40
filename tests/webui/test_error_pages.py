"""Error pages in the reader's language: a sentence of ours where the view gave no reason of its own, never
Werkzeug's English under a Chinese title; the API keeps its JSON."""
from __future__ import annotations


def test_a_missing_page_in_chinese_says_so_in_chinese(client) -> None:
    response = client.get("/no-such-page", headers={"Accept-Language": "zh-CN"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "404 · 未找到" in html and "此页面不存在，链接可能已过期。" in html
    assert "The requested URL was not found" not in html


def test_a_missing_page_in_english_and_a_wrong_method(client) -> None:
    html = client.get("/no-such-page", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "This page does not exist. The link may be out of date." in html
    response = client.delete("/login", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 405 and "此页面不支持这种请求方式。" in response.get_data(as_text=True)
    assert "GET" in response.headers["Allow"], "the page still says which methods the address takes"


def test_a_reason_the_view_gave_is_kept(login) -> None:
    dave = login("dave", "zh_CN")
    response = dave.get("/designer/no_such_process/migrate")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "此页面不存在" not in html and "该内容不存在。" in html, "the view's own reason is shown, not ours"


def test_the_api_answers_json_as_before(client) -> None:
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "zh-CN"})
    assert response.status_code in (401, 404) and response.is_json
    response = client.delete("/login", headers={"Accept": "application/json"})
    assert response.status_code == 405 and response.get_json()["error"] == "method not allowed"
