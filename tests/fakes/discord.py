"""A fake Discord (REST + gateway) on 127.0.0.1 for the real bot in a subprocess.

simcord covers command behaviour in-process; this fake covers what only a real
transport shows: the login and gateway handshake, slash commands arriving as
gateway events and answered over REST, rate limits with ``retry_after``, the
``nonce`` + ``enforce_nonce`` idempotency Discord offers, and a bot process killed
at any moment. It follows the exchange in ../shared/notes/discord-offline.md:
JSON responses carry ``Content-Type: application/json`` exactly, and a 429 carries
a ``Via`` header (without one discord.py assumes a Cloudflare ban).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 900000000000000001
BOT_ID = 900000000000000002
GUILD_ID = 900000000000000010


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


@dataclass
class Posted:
    """A message as the fake stored it, with the raw request body it came from."""

    id: int
    channel_id: int
    body: dict
    nonce: str | None

    @property
    def embeds(self) -> list[dict]:
        return self.body.get("embeds") or []

    @property
    def content(self) -> str:
        return self.body.get("content") or ""


@dataclass
class FakeDiscord:
    channels: dict[str, int] = field(
        default_factory=lambda: {
            "general": 900000000000000100,
            "digest": 900000000000000101,
            "alerts": 900000000000000102,
            "news": 900000000000000103,
        }
    )
    messages: list[Posted] = field(default_factory=list)
    interaction_replies: list[dict] = field(default_factory=list)
    identified: int = 0
    resumed: int = 0
    commands_synced: list[dict] = field(default_factory=list)
    rate_limit_next: dict[int, float] = field(default_factory=dict)  # channel -> retry_after
    hang_next: set[int] = field(default_factory=set)  # channel: store, then never answer
    requests: list[tuple[str, str]] = field(default_factory=list)
    # a close code to answer IDENTIFY with (4004: "authentication failed", a revoked token)
    close_on_identify: int | None = None

    def __post_init__(self) -> None:
        self._ids = itertools.count(910000000000000000)
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = itertools.count(1)
        self.port = 0
        self.changed = asyncio.Event()
        self._closing = asyncio.Event()

    # -- lifecycle ------------------------------------------------------------------

    async def start(self, port: int = 0) -> FakeDiscord:
        """Serve on ``port`` (0: any free one; a fixed one plays Discord coming back)."""
        app = web.Application()
        app.router.add_get("/", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._closing.set()
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def in_channel(self, name: str) -> list[Posted]:
        return [m for m in self.messages if m.channel_id == self.channels[name]]

    async def wait_for(self, predicate, timeout: float = 30.0) -> None:
        async def loop() -> None:
            while not predicate():
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(loop(), timeout)

    def _touch(self) -> None:
        self.changed.set()

    # -- gateway --------------------------------------------------------------------

    def _user(self) -> dict:
        return {
            "id": str(BOT_ID),
            "username": "trendbot",
            "discriminator": "0",
            "global_name": "trendbot",
            "avatar": None,
            "bot": True,
        }

    def _guild(self) -> dict:
        return {
            "id": str(GUILD_ID),
            "name": "Fake server",
            "unavailable": False,
            "owner_id": "900000000000000099",
            "member_count": 2,
            "large": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [
                {
                    "id": str(GUILD_ID),
                    "name": "@everyone",
                    "permissions": "3072",
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": [
                {
                    "id": str(channel_id),
                    "type": 0,
                    "name": name,
                    "guild_id": str(GUILD_ID),
                    "position": index,
                    "permission_overwrites": [],
                }
                for index, (name, channel_id) in enumerate(self.channels.items())
            ],
            "members": [],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
        }

    async def _dispatch(self, socket: web.WebSocketResponse, event: str, data: dict) -> None:
        await socket.send_str(json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": data}))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            if payload.get("op") == 1:
                await socket.send_str(json.dumps({"op": 11}))
            elif payload.get("op") == 2 and self.close_on_identify is not None:
                self._touch()
                await socket.close(code=self.close_on_identify, message=b"Authentication failed.")
            elif payload.get("op") == 2:
                self.identified += 1
                await self._dispatch(
                    socket,
                    "READY",
                    {
                        "v": 10,
                        "user": self._user(),
                        "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                        "session_id": f"session-{self.identified}",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": str(APP_ID), "flags": 0},
                    },
                )
                await self._dispatch(socket, "GUILD_CREATE", self._guild())
                self._touch()
            elif payload.get("op") == 6:  # RESUME after a dropped connection: accepted
                self.resumed += 1
                await self._dispatch(socket, "RESUMED", {})
                self._touch()
        self._sockets.remove(socket)
        return socket

    async def interact(
        self, name: str, options: list[dict] | None = None, admin: bool = False
    ) -> str:
        """Send a slash command to the bot as a member would; returns the interaction token."""
        number = next(self._ids)
        token = f"token-{number}"
        data = {
            "id": str(number),
            "application_id": str(APP_ID),
            "type": 2,
            "token": token,
            "version": 1,
            "attachment_size_limit": 26214400,
            "guild_id": str(GUILD_ID),
            "channel_id": str(self.channels["general"]),
            "channel": {"id": str(self.channels["general"]), "type": 0, "guild_id": str(GUILD_ID)},
            "locale": "en-US",
            "guild_locale": "en-US",
            "app_permissions": "2147483647",
            "entitlements": [],
            "authorizing_integration_owners": {},
            "context": 0,
            "member": {
                "user": {
                    "id": "900000000000000200",
                    "username": "reader",
                    "discriminator": "0",
                    "avatar": None,
                },
                "roles": [],
                "joined_at": "2026-01-01T00:00:00+00:00",
                "permissions": "40" if admin else "3072",
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
            "data": {
                "id": str(self._command_id(name)),
                "name": name,
                "type": 1,
                "options": options or [],
            },
        }
        for socket in self._sockets:
            await self._dispatch(socket, "INTERACTION_CREATE", data)
        return token

    def _command_id(self, name: str) -> int:
        for command in self.commands_synced:
            if command["name"] == name:
                return int(command["id"])
        return 0

    # -- REST -----------------------------------------------------------------------

    def _message(self, channel_id: int, body: dict, nonce: str | None) -> dict:
        return {
            "id": str(next(self._ids)),
            "channel_id": str(channel_id),
            "author": self._user(),
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "components": [],
            "nonce": nonce,
        }

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["tail"]
        self.requests.append((request.method, path))
        body: dict = {}
        if request.can_read_body and request.content_type.startswith("multipart/"):
            # a message with files: the JSON is the payload_json part, then the files
            reader = await request.multipart()
            files = []
            async for part in reader:
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    files.append({"name": part.filename, "size": len(await part.read())})
            body["_files"] = files
        elif request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json" and raw:
                body = json.loads(raw)
        parts = path.split("/")
        if path == "users/@me":
            return _json(self._user())
        if path == "oauth2/applications/@me":
            return _json(
                {
                    "id": str(APP_ID),
                    "name": "trendbot",
                    "icon": None,
                    "description": "",
                    "bot_public": False,
                    "bot_require_code_grant": False,
                    "verify_key": "0" * 64,
                    "flags": 0,
                    "owner": {
                        "id": "900000000000000099",
                        "username": "owner",
                        "discriminator": "0",
                        "avatar": None,
                    },
                }
            )
        if request.method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            synced = []
            for index, command in enumerate(body if isinstance(body, list) else []):
                synced.append(
                    {
                        **command,
                        "id": str(920000000000000000 + index),
                        "application_id": str(APP_ID),
                        "version": "1",
                    }
                )
            self.commands_synced = synced
            self._touch()
            return _json(synced)
        if parts[0] == "channels" and len(parts) >= 3 and parts[2] == "messages":
            channel_id = int(parts[1])
            if request.method == "GET":
                recent = [m for m in self.messages if m.channel_id == channel_id][::-1][:50]
                return _json(
                    [self._message(channel_id, m.body, m.nonce) | {"id": str(m.id)} for m in recent]
                )
            if request.method == "POST":
                return await self._post_message(channel_id, body)
        if parts[0] == "interactions" and parts[-1] == "callback":
            self.interaction_replies.append(body)
            self._touch()
            message = self._message(self.channels["general"], body.get("data") or {}, None)
            return _json(
                {
                    "interaction": {"id": parts[1], "type": 2},
                    "resource": {"type": body.get("type", 4), "message": message},
                }
            )
        if parts[0] == "webhooks":
            self.interaction_replies.append({"type": "followup", "data": body})
            self._touch()
            return _json(self._message(self.channels["general"], body, None))
        return _json({"message": f"unknown route {path}", "code": 0}, status=404)

    async def _post_message(self, channel_id: int, body: dict) -> web.StreamResponse:
        if channel_id not in self.channels.values():
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        retry_after = self.rate_limit_next.pop(channel_id, None)
        if retry_after is not None:
            return _json(
                {
                    "message": "You are being rate limited.",
                    "retry_after": retry_after,
                    "global": False,
                },
                status=429,
                headers={"Via": "1.1 google", "Retry-After": str(retry_after)},
            )
        nonce = str(body["nonce"]) if body.get("nonce") is not None else None
        if nonce is not None and body.get("enforce_nonce"):
            for posted in self.messages:  # Discord returns the first message for a repeat
                if posted.channel_id == channel_id and posted.nonce == nonce:
                    return _json(
                        self._message(channel_id, posted.body, nonce) | {"id": str(posted.id)}
                    )
        message = self._message(channel_id, body, nonce)
        self.messages.append(Posted(int(message["id"]), channel_id, body, nonce))
        self._touch()
        if channel_id in self.hang_next:
            self.hang_next.discard(channel_id)
            await self._closing.wait()  # stored, never answered: the sender cannot know
        return _json(message)
