"""A small OpenID Connect provider for the single sign-on tests, served over real HTTP on a free local port.

It does what Keycloak or Authing do for OpsFlow, and checks what they check: discovery, a published
key set, an authorization endpoint that signs in `user` at once and sends the browser back with a code,
and a token endpoint that wants the client's secret, takes each code once, only with the redirect URI
and the PKCE verifier of its own flow, and answers with an ID token signed by a key the test made.
A test makes it misbehave on purpose: `tamper` overwrites claims of the next ID tokens (a wrong `aud`,
an `exp` in the past), `signing_key`/`algorithm` sign them with a key it never published, `refuse`
makes the authorization endpoint answer with an error; `rotate` changes its key as providers do.
What it was sent is kept for the tests to read.
"""
from __future__ import annotations

import base64
import hashlib
import http.client
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from engine import utcnow

CLIENT_ID, CLIENT_SECRET = "opsflow", "opsflow-client-secret-for-tests"
KID = "test-key-1"


def s256(verifier: str) -> str:
    """RFC 7636 S256, written out here so the provider does not trust the client's own code for it."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


class IdentityProvider:
    def __init__(self) -> None:
        self._first_key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"},
                                              private=True)
        self.reset()
        self._server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def reset(self) -> None:
        self.clock: Callable[[], datetime] = utcnow  # a test that moves OpsFlow's clock moves this one too
        self.user: dict[str, Any] = {"sub": "u-bob", "preferred_username": "bob", "name": "Bob 张伟"}
        self.tamper: dict[str, Any] = {}
        self.published: list[RSAKey] = [self._first_key]
        self.signing_key: RSAKey | OctKey = self._first_key
        self.algorithm, self.kid = "RS256", KID
        self.key_reads = 0
        self.refuse: str | None = None
        self.authorizations: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.id_tokens: list[dict[str, Any]] = []
        self._codes: dict[str, dict[str, Any]] = {}

    def rotate(self) -> None:
        """Replace the signing key by a new one with a new `kid`, as a provider does now and then."""
        kid = f"test-key-{len(self.published) + 1}"
        self.signing_key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"},
                                               private=True)
        self.published, self.kid = [self.signing_key], kid

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def authorize(self, url: str) -> str:
        """Be the browser at the provider: open its authorization URL, return where it sends the browser."""
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == self.url, url
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            connection.request("GET", f"{parts.path}?{parts.query}")
            response = connection.getresponse()
            assert response.status == 302, (response.status, response.read())
            return response.getheader("Location")
        finally:
            connection.close()

    def _app(self) -> Flask:
        app = Flask(__name__)
        app.add_url_rule("/.well-known/openid-configuration", "discovery", self._discovery)
        app.add_url_rule("/jwks", "jwks", self._jwks)
        app.add_url_rule("/authorize", "authorize", self._authorize)
        app.add_url_rule("/token", "token", self._token, methods=["POST"])
        return app

    def _discovery(self) -> Response:
        return jsonify({
            "issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"]})

    def _jwks(self) -> Response:
        self.key_reads += 1
        return jsonify({"keys": [key.as_dict(private=False) for key in self.published]})

    def _authorize(self) -> Response:
        args = request.args.to_dict()
        self.authorizations.append(args)
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            return Response("unknown client", 400)
        back = args["redirect_uri"]
        if self.refuse:
            return redirect(f"{back}?{urlencode({'error': self.refuse, 'state': args.get('state', '')})}")
        code = secrets.token_urlsafe(24)
        self._codes[code] = {"request": args, "user": dict(self.user)}
        return redirect(f"{back}?{urlencode({'code': code, 'state': args.get('state', '')})}")

    def _token(self) -> tuple[Response, int] | Response:
        form = request.form.to_dict()
        self.token_requests.append(form)
        if request.authorization is None or (request.authorization.username, request.authorization.password) != (
                CLIENT_ID, CLIENT_SECRET):
            return jsonify({"error": "invalid_client"}), 401
        issued = self._codes.pop(form.get("code", ""), None)  # a code works once
        if issued is None or form.get("grant_type") != "authorization_code":
            return jsonify({"error": "invalid_grant"}), 400
        asked = issued["request"]
        if form.get("redirect_uri") != asked["redirect_uri"] or asked.get("code_challenge_method") != "S256" \
                or s256(form.get("code_verifier", "")) != asked.get("code_challenge"):
            return jsonify({"error": "invalid_grant", "error_description": "PKCE or redirect_uri"}), 400
        now = int(self.clock().replace(tzinfo=UTC).timestamp())
        claims = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": asked.get("nonce"),
                  **issued["user"], **self.tamper}
        claims = {k: v for k, v in claims.items() if v is not None}
        self.id_tokens.append(claims)
        id_token = jwt.encode({"alg": self.algorithm, "kid": self.kid}, claims, self.signing_key,
                              algorithms=[self.algorithm])
        return jsonify({"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                        "id_token": id_token})


def past(minutes: int, clock: Callable[[], datetime] = utcnow) -> int:
    """A NumericDate some minutes ago, for an ID token that has expired."""
    return int((clock() - timedelta(minutes=minutes)).replace(tzinfo=UTC).timestamp())
