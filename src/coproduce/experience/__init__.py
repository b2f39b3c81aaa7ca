"""Experience and co-design: feedback, redaction, themes, sentiment, journeys and EBCD."""
