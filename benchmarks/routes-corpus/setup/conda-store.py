"""What `conda-store-server` serves, with no config file (traitlets defaults).

uvicorn.run("...app:CondaStoreServer.create_webserver", factory=True): api, ui and metrics on,
registry off, url_prefix "/". conda itself is not on PyPI: every `conda.*` module is a stub
(only conda_platform() and the build actions import it; nothing that routes).
"""

import importlib.abc
import importlib.machinery
import sys
import types
from typing import ClassVar
from unittest import mock


class _Stub(types.ModuleType):
    __path__: ClassVar[list[str]] = []

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = mock.MagicMock(name=f"{self.__name__}.{name}")
        setattr(self, name, value)
        return value


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname == "conda" or fullname.startswith("conda."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return _Stub(spec.name)

    def exec_module(self, module):
        if module.__name__ == "conda.base.context":
            module.context = types.SimpleNamespace(subdir="linux-64")


sys.meta_path.insert(0, _Finder())
sys.argv = ["conda-store-server"]

from conda_store_server._internal.server.app import CondaStoreServer  # noqa: E402 - after the stubs

app = CondaStoreServer.create_webserver()
