"""What a clinic configures, below every other package: where the project is
(paths.py), its settings from the environment (settings.py) and its knowledge
(knowledge.py: knowledge/ and the domain's responses).

It imports none of the project's other packages, so miss_nlp, assistant and
channels can all use it without an import cycle."""
