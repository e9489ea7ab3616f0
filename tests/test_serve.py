"""`dlsim serve` without a browser: what a tab's address may open (and that it never reaches a shell
as anything but quoted words), the one-line refusals of the command, and the server's answers to
pages and websockets that must not start a process (a bad address, one tab too many, another site)."""
import importlib.util
import shlex
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.web.serve import exposure
from dlsim.web.start import start_arguments, tab_command


# the checks after textual-serve's: without it, every `dlsim serve` says what to install first
with_textual_serve = pytest.mark.skipif(importlib.util.find_spec("textual_serve") is None,
                                        reason="textual-serve is not installed (pip install '.[test]')")


def arguments(query: str) -> list[str]:
    from urllib.parse import parse_qsl
    return start_arguments(parse_qsl(query, keep_blank_values=True))


def test_an_address_opens_a_network_with_its_options_or_a_lesson():
    assert arguments("") == []   # the home screen
    assert arguments("fontsize=20") == []
    assert arguments("run=mlp&dataset=spiral&lr=0.1&hidden=8,8") == [
        "run", "mlp", "--set=dataset=spiral", "--set=lr=0.1", "--set=hidden=8,8"]
    assert arguments("lesson=perceptron-and") == ["lesson", "perceptron-and"]
    assert arguments("config=mlp:dataset=spiral,seed=3,hidden=16.16") == ["run", "mlp:dataset=spiral,seed=3,hidden=16.16"]


@pytest.mark.parametrize("query, said", [
    ("run=mlpx", "unknown network 'mlpx' (did you mean 'mlp'?)"),
    ("run=mlp&lr=-1", "option 'lr'"),
    ("run=mlp&kernels=4", "unknown option for mlp 'kernels'"),
    ("run=mlp&dataset=spiral;touch /tmp/x", "dataset"),
    ("run=mlp&run=som", "given 2 times"),
    ("run=mlp&fontsize=20&fontsize=30", "'fontsize' is given 2 times"),
    ("run=mlp&lesson=perceptron-and", "both run= and lesson="),
    ("lesson=perceptron-and&lr=1", "a lesson sets its own network"),
    ("lesson=../../etc/passwd", "unknown lesson"),
    ("lr=0.1", "needs run=NETWORK"),
    ("run=mlp&--force=1", "not an option setting"),
    ("config=mlp:dataset=spiral,lr=-1", "lr"),
    ("config=mlp:dataset=spiral&lr=0.1", "a configuration string holds every option"),
    ("config=mlp:data=/etc/passwd", "does not open a data file"),
])
def test_anything_else_in_an_address_is_refused_in_one_line(query, said):
    with pytest.raises(UserError) as refused:
        arguments(query)
    assert said in str(refused.value) and "\n" not in str(refused.value)


def test_a_tabs_command_is_its_arguments_quoted_one_word_each():
    words = ["run", "mlp", "--set=dataset=$(touch /tmp/owned); `id` 'x\" y"]
    command = tab_command(words)
    assert shlex.split(command) == ["exec", sys.executable, "-m", "dlsim.web.tab", *words]


def test_listening_beyond_this_machine_says_what_that_exposes():
    assert exposure("127.0.0.1", 8000, ["127.0.0.1"]) is None
    assert exposure("localhost", 8000, ["127.0.0.1", "::1"]) is None
    line = exposure("0.0.0.0", 8000, ["0.0.0.0"])
    assert "anyone who can reach this machine on port 8000" in line and "no password" in line


@with_textual_serve
@pytest.mark.parametrize("argv, said", [
    (["serve", "--port", "70000"], "--port 70000: a port is a number from 1 to 65535"),
    (["serve", "--port", "x"], "invalid int value: 'x'"),
    (["serve", "--host", "no-such-host.invalid"], "--host 'no-such-host.invalid': not an address"),
    (["serve", "--max-sessions", "0"], "--max-sessions 0: give at least 1"),
])
def test_a_bad_port_host_or_limit_is_one_line_and_exit_2(argv, said, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("dlsim: error: ") and said in err and err.count("\n") == 1


@with_textual_serve
def test_a_port_in_use_is_one_line_and_exit_2(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot serve on 127.0.0.1:{port}" in err and err.count("\n") == 1


def test_without_textual_serve_it_says_what_to_install():
    hide = "import sys; sys.modules['textual_serve'] = None; from dlsim.cli import main; sys.exit(main(['serve']))"
    done = subprocess.run([sys.executable, "-c", hide], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == "dlsim: error: dlsim serve needs textual-serve: pip install 'dlsim[web]'\n"


def _get(url: str, headers: dict | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=20) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def one_tab_server():
    if importlib.util.find_spec("textual_serve") is None:
        pytest.skip("textual-serve is not installed (pip install '.[test]')")
    from serve_browser import serving
    with serving("--max-sessions", "1") as (_, _, url):
        yield url


def test_pages_that_start_no_process(one_tab_server):
    url = one_tab_server
    status, page = _get(f"{url}/?run=nosuch")
    assert status == 400 and "unknown network &#x27;nosuch&#x27;" in page
    status, page = _get(f"{url}/", headers={"Host": "rebound.example:80"})   # DNS rebinding
    assert status == 421
    status, _ = _get(f"{url}/ws/not-a-ticket")
    assert status == 403


def test_the_page_holds_the_last_place_and_one_tab_more_is_told_why(one_tab_server):
    url = one_tab_server
    status, page = _get(f"{url}/?run=perceptron")
    assert status == 200 and "/ws/" in page and "fonts.googleapis" not in page   # nothing from outside
    ticket = page.split("/ws/", 1)[1].split('"', 1)[0]
    status, refused = _get(f"{url}/")
    assert status == 503
    assert "already runs 1 session, the most it allows (dlsim serve --max-sessions 1)" in refused
    # another site's page cannot use the ticket (a websocket is not held to the same origin)
    status, _ = _get(f"{url}/ws/{ticket}", headers={"Origin": "http://elsewhere.example",
                                                      "Connection": "Upgrade", "Upgrade": "websocket",
                                                      "Sec-WebSocket-Version": "13",
                                                      "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert status == 403
