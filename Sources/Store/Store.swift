// Placeholder: the Store module is being built.
