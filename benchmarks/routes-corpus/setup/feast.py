"""The FastAPI apps the feast CLI serves, for the repo that `feast init demo` writes (no_auth).

    feast serve                      -> feast.feature_server.get_app(store)
    feast ui                         -> feast.ui_server.get_app(store, project_id)
    feast serve_registry --rest-api  -> RestRegistryServer(store).app
    feast serve_lineage              -> feast.lineage_server.create_lineage_app(store)  (needs an
                                        openlineage section: not dumped)

apps.json's --app expressions use the names below.
"""

import os

from feast import FeatureStore, feature_server, lineage_server, ui_server
from feast.api.registry.rest.rest_registry_server import RestRegistryServer

__all__ = ["RestRegistryServer", "feature_server", "lineage_server", "store", "ui_server"]

store = FeatureStore(repo_path=os.path.join(os.getcwd(), "demo", "feature_repo"))
