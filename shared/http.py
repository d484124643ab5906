"""A minimal HTTP endpoint for operators: /healthz (alive), /readyz (consuming), /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

ReadyCheck = Callable[[], Awaitable[bool]]


class OpsServer:
    """Serves health, readiness and Prometheus metrics on one port."""

    def __init__(self, host: str, port: int, ready: ReadyCheck) -> None:
        self._host, self._port, self._ready = host, port, ready
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        """The bound port (useful when 0 asked for any free port)."""
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self._host, self._port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            parts = request.decode(errors="replace").split()
            path = parts[1] if len(parts) > 1 else "/"
            status, body, ctype = await self._route(path)
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + body)
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _route(self, path: str) -> tuple[str, bytes, str]:
        if path == "/healthz":
            return "200 OK", b'{"status":"alive"}', "application/json"
        if path == "/readyz":
            ok = await self._ready()
            body = b'{"status":"ready"}' if ok else b'{"status":"not ready"}'
            return ("200 OK" if ok else "503 Service Unavailable"), body, "application/json"
        if path == "/metrics":
            return "200 OK", generate_latest(), CONTENT_TYPE_LATEST
        return "404 Not Found", b'{"error":"not found"}', "application/json"
