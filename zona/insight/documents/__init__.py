"""Documents agencies exchange (issue 12 §6): the LHE, the unit profile, the LKE files of a
subtree and the SKM report. Data is read here (stored scores, review records, survey
tallies); `render` writes it as DOCX (python-docx) and PDF (WeasyPrint), `charts` draws the
plots (matplotlib, as SVG)."""
