"""How many messages a conversation and a client address may send, per window.

MISS_RATE_PER_CONVERSATION, MISS_RATE_PER_ADDRESS and MISS_RATE_WINDOW_SECONDS
(miss_config/settings.py) set the limits; 0 turns a limit off. A patient typing by hand sends a message every few seconds
at most; 30 a minute is one every two seconds for a whole minute. The address
limit is higher because many patients can share one address (a hospital's
network), and behind a reverse proxy every request comes from the proxy unless
Sanic is told to trust its header (``SANIC_PROXIES_COUNT=1`` or
``SANIC_REAL_IP_HEADER``; README: "Production serving"). Requests from loopback
without such a header are this machine's own and are not limited per address.

Counted in fixed windows, in Redis when MISS_REDIS_HOST is set (every server
counts the same: ``INCR`` and ``EXPIRE`` in one transaction), else in this
process's memory. If Redis cannot be reached the message is let through: a
patient with an emergency must never be refused because a counter is down.
"""
import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from miss_config.settings import Settings, load_settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "miss:rate:"


@dataclass
class Decision:
    allowed: bool
    retry_after: int = 0        # seconds until the window ends
    first_refusal: bool = False  # the first refusal in this window (SMS: say so once)


class RateLimiter:
    def __init__(self, per_conversation: int, per_address: int, window: int,
                 redis_client: Optional[object] = None) -> None:
        self.per_conversation = per_conversation
        self.per_address = per_address
        self.window = window
        self.redis = redis_client
        self._counts: Dict[str, Tuple[int, int]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> "RateLimiter":
        """Counting in Redis when MISS_REDIS_HOST is set, else in this process."""
        client = None
        if settings.redis_host:
            import redis

            client = redis.Redis(host=settings.redis_host, port=settings.redis_port,
                                 db=settings.redis_db, password=settings.redis_password or None,
                                 socket_timeout=2, socket_connect_timeout=2)
        return cls(settings.rate_per_conversation, settings.rate_per_address,
                   settings.rate_window_seconds, client)

    def _count(self, key: str, now: float) -> Tuple[int, int]:
        """(count in the current window including this one, seconds left)."""
        window = int(now // self.window)
        left = max(1, math.ceil((window + 1) * self.window - now))
        if self.redis is not None:
            name = f"{KEY_PREFIX}{key}:{window}"
            pipe = self.redis.pipeline(transaction=True)
            pipe.incr(name)
            pipe.expire(name, self.window + 5)
            return int(pipe.execute()[0]), left
        with self._lock:
            if len(self._counts) > 100_000:   # forget finished windows
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            seen_window, count = self._counts.get(key, (window, 0))
            count = count + 1 if seen_window == window else 1
            self._counts[key] = (window, count)
            return count, left

    def check(self, conversation: Optional[str], address: Optional[str] = None,
              now: Optional[float] = None) -> Decision:
        now = time.time() if now is None else now
        checks = [(f"c:{conversation}", self.per_conversation) if conversation else None,
                  (f"a:{address}", self.per_address) if address else None]
        try:
            for key, limit in [c for c in checks if c and c[1] > 0]:
                count, left = self._count(key, now)
                if count > limit:
                    return Decision(False, left, first_refusal=count == limit + 1)
        except Exception as error:  # never refuse a patient because the counter failed
            logger.warning("Rate limit not checked (%s); letting the message through.",
                           type(error).__name__)
        return Decision(True)


_shared: Optional[RateLimiter] = None
_shared_lock = threading.Lock()


def limiter() -> RateLimiter:
    """The server's limiter, made from the environment on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = RateLimiter.from_settings(load_settings())
        return _shared


def client_address(request: object) -> Optional[str]:
    """The patient's address: the proxy's header when Sanic is told to trust it.

    None (not limited per address) for a loopback peer without such a header:
    that is this machine itself (the terminal chat, a benchmark, a local proxy
    that does not pass addresses on), not one patient."""
    forwarded = str(getattr(request, "remote_addr", "") or "")
    if forwarded:
        return forwarded
    peer = str(getattr(request, "ip", "") or "")
    if peer in ("127.0.0.1", "::1") or peer.startswith("127."):
        return None
    return peer or None


REST_ERROR = "Too many messages in a short time. Please wait a moment, then try again."

