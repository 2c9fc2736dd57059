"""RedisGears 1.2 batch executions (RG.PYEXECUTE ... run()), standalone shard:
the docs' "Introduction to RedisGears" walkthrough (foo/bar plus the five
person:N hashes, map/accumulate/aggregate/countby, the localgroupby +
repartition + foreach(execute SET) family count, execute('PING'), atomic() and
hashtag(), UNBLOCKING with RG.DUMPEXECUTIONS / RG.GETRESULTS(BLOCKING) /
RG.DROPEXECUTION), then every operation with the result real RedisGears gives:
map, flatmap (reverse emission order), foreach, filter, accumulate, localgroupby,
groupby, batchgroupby, repartition, collect, limit, aggregate, aggregateby,
count, countby, avg, sort, distinct, and the reply conversion of
run(convertToStr=False).

Follows upstream RedisGears pytest/test_basics.py (class testBasic on 100 string
keys 0..99, testFlatMap, testLimit*, testRepartitionAndWriteOption, testAtomic,
testAggregate*WithSameZeroValue, testExecutionModeOnRun, ...) and the docs'
intro.md / snippets; dict key order of reader records follows the spec §1.9
(values below were computed with gears_dict_order.py and hard-coded)."""

import re
import time

import pytest
import redis

SHARD_ID = "0" * 40
EXEC_ID_RE = re.compile(r"^0{40}-\d+$")

PERSONS = [
    ("person:1", "Rick Sanchez", "70"),
    ("person:2", "Morty Smith", "14"),
    ("person:3", "Summer Smith", "17"),
    ("person:4", "Beth Smith", "35"),
    ("person:5", "Shrimply Pibbles", "87"),
]


def pyexec(r, script, *args):
    return r.execute_command("RG.PYEXECUTE", script, *args)


def load_walkthrough(r):
    r.set("foo", "bar")
    for key, name, age in PERSONS:
        r.hset(key, mapping={"name": name, "age": age})


def load_numbers(r):
    """Upstream testBasic: 100 string keys '0'..'99' holding their own name."""
    r.mset({str(i): str(i) for i in range(100)})


def results(reply):
    """Checks a blocking run reply is [results, []] and returns results."""
    assert isinstance(reply, list) and len(reply) == 2, reply
    assert reply[1] == [], reply
    return reply[0]


# ---------------------------------------------------------------------------
# Walkthrough (docs intro.md)
# ---------------------------------------------------------------------------

def test_empty_database_gives_two_empty_arrays(r):
    assert pyexec(r, "GearsBuilder().run()") == [[], []]


def test_simplest_function_with_foo_bar(r):
    r.set("foo", "bar")
    assert pyexec(r, "GearsBuilder().run()") == [
        ["{'event': None, 'key': 'foo', 'type': 'string', 'value': 'bar'}"],
        [],
    ]


def test_gb_alias_and_default_reader_are_the_same(r):
    r.set("foo", "bar")
    expected = pyexec(r, "GearsBuilder().run()")
    assert pyexec(r, "GB().run()") == expected
    assert pyexec(r, "GB('KeysReader').run()") == expected
    assert pyexec(r, "GearsBuilder('KeysReader', '*').run()") == expected


def test_walkthrough_all_records(r):
    load_walkthrough(r)
    res = results(pyexec(r, "GB().run()"))
    # hash fields inserted name, age -> Gears dict order age, name (spec §1.9)
    expected = ["{'event': None, 'key': 'foo', 'type': 'string', 'value': 'bar'}"] + [
        "{'event': None, 'key': '%s', 'type': 'hash', 'value': {'age': '%s', 'name': '%s'}}"
        % (key, age, name)
        for key, name, age in PERSONS
    ]
    assert sorted(res) == sorted(expected)


def test_walkthrough_key_pattern(r):
    load_walkthrough(r)
    res = results(pyexec(r, "GB().run('person:*')"))
    assert len(res) == 5
    assert all("'key': 'person:" in x for x in res)


def test_walkthrough_filter_step(r):
    load_walkthrough(r)
    res = results(pyexec(r, "GB().filter(lambda x: x['key'].startswith('person:')).run()"))
    assert sorted(res) == sorted(results(pyexec(r, "GB().run('person:*')")))


