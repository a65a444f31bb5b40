"""The session cookie's flags, and which proxies OpsFlow believes about the client.

The cookie is always HttpOnly and SameSite=Lax (config.py). It is Secure
when OPSFLOW_SECURE_COOKIES says so, and otherwise whenever the request
came over HTTPS, so a plain-HTTP intranet install keeps working and a TLS
one never sends the cookie in the clear. Behind a reverse proxy that ends
TLS, set OPSFLOW_PROXY_HOPS to the number of proxies: werkzeug's ProxyFix
then takes the scheme from X-Forwarded-Proto (so the cookie is Secure) and
the client address from X-Forwarded-For (so the sign-in throttle counts
clients, not the proxy). Without it those headers are ignored: anyone could
send them.
"""
from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix


class SessionCookies(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def install(app: Flask) -> None:
    app.session_interface = SessionCookies()
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
