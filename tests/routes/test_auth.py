"""Auth per route: dependency chains, security schemes, scopes, configurable patterns, router-
and include-level dependencies."""

from __future__ import annotations

import pytest

from tests.routes.support import APP, one
from traceaudit.model import Config

# --------------------------------------------------------------------------
# Auth
# --------------------------------------------------------------------------

DEPS = """
from typing import Annotated
from fastapi import Depends, Security
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="token")

def get_db():
    yield None

def get_current_user(token: str = Depends(oauth2)): ...

def get_current_active_user(user = Security(get_current_user, scopes=["me"])): ...

CurrentUser = Annotated[dict, Depends(get_current_active_user)]
SessionDep = Annotated[object, Depends(get_db)]

def check_owner(): ...
"""


@pytest.mark.parametrize(
    ("signature", "decorator", "auth", "chain", "scopes"),
    [
        (
            "user: CurrentUser",
            "",
            True,
            ("get_current_active_user", "get_current_user", "oauth2"),
            ("me",),
        ),
        ("session: SessionDep", "", False, (), ()),
        ("db=Depends(get_db)", "", False, (), ()),
        (
            "",
            ", dependencies=[Depends(get_current_user)]",
            True,
            ("get_current_user", "oauth2"),
            (),
        ),
        ("", ", dependencies=[Depends(check_owner)]", False, (), ()),
        ("token: Annotated[str, Depends(oauth2)]", "", True, ("oauth2",), ()),
    ],
)
def test_auth_follows_dependency_chains(
    signature: str, decorator: str, auth: bool, chain: tuple[str, ...], scopes: tuple[str, ...]
) -> None:
    route = one(
        {
            "deps.py": DEPS,
            "main.py": APP
            + f"""
from fastapi import Depends
from deps import *

@app.get("/x"{decorator})
def x({signature}): ...
""",
        }
    )
    assert (route.auth, route.auth_dependencies, route.scopes) == (auth, chain, scopes)


def test_auth_patterns_are_configurable() -> None:
    files = {
        "main.py": APP
        + """
from fastapi import Depends
def ensure_member(): ...
@app.get("/x", dependencies=[Depends(ensure_member)])
def x(): ...
"""
    }
    assert one(files).auth is False
    configured = one(files, Config(auth_patterns=("ensure_*",)))
    assert (configured.auth, configured.auth_dependencies) == (True, ("ensure_member",))


def test_router_and_include_level_dependencies_apply() -> None:
    route = one(
        {
            "deps.py": DEPS,
            "main.py": APP
            + """
from fastapi import Depends
from deps import get_current_user, get_db
router = APIRouter(dependencies=[Depends(get_db)])
@router.get("/x")
def x(): ...
app.include_router(router, dependencies=[Depends(get_current_user)])
""",
        }
    )
    assert (route.auth, route.dependencies) == (True, ("get_current_user", "get_db"))


@pytest.mark.parametrize(
    ("source", "verified"),
    [
        # a cookie the handler reads and decodes itself
        (
            'def x(request: Request):\n    t = request.cookies["refreshToken"]\n'
            "    return jwt.decode(t, KEY)\n",
            ("cookie:refreshtoken",),
        ),
        # a dependency reading the Authorization header and verifying the token
        (
            "def ctx(authorization: str | None = Header(None)):\n"
            "    return _verify_supabase_jwt(authorization)\n"
            "def x(auth=Depends(ctx)): ...\n",
            ("header:authorization",),
        ),
        # an API key header, by alias, checked by a verify_* call
        (
            'def key(k: str = Header(..., alias="X-API-Key")):\n    verify_api_key(k)\n'
            "def x(k=Depends(key)): ...\n",
            ("header:x-api-key",),
        ),
        # reading a header that is no credential, or verifying nothing, proves nothing
        (
            'def x(request: Request):\n    rid = request.headers.get("X-Request-ID")\n'
            "    return validate_payload(rid)\n",
            (),
        ),
        ('def x(request: Request):\n    return request.cookies.get("theme")\n', ()),
        # a token query parameter handed to the verification (a WebSocket's way)
        ("def x(token: str):\n    user_id = verify_token(token)\n", ("query:token",)),
        ("def x(api_key: str = Query(...)):\n    verify_api_key(api_key)\n", ("query:api_key",)),
        # a query parameter the verification is not handed proves nothing
        ("def x(token: str, other: str):\n    verify_token(other)\n", ()),
    ],
)
def test_credentials_a_handler_verifies_itself(source: str, verified: tuple[str, ...]) -> None:
    main = (
        APP
        + "\nfrom fastapi import Depends, Header, Query, Request\n"
        + source.replace("def x(", '@app.get("/x")\ndef x(')
    )
    route = one({"main.py": main})
    assert (route.auth, route.verified_credentials) == (False, verified)


