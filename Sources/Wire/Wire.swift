// Placeholder: the Wire module is being built.
