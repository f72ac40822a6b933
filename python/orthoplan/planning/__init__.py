"""The planning pipeline: from segmented scans to a plan a clinician reviews."""
