"""``HttpListener(app)``: serves workers from an aiohttp application, as the reference's
listener does (avtomatika mounts it on its own app). Routing, decoding, default answers and
error statuses are the core's (``rxon_core::listener::exchange``, the functions rxon's own
server uses); this module moves bytes between aiohttp and them and calls the handler.
Importing it needs aiohttp."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from rxon_core import _native
from rxon_core.constants import PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER, WORKER_API_PREFIX
from rxon_core.security import extract_cert_identity
from rxon_core.transports.base import Listener

__all__ = ["HttpListener"]

Handler = Callable[[str, Any, dict[str, Any]], Awaitable[Any]]


def _response(reply: tuple[int, list[tuple[str, str]], bytes]) -> web.Response:
    status, headers, body = reply
    return web.Response(status=status, headers=headers, body=body or None)


class HttpListener(Listener):
    """The worker endpoints on ``app``: call ``setup_routes()`` before the app starts, then
    ``await start(handler)``. ``handler(action, payload, context)`` answers each request; it
    may return an aiohttp response of its own, raise ``web.HTTPException`` for a status, and
    gets the command WebSocket as action ``"websocket"`` with the ``web.WebSocketResponse``.
    ``context["raw_request"]`` is the aiohttp request."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.handler: Handler | None = None
        self._setup_middleware()

    def _setup_middleware(self) -> None:
        @web.middleware
        async def version_middleware(
            request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
        ) -> web.StreamResponse:
            response = await handler(request)
            response.headers[PROTOCOL_VERSION_HEADER] = PROTOCOL_VERSION
            return response

        self.app.middlewares.append(version_middleware)

    def setup_routes(self) -> None:
        """Mounts the worker endpoints (everything under ``/_worker``; the core routes them).
        Call it before the app is frozen."""
        self.app.router.add_route("*", WORKER_API_PREFIX + "/{tail:.*}", self._serve)

    async def start(self, handler: Handler) -> None:
        self.handler = handler

    async def stop(self) -> None:
        """Nothing to release: the app owns the server."""

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge as e:
            return _response(_native.reply_status("result", e.status, e.text or str(e)))
        routed = _native.route_request(
            request.method,
            request.rel_url.raw_path,
            request.query_string,
            list(request.headers.items()),
            body,
            extract_cert_identity(request),
        )
        if routed[0] == "reply":
            return _response(routed[1])
        if routed[0] == "upgrade":
            return await self._websocket(request, routed[2])
        _, action, payload, context = routed
        context["raw_request"] = request
        if self.handler is None:
            return _response(_native.reply_unavailable())
        try:
            answer = await self.handler(action, payload, context)
        except web.HTTPException as e:
            return _response(_native.reply_status(action, e.status, e.text or str(e)))
        except Exception as e:  # mapped to its status (and a 500 logged) by the core's rules
            return _response(_native.reply_exception(action, e))
        if isinstance(answer, web.StreamResponse):
            return answer
        return _response(_native.reply_answer(action, answer))

    async def _websocket(self, request: web.Request, context: dict[str, Any]) -> web.StreamResponse:
        context["raw_request"] = request
        if self.handler is not None:
            try:
                await self.handler("websocket_auth", None, context)
            except web.HTTPException as e:
                return _response(_native.reply_status("websocket_auth", e.status, e.text or str(e)))
            except Exception as e:
                return _response(_native.reply_exception("websocket_auth", e))
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        if self.handler is not None:
            await self.handler("websocket", ws, context)
        return ws
