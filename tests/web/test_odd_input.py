"""Odd input never gives a 5xx: random values for every query and form parameter of every
route of both apps, as nobody, as a signed-in source, a signed-in reviewer and an API caller.

The parameter names are collected from the code itself (every form field of both apps and
every query argument a view reads), so a new parameter is covered without editing this test.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.routing import AnyConverter, MapAdapter, Rule
from wtforms import Form

import journalist_interface.forms
import source_interface.forms
from crypto.gate import Gate
from tests.factories import InstanceConfigs, World, csrf, make_world, new_source, sign_in
from tests.reviewer.test_api import api_token
from webcommon.params import strict_int

ROOT = Path(__file__).resolve().parents[2]
# What the apps must survive; the first ones are the review's reproductions.
ODD = [
    "²",
    "๓",
    "٣",
    "9" * 20,
    "-1",
    "0",
    " 1",
    "1_0",
    "1e3",
    "x",
    "",
    "\x00",
    "%",
    "me",
    "none",
    "\r\n",
    "1" * 2000,
]
VALUES = st.one_of(st.sampled_from(ODD), st.text(max_size=40), st.integers().map(str))
# Signing out, or revoking the shared API token, would leave the other examples nothing to do.
SKIP = {"source.logout", "auth.logout", "api.revoke"}
METHODS = ("GET", "POST", "PUT", "DELETE")


def form_fields() -> set[str]:
    names: set[str] = set()
    for module in (source_interface.forms, journalist_interface.forms):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Form) and cls.__module__ == module.__name__:
                names |= {n for n, v in vars(cls).items() if hasattr(v, "field_class")}
    return names


def query_names() -> set[str]:
    pattern = re.compile(r"""(?:args\.get|arg_int|_page_arg|form\.get)\(\s*f?["']([a-z_-]+)""")
    names: set[str] = set()
    for folder in ("source_interface", "journalist_interface", "webcommon"):
        for path in (ROOT / folder).glob("*.py"):
            names |= set(pattern.findall(path.read_text("utf-8")))
    return names


PARAMETERS = sorted(form_fields() | query_names() | {"next", "desk-1", "csrf_token"})
# Each example sends about half of all the names: each with its own value, or all with one
# odd value (so that the few names a route reads meet the odd values often).
ANY_PARAMETERS = st.one_of(
    st.fixed_dictionaries({}, optional={name: VALUES for name in PARAMETERS}),
    st.sampled_from(ODD).flatmap(
        lambda v: st.fixed_dictionaries({}, optional={n: st.just(v) for n in PARAMETERS})
    ),
)


@dataclass
class Caller:
    """A client in one sign-in state, and how it authenticates."""

    name: str
    client: FlaskClient
    headers: dict[str, str]
    token: str | None  # a valid CSRF token, when the state has pages to take one from


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    from tests.factories import make_configs

    configs: InstanceConfigs = make_configs(tmp_path_factory.mktemp("odd"))
    w = make_world(configs)
    # The gates answer 503 past their budgets by design; give the examples budgets they
    # cannot exhaust, so that any 5xx seen here is a defect.
    w.reviewer_app.extensions["westrong_signin_gate"] = Gate(concurrency=8, per_second=1e6)
    w.source_app.extensions["westrong_gate"] = Gate(concurrency=8, per_second=1e6)
    return w


@pytest.fixture(scope="module")
def callers(world: World) -> dict[str, list[Caller]]:
    source = world.source_app.test_client()
    new_source(source)
    reviewer = sign_in(world, "admin")
    bearer = {"Authorization": f"Bearer {api_token(world, 'admin', offset=1)}"}
    return {
        "source": [
            Caller("anonymous", world.source_app.test_client(), {}, None),
            Caller("source", source, {}, csrf(source.get("/lookup").get_data(as_text=True))),
        ],
        "reviewer": [
            Caller("anonymous", world.reviewer_app.test_client(), {}, None),
            Caller("reviewer", reviewer, {}, csrf(reviewer.get("/account").get_data(as_text=True))),
            Caller("api", world.reviewer_app.test_client(), bearer, None),
        ],
    }


def routes(app: Flask) -> list[tuple[Rule, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        for method in sorted((rule.methods or set()) & set(METHODS)):
            found.append((rule, method))
    return found


def path_value(world: World, rule: Rule, converter: Any) -> st.SearchStrategy[Any]:
    if isinstance(converter, AnyConverter):
        return st.sampled_from(sorted(converter.items))
    if type(converter).__name__ == "IdConverter":
        unknown = st.integers(10**6, 2**31 - 1)
        if rule.endpoint.startswith("admin."):
            return unknown  # never disable or reset the signed-in admin by chance
        return st.one_of(st.sampled_from(sorted(world.cases.values())), unknown)
    return st.one_of(st.sampled_from(ODD[:-1]), st.text(min_size=1, max_size=20))


def test_parameter_names_were_found() -> None:
    for name in ("page", "assignee", "desk", "status", "upload_limit_mib", "codename", "msg"):
        assert name in PARAMETERS, name


def test_strict_int() -> None:
    assert strict_int("42") == 42
    for bad in ("²", "๓", " 1", "1_0", "9" * 20, "", None, "1.0", "+1"):
        assert strict_int(bad) is None, bad
    assert strict_int("0", low=1) is None


@pytest.mark.parametrize("app_name", ["source", "reviewer"])
def test_no_5xx_on_odd_input(world: World, callers: dict[str, list[Caller]], app_name: str) -> None:
    app = world.source_app if app_name == "source" else world.reviewer_app
    states = callers[app_name]
    adapter = app.url_map.bind("localhost")
    for rule, method in routes(app):
        check_route(world, adapter, rule, method, states)


def check_route(
    world: World, adapter: MapAdapter, rule: Rule, method: str, states: list[Caller]
) -> None:
    """Send generated requests to one route with one method; fail on any 5xx."""
    arguments = {
        name: path_value(world, rule, conv) for name, conv in (rule._converters or {}).items()
    }

    first_path = {
        name: sorted(conv.items)[0] if isinstance(conv, AnyConverter) else 10**6
        for name, conv in (rule._converters or {}).items()
    }
    examples = [
        example(
            who=who,
            path=first_path,
            query=dict.fromkeys(PARAMETERS, value),
            form=dict.fromkeys(PARAMETERS, value),
            with_token=True,
            multipart=False,
        )
        for who in states
        for value in ODD[:4]  # the review's reproductions, on every route
    ]

    @given(
        who=st.sampled_from(states),
        path=st.fixed_dictionaries(arguments),
        query=ANY_PARAMETERS,
        form=ANY_PARAMETERS,
        with_token=st.booleans(),
        multipart=st.booleans(),
    )
    @settings(
        max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(
        who: Caller,
        path: dict[str, Any],
        query: dict[str, str],
        form: dict[str, str],
        with_token: bool,
        multipart: bool,
    ) -> None:
        url = adapter.build(rule.endpoint, path, method=method)
        data = dict(form)
        if with_token and who.token:
            data["csrf_token"] = who.token
        response = who.client.open(
            url,
            method=method,
            query_string=query,
            data=data if method != "GET" else None,
            content_type="multipart/form-data" if multipart and method != "GET" else None,
            headers=who.headers,
        )
        response.close()
        assert response.status_code < 500, (who.name, method, url, query, form)

    for add in examples:
        check = add(check)
    check()
