"""A Ctrl+C just as Dask starts a call runs Dask's cancel callback before the call exists; the
NameError it raises was logged by the Tornado loop Dask runs on, a traceback after the sweep's one
line (seen once in a test of Ctrl+C and --resume). The sweep keeps Tornado's loggers quiet, as it
keeps Dask's."""
import logging

import distributed  # noqa: F401  (its configuration gives Tornado's loggers levels and handlers, as in a sweep)

from dlsim.sweeps import command


def test_the_loop_dask_runs_on_logs_no_traceback_into_a_sweep(caplog):
    names = [n for n in list(logging.root.manager.loggerDict) if n.split(".")[0] in ("distributed", "tornado")]
    before = {n: logging.getLogger(n).level for n in names}
    try:
        command._quiet_dask()
        try:
            raise NameError("cannot access free variable 'future'")
        except NameError:   # what tornado.ioloop does with a callback's exception
            logging.getLogger("tornado.application").error("Exception in callback", exc_info=True)
    finally:
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)
    assert not [r for r in caplog.records if r.name.startswith("tornado")]
