"""freqtrade's API server app as `freqtrade trade` / `freqtrade webserver` build it.

ApiServer(config) builds self.app in __init__ and starts uvicorn in a thread; the start is
replaced by a no-op. The config is what a default config with the API server enabled has.
"""

from freqtrade.rpc.api_server.webserver import ApiServer

ApiServer.start_api = lambda self: None  # no server thread
config = {
    "api_server": {
        "enabled": True,
        "listen_ip_address": "127.0.0.1",
        "listen_port": 8080,
        "verbosity": "error",
        "enable_openapi": False,
        "jwt_secret_key": "x",
        "CORS_origins": [],
        "username": "freqtrader",
        "password": "x",
    }
}
server = ApiServer(config)
