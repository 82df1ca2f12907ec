// Placeholder: the ZeroMQ module is being built.
