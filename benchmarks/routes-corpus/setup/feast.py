# The FastAPI apps the feast CLI serves, for the repo `feast init demo` writes (auth: no_auth):
#   feast serve            -> feast.feature_server.get_app(store)
#   feast ui               -> feast.ui_server.get_app(store, project_id)
#   feast serve_registry --rest-api -> feast.api.registry.rest.rest_registry_server.RestRegistryServer(store).app
#   feast serve_lineage    -> feast.lineage_server.create_lineage_app(store)
import os
from feast import FeatureStore
store = FeatureStore(repo_path=os.path.join(os.getcwd(), "demo", "feature_repo"))
from feast import feature_server, ui_server, lineage_server
from feast.api.registry.rest.rest_registry_server import RestRegistryServer
