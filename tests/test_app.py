"""The app factory: configuration from arguments, the engine attached, the login page served."""
from __future__ import annotations

from webui import create_app


def test_factory_takes_test_config(database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    assert app.testing
    assert "opsflow.engine" in app.extensions
    response = app.test_client().get("/login")
    assert response.status_code == 200
    assert b"csrf_token" in response.data


def test_default_configuration_uses_sqlite_in_instance_folder(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    from webui import config

    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    settings = config.from_environment()
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'opsflow.db'}"
    assert (tmp_path / "secret_key").exists()
