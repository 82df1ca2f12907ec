// Placeholder: the Cluster module is being built.
