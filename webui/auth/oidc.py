"""OpsFlow's side of OpenID Connect: the provider's discovery, its keys, its token endpoint, the ID token.

Nothing here knows Flask's request: it takes settings, the engine's clock and plain values, so the
checks that matter are in one place and read top to bottom. Authlib supplies the pieces a hand-written
client gets wrong (the S256 code challenge, the ID token's claim rules: `iss`, `aud`, `exp`, `iat`,
`nonce`, `azp`, `at_hash`) and joserfc, the JOSE library Authlib itself uses, checks the signature
against the provider's published keys. Only asymmetric algorithms are accepted, so a token "signed"
with `none` or with the client secret (HS256) is refused whatever the provider advertises.
Every failure is a `ProviderError` whose `reason` goes to the audit log and the server log; what the
person is told is sso.py's business.
"""
from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode, urlsplit
from urllib.request import Request, urlopen

from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

TIMEOUT = 10  # seconds for one call to the provider: a hung provider must not hang a web worker
MAX_BYTES = 1024 * 1024
METADATA_TTL = timedelta(hours=1)  # discovery and keys are read again after this, so a key rotation is seen
LEEWAY = 60  # seconds of clock difference allowed between OpsFlow and the provider
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "Ed25519",
                      "EdDSA")


class ProviderError(Exception):
    """The provider could not be used for this sign-in; `reason` says why, for the logs."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:300]


class Unreachable(ProviderError):
    """No usable answer: down, too slow, a server error, or something that is not its JSON."""


class CodeRefused(ProviderError):
    """The token endpoint said no: a code used twice, too old, from another flow, or a wrong client secret."""


class TokenRefused(ProviderError):
    """The ID token is not one OpsFlow may believe: signature, issuer, audience, expiry or nonce."""


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    name: str
    scopes: str
    username_claim: str
    groups_claim: str | None
    create_users: bool
    password_sign_in: bool

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> OidcSettings | None:
        """The settings, None when single sign-on is off; ValueError naming what is missing or wrong."""
        issuer = (config.get("OIDC_ISSUER") or "").strip()
        password = bool(config.get("PASSWORD_SIGN_IN", True))
        if not issuer:
            if not password:
                raise ValueError("OPSFLOW_OIDC_ALLOW_PASSWORD=0 leaves no way to sign in: "
                                 "set OPSFLOW_OIDC_ISSUER, OPSFLOW_OIDC_CLIENT_ID and OPSFLOW_OIDC_CLIENT_SECRET")
            return None
        parts = urlsplit(issuer)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(f"OPSFLOW_OIDC_ISSUER must be the provider's http(s) address, not {issuer!r}")
        missing = [f"OPSFLOW_OIDC_{k}" for k in ("CLIENT_ID", "CLIENT_SECRET") if not config.get(f"OIDC_{k}")]
        if missing:
            raise ValueError(f"single sign-on needs {' and '.join(missing)} as well as OPSFLOW_OIDC_ISSUER")
        scopes = config.get("OIDC_SCOPES") or "openid profile email"
        if "openid" not in scopes.split():
            raise ValueError(f"OPSFLOW_OIDC_SCOPES must include openid, not {scopes!r}")
        return cls(issuer=issuer, client_id=config["OIDC_CLIENT_ID"], client_secret=config["OIDC_CLIENT_SECRET"],
                   name=config.get("OIDC_NAME") or parts.hostname, scopes=scopes,
                   username_claim=config.get("OIDC_USERNAME_CLAIM") or "preferred_username",
                   groups_claim=config.get("OIDC_GROUPS_CLAIM") or None,
                   create_users=bool(config.get("OIDC_CREATE_USERS")), password_sign_in=password)


@dataclass(frozen=True)
class Endpoints:
    issuer: str
    authorization: str
    token: str
    jwks_uri: str
    algorithms: tuple[str, ...]
    secret_in_body: bool  # client_secret_post when the provider does not take client_secret_basic


@dataclass(frozen=True)
class _Cached:
    at: datetime
    endpoints: Endpoints
    keys: KeySet | None = None


class Provider:
    """One issuer, its discovery document and keys read when first needed and kept for an hour."""

    def __init__(self, settings: OidcSettings, clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.clock = clock
        self._cached: _Cached | None = None  # replaced whole, never changed in place: workers share it

    def endpoints(self) -> Endpoints:
        cached = self._cached
        if cached is not None and self.clock() - cached.at < METADATA_TTL:
            return cached.endpoints
        endpoints = _discover(self.settings.issuer)
        self._cached = _Cached(self.clock(), endpoints)
        return endpoints

    def authorization_url(self, redirect_uri: str, state: str, nonce: str, verifier: str, locale: str) -> str:
        return add_params_to_uri(self.endpoints().authorization, [
            ("response_type", "code"), ("client_id", self.settings.client_id), ("redirect_uri", redirect_uri),
            ("scope", self.settings.scopes), ("state", state), ("nonce", nonce),
            ("code_challenge", create_s256_code_challenge(verifier)), ("code_challenge_method", "S256"),
            ("ui_locales", locale.replace("_", "-"))])

    def redeem(self, code: str, redirect_uri: str, verifier: str) -> dict[str, Any]:
        """Trade the code (and the PKCE verifier only OpsFlow knows) for the tokens."""
        endpoints, settings = self.endpoints(), self.settings
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "code_verifier": verifier}
        basic = None
        if endpoints.secret_in_body:
            form |= {"client_id": settings.client_id, "client_secret": settings.client_secret}
        else:  # RFC 6749 2.3.1: each part form-encoded before base64
            basic = base64.b64encode(f"{quote(settings.client_id)}:{quote(settings.client_secret)}".encode()).decode()
        status, answer = _call(endpoints.token, form, basic)
        if status >= 500:
            raise Unreachable(f"token endpoint answered {status}")
        if status != 200:
            error = answer.get("error") if isinstance(answer, dict) else None
            raise CodeRefused(f"token endpoint refused the code: {status} {error or ''}".strip())
        if not isinstance(answer, dict) or not isinstance(answer.get("id_token"), str):
            raise TokenRefused("the token endpoint sent no id_token")
        return answer

    def verify(self, tokens: Mapping[str, Any], nonce: str) -> dict[str, Any]:
        """The ID token's claims once its signature, issuer, audience, times and nonce hold."""
        endpoints = self.endpoints()
        try:
            try:
                token = jwt.decode(tokens["id_token"], self._keys(), algorithms=endpoints.algorithms)
            except InvalidKeyIdError:  # signed with a key newer than the ones kept: read them again once
                token = jwt.decode(tokens["id_token"], self._keys(refresh=True), algorithms=endpoints.algorithms)
            access_token = tokens.get("access_token")
            claims = CodeIDToken(token.claims, token.header,
                                 {"iss": {"essential": True, "value": endpoints.issuer},
                                  "aud": {"essential": True, "value": self.settings.client_id}},
                                 {"nonce": nonce, "client_id": self.settings.client_id,
                                  "access_token": access_token if isinstance(access_token, str) else None})
            claims.validate(now=int(self.clock().replace(tzinfo=UTC).timestamp()), leeway=LEEWAY)
        except (JoseError, ValueError, TypeError) as exc:
            raise TokenRefused(f"id_token refused: {exc}") from exc
        return dict(claims)

    def _keys(self, refresh: bool = False) -> KeySet:
        endpoints = self.endpoints()  # after an hour this reads discovery again and forgets the keys
        cached = self._cached
        if cached is not None and cached.keys is not None and not refresh:
            return cached.keys
        keys = _key_set(endpoints.jwks_uri)
        self._cached = _Cached(cached.at if cached else self.clock(), endpoints, keys)
        return keys


