"""`opsflow create-user`, `deactivate-user`, `create-token`, `list-tokens` and `revoke-token`."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from engine import User
from webui.extensions import db

STRONG = "plum-kite-harbour-7"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_create_user_then_log_in(cli_app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["create-user", "erin", "--password", STRONG, "--groups", "requesters, IT-managers",
                                 "--roles", "requester,manager", "--department", "IT"])
    assert result.exit_code == 0, result.output
    assert "user erin saved" in result.output
    with cli_app.app_context():
        erin = db.session.scalar(select(User).where(User.username == "erin"))
        assert (erin.group_names, erin.role_names, erin.department) == (
            ["IT-managers", "requesters"], ["requester", "manager"], "IT")
        assert erin.password_hash.startswith("$argon2id$")

    client = cli_app.test_client()
    assert client.post("/login", data={"username": "erin", "password": "wrong"}).status_code == 401
    assert client.post("/login", data={"username": "erin", "password": STRONG}).status_code == 302

    result = runner.invoke(args=["create-user", "erin", "--password", "changed-again-42"])  # a new password
    assert result.exit_code == 0, result.output
    assert client.get("/inbox").status_code == 302, "the new password signed erin out"
    fresh = cli_app.test_client()
    assert fresh.post("/login", data={"username": "erin", "password": STRONG}).status_code == 401
    assert fresh.post("/login", data={"username": "erin", "password": "changed-again-42"}).status_code == 302


def test_create_user_refuses_a_weak_password_naming_the_rule(cli_app: Flask, runner: FlaskCliRunner) -> None:
    for password, rule in (("s3cret", "password must be at least 10 characters long"),
                           ("erin-the-great", "password must not contain the user name"),
                           ("1234567890", "password is one of the most common passwords; choose another")):
        result = runner.invoke(args=["create-user", "erin", "--password", password])
        assert result.exit_code == 1
        assert result.stderr.strip() == f"error: {rule}"
    with cli_app.app_context():
        assert db.session.scalar(select(User).where(User.username == "erin")) is None


def test_create_user_asks_for_the_password_when_left_out(cli_app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["create-user", "erin"], input=f"{STRONG}\n{STRONG}\n")
    assert result.exit_code == 0, result.output
    assert STRONG not in result.output, "not echoed"


def test_create_token_prints_a_token_with_its_scope_and_expiry(cli_app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["deploy"])
    runner.invoke(args=["create-user", "svc-erp", "--password", STRONG, "--groups", "requesters"])
    result = runner.invoke(args=["create-token", "svc-erp", "--scope", "act", "--days", "30", "--name", "ERP"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert len(token) >= 40 and "\n" not in token
    client = cli_app.test_client()
    response = client.get("/api/v1/processes", headers=bearer(token))
    assert response.status_code == 200
    assert "purchase_approval" in [p["key"] for p in response.get_json()["items"]]

    read_only = runner.invoke(args=["create-token", "svc-erp"]).output.strip()  # scope read by default
    assert read_only != token
    listing = runner.invoke(args=["list-tokens", "svc-erp"]).output.splitlines()
    assert [line.split("\t")[1:5] for line in listing] == [["svc-erp", "command line", "read", "active"],
                                                          ["svc-erp", "ERP", "act", "active"]]
    assert "never used" in listing[0] and "never used" not in listing[1]
    assert client.post("/api/v1/process-instances", headers=bearer(read_only), json={}).status_code == 403
    assert client.get("/api/v1/tasks", headers=bearer(token)).status_code == 200, "the first keeps working"


def test_create_token_refuses_bad_input(cli_app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["create-user", "svc", "--password", STRONG])
    result = runner.invoke(args=["create-token", "nobody"])
    assert (result.exit_code, result.stderr.strip()) == (1, "error: no user named 'nobody'")
    result = runner.invoke(args=["create-token", "svc", "--days", "0"])
    assert (result.exit_code, result.stderr.strip()) == (1, "error: --days must be between 1 and 366")
    result = runner.invoke(args=["create-token", "svc", "--scope", "admin"])
    assert (result.exit_code, result.stderr.strip()) == (1, "error: --scope admin needs a user with the admin role")
    result = runner.invoke(args=["create-token", "svc", "--scope", "write"])
    assert result.exit_code == 2 and "'write' is not one of 'read', 'act', 'admin'" in result.output


def test_revoke_token_stops_it_at_once(cli_app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["create-user", "svc", "--password", STRONG])
    token = runner.invoke(args=["create-token", "svc"]).output.strip()
    token_id = runner.invoke(args=["list-tokens"]).output.split("\t")[0]
    client = cli_app.test_client()
    assert client.get("/api/v1/processes", headers=bearer(token)).status_code == 200
    result = runner.invoke(args=["revoke-token", token_id])
    assert (result.exit_code, result.output.strip()) == (0, f"token {token_id} of svc revoked")
    refused = client.get("/api/v1/processes", headers=bearer(token))
    assert (refused.status_code, refused.get_json()["detail"]) == (401, "the token was revoked")
    assert "\trevoked\t" in runner.invoke(args=["list-tokens", "svc"]).output
    result = runner.invoke(args=["revoke-token", "999"])
    assert (result.exit_code, result.stderr.strip()) == (1, "error: no API token 999")


def test_deactivate_user_refuses_an_unknown_name(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["deactivate-user", "ghost"])
    assert (result.exit_code, result.stderr.strip()) == (1, "error: no user named 'ghost'")
