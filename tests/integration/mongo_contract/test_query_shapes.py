"""The query and update shapes the services send, each with the answer MongoDB 7 gives.

Found by searching shared/ and services/ for find, find_one, find_one_and_update,
update_one, insert_many, delete_many, count_documents and create_index (no service uses
aggregate). Each test names where its shapes come from.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pymongo import ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError

pytestmark = pytest.mark.integration

T0 = datetime(2031, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)


async def test_projections_of_the_store_and_the_outbox_relay(mongo_db):
    # shared/store.py load (exclusion), shared/outbox.py _flush (inclusion) and sweep.
    col = mongo_db.docs
    await col.insert_one(
        {
            "_id": "a",
            "version": 3,
            "state": {"x": 1},
            "outbox": [{"id": "e1"}],
            "outbox_pending": True,
            "lease_until": T0,
            "lease_owner": "p1",
        }
    )
    await col.insert_one({"_id": "b", "outbox": [], "outbox_pending": False})
    loaded = await col.find_one({"_id": "a"}, {"outbox": 0, "lease_until": 0, "lease_owner": 0})
    assert loaded == {"_id": "a", "version": 3, "state": {"x": 1}, "outbox_pending": True}
    assert await col.find_one({"_id": "a"}, {"outbox": 1}) == {"_id": "a", "outbox": [{"id": "e1"}]}
    pending = [d async for d in col.find({"outbox_pending": True}, {"_id": 1})]
    assert pending == [{"_id": "a"}]
    assert await col.find_one({"_id": "missing"}) is None


async def test_filters_on_dotted_paths_array_members_and_null(mongo_db):
    # onboarding: read_models.DirectoryReads (state.reseller.partner_id; $ne None),
    # read_models.TenantReads (two fields), customers by state.partner_ids (array member).
    col = mongo_db.tenants
    await col.insert_many(
        [
            {
                "_id": "t1",
                "state": {
                    "reseller": {"partner_id": "P-1"},
                    "partner_ids": ["P-1", "P-2"],
                    "administration": {"opted_in_at": T0},
                },
            },
            {
                "_id": "t2",
                "state": {
                    "reseller": {"partner_id": "P-2"},
                    "partner_ids": ["P-2"],
                    "administration": {"opted_in_at": None},
                },
            },
            {"_id": "t3", "state": {"partner_ids": [], "administration": {}}},
        ]
    )
    ids = lambda docs: sorted(d["_id"] for d in docs)  # noqa: E731
    assert ids([d async for d in col.find({"state.reseller.partner_id": "P-2"})]) == ["t2"]
    assert ids([d async for d in col.find({"state.partner_ids": "P-2"})]) == ["t1", "t2"]
    opted = {"state.administration.opted_in_at": {"$ne": None}}
    assert ids([d async for d in col.find(opted)]) == ["t1"]
    both = {"state.reseller.partner_id": "P-1", "state.partner_ids": "P-2"}
    assert (await col.find_one(both))["_id"] == "t1"
    assert await col.count_documents({}) == 3


async def test_versioned_update_with_push_each_and_its_miss(mongo_db):
    # shared/store.py save: $set + $push $each under {_id, version}.
    col = mongo_db.docs
    await col.insert_one({"_id": "a", "version": 1, "outbox": [{"id": "e1"}]})
    update = {
        "$set": {"version": 2, "state": {"nested": {"k": [1, 2]}}},
        "$push": {"outbox": {"$each": [{"id": "e2"}, {"id": "e3"}]}},
    }
    hit = await col.update_one({"_id": "a", "version": 1}, update)
    assert (hit.matched_count, hit.modified_count) == (1, 1)
    miss = await col.update_one({"_id": "a", "version": 1}, update)
    assert (miss.matched_count, miss.modified_count) == (0, 0)
    doc = await col.find_one({"_id": "a"})
    assert doc["version"] == 2 and doc["state"] == {"nested": {"k": [1, 2]}}
    assert [e["id"] for e in doc["outbox"]] == ["e1", "e2", "e3"]


async def test_outbox_removal_by_exact_array_pull_all_and_size(mongo_db):
    # shared/outbox.py _remove.
    col = mongo_db.docs
    e1 = {"id": "e1", "topic": "t", "key": "a", "body": "{}"}
    e2 = {"id": "e2", "topic": "t", "key": "a", "body": "{}"}
    await col.insert_one({"_id": "a", "outbox": [e1, e2], "outbox_pending": True})
    exact = await col.update_one({"_id": "a", "outbox": [e1]}, {"$set": {"outbox": []}})
    assert exact.matched_count == 0  # [e1] is not the whole array
    await col.update_one({"_id": "a"}, {"$pullAll": {"outbox": [e1]}})
    assert (await col.find_one({"_id": "a"}))["outbox"] == [e2]
    empty = await col.update_one({"_id": "a", "outbox": {"$size": 0}}, {"$set": {"x": 1}})
    assert empty.matched_count == 0
    cleared = await col.update_one(
        {"_id": "a", "outbox": [e2]}, {"$set": {"outbox": [], "outbox_pending": False}}
    )
    assert cleared.matched_count == 1
    empty = await col.update_one(
        {"_id": "a", "outbox": {"$size": 0}}, {"$set": {"outbox_pending": False}}
    )
    assert empty.matched_count == 1


async def test_lease_claim_matches_missing_null_and_expired_leases_only(mongo_db):
    # shared/timers.py claim: find_one_and_update with $lte, $or of null/$lt, AFTER.
    col = mongo_db.docs
    past, future = T0 - timedelta(minutes=1), T0 + timedelta(minutes=1)
    await col.insert_many(
        [
            {"_id": "missing", "next_due_at": past},
            {"_id": "null", "next_due_at": past, "lease_until": None},
            {"_id": "expired", "next_due_at": past, "lease_until": past},
            {"_id": "leased", "next_due_at": past, "lease_until": future},
            {"_id": "not-due", "next_due_at": future, "lease_until": None},
            {"_id": "no-timer", "next_due_at": None, "lease_until": None},
        ]
    )
    query = {
        "next_due_at": {"$lte": T0},
        "$or": [{"lease_until": None}, {"lease_until": {"$lt": T0}}],
    }
    lease = {"$set": {"lease_until": future, "lease_owner": "p1"}}
    claimed = []
    while doc := await col.find_one_and_update(query, lease, return_document=ReturnDocument.AFTER):
        assert doc["lease_until"] == future and doc["lease_owner"] == "p1"
        claimed.append(doc["_id"])
    assert sorted(claimed) == ["expired", "missing", "null"]
    released = await col.update_one(
        {"_id": "null", "lease_owner": "p1"}, {"$set": {"lease_until": None}}
    )
    assert released.modified_count == 1


async def test_datetimes_keep_their_instant_to_the_millisecond(mongo_db):
    await mongo_db.docs.insert_one({"_id": "a", "at": T0, "in": T0 + timedelta(days=22)})
    doc = await mongo_db.docs.find_one({"at": {"$lte": T0}, "in": {"$gt": T0}})
    assert doc["at"] == T0 and doc["at"].tzinfo is not None
    assert doc["in"] - doc["at"] == timedelta(days=22)


async def test_claim_documents_insert_many_unordered_cas_and_deletes(mongo_db):
    # porting NumberClaims, onboarding UniqueClaims.
    col = mongo_db.claims
    await col.insert_one({"_id": "+31205550001", "port_id": "old", "partner_id": "P-1"})
    with pytest.raises(BulkWriteError) as raised:
        await col.insert_many(
            [{"_id": n, "port_id": "new"} for n in ("+31205550001", "+31205550002")],
            ordered=False,
        )
    errors = raised.value.details["writeErrors"]
    assert [(e["code"], e["op"]["_id"]) for e in errors] == [(11000, "+31205550001")]
    assert await col.count_documents({"port_id": "new"}) == 1  # the other one went in
    swap = {"$set": {"port_id": "new", "partner_id": "P-2"}}
    assert (await col.update_one({"_id": "+31205550001", "port_id": "old"}, swap)).matched_count
    assert not (await col.update_one({"_id": "+31205550001", "port_id": "old"}, swap)).matched_count
    await col.insert_one({"_id": "+31205550003", "port_id": "new"})
    await col.delete_many({"port_id": "new", "_id": {"$nin": ["+31205550003"]}})
    assert [d["_id"] async for d in col.find({})] == ["+31205550003"]
    assert (await col.delete_one({"_id": "+31205550003", "port_id": "other"})).deleted_count == 0
    assert (await col.delete_one({"_id": "+31205550003", "port_id": "new"})).deleted_count == 1


async def test_upsert_with_inc_counts_from_nothing(mongo_db):
    # tests/integration/counter_service.py deliveries.
    for _ in range(3):
        await mongo_db.deliveries.update_one({"_id": "m1"}, {"$inc": {"n": 1}}, upsert=True)
    assert await mongo_db.deliveries.find_one({"_id": "m1"}) == {"_id": "m1", "n": 3}


async def test_indexes_are_created_idempotently_and_unique_ones_are_enforced(mongo_db):
    # shared/mongo.py ensure_indexes with the specs of every service's wiring.
    col = mongo_db.ports
    for _ in range(2):
        await col.create_index([("state.port.partner_id", 1)])
        await col.create_index([("next_due_at", 1)])
        await col.create_index([("state.email", 1)], unique=True, name="email_unique")
    names = {index["name"] async for index in await col.list_indexes()}
    assert {"_id_", "state.port.partner_id_1", "next_due_at_1", "email_unique"} <= names
    await col.insert_one({"_id": "a", "state": {"email": "ada@example.com"}})
    with pytest.raises(DuplicateKeyError):
        await col.insert_one({"_id": "b", "state": {"email": "ada@example.com"}})
    with pytest.raises(DuplicateKeyError):
        await col.insert_one({"_id": "a", "state": {"email": "bob@example.com"}})


async def test_filters_naming_id_and_more_find_what_they_mean(mongo_db):
    # shared/store.py write_batch and clear ({_id, version}), shared/timers.py lease
    # ({_id, lease_until}), porting adapters/claims.py take-over and release
    # ({_id: {$in}, port_id}). The local server reads `_id`'s index for these and matches
    # the rest (deploy/local/mongo/Launcher.java): the answers must be the full filter's.
    col = mongo_db.narrowed
    await col.insert_many(
        [
            {"_id": "a", "version": 2, "lease_until": None, "owner": "X", "tags": ["p"]},
            {"_id": "b", "version": 3, "lease_until": T0, "owner": "Y", "tags": []},
            {"_id": "c", "version": 2, "owner": "X"},
        ]
    )
    ids = lambda docs: sorted(d["_id"] for d in docs)  # noqa: E731
    assert ids([d async for d in col.find({"_id": "a", "version": 2})]) == ["a"]
    assert ids([d async for d in col.find({"_id": "a", "version": 3})]) == []
    assert ids([d async for d in col.find({"_id": "b", "lease_until": T0})]) == ["b"]
    assert ids([d async for d in col.find({"_id": "a", "lease_until": None})]) == ["a"]
    assert ids([d async for d in col.find({"_id": "c", "lease_until": None})]) == ["c"]
    in_owner = {"_id": {"$in": ["a", "b", "c", "zz"]}, "owner": "X"}
    assert ids([d async for d in col.find(in_owner)]) == ["a", "c"]
    assert ids([d async for d in col.find({"_id": "a", "tags": "p", "owner": "X"})]) == ["a"]
    assert ids([d async for d in col.find({"_id": "a", "$or": [{"owner": "Y"}]})]) == []
    assert ids([d async for d in col.find({"_id": {"$ne": "a"}, "owner": "X"})]) == ["c"]
    assert await col.count_documents({"_id": {"$in": ["a", "b"]}, "version": {"$gte": 3}}) == 1
    missed = await col.update_one({"_id": "a", "version": 1}, {"$set": {"version": 9}})
    assert missed.matched_count == 0
    hit = await col.update_one({"_id": "a", "version": 2}, {"$set": {"version": 3}})
    assert hit.modified_count == 1
    gone = await col.delete_many({"_id": {"$in": ["a", "b", "c"]}, "owner": "X"})
    assert gone.deleted_count == 2
    assert ids([d async for d in col.find({})]) == ["b"]
    # An upsert under a filter that names _id and more creates the document once.
    await col.update_one({"_id": "d", "version": 0}, {"$set": {"version": 1}}, upsert=True)
    assert await col.find_one({"_id": "d"}) == {"_id": "d", "version": 1}
    with pytest.raises(DuplicateKeyError):
        await col.update_one({"_id": "d", "version": 0}, {"$set": {"version": 1}}, upsert=True)
