"""Survey instruments, campaigns, anonymous responses and the validation of a survey.

Anonymity is a property of the schema, not of the pages: a Response holds no name, national
ID, phone, IP, device token or exact time (only the hour), and its primary key is random so
that its position in a list says nothing about when it came in. The contact a respondent may
leave for verification lives in Contact, which has no relation to Response in either
direction. See docs/surveys.md. The modules:

- `common`: random keys and short codes (migrations name them as field defaults);
- `instruments`: questionnaires and their versions;
- `campaigns`: rounds, their instruments and services, the LKE pin, kiosks;
- `responses`: responses, answers, one-time codes;
- `apart`: contacts and suggestions, and the sealed drops they wait in;
- `validation`: reviewers' draws and calls;
- `tallies`: running totals the results and the LKE read instead of the answers.
"""

from zona.surveys.models.apart import (
    Contact,
    ContactDrop,
    Suggestion,
    SuggestionDrop,
    SuggestionStatus,
)
from zona.surveys.models.campaigns import (
    Campaign,
    CampaignInstrument,
    CampaignService,
    Kiosk,
    LkeFeedPin,
)
from zona.surveys.models.common import (
    SHORT_ALPHABET,
    contact_token,
    floor_to_hour,
    kiosk_key,
    random_id,
    short_code,
)
from zona.surveys.models.instruments import (
    Instrument,
    InstrumentVersion,
    Measure,
)
from zona.surveys.models.responses import (
    Answer,
    Channel,
    CodeBatch,
    Flag,
    OneTimeCode,
    Response,
    ResponseQuerySet,
    ServedWhen,
)
from zona.surveys.models.tallies import BandTally, ItemTally, ResponseTally
from zona.surveys.models.validation import (
    CallOutcome,
    ValidationCall,
    ValidationDraw,
)

__all__ = [
    "SHORT_ALPHABET",
    "Answer",
    "BandTally",
    "CallOutcome",
    "Campaign",
    "CampaignInstrument",
    "CampaignService",
    "Channel",
    "CodeBatch",
    "Contact",
    "ContactDrop",
    "Flag",
    "Instrument",
    "InstrumentVersion",
    "ItemTally",
    "Kiosk",
    "LkeFeedPin",
    "Measure",
    "OneTimeCode",
    "Response",
    "ResponseQuerySet",
    "ResponseTally",
    "ServedWhen",
    "Suggestion",
    "SuggestionDrop",
    "SuggestionStatus",
    "ValidationCall",
    "ValidationDraw",
    "contact_token",
    "floor_to_hour",
    "kiosk_key",
    "random_id",
    "short_code",
]
