"""The class aggregate answers the benchmark as the list of peers does (scores at whole
points), and taking a result out undoes adding it."""
from __future__ import annotations

import random

from digiready.diagnostic import peer_aggregate
from digiready.diagnostic.benchmark import benchmark
from digiready.packs import load_pack


def _result(overall, payments):
    return {"overall": {"score": overall}, "dimensions": [{"id": "payments", "score": payments},
                                                         {"id": "presence", "score": None}]}


def test_aggregate_benchmark_equals_the_peer_list_benchmark(fixture_pack_dir):
    pack = load_pack(fixture_pack_dir)
    rng = random.Random(7)
    profiles = [{"sector": rng.choice("ab"), "size": rng.choice(["micro", "small"])} for _ in range(60)]
    results = [_result(float(rng.randint(0, 100)), float(rng.randint(0, 100))) for _ in profiles]
    aggregate, peers = {}, []
    for profile, result in zip(profiles, results, strict=True):
        aggregate = peer_aggregate.apply(aggregate, peer_aggregate.contribution(pack, profile, result))
        peers.append({**profile, "overall": result["overall"]["score"], "dimensions": {"payments": result["dimensions"][0]["score"]}})
    me, mine = {"sector": "a", "size": "micro"}, _result(50.0, 20.0)
    expected = benchmark(pack, me, mine, peers)
    assert peer_aggregate.benchmark_from_aggregate(pack, me, mine, aggregate) == expected
    assert expected["available"] and expected["peers"] >= pack.min_peer_group
    # Taking every result out again leaves an empty aggregate.
    for profile, result in zip(profiles, results, strict=True):
        aggregate = peer_aggregate.apply(aggregate, peer_aggregate.contribution(pack, profile, result), -1)
    assert aggregate == {"groups": {}}


def test_small_groups_stay_unavailable(fixture_pack_dir):
    pack = load_pack(fixture_pack_dir)
    aggregate = peer_aggregate.apply({}, peer_aggregate.contribution(pack, {"sector": "a"}, _result(10.0, 10.0)))
    answer = peer_aggregate.benchmark_from_aggregate(pack, {"sector": "a"}, _result(20.0, 20.0), aggregate)
    assert answer["available"] is False and answer["peers"] == 1
