"""The contract of the Mongo-wire server: the primitives every "exactly once" rests on.

Run against the server `PARTNEROPS_MONGO__URL` names (like every integration test); the
restart cases start a private server of the kind `PARTNEROPS_MONGO_SERVER` selects
through `deploy/local/servers.sh`. The expected answers are MongoDB 7's documented ones
(not run here against MongoDB 7 itself: no Docker engine on the development machines);
mongo-java-server, the default, passes; FerretDB 1.24 fails the concurrency cases
(README, "The local servers").
"""
