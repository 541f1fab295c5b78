"""With the HTTP API on (MISS_JWT_SECRET), every API route needs a valid token, or 401.

Rasa checks tokens with sanic-jwt, which lets some failures escape as a 500 (a
token with ``alg: none`` raises ``InvalidAlgorithmError``), accepts any role
and then answers 403, and leaves ``GET /version`` open. This check runs before
every route of the Rasa server except the health check ``/`` and the chat
channels (``/webhooks/…``), which never need a token:

* the token must come in ``Authorization: Bearer …`` and decode with the
  server's secret and algorithm (sanic-jwt's own settings: HS256, its leeway of
  3 minutes for ``exp``);
* its ``user`` must have the role ``admin``, or ``user`` with a ``username``.

Any failure is 401. What a valid token may do is still Rasa's decision (403
for a ``user`` token on another patient's conversation).

Installed by the REST channel (channels/rest.py) as an app-wide request
middleware when the server starts; without the API it does nothing.
"""
import logging
from typing import Any, Optional

from sanic import response
from sanic.request import Request

logger = logging.getLogger(__name__)

OPEN_PATHS = ("/",)
OPEN_PREFIXES = ("/webhooks/",)
ROLES = ("admin", "user")


def needs_token(request: Request) -> bool:
    if request.method == "OPTIONS":  # CORS preflight carries no credentials
        return False
    if getattr(request, "route", None) is None:  # no such route (404), or Sanic's own
        return False                             # error answers (408 for a slow client)
    path = request.path
    return path not in OPEN_PATHS and not path.startswith(OPEN_PREFIXES)


async def token_problem(request: Request) -> Optional[str]:
    """Why the request's token is not acceptable, or None."""
    auth = getattr(request.app.ctx, "auth", None)
    if auth is None:
        return "The API is misconfigured."
    try:
        token = auth._get_token(request)
    except Exception:
        return "Malformed Authorization header."
    if not token:
        return "A token is required (Authorization: Bearer <JWT>)."
    try:
        payload = await auth._decode(token)
    except Exception as error:  # expired, bad signature, alg none, garbage, ...
        return f"Invalid token ({type(error).__name__})."
    user = payload.get("user") if isinstance(payload, dict) else None
    role = user.get("role") if isinstance(user, dict) else None
    if role not in ROLES:
        return "The token's role may not use the API."
    if role == "user" and not isinstance(user.get("username"), str):
        return "The token names no conversation."
    return None


async def check_token(request: Request) -> Any:
    if not needs_token(request):
        return None
    problem = await token_problem(request)
    if problem is None:
        return None
    logger.info("API request to %s refused: %s", request.path, problem)
    return response.json({"status": "failure", "reason": "NotAuthenticated",
                          "message": problem, "code": 401}, status=401)


def install(app: Any, _loop: Any = None) -> None:
    """A ``before_server_start`` listener: adds the check when the API uses JWT."""
    if not app.config.get("USE_JWT"):
        return
    app.register_middleware(check_token, "request")
    logger.info("HTTP API: every route but / and /webhooks/ needs a valid token.")