def test_walkthrough_filter_with_regular_callback(r):
    load_walkthrough(r)
    script = """
def is_person(x):
    return x['key'].startswith('person:')

GB().filter(is_person).map(lambda x: x['key']).run()
"""
    assert sorted(results(pyexec(r, script))) == ["person:%d" % i for i in range(1, 6)]


def test_walkthrough_map_ages(r):
    load_walkthrough(r)
    res = results(pyexec(r, "GB().map(lambda x: int(x['value']['age'])).run('person:*')"))
    assert sorted(res, key=int) == ["14", "17", "35", "70", "87"]


def test_walkthrough_accumulate_maximum(r):
    load_walkthrough(r)
    script = """
def maximum(a, x):
    a = a if a else 0
    return max(a, x)

gb = GearsBuilder()
gb.map(lambda x: int(x['value']['age']))
gb.accumulate(maximum)
gb.run('person:*')
"""
    assert pyexec(r, script) == [["87"], []]


def test_walkthrough_accumulate_count(r):
    load_walkthrough(r)
    script = "GB().accumulate(lambda a, x: 1 + (a if a else 0)).run('person:*')"
    assert pyexec(r, script) == [["5"], []]


def test_walkthrough_accumulate_average(r):
    load_walkthrough(r)
    script = """
def prepare_avg(a, x):
    a = a if a else (0, 0)
    return (a[0] + x, a[1] + 1)

def compute_avg(x):
    return x[0] / x[1]

GB().map(lambda x: int(x['value']['age'])).accumulate(prepare_avg).map(compute_avg).run('person:*')
"""
    assert pyexec(r, script) == [["44.6"], []]


def test_walkthrough_aggregate_maximum(r):
    load_walkthrough(r)
    script = """
gb = GearsBuilder()
gb.map(lambda x: int(x['value']['age']))
gb.aggregate(0, lambda a, x: max(a, x), lambda a, x: max(a, x))
gb.run('person:*')
"""
    assert pyexec(r, script) == [["87"], []]


def test_walkthrough_collect_then_accumulate_maximum(r):
    load_walkthrough(r)
    script = """
def maximum(a, x):
    a = a if a else 0
    return max(a, x)

GB().map(lambda x: int(x['value']['age'])).accumulate(maximum).collect().accumulate(maximum).run('person:*')
"""
    assert pyexec(r, script) == [["87"], []]


def test_walkthrough_aggregate_average(r):
    load_walkthrough(r)
    script = """
gb = GearsBuilder()
gb.map(lambda x: int(x['value']['age']))
gb.aggregate((0, 0),
             lambda a, x: (a[0] + x, a[1] + 1),
             lambda a, x: (a[0] + x[0], a[1] + x[1]))
gb.map(lambda x: x[0]/x[1])
gb.run('person:*')
"""
    assert pyexec(r, script) == [["44.6"], []]


def test_walkthrough_countby_family_name(r):
    load_walkthrough(r)
    script = """
def fname(x):
    return x['value']['name'].split(' ')[1]

GearsBuilder().countby(fname).run('person:*')
"""
    assert sorted(results(pyexec(r, script))) == [
        "{'key': 'Pibbles', 'value': 1}",
        "{'key': 'Sanchez', 'value': 1}",
        "{'key': 'Smith', 'value': 3}",
    ]


# The docs' family-count helpers: last name, group key, counter and summer.
FAMILY_FUNCS = """
def fname(x):
    return x['value']['name'].split(' ')[1]

def key(x):
    return x['key']

def counter(k, a, r):
    return (a if a else 0) + 1

def summer(k, a, r):
    return (a if a else 0) + r['value']
"""


def test_walkthrough_localgroupby_groupby_family_count(r):
    load_walkthrough(r)
    script = FAMILY_FUNCS + """
GB().localgroupby(fname, counter).groupby(key, summer).run('person:*')
"""
    assert sorted(results(pyexec(r, script))) == [
        "{'key': 'Pibbles', 'value': 1}",
        "{'key': 'Sanchez', 'value': 1}",
        "{'key': 'Smith', 'value': 3}",
    ]


