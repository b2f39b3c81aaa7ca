"""Reports built from a project's record: plain documents, rendered to PDF (no Django)."""
