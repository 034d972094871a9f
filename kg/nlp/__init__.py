"""Korean language processing: morphology, mentions, dates and numbers."""