def test_walkthrough_repartition_and_store_family_counts(r):
    load_walkthrough(r)
    script = FAMILY_FUNCS + """
gb = GearsBuilder()
gb.localgroupby(fname, counter)
gb.repartition(key)
gb.localgroupby(key, summer)
gb.foreach(lambda x: execute('SET', x['key'], x['value']))
gb.run('person:*')
"""
    assert sorted(results(pyexec(r, script))) == [
        "{'key': 'Pibbles', 'value': 1}",
        "{'key': 'Sanchez', 'value': 1}",
        "{'key': 'Smith', 'value': 3}",
    ]
    assert r.get("Smith") == "3"
    assert r.get("Sanchez") == "1"
    assert r.get("Pibbles") == "1"


def test_execute_ping_inside_a_step(r):
    assert pyexec(r, "GB('ShardsIDReader').map(lambda x: execute('PING')).run()") == [["PONG"], []]


def test_execute_reads_and_writes_data(r):
    r.set("x", "41")
    script = "GB('ShardsIDReader').map(lambda x: execute('INCR', 'x')).run()"
    assert pyexec(r, script) == [["42"], []]
    assert r.get("x") == "42"


def test_hashtag_standalone(r):
    # per spec §1.8: standalone hashtag() is '06S' (slot 0)
    assert pyexec(r, "GB('ShardsIDReader').map(lambda x: hashtag()).run()") == [["06S"], []]


def test_atomic_block_increments_two_keys(r):
    script = """
def transaction(_):
    with atomic():
        execute('INCR', '{%s}:foo' % hashtag())
        execute('INCR', '{%s}:bar' % hashtag())

gb = GB('ShardsIDReader')
gb.foreach(transaction)
gb.run()
"""
    # ShardsIDReader yields this shard's 40-char id (zeros when standalone)
    assert pyexec(r, script) == [[SHARD_ID], []]
    assert r.get("{06S}:foo") == "1"
    assert r.get("{06S}:bar") == "1"


def test_atomic_then_mget(r):
    # upstream test_basics.py::testAtomic
    script = """
def test(r):
    with atomic():
        execute('set', 'x{%s}' % hashtag(), 2)
        execute('set', 'y{%s}' % hashtag(), 1)
GB('ShardsIDReader').foreach(test).flatmap(lambda r: execute('mget', 'x{%s}' % hashtag(), 'y{%s}' % hashtag())).collect().distinct().sort().run()
"""
    assert pyexec(r, script) == [["1", "2"], []]


def test_unblocking_run_walkthrough(r):
    load_walkthrough(r)
    blocking = results(pyexec(r, "GB().run()"))
    eid = pyexec(r, "GB().run()", "UNBLOCKING")
    assert EXEC_ID_RE.match(eid), eid
    res = r.execute_command("RG.GETRESULTSBLOCKING", eid)
    assert sorted(res[0]) == sorted(blocking)
    assert res[1] == []
    dump = r.execute_command("RG.DUMPEXECUTIONS")
    assert ["executionId", eid, "status", "done", "registered", 0] in dump
    res2 = r.execute_command("RG.GETRESULTS", eid)
    assert sorted(res2[0]) == sorted(blocking) and res2[1] == []
    assert r.execute_command("RG.DROPEXECUTION", eid) == "OK"
    assert all(e[1] != eid for e in r.execute_command("RG.DUMPEXECUTIONS"))
    with pytest.raises(redis.ResponseError, match="execution plan does not exist"):
        r.execute_command("RG.GETRESULTS", eid)


def test_unblocking_ids_increase(r):
    first = pyexec(r, "GB().run()", "UNBLOCKING")
    second = pyexec(r, "GB().run()", "UNBLOCKING")
    try:
        assert EXEC_ID_RE.match(first) and EXEC_ID_RE.match(second)
        assert int(second.split("-")[1]) > int(first.split("-")[1])
    finally:
        for eid in (first, second):
            r.execute_command("RG.GETRESULTSBLOCKING", eid)
            r.execute_command("RG.DROPEXECUTION", eid)


def test_blocking_run_is_not_kept_in_executions_list(r):
    before = {e[1] for e in r.execute_command("RG.DUMPEXECUTIONS")}
    assert pyexec(r, "GB().run()") == [[], []]
    after = {e[1] for e in r.execute_command("RG.DUMPEXECUTIONS")}
    assert after <= before


def test_script_without_execution_replies_ok(r):
    assert pyexec(r, "x = 1 + 1") == "OK"


