"""Reads with meaning for the surveys app, as typed read models (frozen dataclasses). The
modules:

- `campaigns`: which campaigns a user sees, a campaign with its details, the public form's
  campaign (cached per process), whether a response key is stored;
- `progress`: counted, excluded and flagged responses against the sample targets, and the
  kiosk share;
- `results`: indices per instrument, item, service and over time, computed in SQL;
- `lke`: the round feeding the unit's LKE, its IPAK and IPKP, the SKM rounds, the audited
  history of that choice;
- `tallies`: the sums and counts of the results, from the running totals (and their
  scanning twins);
- `exports`: the response export's rows;
- `review`: flagged responses, validation calls, code batches and suggestions of a
  campaign, as the staff pages page through them (imported from the module itself).
"""

from zona.surveys.selectors import tallies
from zona.surveys.selectors.campaigns import (
    campaign_with_details,
    campaigns_for,
    instrument_versions_for,
    public_campaign,
    response_stored,
    with_instruments,
)
from zona.surveys.selectors.exports import export_columns, export_rows
from zona.surveys.selectors.lke import (
    LkeFeedEvent,
    LkeFeedState,
    lke_feed_pin,
    lke_feed_state,
    lke_source_campaign,
    skm_rounds,
    survey_indices_for,
)
from zona.surveys.selectors.progress import (
    ChannelShare,
    Progress,
    ServiceProgress,
    campaign_progress,
    channel_share,
    progress_by_campaign,
)
from zona.surveys.selectors.results import (
    IndexResult,
    ItemResult,
    ServiceIndex,
    TrendPoint,
    campaign_results,
    compute_index,
    index_result,
    results_by_service,
    unit_trend,
)

__all__ = [
    "ChannelShare",
    "IndexResult",
    "ItemResult",
    "LkeFeedEvent",
    "LkeFeedState",
    "Progress",
    "ServiceIndex",
    "ServiceProgress",
    "TrendPoint",
    "campaign_progress",
    "campaign_results",
    "campaign_with_details",
    "campaigns_for",
    "channel_share",
    "compute_index",
    "export_columns",
    "export_rows",
    "index_result",
    "instrument_versions_for",
    "lke_feed_pin",
    "lke_feed_state",
    "lke_source_campaign",
    "progress_by_campaign",
    "public_campaign",
    "response_stored",
    "results_by_service",
    "skm_rounds",
    "survey_indices_for",
    "tallies",
    "unit_trend",
    "with_instruments",
]
