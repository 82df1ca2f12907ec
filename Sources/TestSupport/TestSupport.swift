// Placeholder: the TestSupport module is being built.
