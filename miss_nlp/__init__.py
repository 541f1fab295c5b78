"""The project's own spaCy pipeline and the custom Rasa NLU components built on it."""

PIPELINE_PACKAGE = "en_miss_pipeline"
