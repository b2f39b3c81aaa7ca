"""Model for Improvement: aims, PDSA cycles and ramps (pure, no Django, no I/O)."""