# ---------------------------------------------------------------------------
# Operations on the upstream 100-key data set (test_basics.py::testBasic)
# ---------------------------------------------------------------------------

def test_count(r):
    load_numbers(r)
    assert pyexec(r, "GearsBuilder().count().run()") == [["100"], []]


def test_count_with_pattern(r):
    load_numbers(r)
    r.set("x", "1")
    assert pyexec(r, "GB().count().run('x*')") == [["1"], []]


def test_count_on_empty_input_gives_no_record(r):
    # per spec §1.4: count() emits nothing when there is no input
    assert pyexec(r, "GB().count().run()") == [[], []]


def test_avg(r):
    load_numbers(r)
    assert pyexec(r, "GearsBuilder().map(lambda x: int(x['value'])).avg().run()") == [["49.5"], []]


def test_avg_with_extractor(r):
    load_numbers(r)
    assert pyexec(r, "GB().avg(lambda x: int(x['value']) * 2).run()") == [["99.0"], []]


def test_aggregate_sum(r):
    load_numbers(r)
    script = "GearsBuilder().map(lambda x: int(x['value'])).aggregate(0, lambda r, x: x + r, lambda r, x: x + r).run()"
    assert pyexec(r, script) == [["4950"], []]


def test_keysonly_aggregate(r):
    # upstream test_basics.py::testBasic.testKeysOnlyGB
    load_numbers(r)
    script = "GearsBuilder('KeysOnlyReader').map(lambda x: int(execute('get', x))).aggregate(0, lambda r, x: r + x, lambda r, x: r + x).run()"
    assert pyexec(r, script) == [["4950"], []]


def test_shards_reader_dbsize(r):
    # upstream test_basics.py::testBasic.testShardsGB
    load_numbers(r)
    script = "GB('ShardsIDReader').map(lambda x: int(execute('dbsize'))).aggregate(0, lambda r, x: x, lambda r, x: r + x).run()"
    assert pyexec(r, script) == [["100"], []]


def test_sort_default_is_ascending(r):
    load_numbers(r)
    script = "GearsBuilder().map(lambda x: int(x['value'])).sort().run()"
    assert pyexec(r, script) == [[str(i) for i in range(100)], []]


def test_sort_reverse_false_is_descending(r):
    # per spec §1.4: sort(reverse=False) yields DESCENDING (flatmap reverses)
    load_numbers(r)
    script = "GearsBuilder().map(lambda x: int(x['value'])).sort(reverse=False).run()"
    assert pyexec(r, script) == [[str(i) for i in range(99, -1, -1)], []]


def test_sort_key_types(r):
    # upstream test_basics.py::testKeysReaderKeyType
    r.set("r", "1")
    r.lpush("l", "1", "2", "3")
    r.sadd("s", "1", "2", "3")
    r.hset("h", "key", "val")
    r.zadd("z", {"m": 1})
    assert pyexec(r, 'GB().map(lambda x: x["type"]).sort().run()') == [
        ["hash", "list", "set", "string", "zset"],
        [],
    ]


def test_countby(r):
    load_numbers(r)
    script = (
        'GearsBuilder().map(lambda x: {"key": x["key"], "value": 0 if int(x["value"]) < 50 else 100})'
        '.countby(lambda x: x["value"]).collect().run()'
    )
    assert sorted(results(pyexec(r, script))) == [
        "{'key': '0', 'value': 50}",
        "{'key': '100', 'value': 50}",
    ]


def test_countby_default_extractor(r):
    script = """
def gen():
    for v in ['a', 'b', 'a', 'c', 'a']:
        yield v
GB('PythonReader').countby().run(gen)
"""
    assert sorted(results(pyexec(r, script))) == [
        "{'key': 'a', 'value': 3}",
        "{'key': 'b', 'value': 1}",
        "{'key': 'c', 'value': 1}",
    ]


def test_local_aggregateby(r):
    # upstream test_basics.py::testBasic.testLocalAggregate
    load_numbers(r)
    script = (
        'GearsBuilder().map(lambda x: {"key": x["key"], "value": 0 if int(x["value"]) < 50 else 100})'
        '.__localAggregateby__(lambda x: x["value"], 0, lambda k, a, x: 1 + a)'
        '.map(lambda x: (x["key"], x["value"])).run()'
    )
    assert sorted(results(pyexec(r, script))) == ["('0', 50)", "('100', 50)"]


