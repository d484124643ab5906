"""The fault-injection run (issue 14): a seeded workload against 2 instances of every
service on private servers, while a chaos driver kills instances and restarts the
broker, the Mongo-wire server and the mail catcher; a checker then counts what was
lost, duplicated and dead-lettered. `python -m tests.faults --help`."""
