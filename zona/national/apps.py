from django.apps import AppConfig


class NationalConfig(AppConfig):
    """The national stage (issue 11): declaration and candidacy, the proposal to the TPN,
    the TPN's stages, predicates, monitoring and revocation."""

    name = "zona.national"
    label = "national"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The sheet's verdicts read which predicates a unit holds from the register here
        # (zona/assessments/ports.py PredicateRegister).
        from zona.assessments.ports import register_predicate_register
        from zona.national.selectors.core import RegistryPredicates

        register_predicate_register(RegistryPredicates())
        from zona.national.labels import register_national_labels

        register_national_labels()
        # Each part registers its own hooks (hand-off kinds, reminder windows, gates) in
        # its module's `ready()`; see PARTS.
        from importlib import import_module

        for part in PARTS:
            try:
                module = import_module(f"zona.national.hooks.{part}")
            except ModuleNotFoundError as exc:
                if exc.name != f"zona.national.hooks.{part}":
                    raise
                continue
            module.ready()


PARTS = ["candidacy", "proposal", "tpn", "predicates"]
