"""Input channels. Every one passes patient text through channels.guard first."""
