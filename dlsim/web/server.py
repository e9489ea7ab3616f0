"""textual-serve's web server, made to serve dlsim to a class (imported only once textual-serve is known
to be installed: dlsim.web.serve checks).

textual-serve starts one process per browser connection (AppService) from a command string run by a
shell. Here each tab's command is built from an argv list (the tab's validated address, see
dlsim.web.start) and quoted, the page is dlsim's own (served with its fonts, no outside requests), and a
tab beyond --max-sessions gets a page that says so instead of a process. A page hands its websocket a
one-use ticket that holds its session's place: the page and the process it starts agree on what runs
and on the count, and another web site cannot start processes here by opening the websocket itself.
"""
import asyncio
import html
import importlib
import ipaddress
import logging
import secrets
import signal
import time
from pathlib import Path
from string import Template

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from dlsim.web.start import start_arguments, tab_command
from dlsim.errors import UserError

HERE = Path(__file__).resolve().parent
PAGE = Template((HERE / "page.html").read_text(encoding="utf-8"))
REFUSED = Template((HERE / "refused.html").read_text(encoding="utf-8"))
TICKET_SECONDS = 60   # a page that has not opened its session by then gives its place back


class DlsimServer(Server):
    def __init__(self, host: str, port: int, max_sessions: int, loopback: bool, url: str):
        super().__init__(command="dlsim", host=host, port=port, title="dlsim", public_url=url)
        self.max_sessions = max_sessions
        self.loopback = loopback
        self.services: dict[web.WebSocketResponse, AppService] = {}   # each tab's, while its process runs
        self.tickets: dict[str, tuple[list[str], float]] = {}   # ticket -> (dlsim's arguments, deadline)

    def serve(self, debug: bool = False) -> None:
        """Listen, say where (only once listening: a script may connect as soon as it reads the
        line), and serve until Ctrl+C or SIGTERM, then quit every tab's process."""
        logging.basicConfig(level=logging.WARNING, format="dlsim serve: %(message)s")
        for checks_addresses in ("dlsim.models", "dlsim.lesson.library"):   # now: the first page is not slower
            importlib.import_module(checks_addresses)
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        runner = web.AppRunner(self._make_app(), handle_signals=False, shutdown_timeout=5)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
            limit = f"at most {self.max_sessions} tab{'s' if self.max_sessions > 1 else ''} at once"
            print(f"dlsim serve: open {self.public_url}/ in a browser ({limit}; Ctrl+C stops)", flush=True)
            stop = asyncio.Event()
            for sig in (signal.SIGINT, signal.SIGTERM):
                asyncio.get_running_loop().add_signal_handler(sig, stop.set)
            await stop.wait()
        finally:
            await asyncio.gather(*(quit_tab(service, grace=3.0) for service in self.services.values()))
            await runner.cleanup()

    def _make_app(self) -> web.Application:
        app = web.Application()
        app.add_routes([
            web.get("/", self.handle_index),
            web.get("/ws/{ticket}", self.handle_websocket),
            web.get("/download/{key}", self.handle_download),   # the app's file deliveries
            web.static("/static", self.statics_path),
        ])
        return app

    def sessions(self) -> int:
        """Tabs running, and pages holding a place for the tab they are about to open."""
        now = time.monotonic()
        self.tickets = {t: held for t, held in self.tickets.items() if held[1] > now}
        return len(self.services) + len(self.tickets)

    async def handle_index(self, request: web.Request) -> web.Response:
        if self.loopback and not local_name(request.host):
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
                               font_size=min(max(to_int(request.query.get("fontsize", "16"), 16), 8), 48))
        return web.Response(text=page, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        held = self.tickets.pop(request.match_info["ticket"], None)
        origin = request.headers.get("Origin", "")
        websocket = web.WebSocketResponse(heartbeat=15)
        if held is None or held[1] < time.monotonic() or origin.split("://", 1)[-1] != request.host:
            raise web.HTTPForbidden(text="dlsim: open the page again; this session's ticket is not valid")
        service = AppService(tab_command(held[0]), write_bytes=websocket.send_bytes,
                             write_str=websocket.send_str, close=websocket.close,
                             download_manager=self.download_manager)
        self.services[websocket] = service
        try:
            await websocket.prepare(request)
            await service.start(to_int(request.query.get("width", "80"), 80),
                                to_int(request.query.get("height", "24"), 24))
            ended = asyncio.create_task(close_when_it_ends(websocket, service))
            try:
                await self._process_messages(websocket, service)
            finally:   # the tab is closed: its app quits (or, still busy after a while, is ended)
                ended.cancel()
                await quit_tab(service, grace=10.0)
        except asyncio.CancelledError:
            await websocket.close()
        finally:
            del self.services[websocket]
        return websocket


async def close_when_it_ends(websocket: web.WebSocketResponse, service: AppService) -> None:
    """A tab whose app has ended (quit, or refused to start) is told so: its page offers to start
    again (textual-serve closes the page only when the app says it exits)."""
    await service._task   # textual-serve's reader of the process's output, done at its end
    await websocket.close()


async def quit_tab(service: AppService, grace: float) -> None:
    """Ask a tab's app to quit, as closing its tab does; end its process if it has not within `grace` s."""
    try:
        await asyncio.wait_for(service.stop(), grace)
    except (asyncio.TimeoutError, OSError):
        pass
    process = service._process   # textual-serve keeps it; no public handle
    if process is not None and process.returncode is None:
        process.kill()
        await process.wait()


def local_name(host: str) -> bool:
    """Whether a request's Host ("127.0.0.1:8000", "localhost", "[::1]:8000") names this machine."""
    if host.startswith("["):
        name = host[1:host.find("]")]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def too_many(limit: int) -> str:
    return (f"this dlsim server already runs {limit} session{'s' if limit > 1 else ''}, the most it "
            f"allows (dlsim serve --max-sessions {limit}); close another tab, then try again")


def refused(status: int, heading: str, reason: str) -> web.Response:
    page = REFUSED.substitute(heading=html.escape(heading), reason=html.escape(reason))
    return web.Response(status=status, text=page, content_type="text/html")
