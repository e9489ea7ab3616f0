"""One line that reproduces a session from scratch: the network and every option that differs from its
default, like TensorFlow Playground's URL. `dlsim run` takes it where it takes a network's name, the
app shows it (and copies it), and `dlsim serve` takes it as a URL parameter.

    mlp:dataset=spiral,seed=3,hidden=16.16,lr=0.1

The network, then `:` and `key=value` pairs separated by commas. Layer sizes are joined by dots
(16.16; 0 for no layer). It survives a shell and a URL query without quoting: it is made only of
letters, digits and `_ - . / : , = @`; any other character of a value (a space in a file name, say)
is written `@` and its UTF-8 byte in two hex digits (`@20`), as is `@` itself (`@40`). Numbers are
written so that they read back to the same bits (0.1, 1e-05, 1e20). The dataset and the seed are
always written; the other options only where they differ from their defaults. A learner's own data
file is `data=PATH` (the file's absolute path) in place of the dataset:

    mlp:data=/home/ana/moons.csv,seed=3,hidden=16.16

parse_config then gives the path as the option `data`, which dlsim.make and `dlsim run` read as the
file (the string names the file, it does not hold it: on another machine the path must exist).
"""
import re
from typing import Any

from dlsim.errors import UserError, clip, unknown
from dlsim.models import MODELS
from dlsim.models.options import current_name, resolve

ALWAYS = ("dataset", "seed")   # the data's identity, written even at their defaults
DATA = "data"                  # a learner's own data file: not an option, written in place of the dataset
_PLAIN = re.compile(r"[A-Za-z0-9_\-./]")
_ESCAPE = re.compile(r"@([0-9A-Fa-f]{2})")
_ALLOWED = re.compile(r"[A-Za-z0-9_\-./:,=@]*")


def format_config(network: str, config: dict[str, Any], data: str | None = None) -> str:
    """The one line for `network` with the resolved options `config` (what parse_config reads back);
    `data`: the path of a learner's own data file, written in place of the dataset."""
    cls = MODELS[network]
    pairs = [f"{DATA}={_value(data)}"] if data is not None else []
    for option in cls.options:
        if option.name not in config or (data is not None and option.name == "dataset"):
            continue
        value = config[option.name]
        if option.name in ALWAYS or value != option.default:
            pairs.append(f"{option.name}={_value(value)}")
    return f"{network}:{','.join(pairs)}" if pairs else network


def _value(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return ".".join(_value(v) for v in value) if value else "0"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = repr(value).replace("+", "")   # '+' would be a space in a URL query
        return text[:-2] if text.endswith(".0") else text
    return "".join(c if _PLAIN.fullmatch(c) else "".join(f"@{b:02X}" for b in c.encode()) for c in str(value))


def parse_config(text: str) -> tuple[str, dict[str, Any]]:
    """(network, options) from a configuration string, each option parsed and checked as `--set`
    checks it (the values are the options' own: numbers, layer sizes as tuples, words); a string that
    does not read gives one line saying what is wrong (UserError)."""
    if not isinstance(text, str) or not text.strip():
        raise UserError("a configuration string names a network, e.g. mlp:dataset=spiral,hidden=16.16,lr=0.1")
    text = text.strip()
    bad = next((c for c in text if not _ALLOWED.fullmatch(c)), None)
    if bad is not None:
        raise UserError(f"configuration {clip(text)!r}: the character {bad!r} is not allowed; write it "
                        f"as {_value(bad)} (letters, digits and _ - . / : , = @ only)")
    network, _, rest = text.partition(":")
    if network not in MODELS:
        raise unknown("network", clip(network), MODELS)
    cls = MODELS[network]
    given: dict[str, str] = {}
    for pair in rest.split(",") if rest else ():
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise UserError(f"configuration {clip(text)!r}: {clip(pair)!r} is not key=value "
                            "(pairs are separated by commas, e.g. lr=0.1,seed=3)")
        name = DATA if key == DATA else current_name(network, cls.options, key)
        if name in given:
            raise UserError(f"configuration {clip(text)!r}: option '{name}' is given twice")
        given[name] = _unescaped(text, raw, sizes=_is_sizes(cls, name))
    data = given.pop(DATA, None)
    if data is not None and "dataset" in given:
        raise UserError(f"configuration {clip(text)!r}: data= (your own file) and dataset= both given; give one")
    if data is not None and not data.strip():
        raise UserError(f"configuration {clip(text)!r}: data= needs a file's path")
    config = resolve(network, cls.options, given)
    return network, {**({DATA: data} if data is not None else {}), **{name: config[name] for name in given}}


def _is_sizes(cls, name: str) -> bool:
    option = next((o for o in cls.options if o.name == name), None)
    return option is not None and isinstance(option.default, tuple)


def _unescaped(text: str, raw: str, sizes: bool) -> str:
    if sizes:   # 16.16 is the layers 16 and 16 (the option reads them comma-separated)
        raw = raw.replace(".", ",")
    if "@" in _ESCAPE.sub("", raw):
        raise UserError(f"configuration {clip(text)!r}: '@' begins an escape of two hex digits (@20 "
                        "is a space, @40 is @)")
    try:
        return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw).encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise UserError(f"configuration {clip(text)!r}: an @ escape that is not UTF-8") from None
