"""Probe: which MongoDB 7 features the Mongo-wire server at PARTNEROPS_MONGO__URL has.

    uv run python -m tests.probes.mongo_features [--url mongodb://127.0.0.1:37017]

Each probe uses one feature the way MongoDB 7 documents it and checks MongoDB 7's answer;
the output is a Markdown table (feature, outcome) for the README. "as MongoDB 7" means
the answer matched; anything else says what the server did instead. The probes work in a
scratch database that is dropped afterwards. Not collected by pytest: it describes a
server, it does not judge the project.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from bson import Decimal128
from pymongo import AsyncMongoClient, ReturnDocument, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

Db = AsyncDatabase[dict[str, Any]]
Probe = Callable[[AsyncMongoClient[Any], Db], Awaitable[None]]
PROBES: list[tuple[str, Probe]] = []


def probe(name: str) -> Callable[[Probe], Probe]:
    def register(fn: Probe) -> Probe:
        PROBES.append((name, fn))
        return fn

    return register


async def one(collection: Any, query: dict[str, Any]) -> dict[str, Any]:
    """The document `query` finds (an AssertionError when there is none)."""
    doc = await collection.find_one(query)
    if doc is None:
        raise AssertionError(f"no document matches {query}")
    return dict(doc)


def expect(actual: Any, wanted: Any) -> None:
    if actual != wanted:
        raise AssertionError(f"gave {actual!r}, MongoDB 7 gives {wanted!r}")


@probe("multi-document transactions")
async def _transactions(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.create_collection("tx")
    async with client.start_session() as session:
        await session.start_transaction()
        await db.tx.insert_one({"_id": 1}, session=session)
        await session.abort_transaction()
    expect(await db.tx.count_documents({}), 0)


@probe("change streams")
async def _change_streams(client: AsyncMongoClient[Any], db: Db) -> None:
    async with await db.cs.watch() as stream:
        await db.cs.insert_one({"_id": 1})
        change = await asyncio.wait_for(stream.next(), 5)
    expect(change["operationType"], "insert")


@probe("sessions (logical sessions, retryable writes)")
async def _sessions(client: AsyncMongoClient[Any], db: Db) -> None:
    hello = await client.admin.command("isMaster")  # `hello` is newer: not every server has it
    if "logicalSessionTimeoutMinutes" not in hello:
        raise AssertionError("no logicalSessionTimeoutMinutes in isMaster: no sessions")


@probe("`$lookup`")
async def _lookup(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.a.insert_one({"_id": 1, "b": 2})
    await db.b.insert_one({"_id": 2, "x": "y"})
    pipeline: list[dict[str, Any]] = [
        {"$lookup": {"from": "b", "localField": "b", "foreignField": "_id", "as": "bs"}}
    ]
    docs = await (await db.a.aggregate(pipeline)).to_list()
    expect(docs, [{"_id": 1, "b": 2, "bs": [{"_id": 2, "x": "y"}]}])


@probe("`$group`, `$unwind`, `$sort` in aggregate")
async def _group(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.g.insert_many([{"k": "a", "v": [1, 2]}, {"k": "a", "v": [3]}, {"k": "b", "v": [4]}])
    pipeline: list[dict[str, Any]] = [
        {"$unwind": "$v"},
        {"$group": {"_id": "$k", "n": {"$sum": "$v"}}},
        {"$sort": {"_id": 1}},
    ]
    expect(
        await (await db.g.aggregate(pipeline)).to_list(),
        [{"_id": "a", "n": 6}, {"_id": "b", "n": 4}],
    )


@probe("`$facet`")
async def _facet(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.f.insert_many([{"v": 1}, {"v": 2}])
    pipeline: list[dict[str, Any]] = [{"$facet": {"n": [{"$count": "c"}]}}]
    expect(await (await db.f.aggregate(pipeline)).to_list(), [{"n": [{"c": 2}]}])


@probe("`$merge` and `$out`")
async def _merge(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.m.insert_one({"_id": 1})
    await (await db.m.aggregate([{"$merge": {"into": "m2"}}])).to_list()
    await (await db.m.aggregate([{"$out": "m3"}])).to_list()
    expect((await db.m2.count_documents({}), await db.m3.count_documents({})), (1, 1))


@probe("`$setWindowFields` (5.0)")
async def _window(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.w.insert_many([{"_id": 1, "v": 1}, {"_id": 2, "v": 2}])
    pipeline: list[dict[str, Any]] = [
        {"$setWindowFields": {"sortBy": {"_id": 1}, "output": {"s": {"$sum": "$v"}}}},
        {"$project": {"s": 1}},
    ]
    expect(
        await (await db.w.aggregate(pipeline)).to_list(), [{"_id": 1, "s": 3}, {"_id": 2, "s": 3}]
    )


@probe("update with an aggregation pipeline")
async def _pipeline_update(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.pu.insert_one({"_id": 1, "a": 2})
    await db.pu.update_one({"_id": 1}, [{"$set": {"b": {"$add": ["$a", 1]}}}])
    expect(await one(db.pu, {"_id": 1}), {"_id": 1, "a": 2, "b": 3})


@probe("projection in `find_one_and_update` (findAndModify `fields`)")
async def _fam_projection(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.fp.insert_one({"_id": 1, "a": 1, "big": "x"})
    doc = await db.fp.find_one_and_update(
        {"_id": 1}, {"$set": {"a": 2}}, projection={"a": 1}, return_document=ReturnDocument.AFTER
    )
    expect(doc, {"_id": 1, "a": 2})


@probe("`find_one_and_update` with `sort`")
async def _fam_sort(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.fs.insert_many([{"_id": 1, "p": 2}, {"_id": 2, "p": 1}])
    doc = await db.fs.find_one_and_update({}, {"$set": {"x": 1}}, sort=[("p", 1)])
    expect(doc and doc["_id"], 2)


@probe("`$push` with `$each` + `$slice` + `$sort` + `$position`")
async def _push_modifiers(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.ps.insert_one({"_id": 1, "a": [5, 1]})
    await db.ps.update_one(
        {"_id": 1}, {"$push": {"a": {"$each": [3, 9], "$sort": 1, "$slice": -3}}}
    )
    await db.ps.update_one({"_id": 1}, {"$push": {"a": {"$each": [0], "$position": 0}}})
    expect((await one(db.ps, {"_id": 1}))["a"], [0, 3, 5, 9])


@probe("`$pull` with a query condition")
async def _pull_condition(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.pl.insert_one({"_id": 1, "a": [{"n": 1}, {"n": 5}], "b": [1, 5, 7]})
    await db.pl.update_one({"_id": 1}, {"$pull": {"a": {"n": {"$gt": 2}}, "b": {"$gte": 5}}})
    expect(await one(db.pl, {"_id": 1}), {"_id": 1, "a": [{"n": 1}], "b": [1]})


@probe("`$pullAll` / array equality compare embedded documents' field order")
async def _field_order(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.fo.insert_one({"_id": 1, "a": [{"x": 1, "y": 2}]})
    hit = await db.fo.count_documents({"a": [{"y": 2, "x": 1}]})
    await db.fo.update_one({"_id": 1}, {"$pullAll": {"a": [{"y": 2, "x": 1}]}})
    expect((hit, (await one(db.fo, {"_id": 1}))["a"]), (0, [{"x": 1, "y": 2}]))


@probe("positional `$`, `$[]`, `$[<id>]` with arrayFilters")
async def _positional(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.po.insert_one({"_id": 1, "a": [{"k": 1, "v": 0}, {"k": 2, "v": 0}]})
    await db.po.update_one({"_id": 1, "a.k": 2}, {"$set": {"a.$.v": 2}})
    await db.po.update_one({"_id": 1}, {"$inc": {"a.$[].v": 1}})
    await db.po.update_one({"_id": 1}, {"$inc": {"a.$[e].v": 10}}, array_filters=[{"e.k": 1}])
    expect((await one(db.po, {"_id": 1}))["a"], [{"k": 1, "v": 11}, {"k": 2, "v": 3}])


@probe("`$elemMatch`, `$expr`, `$regex`, `$in`, `$exists`")
async def _operators(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.op.insert_many([{"_id": 1, "a": [{"x": 1, "y": 2}], "s": "Ada", "p": 3, "q": 2}])
    n = await db.op.count_documents(
        {
            "a": {"$elemMatch": {"x": 1, "y": {"$gt": 1}}},
            "$expr": {"$gt": ["$p", "$q"]},
            "s": {"$regex": "^a", "$options": "i"},
            "p": {"$in": [3, 4]},
            "z": {"$exists": False},
        }
    )
    expect(n, 1)


@probe("`.` and `$` in field names (5.0)")
async def _dotted_keys(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.dk.insert_one({"_id": 1, "m": {"a.b": 1, "$c": 2}})
    expect(await one(db.dk, {"_id": 1}), {"_id": 1, "m": {"a.b": 1, "$c": 2}})


@probe("nested arrays")
async def _nested_arrays(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.na.insert_one({"_id": 1, "a": [[1, 2], [3]]})
    expect((await one(db.na, {"_id": 1}))["a"], [[1, 2], [3]])


@probe("unordered `bulk_write` of 500 upserts")
async def _bulk_upserts(client: AsyncMongoClient[Any], db: Db) -> None:
    ops = [UpdateOne({"_id": i}, {"$set": {"v": i}}, upsert=True) for i in range(500)]
    result = await asyncio.wait_for(db.bu.bulk_write(ops, ordered=False), 30)
    expect(result.upserted_count, 500)


@probe("unique index on a field (`DuplicateKeyError`)")
async def _unique(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.ui.create_index("e", unique=True)
    await db.ui.insert_one({"e": 1})
    try:
        await db.ui.insert_one({"e": 1})
    except PyMongoError as error:
        expect(type(error).__name__, "DuplicateKeyError")
        return
    raise AssertionError("second insert accepted")


@probe("partial unique index (`partialFilterExpression`)")
async def _partial(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.pi.create_index("e", unique=True, partialFilterExpression={"live": True})
    await db.pi.insert_many([{"e": 1, "live": False}, {"e": 1, "live": False}])
    await db.pi.insert_one({"e": 1, "live": True})
    try:
        await db.pi.insert_one({"e": 1, "live": True})
    except PyMongoError:
        return
    raise AssertionError("second live duplicate accepted")


@probe("secondary indexes used by queries (`explain` shows IXSCAN)")
async def _ixscan(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.ix.create_index("k")
    await db.ix.insert_many([{"k": i} for i in range(10)])
    plan = await db.ix.find({"k": 3}).explain()
    if "IXSCAN" not in str(plan):
        raise AssertionError(f"no IXSCAN in explain: {str(plan)[:80]}")


@probe("TTL index removes expired documents (waits up to 75 s)")
async def _ttl(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.ttl.create_index("at", expireAfterSeconds=0)
    await db.ttl.insert_one({"at": datetime(2001, 1, 1, tzinfo=UTC)})
    for _ in range(75):  # MongoDB's TTL monitor runs every 60 s
        if await db.ttl.count_documents({}) == 0:
            return
        await asyncio.sleep(1)
    raise AssertionError("index accepted, expired document still there after 75 s")


@probe("text search (`$text`)")
async def _text(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.tx2.create_index([("s", "text")])
    await db.tx2.insert_many([{"s": "port date moved"}, {"s": "invitation expired"}])
    expect(await db.tx2.count_documents({"$text": {"$search": "invitation"}}), 1)


@probe("collation (case-insensitive match)")
async def _collation(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.co.insert_one({"s": "Ada"})
    n = await db.co.count_documents({"s": "ada"}, collation={"locale": "en", "strength": 2})
    expect(n, 1)


@probe("`$setOnInsert`, `$min`, `$max`, `$currentDate`, `$unset`, `$rename`")
async def _update_operators(client: AsyncMongoClient[Any], db: Db) -> None:
    upd = {
        "$setOnInsert": {"c": 1},
        "$min": {"lo": 5},
        "$max": {"hi": 5},
        "$currentDate": {"at": True},
    }
    await db.uo.update_one({"_id": 1}, upd, upsert=True)
    await db.uo.update_one(
        {"_id": 1}, {"$min": {"lo": 2}, "$unset": {"c": ""}, "$rename": {"hi": "top"}}
    )
    doc = await one(db.uo, {"_id": 1})
    expect(
        (doc["lo"], doc.get("c"), doc.get("top"), isinstance(doc["at"], datetime)),
        (2, None, 5, True),
    )


@probe("Decimal128 and millisecond datetimes round-trip")
async def _types(client: AsyncMongoClient[Any], db: Db) -> None:
    at = datetime(2031, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)
    await db.ty.insert_one({"_id": 1, "d": Decimal128("12.30"), "at": at})
    doc = await one(db.ty, {"_id": 1})
    expect((str(doc["d"]), doc["at"]), ("12.30", at))


@probe("capped collections")
async def _capped(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.create_collection("cap", capped=True, size=4096, max=2)
    await db.cap.insert_many([{"_id": i} for i in range(3)])
    expect([d["_id"] async for d in db.cap.find({})], [1, 2])


@probe("time series collections (5.0)")
async def _timeseries(client: AsyncMongoClient[Any], db: Db) -> None:
    await db.create_collection("ts", timeseries={"timeField": "at"})
    await db.ts.insert_one({"at": datetime(2031, 1, 1, tzinfo=UTC), "v": 1})
    kinds = {c["name"]: c.get("type") async for c in await db.list_collections()}
    expect((await db.ts.count_documents({}), kinds.get("ts")), (1, "timeseries"))


@probe("schema validation (`$jsonSchema` validator)")
async def _validation(client: AsyncMongoClient[Any], db: Db) -> None:
    schema = {"$jsonSchema": {"required": ["name"]}}
    await db.create_collection("va", validator=schema)
    try:
        await db.va.insert_one({"x": 1})
    except PyMongoError:
        return
    raise AssertionError("a document without `name` was accepted")


async def scan_cost(client: AsyncMongoClient[Any]) -> str:
    """Median time of a find on an indexed non-`_id` field against one by `_id`."""
    db = client[f"probe_{os.getpid()}_scan"]
    t0 = datetime(2031, 3, 4, tzinfo=UTC)
    await db.d.create_index("next_due_at")
    pad = "x" * 12_000
    for start in range(0, 10_000, 500):
        await db.d.insert_many(
            [{"_id": f"a{i}", "next_due_at": t0, "pad": pad} for i in range(start, start + 500)]
        )

    async def median_ms(query: dict[str, Any]) -> float:
        times = []
        for _ in range(11):
            started = time.perf_counter()
            await db.d.find_one(query)
            times.append(time.perf_counter() - started)
        return sorted(times)[5] * 1000

    by_id = await median_ms({"_id": "a5000"})
    by_index = await median_ms({"next_due_at": {"$lt": t0}})
    await client.drop_database(db.name)
    return (
        f"10,000 documents of ~12 KB, median of 11: find_one by _id {by_id:.2f} ms, "
        f"by an indexed `next_due_at < T` matching nothing {by_index:.2f} ms"
    )


async def run(url: str) -> list[tuple[str, str]]:
    client: AsyncMongoClient[Any] = AsyncMongoClient(
        url, tz_aware=True, serverSelectionTimeoutMS=5000
    )
    version = (await client.server_info()).get("version", "?")
    rows = [("server reports", f"MongoDB {version}")]
    for index, (name, fn) in enumerate(PROBES):
        db = client[f"probe_{os.getpid()}_{index}"]
        try:
            await asyncio.wait_for(fn(client, db), 90)
            outcome = "as MongoDB 7"
        except TimeoutError:
            outcome = "no answer within the probe's time limit"
        except AssertionError as error:
            outcome = str(error)
        except Exception as error:
            outcome = f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.drop_database(db.name), 30)
        rows.append((name, outcome))
    rows.append(("cost of a query on a secondary index", await scan_cost(client)))
    await client.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url", default=os.environ.get("PARTNEROPS_MONGO__URL", "mongodb://127.0.0.1:37017")
    )
    args = parser.parse_args()
    rows = asyncio.run(run(args.url))
    print("| feature | outcome |\n| --- | --- |")
    for name, outcome in rows:
        print(f"| {name} | {outcome.replace('|', '/')} |")


if __name__ == "__main__":
    main()
