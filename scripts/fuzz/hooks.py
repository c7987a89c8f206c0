"""Schemathesis hooks for Sillage: the Kibana saved objects import takes NDJSON, which schemathesis cannot
send by itself, and random text rarely gets past its first line. This sends NDJSON, and mixes random text with
lines shaped like Kibana saved objects whose every part may be of the wrong type, so the checks of each part
are reached.

It also keeps the service from reaching out: log streams and webhooks the fuzzer creates or changes are
disabled and pointed at a closed port on the loopback address (the test stack allows loopback receivers), so no
address the fuzzer writes is ever connected to."""
import json

import schemathesis
from hypothesis import strategies as st

KIBANA_IMPORT = "/v1/saved-searches/kibana"


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return json.dumps(value).encode("utf-8")


leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=24)
anything = st.recursive(leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
FIELDS = ["event.action", "user.id", "user.email", "source.ip", "@timestamp", "audit.money.amount", "audit.details.reason", "no.such.field", "a:b", "", "x y"]
KQL = ["event.action:login", "user.id:u-1 and not event.outcome:failure", "", "(", "source.ip:10.0.0.0/8", "@timestamp > now-7d", "user.email:*", "*"]


def mostly(strategy, otherwise, odds=9):
    """`strategy` `odds` times out of `odds + 1` (one_of would merge equal branches and not weigh them)."""
    return st.integers(0, odds).flatmap(lambda n: strategy if n < odds else otherwise)


def maybe(strategy):
    """The expected shape most of the time, anything at all otherwise: each check is reached, one at a time."""
    return mostly(strategy, anything)


def optional_dict(parts=None, required=(), **named):
    """An object whose keys may each be missing (unless required), of the expected shape or of any other."""
    every = {**(parts or {}), **named}
    return st.fixed_dictionaries({name: maybe(every[name]) for name in required},
                                 optional={name: maybe(part) for name, part in every.items() if name not in required})


pill = optional_dict(
    meta=optional_dict(
        key=st.sampled_from(FIELDS),
        type=st.sampled_from(["phrase", "phrases", "range", "exists", "query_string", "custom"]),
        params=st.one_of(optional_dict(query=st.text(max_size=20) | st.integers()), st.lists(st.text(max_size=10) | st.integers(), max_size=3),
                         optional_dict(gte=st.integers() | st.text(max_size=12), lt=st.integers() | st.text(max_size=12))),
        negate=st.booleans(), disabled=st.booleans()),
    query=anything, exists=optional_dict(field=st.sampled_from(FIELDS)))
source = optional_dict(
    required=("query",),
    query=optional_dict(query=st.sampled_from(KQL) | st.text(max_size=30), language=st.sampled_from(["kuery", "lucene", "esql"])),
    filter=st.lists(pill, max_size=3), index=st.text(max_size=12))
saved_object = optional_dict(
    required=("type", "id", "attributes"),
    type=st.sampled_from(["search", "search", "index-pattern", "visualization"]),
    id=st.text(max_size=20),
    attributes=optional_dict(
        required=("title", "kibanaSavedObjectMeta"),
        title=st.text(max_size=30), description=st.text(max_size=30),
        columns=st.lists(st.sampled_from(FIELDS + ["_source"]), max_size=4),
        sort=st.lists(st.tuples(st.sampled_from(FIELDS), st.sampled_from(["asc", "desc", "up"])).map(list), max_size=4),
        timeRestore=st.booleans(), timeRange=optional_dict({"from": st.text(max_size=12)}, to=st.sampled_from(["now", "now-1d", "2026-02-30"])),
        isTextBasedQuery=st.booleans(),
        kibanaSavedObjectMeta=optional_dict(required=("searchSourceJSON",), searchSourceJSON=mostly(source.map(json.dumps), st.text(max_size=20)))))
line = mostly(saved_object.map(json.dumps), anything.map(json.dumps) | st.text(max_size=40), odds=19)
document = st.lists(line, max_size=4).map("\n".join)


@schemathesis.hook.apply_to(path=KIBANA_IMPORT, method="POST")
def before_generate_body(context, strategy):
    return mostly(document, strategy, odds=4)


LOOPBACK_URL = "http://127.0.0.1:9/fuzz"


def disarm(value):
    """A stream or webhook body that points nowhere but a closed local port, and is off."""
    if not isinstance(value, dict):
        return value
    out = dict(value)
    destination = out.get("destination")
    if isinstance(destination, dict) and isinstance(destination.get("host"), str):
        out["destination"] = {**destination, "host": "127.0.0.1", "port": 9}
    if isinstance(out.get("url"), str) and "://" in out["url"]:
        out["url"] = LOOPBACK_URL
    if "destination" in out or "url" in out or "enabled" in out:
        out["enabled"] = False
    return out


@schemathesis.hook
def map_body(context, body):
    return disarm(body)
