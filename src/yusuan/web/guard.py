"""Request guards that do not depend on a page: the Host header (DNS rebinding) and the
upload rate per client."""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
_WILDCARDS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a Host header, without port or IPv6 brackets, lower case ("" if malformed)."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        if end < 0 or (header[end + 1 :] and not header[end + 1 :].startswith(":")):
            return ""
        return header[1:end]
    name, _, port = header.partition(":")
    if port and not (port.isascii() and port.isdigit()):
        return ""
    return name.rstrip(".")


class HostCheck:
    """Which Host headers this server answers: the address it listens on (for a loopback
    address, also ``localhost`` and the other loopback literals), any IP address of this
    machine when it listens on all of them, and the names given with ``--allow-host``. A name
    resolved by someone else's DNS (a rebinding attack: evil.example -> 127.0.0.1) is not
    among them, so a page from that site cannot read or post to this server."""

    def __init__(self, listen: str, extra: Iterable[str] = ()) -> None:
        listen = listen.strip("[]").lower()
        self.any_ip = listen in _WILDCARDS
        names = {listen, *(host_name(h) or h.lower() for h in extra)}
        if is_loopback(listen) or self.any_ip:
            names.update(_LOOPBACK_NAMES)
        self.names = frozenset(n for n in names if n)

    def allows(self, header: str | None) -> bool:
        name = host_name(header or "")
        if not name:
            return False
        return name in self.names or (self.any_ip and _is_ip(name))


class RateLimit:
    """A token bucket per client: ``per_minute`` files, refilled evenly; a burst of at most
    ``per_minute``. Remembers a bounded number of clients (the least recent are forgotten)."""

    def __init__(self, per_minute: int, max_clients: int = 10_000) -> None:
        self.per_minute = max(1, per_minute)
        self.max_clients = max_clients
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, at)

    def take(self, client: str, n: int = 1) -> float:
        """Take ``n`` tokens: 0.0 when allowed, else the seconds to wait before it would be."""
        now = time.monotonic()
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, at = self._buckets.pop(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - at) * rate)
            if n > tokens:
                self._buckets[client] = (tokens, now)
                return max(1.0, math.ceil((n - tokens) / rate))
            self._buckets[client] = (tokens - n, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return 0.0
