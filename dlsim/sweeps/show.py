"""`dlsim sweep show FILE`: a sweep's results as a learner or a teacher reads them.

A table sorted by a metric (best first); where several seeds ran each setting, one row a setting
with the mean and the spread (the standard deviation) over its seeds, and how many passed. Then
the metric's curves, one line a setting (the mean over seeds), drawn with plotext; and where
exactly two options vary, a heatmap of the metric over the two (the final loss over learning rate
× width). `--csv FILE` writes one row per run for a spreadsheet.
"""
import csv
import math
import statistics

from dlsim.errors import UserError, suggest
from dlsim.models import MODELS
from dlsim.models.options import resolve
from dlsim.protocol.numbers import count, num
from dlsim.sim.config_string import parse_config
from dlsim.sweeps.results import read

SHADES = " ░▒▓█"     # the heatmap's cells, worst to best: readable without colour
MOST_CURVES = 8      # settings drawn on the curves chart (the best ones by the metric)
MARKERS = ("hd", "•", "x", "o", "+", "*", "#", "%")


def main(args) -> int:
    if args.file is None:
        raise UserError("dlsim sweep show needs the results file: dlsim sweep show sweep.jsonl")
    records = read(args.file)
    if not records:
        print(f"{args.file}: no finished runs yet")
        return 0
    rows = [_parsed(r) for r in records]
    network = rows[0]["network"]
    metric, lower = _metric(rows, network, args.sort)
    varied = _varied(rows)
    if getattr(args, "failed", False):
        rows = [r for r in rows if not r["record"].get("passed")]
    print(table(rows, varied, metric, lower))
    groups = _groups(rows, varied)
    print()
    print(_curves(groups, metric, lower, varied))
    shown = [name for name in varied if name != "seed"]
    if len(shown) == 2:
        print()
        print(heatmap(groups, shown, metric, lower))
    if args.csv:
        _write_csv(args.csv, rows, varied, getattr(args, "overwrite", False))
        print(f"\ncsv: {count(len(rows))} runs written to {args.csv}")
    return 0


def _parsed(record: dict) -> dict:
    network, given = parse_config(record["config"])
    options = resolve(network, MODELS[network].options, given)   # the defaults too: a column is whole
    return {"network": network, "options": options, "record": record,
            "metrics": record.get("metrics") or {}}


def _metric(rows: list[dict], network: str, asked: str | None) -> tuple[str, bool]:
    """The metric to sort by, and whether lower is better: asked, else the network's first declared
    one that the runs measured (a test metric before a train one)."""
    declared = {m.key: m for m in getattr(MODELS.get(network), "metrics", ())}
    measured = list(dict.fromkeys(k for r in rows for k, v in r["metrics"].items() if _number(v)))
    if asked is not None:
        if asked not in measured:
            raise UserError(f"--sort {asked}: the runs have no such metric{suggest(asked, measured)}; "
                            f"choose from: {', '.join(measured) or '(none measured)'}")
        metric = asked
    else:
        tests = [k for k in declared if k in measured and k.startswith("test_")]
        metric = (tests or [k for k in declared if k in measured] or measured or ["epochs"])[0]
    found = declared.get(metric)
    lower = True if found is None or found.lower_is_better is None else found.lower_is_better
    return metric, lower


def _varied(rows: list[dict]) -> list[str]:
    names = list(dict.fromkeys(k for r in rows for k in r["options"]))
    return [n for n in names if len({repr(r["options"].get(n)) for r in rows}) > 1]


def _groups(rows: list[dict], varied: list[str]) -> list[dict]:
    """The runs by setting (every varied option but the seed), in file order."""
    settings: dict[tuple, list[dict]] = {}
    for row in rows:
        setting = tuple((n, row["options"].get(n)) for n in varied if n != "seed")
        settings.setdefault(setting, []).append(row)
    return [{"setting": dict(s), "rows": members} for s, members in settings.items()]


