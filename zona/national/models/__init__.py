"""The national stage's tables: the backbone in `core`, each part's own records in its module
(declaration: declaration, pacts, eligibility; package: the proposal's lines and documents;
tpn: the TPN's stage records; monitoring: monitoring rounds and revocations)."""

from zona.national.models.core import *  # noqa: F403
from zona.national.models.declaration import *  # noqa: F403
from zona.national.models.monitoring import *  # noqa: F403
from zona.national.models.package import *  # noqa: F403
from zona.national.models.tpn import *  # noqa: F403