def test_map(r):
    load_numbers(r)
    eid = pyexec(r, 'GearsBuilder().map(lambda x: x["value"]).map(lambda x: str(x)).collect().run()', "UNBLOCKING")
    res = r.execute_command("RG.GETRESULTSBLOCKING", eid)
    r.execute_command("RG.DROPEXECUTION", eid)
    assert res[1] == []
    assert sorted(res[0], key=int) == [str(i) for i in range(100)]


def test_filter(r):
    load_numbers(r)
    res = results(pyexec(r, 'GearsBuilder().filter(lambda x: int(x["value"]) >= 50).map(lambda x: x["key"]).run()'))
    assert sorted(res, key=int) == [str(i) for i in range(50, 100)]


def test_filter_keeps_whole_record(r):
    r.set("5", "5")
    r.set("7", "7")
    res = results(pyexec(r, 'GB().filter(lambda x: int(x["value"]) > 5).run()'))
    assert res == ["{'event': None, 'key': '7', 'type': 'string', 'value': '7'}"]


def test_filter_uses_truthiness(r):
    script = """
def gen():
    for v in [0, 1, '', 'a', None, [], [0]]:
        yield v
GB('PythonReader').filter(lambda x: x).run(gen)
"""
    assert sorted(results(pyexec(r, script))) == ["1", "[0]", "a"]


def test_groupby(r):
    load_numbers(r)
    script = (
        'GearsBuilder().map(lambda x: {"key": x["key"], "value": 0 if int(x["value"]) < 50 else 100})'
        '.groupby(lambda x: str(x["value"]), lambda key, a, vals: 1 + (a if a else 0))'
        '.map(lambda x: str(x)).collect().run()'
    )
    assert sorted(results(pyexec(r, script))) == [
        "{'key': '0', 'value': 50}",
        "{'key': '100', 'value': 50}",
    ]


def test_groupby_non_str_key_uses_repr(r):
    # per spec §1.3: a non-str extracted key is converted with repr()
    script = """
def gen():
    for v in [1, 2, 3, 4]:
        yield v
GB('PythonReader').groupby(lambda x: x % 2, lambda k, a, r: (a if a else 0) + r).map(lambda x: (type(x['key']).__name__, x['key'], x['value'])).run(gen)
"""
    assert sorted(results(pyexec(r, script))) == ["('str', '0', 6)", "('str', '1', 4)"]


def test_localgroupby(r):
    load_numbers(r)
    script = (
        "GB().localgroupby(lambda x: 'low' if int(x['value']) < 30 else 'high', "
        "lambda k, a, r: (a if a else 0) + 1).run()"
    )
    assert sorted(results(pyexec(r, script))) == [
        "{'key': 'high', 'value': 70}",
        "{'key': 'low', 'value': 30}",
    ]


def test_batchgroupby(r):
    load_numbers(r)
    script = (
        "GB().batchgroupby(lambda x: 'even' if int(x['value']) % 2 == 0 else 'odd', "
        "lambda k, records: len(records)).run()"
    )
    assert sorted(results(pyexec(r, script))) == [
        "{'key': 'even', 'value': 50}",
        "{'key': 'odd', 'value': 50}",
    ]


def test_batchgroupby_reducer_gets_the_records(r):
    script = """
def gen():
    for v in ['a1', 'b1', 'a2']:
        yield v
GB('PythonReader').batchgroupby(lambda x: x[0], lambda k, l: sorted(l)).run(gen)
"""
    assert sorted(results(pyexec(r, script))) == [
        "{'key': 'a', 'value': ['a1', 'a2']}",
        "{'key': 'b', 'value': ['b1']}",
    ]


def test_accumulate_collect_accumulate(r):
    load_numbers(r)
    script = (
        'GearsBuilder().map(lambda x: int(x["value"]))'
        '.accumulate(lambda a, x: x + (a if a else 0))'
        '.collect()'
        '.accumulate(lambda a, x: x + (a if a else 0))'
        '.map(lambda x: str(x)).run()'
    )
    eid = pyexec(r, script, "UNBLOCKING")
    res = r.execute_command("RG.GETRESULTSBLOCKING", eid)
    r.execute_command("RG.DROPEXECUTION", eid)
    assert res == [["4950"], []]


