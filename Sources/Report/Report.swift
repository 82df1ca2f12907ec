// Placeholder: the Report module is being built.
