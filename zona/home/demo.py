"""`make run`'s demo data: the accounts' demo agency, then every other app's own.

Idempotent (each part matches what it loads by code or name). An app adds demo data through
a `demo.py` module with `load_demo_data(ctx: DemoContext)`, called in INSTALLED_APPS order
with the context `zona.accounts.demo` built. The app registry finds those modules, so this
shell names no app but accounts.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.db import transaction

from zona.accounts.demo import DemoContext, load_demo_accounts

# Apps whose demo data is not a `load_demo_data` hook: accounts builds the context itself.
_NOT_HOOKS = {"zona.accounts", "zona.home"}


@transaction.atomic
def load_demo() -> DemoContext:
    ctx = load_demo_accounts()
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("zona.") or app_config.name in _NOT_HOOKS:
            continue
        try:
            module = import_module(f"{app_config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.demo":
                raise
            continue
        module.load_demo_data(ctx)
    return ctx
