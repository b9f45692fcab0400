"""Background work between the HTTP client and the local store: no widgets."""
