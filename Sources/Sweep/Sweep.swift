// Placeholder: the Sweep module is being built.
