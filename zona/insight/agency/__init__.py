"""The agency and subtree dashboard (issue 12 §4): who may open it (`access`), the yearly
targets (`targets`), the Excel downloads (`excel`) and the audit labels (`labels`). The
reads are in `zona.insight.selectors.agency` and `zona.insight.selectors.funnel`."""
