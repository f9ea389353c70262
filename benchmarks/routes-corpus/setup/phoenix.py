# `phoenix serve` with default settings (no env except PHOENIX_WORKING_DIR, sqlite, auth off, UI served):
# the real CLI runs; uvicorn's Server.run is replaced by a stub that keeps the app it was handed.
import sys
import phoenix.server.cli.commands.serve as serve_mod
captured = {}
class _Server:
    def __init__(self, config):
        captured["app"] = config.app
        self.started = True
    def run(self):
        pass
serve_mod.Server = _Server
serve_mod.Thread = lambda *a, **k: type("T", (), {"start": lambda self: None})()
from phoenix.server.main import main
sys.argv = ["phoenix", "serve"]
main()
app = captured["app"]
