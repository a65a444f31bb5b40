"""The Flask web UI and REST API; `create_app` wires everything together."""
from __future__ import annotations

from typing import Any

from flask import Flask

from engine import AccessPolicy, ServiceRegistry, WorkflowEngine, configure_engine, engine_options, integration
from modules import declare_access, register_all

from . import access, audit_trail, error_pages, security_headers
from . import config as config_module
from .compiled_once import OpsFlowApp
from .extensions import babel, csrf, db, login_manager
from .form_fields import locale_key, pick_label
from .i18n import install_template_gettext, select_locale
from .input_guard import install as install_input_guard


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = OpsFlowApp(__name__, instance_path=str(config_module.INSTANCE))
    app.config.from_mapping(config_module.from_environment())
    if test_config:
        app.config.update(test_config)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(url))

    config_module.use_field_keys()
    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    with app.app_context():
        engine = configure_engine(db.engine)
    registry = integration.http_request.register(register_all(ServiceRegistry()))  # flows call other systems
    policy = declare_access(AccessPolicy())
    app.extensions["opsflow.policy"] = policy
    app.extensions["opsflow.engine"] = WorkflowEngine(engine, registry, policy=policy)
    integration.webhooks.subscribe(app.extensions["opsflow.engine"])  # deliveries written with their events
    if app.config.get("SERVICE_WORKERS", "inline") != "inline":  # service steps on Celery workers
        from .service_workers import init_app as init_service_workers

        init_service_workers(app, registry)

    security_headers.register(app)
    install_input_guard(app)  # before the blueprints: their `<int:...>` routes take its converter
    _register_blueprints(app)
    from .records.catalog import declare_access as declare_record_access

    declare_record_access(policy)
    audit_trail.init_app(app)
    access.init_app(app)
    _register_template_helpers(app)
    error_pages.register(app)

    from .cli import register_commands

    register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from .auth import bp as auth_bp

    app.register_blueprint(auth_bp)
    for name in ("account", "inbox", "instances", "requests", "monitor", "reports", "api", "records", "procurement",
                 "sales", "inventory", "hr", "finance", "production", "designer", "admin", "help"):
        try:
            module = __import__(f"webui.{name}", fromlist=["bp"])
        except ModuleNotFoundError as exc:
            if exc.name != f"webui.{name}":
                raise
            continue
        app.register_blueprint(module.bp)


def _register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"current_locale": locale_key(), "languages": app.config["LANGUAGES"],
                "time_zone": app.config["BABEL_DEFAULT_TIMEZONE"]}

    app.add_template_filter(pick_label, "label")