def table(rows: list[dict], varied: list[str], metric: str, lower: bool) -> str:
    """One line a run, or, where several seeds ran a setting, one line a setting (mean ± spread)."""
    groups = sorted(_groups(rows, varied), key=lambda g: _sort_key(g, metric, lower))
    several = any(len(g["rows"]) > 1 for g in groups)
    lines_of = [g["rows"] for g in groups] if several else [[r] for g in groups for r in g["rows"]]
    names = [n for n in varied if n != "seed" or not several]
    measured = dict.fromkeys(k for r in rows for k, v in r["metrics"].items() if _number(v) and k != "loss")
    metrics = [metric] + [m for m in measured if m != metric][:3]
    heads = names + (["seeds"] if several else []) + metrics + ["passed"]
    lines = []
    for shown in lines_of:
        cells = [_value(shown[0]["options"].get(n)) for n in names]
        if several:
            cells.append(count(len(shown)))
        cells += [_spread([r["metrics"].get(m) for r in shown]) for m in metrics]
        passed = sum(bool(r["record"].get("passed")) for r in shown)
        cells.append(("✓" if passed else "✗") if len(shown) == 1 else f"{passed}/{len(shown)}")
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(heads)]
    numeric = len(names)   # options on the left, figures right-aligned
    out = ["  ".join(h.ljust(w) if i < numeric else h.rjust(w) for i, (h, w) in enumerate(zip(heads, widths))),
           "  ".join("─" * w for w in widths)]
    out += ["  ".join(c.ljust(w) if i < numeric else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
            for cells in lines]
    best = "lowest" if lower else "highest"
    note = (f"{count(len(rows))} runs, sorted by {metric} ({best} first)"
            + ("; mean ± standard deviation over the seeds" if several else ""))
    return note + "\n" + "\n".join(out)


def _sort_key(group: dict, metric: str, lower: bool):
    values = [v for v in (r["metrics"].get(metric) for r in group["rows"]) if _number(v)]
    if not values:
        return (1, 0.0)
    mean = statistics.fmean(values)
    return (0, mean if lower else -mean)


def _spread(values: list) -> str:
    numbers = [v for v in values if _number(v)]
    if not numbers:
        return "–"
    if len(values) == 1:
        return num(numbers[0])
    return f"{num(statistics.fmean(numbers))} ± {num(statistics.pstdev(numbers))}"


def _value(value) -> str:
    """An option's value as --set takes it: 0.03, 16.16."""
    if isinstance(value, tuple):
        return ".".join(map(str, value)) if value else "0"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _ordered(values) -> list:
    """An option's values in their own order (numbers by size, layer sizes by depth then width)."""
    def key(v):
        if isinstance(v, tuple):
            return (0, len(v), v)
        return (0, 0, (v,)) if isinstance(v, (int, float)) else (1, 0, (str(v),))
    return sorted(set(values), key=key)


def _label(setting: dict) -> str:
    return " ".join(f"{n}={_value(v)}" for n, v in setting.items()) or "every run"


def _curves(groups: list[dict], metric: str, lower: bool, varied: list[str]) -> str:
    """The metric over epochs, one line a setting (the mean over its seeds), the best MOST_CURVES."""
    import plotext as plt
    from dlsim.console.plot import size, wants_colour
    best = sorted(groups, key=lambda g: _sort_key(g, metric, lower))[:MOST_CURVES]
    plt.clear_figure()
    width, height = size()
    plt.plotsize(width, min(height, 20))
    drawn = 0
    for group in best:
        xs, ys = _mean_curve(group["rows"], metric)
        if xs:   # each line its own marker: told apart without colour
            plt.plot(xs, ys, label=_label(group["setting"])[:30], marker=MARKERS[drawn % len(MARKERS)])
            drawn += 1
    if not drawn:
        return f"(no run has {metric} by epoch to draw)"
    several = any(len(g["rows"]) > 1 for g in groups)
    plt.title(f"{metric} by epoch" + (" (mean over seeds)" if several else "")
              + (f", the best {MOST_CURVES} of {len(groups)}" if len(groups) > MOST_CURVES else ""))
    plt.xlabel("epoch")
    text = plt.build().rstrip()
    return text if wants_colour() else plt.uncolorize(text)


def _mean_curve(rows: list[dict], metric: str) -> tuple[list, list]:
    """The epochs every run of the setting measured `metric` at, and its mean there."""
    per_run = []
    for row in rows:
        curves = row["record"].get("curves") or {}
        points = {x: y for x, y in zip(curves.get("epoch", []), curves.get(metric, [])) if _number(y)}
        per_run.append(points)
    if not per_run:
        return [], []
    common = sorted(set.intersection(*(set(p) for p in per_run)))
    return common, [statistics.fmean(p[x] for p in per_run) for x in common]


def heatmap(groups: list[dict], names: list[str], metric: str, lower: bool) -> str:
    """The metric (the mean over seeds) for each pair of the two varied options' values: the value,
    and a shade from ' ' (worst) to '█' (best)."""
    rows_of = [_value(v) for v in _ordered(g["setting"][names[0]] for g in groups)]
    cols_of = [_value(v) for v in _ordered(g["setting"][names[1]] for g in groups)]
    cell = {}
    for group in groups:
        values = [v for v in (r["metrics"].get(metric) for r in group["rows"]) if _number(v)]
        if values:
            cell[(_value(group["setting"][names[0]]), _value(group["setting"][names[1]]))] = statistics.fmean(values)
    if not cell:
        return f"(no run measured {metric})"
    low, high = min(cell.values()), max(cell.values())
    def shade(v):
        if high == low:
            return SHADES[-1]
        good = (high - v) / (high - low) if lower else (v - low) / (high - low)
        return SHADES[min(len(SHADES) - 1, int(good * len(SHADES)))]
    texts = {k: f"{num(v)} {shade(v) * 2}" for k, v in cell.items()}
    width = max([len(t) for t in texts.values()] + [len(c) for c in cols_of])
    first = max([len(r) for r in rows_of] + [len(names[0])])
    out = [f"{metric} over {names[0]} (rows) × {names[1]} (columns); {SHADES[-1] * 2} best, '  ' worst",
           f"{names[0]:<{first}}  " + "  ".join(c.rjust(width) for c in cols_of)]
    for r in rows_of:
        out.append(f"{r:<{first}}  " + "  ".join(texts.get((r, c), "–").rjust(width) for c in cols_of))
    return "\n".join(out)


def _write_csv(path: str, rows: list[dict], varied: list[str], overwrite: bool) -> None:
    from dlsim.console.output_files import check_new, write_new
    check_new(path, "--csv", (".csv",), overwrite)
    metrics = list(dict.fromkeys(k for r in rows for k in r["metrics"]))
    def write(stream):
        out = csv.writer(stream)
        out.writerow(["config", *varied, "passed", "reason", "epochs", "steps", *metrics])
        for r in rows:
            rec = r["record"]
            out.writerow([rec["config"], *(_value(r["options"].get(n)) for n in varied), rec.get("passed"),
                          rec.get("reason"), rec.get("epochs"), rec.get("steps"),
                          *(repr(r["metrics"].get(m)) if isinstance(r["metrics"].get(m), float)
                            else r["metrics"].get(m) for m in metrics)])
    write_new(path, write, overwrite, "--csv")


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