def test_accumulate_first_call_gets_none(r):
    script = """
def gen():
    yield 1
    yield 2
def acc(a, x):
    return (a if a is not None else ['start']) + [x]
GB('PythonReader').accumulate(acc).run(gen)
"""
    assert pyexec(r, script) == [["['start', 1, 2]"], []]


def test_accumulate_on_empty_input_gives_no_record(r):
    # per spec §1.3: no record if input is empty
    assert pyexec(r, "GB().accumulate(lambda a, x: 1).run('nosuchkey*')") == [[], []]


def test_aggregate_zero_value_is_deep_copied(r):
    # upstream test_basics.py::testAggregateWithSameZeroValue
    r.set("x", "1")
    r.set("y", "2")
    r.set("z", "3")
    script = """
def SumMulLocal(a, r):
    a['sum'] = a['sum'] + r
    a['mul'] = a['mul'] * r
    return a

def SumMulGlobal(a, r):
    a['sum'] = a['sum'] + r['sum']
    a['mul'] = a['mul'] * r['mul']
    return a

GB().map(lambda x: int(x['value'])).aggregate({'sum':0, 'mul':1}, SumMulLocal, SumMulGlobal).flatmap(lambda r: [a for a in r.items()]).sort().run()
"""
    assert pyexec(r, script) == [["('mul', 6)", "('sum', 6)"], []]


def test_aggregateby(r):
    # upstream test_basics.py::testAggregateByWithSameZeroValue
    for k, v in (("x1", "1"), ("x2", "2"), ("x3", "3"), ("y1", "1"), ("y2", "2"), ("y3", "3")):
        r.set(k, v)
    script = """
def SumMulLocal(k, a, r):
    a['sum'] = a['sum'] + int(r['value'])
    a['mul'] = a['mul'] * int(r['value'])
    return a

def SumMulGlobal(k, a, r):
    a['sum'] = a['sum'] + r['sum']
    a['mul'] = a['mul'] * r['mul']
    return a

GB().aggregateby(lambda r: r['key'][0], {'sum':0, 'mul':1}, SumMulLocal, SumMulGlobal).map(lambda x: str(x)).sort().run()
"""
    assert pyexec(r, script) == [
        [
            "{'key': 'x', 'value': {'sum': 6, 'mul': 6}}",
            "{'key': 'y', 'value': {'sum': 6, 'mul': 6}}",
        ],
        [],
    ]


def test_distinct(r):
    script = """
def gen():
    for v in [3, 1, 2, 3, 1, 1]:
        yield v
GB('PythonReader').distinct().run(gen)
"""
    assert sorted(results(pyexec(r, script))) == ["1", "2", "3"]


def test_globals_shared_with_distinct(r):
    # upstream test_basics.py::testGlobalsSharedBetweenFunctions
    script = """
counter = 0

def func1(r):
    global counter
    counter += 1
    return counter

def func2(a):
    global counter
    counter += 1
    return counter

GB('ShardsIDReader').map(func1).map(func2).collect().distinct().run()
"""
    assert pyexec(r, script) == [["2"], []]
    assert pyexec(r, script) == [["2"], []]


# ---------------------------------------------------------------------------
# flatmap / limit
# ---------------------------------------------------------------------------

def test_flatmap_list_value(r):
    r.lpush("l", "1", "2", "3")
    eid = pyexec(r, "GearsBuilder().flatmap(lambda x: x['value']).collect().run()", "UNBLOCKING")
    res = r.execute_command("RG.GETRESULTSBLOCKING", eid)
    r.execute_command("RG.DROPEXECUTION", eid)
    assert sorted(res[0]) == ["1", "2", "3"] and res[1] == []


def test_flatmap_emits_in_reverse_list_order(r):
    # per spec §1.3: elements of the returned list are emitted popped from the end
    script = """
def gen():
    yield 'only'
GB('PythonReader').flatmap(lambda x: [1, 2, 3]).run(gen)
"""
    assert pyexec(r, script) == [["3", "2", "1"], []]


def test_flatmap_empty_list_drops_and_single_element(r):
    script = """
def gen():
    yield 0
    yield 1
GB('PythonReader').flatmap(lambda x: [] if x == 0 else ['one']).run(gen)
"""
    assert pyexec(r, script) == [["one"], []]


