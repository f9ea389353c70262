# Build freqtrade's API server app as `freqtrade trade` / `freqtrade webserver` do
# (ApiServer(config) builds self.app in __init__), without starting uvicorn.
from freqtrade.rpc.api_server.webserver import ApiServer
ApiServer.start_api = lambda self: None  # no server thread
config = {"api_server": {"enabled": True, "listen_ip_address": "127.0.0.1", "listen_port": 8080,
                         "verbosity": "error", "enable_openapi": False, "jwt_secret_key": "x",
                         "CORS_origins": [], "username": "freqtrader", "password": "x"}}
server = ApiServer(config)