@pytest.mark.parametrize(
    ("kwargs", "docs"),
    [
        ("", ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc")),
        ("docs_url=None", ("/openapi.json", "/redoc")),
        (
            'docs_url="/api/docs", redoc_url=None',
            ("/openapi.json", "/api/docs", "/docs/oauth2-redirect"),
        ),
        ("openapi_url=None", ()),
        ("docs_url=settings.DOCS", ("/openapi.json", "/redoc")),  # unknown: not counted
    ],
)
def test_fastapi_serves_its_own_docs_unless_turned_off(kwargs: str, docs: tuple[str, ...]) -> None:
    from tests.routes.support import resolve

    main = (
        "from fastapi import FastAPI\nimport settings\n"
        f"app = FastAPI({kwargs})\n@app.get('/x')\ndef x(): ...\n"
    )
    (app,) = [
        a for a in resolve({"main.py": main, "settings.py": "DOCS = None\n"}).apps if a.served
    ]
    assert app.docs == docs


@pytest.mark.parametrize(
    ("files", "bases"),
    [
        ({"main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}, ()),
        ({"main.py": 'from fastapi import FastAPI\napp = FastAPI(root_path="/api/v1/")\n'},
         ("/api/v1",)),
        (
            {
                "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
                "handler.py": "from mangum import Mangum\nfrom main import app\n"
                'handler = Mangum(app, api_gateway_base_path="/api")\n',
            },
            ("/api",),
        ),
        (  # only known at run time: not a base path
            {
                "main.py": "import os\nfrom fastapi import FastAPI\napp = FastAPI()\n",
                "handler.py": "import os\nfrom mangum import Mangum\nfrom main import app\n"
                'handler = Mangum(app, api_gateway_base_path=os.environ["BASE"])\n',
            },
            (),
        ),
    ],
)
def test_base_paths_a_deployment_strips(files: dict[str, str], bases: tuple[str, ...]) -> None:
    from tests.routes.support import resolve

    main = files["main.py"] + "@app.get('/x')\ndef x(): ...\n"
    (app,) = [a for a in resolve({**files, "main.py": main}).apps if a.served]
    assert app.base_paths == bases


@pytest.mark.parametrize(
    ("body", "auth"),
    [
        # the dependency's result is the auth dependency's: it guards as a Depends would
        ("    info = await get_current_user(authorization)\n"
         "    if not info.get('verified'):\n"
         "        raise HTTPException(403)\n"
         "    return info\n", True),
        # a failure that a branch answers with a return makes the credential optional
        ("    info = await get_current_user(authorization)\n"
         "    if not info:\n"
         "        return None\n"
         "    return info\n", False),
        # a return before the call: the call does not always run
        ("    if authorization is None:\n"
         "        return None\n"
         "    return await get_current_user(authorization)\n", False),
        # a failure caught by a handler that lets the request through
        ("    try:\n"
         "        info = await get_current_user(authorization)\n"
         "    except HTTPException:\n"
         "        info = None\n"
         "    return info\n", False),
        # a direct return of the auth dependency's result
        ("    return await get_current_user(authorization)\n", True),
        # a call of a function that checks nothing
        ("    info = await load_profile(authorization)\n"
         "    return info\n", False),
    ],
)  # fmt: skip
def test_a_dependency_that_calls_an_auth_dependency_itself(body: str, auth: bool) -> None:
    route = one(
        {
            "main.py": APP
            + """
from typing import Optional
from fastapi import Depends, Header, HTTPException

async def get_current_user(authorization: Optional[str] = Header(None)): ...

async def load_profile(authorization): ...

async def get_verified_user(authorization: Optional[str] = Header(None)):
"""
            + body
            + """
@app.get("/x")
async def x(user=Depends(get_verified_user)): ...
"""
        }
    )
    expected = ("get_verified_user", "get_current_user") if auth else ()
    assert (route.auth, route.auth_dependencies) == (auth, expected)
