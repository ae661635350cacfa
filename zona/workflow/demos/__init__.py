"""Demo data of each workflow part (see zona/workflow/demo.py)."""
