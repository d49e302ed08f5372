// The placement engine: see the issue on task placement.
