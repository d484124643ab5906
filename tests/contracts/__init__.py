"""Contract test classes run against more than one implementation of a port."""
