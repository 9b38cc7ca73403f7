"""A small HTTP/1.1 server on 127.0.0.1 that plays feeds and article pages.

Written on raw asyncio streams rather than a web framework so that a test can
script what real publishers do wrong: hang after the headers, trickle bytes,
lie about the encoding, send a gzip bomb, loop redirects. It counts connections
and records every request, so a test can assert that something was *not* fetched.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]

    @property
    def path(self) -> str:
        return urlsplit(self.target).path


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    hang: bool = False  # send the headers, then nothing, forever
    trickle: float = 0.0  # seconds between 1 KB chunks of the body
    content_length: bool = True


Handler = Callable[[Request], Response]

REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=9)


class FakeWeb:
    """Routes are exact paths; unknown paths answer 404."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self.connections = 0
        self.bytes_sent = 0
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def add(self, path: str, response: Response | Handler) -> None:
        self.routes[path] = response if callable(response) else (lambda _r, _x=response: _x)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    async def start(self) -> FakeWeb:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        key, value = line.split(":", 1)
                        headers[key.strip().lower()] = value.strip()
                request = Request(method, target, headers)
                self.requests.append(request)
                handler = self.routes.get(request.path)
                response = handler(request) if handler else Response(404, b"not found")
                if not await self._respond(writer, response):
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            writer.close()

    async def _respond(self, writer: asyncio.StreamWriter, response: Response) -> bool:
        if response.delay:
            await asyncio.sleep(response.delay)
        reason = REASONS.get(response.status, "Status")
        head = [f"HTTP/1.1 {response.status} {reason}"]
        headers = dict(response.headers)
        if response.content_length and response.status != 304:
            headers.setdefault("Content-Length", str(len(response.body)))
        if not response.content_length:
            headers["Connection"] = "close"
        head += [f"{k}: {v}" for k, v in headers.items()]
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        writer.write(data)
        await writer.drain()
        if response.hang:
            await asyncio.sleep(3600)
            return False
        body = response.body if response.status != 304 else b""
        if response.trickle:
            for start in range(0, len(body), 1024):
                writer.write(body[start : start + 1024])
                await writer.drain()
                await asyncio.sleep(response.trickle)
        else:
            writer.write(body)
            await writer.drain()
        self.bytes_sent += len(data) + len(body)
        return response.content_length


class Listener:
    """A socket that only counts connection attempts: the 'private target' of SSRF tests."""

    def __init__(self) -> None:
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> Listener:
        async def count(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            writer.close()

        self._server = await asyncio.start_server(count, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server:
            self._server.close()
