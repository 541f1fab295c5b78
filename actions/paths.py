"""Where the project's knowledge files live (now in miss_config; this module goes
when its last importers follow)."""
from miss_config.knowledge import knowledge_dir  # noqa: F401
from miss_config.paths import PROJECT_ROOT  # noqa: F401
