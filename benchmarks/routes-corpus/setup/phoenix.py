"""`phoenix serve` with default settings, run for real, with uvicorn's Server stubbed.

No env except PHOENIX_WORKING_DIR: sqlite, auth off, UI served. The stub keeps the app it is
handed instead of serving it; the pid-file thread is not started.
"""

import sys

import phoenix.server.cli.commands.serve as serve_mod

captured = {}


class _Server:
    def __init__(self, config):
        captured["app"] = config.app
        self.started = True

    def run(self):
        pass


class _NoThread:
    def __init__(self, *args, **kwargs):
        pass

    def start(self):
        pass


serve_mod.Server = _Server
serve_mod.Thread = _NoThread
sys.argv = ["phoenix", "serve"]

from phoenix.server.main import main  # noqa: E402 - after the stubs

main()
app = captured["app"]
