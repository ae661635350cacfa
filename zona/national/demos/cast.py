"""Who plays which part of the national stage in the demo (so every part's demo agrees).

Year 2026 (the demo's PMPZI year; the proposal deadline has passed and the TPN's stages are
under way in December). Units by code, all in the demo agency KPM.
"""

from __future__ import annotations

YEAR = 2026

# Candidates designated for 2026 that are still in the agency's own chain (not proposed).
CANDIDATES_IN_CHAIN = ["KPM-IMI-BDG", "KPM-IMI-BGR", "KPM-IMI-BKS", "KPM-IMI-DPK"]

# The 2026 proposal of KPM: unit code -> (target, where its nomination stands today).
NOMINATED = {
    "KPM-PZN-MDN": ("WBK", "awarded"),  # WBK 2026 decreed: in the register
    "KPM-PZN-PMS": ("WBK", "determination"),
    "KPM-PZN-BNJ": ("WBK", "clearance"),
    "KPM-PZN-SBG": ("WBK", "field"),
    "KPM-PZN-TBT": ("WBK", "desk"),
    "KPM-PZN-KSR": ("WBK", "follow_up"),  # passed with notes; the follow-up is due
    "KPM-PZN-MKS": ("WBK", "appeal"),  # failed the administrative selection, appealed
    "KPM-PZN-PRE": ("WBK", "ended"),  # failed, the appeal was rejected
    "KPM-PZN-PLP": ("WBK", "not_awarded"),
    "KPM-PZN-BON": ("WBK", "admin"),  # waiting for the administrative selection
    "KPM-AHU-SBY": ("WBBM", "desk"),  # holds WBK since 2023 (history), aims at WBBM
}

# Earlier years' predicates (loaded by the predicates part's `history` demo, before the
# proposal): unit -> list of (kind, year, decree date ISO, revoked on ISO or None).
HISTORY = {
    "KPM-AHU-SBY": [("WBK", 2023, "2023-12-12", None)],
    "KPM-AHU-MLG": [("WBK", 2024, "2024-12-10", None)],  # monitoring due in Dec 2026
    "KPM-AHU-SMG": [("WBK", 2022, "2022-12-09", None), ("WBBM", 2024, "2024-12-10", None)],
    "KPM-PZN-GWA": [("WBK", 2023, "2023-12-12", "2025-08-20")],  # revoked: blocked to 2027
}

# A candidate of 2026 under a revocation block: its proposal is refused with the date.
BLOCKED_CANDIDATE = "KPM-PZN-GWA"
