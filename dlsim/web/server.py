"""textual-serve's web server, made to serve dlsim to a class (imported only once textual-serve is known
to be installed: dlsim.web.serve checks).

textual-serve starts one process per browser connection (AppService) from a command string run by a
shell. Here each tab's command is built from an argv list (the tab's validated address, see
serve_start) and quoted, the page is dlsim's own (served with its fonts, no outside requests), and a
tab beyond --max-sessions gets a page that says so instead of a process. A page hands its websocket a
one-use ticket that holds its session's place: the page and the process it starts agree on what runs
and on the count, and another web site cannot start processes here by opening the websocket itself.
"""
import asyncio
import html
import logging
import secrets
import shlex
import sys
import time
from pathlib import Path
from string import Template

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from dlsim.web.start import start_arguments
from dlsim.errors import UserError

HERE = Path(__file__).resolve().parent
PAGE = Template((HERE / "page.html").read_text(encoding="utf-8"))
REFUSED = Template((HERE / "refused.html").read_text(encoding="utf-8"))
TICKET_SECONDS = 60   # a page that has not opened its session by then gives its place back
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


class DlsimServer(Server):
    def __init__(self, host: str, port: int, max_sessions: int, loopback: bool, url: str):
        super().__init__(command="dlsim", host=host, port=port, title="dlsim", public_url=url)
        self.max_sessions = max_sessions
        self.loopback = loopback
        self.running = 0   # tabs whose dlsim process is running now
        self.tickets: dict[str, tuple[list[str], float]] = {}   # ticket -> (dlsim's arguments, deadline)

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.WARNING, format="dlsim serve: %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        limit = f"at most {self.max_sessions} tab{'s' if self.max_sessions > 1 else ''} at once"
        print(f"dlsim serve: open {self.public_url}/ in a browser ({limit}; Ctrl+C stops)", flush=True)

    async def _make_app(self) -> web.Application:
        app = web.Application()
        app.add_routes([
            web.get("/", self.handle_index),
            web.get("/ws/{ticket}", self.handle_websocket),
            web.get("/download/{key}", self.handle_download),   # the app's file deliveries
            web.static("/static", self.statics_path),
        ])
        app.on_startup.append(self.on_startup)
        return app

    def sessions(self) -> int:
        """Tabs running, and pages holding a place for the tab they are about to open."""
        now = time.monotonic()
        self.tickets = {t: held for t, held in self.tickets.items() if held[1] > now}
        return self.running + len(self.tickets)

    async def handle_index(self, request: web.Request) -> web.Response:
        if self.loopback and request.host.rsplit(":", 1)[0] not in LOOPBACK_NAMES:
            # served on this machine only: a page of another name reaching it is a rebound address
            return refused(421, "wrong address", f"open {self.public_url}/ instead")
        try:
            arguments = start_arguments(request.query.items())
        except UserError as error:
            return refused(400, "cannot open that address", str(error))
        if self.sessions() >= self.max_sessions:
            return refused(503, "too many sessions", too_many(self.max_sessions))
        ticket = secrets.token_urlsafe(16)
        self.tickets[ticket] = (arguments, time.monotonic() + TICKET_SECONDS)
        scheme = "wss" if request.secure or request.headers.get("X-Forwarded-Proto") == "https" else "ws"
        page = PAGE.substitute(title="dlsim" + "".join(f" {a}" for a in arguments[:2]),
                               static="/static", websocket_url=f"{scheme}://{request.host}/ws/{ticket}",
                               font_size=to_int(request.query.get("fontsize", "16"), 16))
        return web.Response(text=page, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        held = self.tickets.pop(request.match_info["ticket"], None)
        origin = request.headers.get("Origin", "")
        websocket = web.WebSocketResponse(heartbeat=15)
        if held is None or held[1] < time.monotonic() or origin.split("://", 1)[-1] != request.host:
            raise web.HTTPForbidden(text="dlsim: open the page again; this session's ticket is not valid")
        command = shlex.join([sys.executable, "-m", "dlsim.web.tab", *held[0]])
        self.running += 1
        try:
            await websocket.prepare(request)
            service = AppService(command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                                 close=websocket.close, download_manager=self.download_manager)
            await service.start(to_int(request.query.get("width", "80"), 80),
                                to_int(request.query.get("height", "24"), 24))
            try:
                await self._process_messages(websocket, service)
            finally:
                await service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        finally:
            self.running -= 1
        return websocket


def too_many(limit: int) -> str:
    return (f"this dlsim server already runs {limit} session{'s' if limit > 1 else ''}, the most it "
            f"allows (dlsim serve --max-sessions {limit}); close another tab, then try again")


def refused(status: int, heading: str, reason: str) -> web.Response:
    page = REFUSED.substitute(heading=html.escape(heading), reason=html.escape(reason))
    return web.Response(status=status, text=page, content_type="text/html")