def test_flatmap_non_list_passes_as_one_record(r):
    # per spec §1.3: tuple/str/dict results are one record
    script = """
def gen():
    yield 1
GB('PythonReader').flatmap(lambda x: (1, 2)).run(gen)
"""
    assert pyexec(r, script) == [["(1, 2)"], []]
    script_str = """
def gen():
    yield 1
GB('PythonReader').flatmap(lambda x: 'abc').run(gen)
"""
    assert pyexec(r, script_str) == [["abc"], []]


def test_flatmap_of_set_members(r):
    # upstream test_basics.py::testKeyWithUnparsedValue
    r.sadd("x", "1", "2", "3")
    script = "GB().map(lambda x: execute('smembers', x['key'])).flatmap(lambda x: x).sort().run()"
    assert pyexec(r, script) == [["1", "2", "3"], []]


def test_limit(r):
    r.lpush("l", "1", "2", "3")
    eid = pyexec(r, "GearsBuilder().flatmap(lambda x: x['value']).limit(1).collect().run()", "UNBLOCKING")
    res = r.execute_command("RG.GETRESULTSBLOCKING", eid)
    r.execute_command("RG.DROPEXECUTION", eid)
    assert len(res[0]) == 1 and res[1] == []


def test_limit_with_offset(r):
    # upstream test_basics.py::testLimitWithOffset (relies on flatmap's reverse order)
    r.lpush("l", "1", "2", "3", "4", "5")
    eid = pyexec(r, "GearsBuilder().flatmap(lambda x: x['value']).limit(1, 3).collect().run()", "UNBLOCKING")
    res = r.execute_command("RG.GETRESULTSBLOCKING", eid)
    r.execute_command("RG.DROPEXECUTION", eid)
    assert res == [["4"], []]


def test_limit_on_python_reader(r):
    script = """
def gen():
    for i in range(10):
        yield i
GB('PythonReader').limit(3, 2).run(gen)
"""
    assert pyexec(r, script) == [["2", "3", "4"], []]


def test_limit_larger_than_input(r):
    script = """
def gen():
    for i in range(3):
        yield i
GB('PythonReader').limit(100).run(gen)
"""
    assert pyexec(r, script) == [["0", "1", "2"], []]


# ---------------------------------------------------------------------------
# foreach / repartition / collect
# ---------------------------------------------------------------------------

def test_foreach_keeps_records_and_runs_side_effect(r):
    script = """
def gen():
    yield 'a'
    yield 'b'
GB('PythonReader').foreach(lambda x: execute('SET', 'seen:' + x, 'yes')).run(gen)
"""
    assert sorted(results(pyexec(r, script))) == ["a", "b"]
    assert r.get("seen:a") == "yes"
    assert r.get("seen:b") == "yes"


def test_foreach_return_value_ignored(r):
    script = """
def gen():
    yield 5
GB('PythonReader').foreach(lambda x: 'ignored').run(gen)
"""
    assert pyexec(r, script) == [["5"], []]


def test_repartition_and_write(r):
    # upstream test_basics.py::testRepartitionAndWriteOption
    r.set("x", "1")
    r.set("y", "2")
    r.set("z", "3")
    script = (
        "GearsBuilder().repartition(lambda x: x['value'])"
        ".foreach(lambda x: redisgears.executeCommand('set', x['value'], x['key']))"
        ".map(lambda x: str(x)).collect().run()"
    )
    eid = pyexec(r, script, "UNBLOCKING")
    res = r.execute_command("RG.GETRESULTSBLOCKING", eid)
    r.execute_command("RG.DROPEXECUTION", eid)
    assert sorted(res[0]) == [
        "{'event': None, 'key': 'x', 'type': 'string', 'value': '1'}",
        "{'event': None, 'key': 'y', 'type': 'string', 'value': '2'}",
        "{'event': None, 'key': 'z', 'type': 'string', 'value': '3'}",
    ]
    assert r.get("1") == "x"
    assert r.get("2") == "y"
    assert r.get("3") == "z"


def test_collect_explicit_with_collect_false(r):
    r.set("a", "1")
    r.set("b", "2")
    res = results(pyexec(r, "GB().map(lambda x: x['key']).collect().run(collect=False)"))
    assert sorted(res) == ["a", "b"]


