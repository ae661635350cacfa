"""Every write of the surveys app: typed, keyword-only, raising zona.core.errors.

Staff changes are audited in the same transaction. Public submissions are not: an audit
event carries a time to the second and the request's context, which is exactly what must
not sit next to an anonymous answer.
"""

from zona.surveys.services.campaigns import (
    MAX_BATCH,
    CampaignFields,
    campaign_create,
    campaign_publish_results,
    campaign_update,
    code_batch_create,
)
from zona.surveys.services.common import check_perm, normalize_code
from zona.surveys.services.instruments import (
    InstrumentChanged,
    InstrumentFilesInvalid,
    InstrumentLoadResult,
    instrument_load_files,
    instrument_load_texts,
)
from zona.surveys.services.lke_feed import (
    FEED_ACTIONS,
    feed_lock_reason,
    survey_feed_pin,
    survey_feed_unpin,
)
from zona.surveys.services.responses import (
    Submission,
    SubmitResult,
    contact_leave,
    quality_flags,
    response_exclude,
    response_restore,
    response_submit,
)
from zona.surveys.services.validation import (
    MAX_DRAW,
    contact_pool,
    draw_cap,
    draw_sample,
    pool_digest,
    validation_call_record,
    validation_draw_create,
)

__all__ = [
    "FEED_ACTIONS",
    "MAX_BATCH",
    "MAX_DRAW",
    "CampaignFields",
    "InstrumentChanged",
    "InstrumentFilesInvalid",
    "InstrumentLoadResult",
    "Submission",
    "SubmitResult",
    "campaign_create",
    "campaign_publish_results",
    "campaign_update",
    "check_perm",
    "code_batch_create",
    "contact_leave",
    "contact_pool",
    "draw_cap",
    "draw_sample",
    "feed_lock_reason",
    "instrument_load_files",
    "instrument_load_texts",
    "normalize_code",
    "pool_digest",
    "quality_flags",
    "response_exclude",
    "response_restore",
    "response_submit",
    "survey_feed_pin",
    "survey_feed_unpin",
    "validation_call_record",
    "validation_draw_create",
]
