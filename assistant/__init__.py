"""Running the assistant: starting, stopping and waiting for its servers."""
