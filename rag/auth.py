"""One authentication boundary in front of every route: the browser chat, Gradio's event API, the
JSON API, the OpenAI endpoint, the schema and the docs. API clients send a bearer token (or HTTP
Basic with the login); a browser logs in once at /login and carries a signed session cookie."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from pydantic import SecretStr

Scope = dict[str, Any]
Receive = Any
Send = Any

LOGIN_PATH = "/login"
COOKIE = "rag_session"
_MAX_FORM_BYTES = 16_384


@dataclass(frozen=True)
class Credentials:
    """What the server accepts: a bearer token (RAG_API_TOKEN), a login (RAG_AUTH), or both."""

    token: SecretStr | None = None
    user: str | None = None
    password: SecretStr | None = None

    @classmethod
    def of(cls, token: SecretStr | str | None, login: SecretStr | str | None) -> Credentials | None:
        """None when neither is set: the app is open, as on a laptop."""
        if not token and not login:
            return None
        user, password = None, None
        if login:
            user, _, secret = _reveal(login).partition(":")
            password = SecretStr(secret)
        return cls(SecretStr(_reveal(token)) if token else None, user, password)

    def bearer_ok(self, given: str) -> bool:
        return self.token is not None and _same(given, self.token)

    def login_ok(self, user: str, password: str) -> bool:
        """A browser login: the user and password of RAG_AUTH, or, when only a token is set,
        the token as the password (whatever the user name)."""
        if self.password is not None:
            return _same(user, SecretStr(self.user or "")) and _same(password, self.password)
        return self.bearer_ok(password)


def _reveal(value: SecretStr | str) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def _same(given: str, secret: SecretStr) -> bool:
    return secrets.compare_digest(given.encode(), secret.get_secret_value().encode())


class AuthBoundary:
    """ASGI middleware: a request without valid credentials never reaches a route. A browser
    asking for a page is sent to the login form; anything else gets a JSON 401."""

    def __init__(self, app: Any, credentials: Credentials) -> None:
        self.app = app
        self.credentials = credentials
        # Sessions are signed with a key of this process: a restart logs browsers out.
        self._key = secrets.token_bytes(32)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if scope["type"] == "http" and path == LOGIN_PATH:
            await self._login(scope, receive, send)
            return
        if self._allowed(scope):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = _headers(scope)
        if scope.get("method") == "GET" and "text/html" in headers.get("accept", ""):
            await _respond(send, 303, b"", [(b"location", LOGIN_PATH.encode())])
            return
        body = {
            "error": {
                "code": "unauthorized",
                "message": "Missing or wrong credentials: "
                "send Authorization: Bearer <RAG_API_TOKEN>, or log in at /login.",
            }
        }
        await _respond(send, 401, json.dumps(body).encode(), [
            (b"content-type", b"application/json"),
            (b"www-authenticate", b'Bearer realm="rag"'),
        ])  # fmt: skip

    def _allowed(self, scope: Scope) -> bool:
        headers = _headers(scope)
        scheme, _, given = headers.get("authorization", "").partition(" ")
        given = given.strip()
        if scheme.lower() == "bearer" and self.credentials.bearer_ok(given):
            return True
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(given).decode().partition(":")
            except ValueError:
                return False
            return self.credentials.login_ok(user, password)
        return self._session_ok(_cookies(headers.get("cookie", "")).get(COOKIE, ""))

    def _session(self) -> str:
        return hmac.new(self._key, b"session", hashlib.sha256).hexdigest()

    def _session_ok(self, value: str) -> bool:
        return bool(value) and secrets.compare_digest(value, self._session())

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "POST":
            await _respond(send, 200, _login_page(self.credentials).encode(), _HTML)
            return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if len(raw) > _MAX_FORM_BYTES:
                await _respond(send, 413, b"", [])
                return
            if not message.get("more_body"):
                break
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        if not self.credentials.login_ok(form.get("username", ""), form.get("password", "")):
            page = _login_page(self.credentials, "Wrong user name or password.")
            await _respond(send, 401, page.encode(), _HTML)
            return
        cookie = f"{COOKIE}={self._session()}; Path=/; HttpOnly; SameSite=Lax"
        await _respond(send, 303, b"", [(b"location", b"/"), (b"set-cookie", cookie.encode())])


_HTML = [(b"content-type", b"text/html; charset=utf-8")]


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(header: str) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in header.split(";"))
    return {name: value for name, _, value in pairs if name}


async def _respond(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _login_page(credentials: Credentials, problem: str = "") -> str:
    user_field = (
        "<label>User name <input name='username' autocomplete='username' required></label>"
        if credentials.password is not None
        else "<input type='hidden' name='username' value='token'>"
    )
    secret = "Password" if credentials.password is not None else "Access token"
    notice = f"<p role='alert' style='color:#b00020'>{html.escape(problem)}</p>" if problem else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Log in · Document QA</title></head>"
        "<body style='font-family: system-ui, sans-serif; max-width: 22rem; margin: 15vh auto'>"
        f"<h1>Document QA</h1>{notice}"
        f"<form method='post' action='{LOGIN_PATH}' style='display: grid; gap: .8rem'>"
        f"{user_field}<label>{secret} <input name='password' type='password' "
        "autocomplete='current-password' required></label>"
        "<button type='submit'>Log in</button></form></body></html>"
    )