def test_run_collect_false_standalone(r):
    r.set("a", "1")
    r.set("b", "2")
    res = results(pyexec(r, "GB().map(lambda x: x['key']).run(collect=False)"))
    assert sorted(res) == ["a", "b"]


def test_run_mode_async_local(r):
    # upstream test_basics.py::testExecutionModeOnRun
    assert pyexec(r, "GearsBuilder('ShardsIDReader').count().run(mode='async_local')") == [["1"], []]


def test_run_mode_async_explicit(r):
    r.set("a", "1")
    assert pyexec(r, "GB().map(lambda x: x['key']).run(mode='async')") == [["a"], []]


def test_builder_is_chainable_and_reusable_object(r):
    script = """
def gen():
    yield 1
    yield 2
gb = GB('PythonReader')
same = gb.map(lambda x: x * 10)
assert same is gb
gb.filter(lambda x: x > 10)
gb.run(gen)
"""
    assert pyexec(r, script) == [["20"], []]


# ---------------------------------------------------------------------------
# run(convertToStr=False) reply conversion (spec §1.7)
# ---------------------------------------------------------------------------

def one_record_script(expr):
    return "def gen():\n    yield %s\nGB('PythonReader').run(gen, convertToStr=False)\n" % expr


def test_no_convert_int_is_integer_reply(r):
    assert pyexec(r, one_record_script("42")) == [[42], []]


def test_no_convert_bool_is_integer_reply(r):
    assert pyexec(r, one_record_script("True")) == [[1], []]


def test_no_convert_float_is_lf_string(r):
    assert pyexec(r, one_record_script("1.5")) == [["1.500000"], []]


def test_no_convert_str_is_bulk(r):
    assert pyexec(r, one_record_script("'hello'")) == [["hello"], []]


def test_no_convert_list_is_array(r):
    assert pyexec(r, one_record_script("[1, 'a', [2.5, 'b']]")) == [[[1, "a", ["2.500000", "b"]]], []]


def test_no_convert_other_objects_are_py_record(r):
    assert pyexec(r, one_record_script("{'a': 1}")) == [["PY RECORD"], []]
    assert pyexec(r, one_record_script("None")) == [["PY RECORD"], []]
    assert pyexec(r, one_record_script("(1, 2)")) == [["PY RECORD"], []]


def raw_pyexecute(c, script, expected):
    """Sends RG.PYEXECUTE on a raw connection and returns the bytes received
    once they reach len(expected) (or the 10 s deadline passes)."""
    body = script.encode()
    c.send(b"*2\r\n$12\r\nRG.PYEXECUTE\r\n$%d\r\n%s\r\n" % (len(body), body))
    data = b""
    deadline = time.monotonic() + 10
    while len(data) < len(expected) and time.monotonic() < deadline:
        chunk, closed = c.read_raw(timeout=0.2)
        data += chunk
        if closed:
            break
    return data


def test_no_convert_plus_string_is_status_reply(raw):
    expected = b"*2\r\n*1\r\n+OK\r\n*0\r\n"
    assert raw_pyexecute(raw(), one_record_script("'+OK'"), expected) == expected


def test_no_convert_minus_string_is_error_element(r, raw):
    res = pyexec(r, one_record_script("'-oops something failed'"))
    assert len(res) == 2 and res[1] == []
    assert len(res[0]) == 1
    assert isinstance(res[0][0], redis.ResponseError)
    assert str(res[0][0]) == "oops something failed"
    expected = b"*2\r\n*1\r\n-oops\r\n*0\r\n"
    assert raw_pyexecute(raw(), one_record_script("'-oops'"), expected) == expected


def test_no_convert_single_char_plus_minus_are_bulk(r):
    # per spec §1.7: only strings of length > 1 are turned into status/error
    assert pyexec(r, one_record_script("'+'")) == [["+"], []]
    assert pyexec(r, one_record_script("'-'")) == [["-"], []]


def test_convert_to_str_default_stringifies(r):
    script = """
def gen():
    yield 1
    yield 1.5
    yield [1, 2]
    yield {'a': 1}
    yield None
GB('PythonReader').run(gen)
"""
    assert pyexec(r, script) == [["1", "1.5", "[1, 2]", "{'a': 1}", "None"], []]