def _key_set(jwks_uri: str) -> KeySet:
    status, answer = _call(jwks_uri)
    if status != 200 or not isinstance(answer, dict) or not isinstance(answer.get("keys"), list):
        raise Unreachable(f"jwks_uri answered {status} without a key set")
    signing = [k for k in answer["keys"] if isinstance(k, dict) and k.get("use", "sig") == "sig"
               and k.get("kty") in ("RSA", "EC", "OKP")]
    try:
        return KeySet.import_key_set({"keys": signing})
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise Unreachable(f"jwks_uri sent keys that cannot be read: {exc}") from exc


def _discover(issuer: str) -> Endpoints:
    status, doc = _call(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
    if status != 200 or not isinstance(doc, dict):
        raise Unreachable(f"discovery answered {status}")
    if str(doc.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise Unreachable(f"discovery names the issuer {doc.get('issuer')!r}, not {issuer!r}")
    urls = [doc.get(k) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")]
    if not all(isinstance(u, str) and urlsplit(u).scheme in ("http", "https") for u in urls):
        raise Unreachable("discovery lacks an authorization, token or jwks_uri address")
    offered = doc.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(a for a in SIGNING_ALGORITHMS if a in offered) or ("RS256",)
    methods = doc.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    return Endpoints(issuer=doc["issuer"], authorization=urls[0], token=urls[1], jwks_uri=urls[2],
                     algorithms=algorithms,
                     secret_in_body="client_secret_basic" not in methods and "client_secret_post" in methods)


def _call(url: str, form: Mapping[str, str] | None = None, basic: str | None = None) -> tuple[int, Any]:
    """One GET (or form POST) to the provider: its status and JSON; Unreachable when there is no such answer."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise Unreachable(f"not an http(s) address: {url[:100]!r}")
    headers = {"Accept": "application/json"}
    if basic:
        headers["Authorization"] = f"Basic {basic}"
    body = urlencode(form).encode() if form is not None else None
    try:
        with urlopen(Request(url, data=body, headers=headers), timeout=TIMEOUT) as response:
            status, raw = response.status, response.read(MAX_BYTES + 1)
    except HTTPError as exc:
        with exc:
            status, raw = exc.code, exc.read(MAX_BYTES + 1)
    except (URLError, OSError, ValueError) as exc:  # refused, timed out, bad TLS, bad address
        raise Unreachable(f"{urlsplit(url).netloc}: {getattr(exc, 'reason', exc)}") from exc
    if len(raw) > MAX_BYTES:
        raise Unreachable(f"{urlsplit(url).netloc} sent more than {MAX_BYTES} bytes")
    try:
        return status, json.loads(raw)
    except ValueError:
        if status >= 400:
            return status, None
        raise Unreachable(f"{urlsplit(url).netloc} answered {status} with something that is not JSON") from None
