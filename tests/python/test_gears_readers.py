"""RedisGears 1.2 readers in batch executions on a standalone shard:
KeysReader (glob pattern, noScan on existing and missing keys, readValue=False,
record shape and value per key type), KeysOnlyReader (pattern, defaultArg,
count, noScan, patternGenerator), StreamReader (records {key, id, value},
fromId, bad fromId), PythonReader (generator functions) and ShardsIDReader.

Follows upstream RedisGears pytest/test_basics.py (testKeysOnlyReader*,
testKeysReaderKeyType, testKeysReaderNoScan, testKeysReaderDontReadValue,
testBasicWithRun, testStreamReaderFromId, testOneKeyScan) and
test_errors.py::testStepsWrongArgs.testStreamReaderBadFromIdFormat; record
shapes and dict key orders follow the spec §1.6 / §1.9."""

import pytest
import redis

SHARD_ID = "0" * 40


def pyexec(r, script, *args):
    return r.execute_command("RG.PYEXECUTE", script, *args)


def results(reply):
    assert isinstance(reply, list) and len(reply) == 2, reply
    assert reply[1] == [], reply
    return reply[0]


# ---------------------------------------------------------------------------
# KeysReader
# ---------------------------------------------------------------------------

def test_keysreader_pattern(r):
    r.set("a:1", "x")
    r.set("a:2", "y")
    r.set("b:1", "z")
    assert sorted(results(pyexec(r, "GB().map(lambda x: x['key']).run('a:*')"))) == ["a:1", "a:2"]
    assert results(pyexec(r, "GB().map(lambda x: x['key']).run('b*')")) == ["b:1"]
    assert results(pyexec(r, "GB().map(lambda x: x['key']).run('nothing*')")) == []


def test_keysreader_pattern_from_default_arg(r):
    r.set("a:1", "x")
    r.set("b:1", "z")
    assert results(pyexec(r, "GB('KeysReader', 'a*').map(lambda x: x['key']).run()")) == ["a:1"]


def test_keysreader_glob_is_scan_match(r):
    r.set("hello", "1")
    r.set("hallo", "1")
    r.set("hxllo", "1")
    r.set("heeeello", "1")
    assert sorted(results(pyexec(r, "GB().map(lambda x: x['key']).run('h[ae]llo')"))) == ["hallo", "hello"]
    assert sorted(results(pyexec(r, "GB().map(lambda x: x['key']).run('h?llo')"))) == ["hallo", "hello", "hxllo"]


def test_keysreader_scans_many_keys(r):
    # upstream test_basics.py::testOneKeyScan
    p = r.pipeline(transaction=False)
    for i in range(2000):
        p.set("pref-%d" % i, "pref-%d" % i)
    p.execute()
    r.set("x", "1")
    assert pyexec(r, "GB().count().run('pref*')") == [["2000"], []]
    assert pyexec(r, "GB().count().run('x*')") == [["1"], []]


def test_keysreader_string_record(r):
    r.set("x", "1")
    assert pyexec(r, "GB().run()") == [
        ["{'event': None, 'key': 'x', 'type': 'string', 'value': '1'}"],
        [],
    ]


def test_keysreader_record_is_a_dict(r):
    r.set("x", "1")
    script = "GB().map(lambda x: (type(x).__name__, sorted(x.keys()), x['event'])).run()"
    assert pyexec(r, script) == [["('dict', ['event', 'key', 'type', 'value'], None)"], []]


def test_keysreader_hash_value_is_dict(r):
    # per spec §1.9: HSET h name n age a -> {'age': 'a', 'name': 'n'}
    r.hset("h", mapping={"name": "n", "age": "a"})
    assert pyexec(r, "GB().run()") == [
        ["{'event': None, 'key': 'h', 'type': 'hash', 'value': {'age': 'a', 'name': 'n'}}"],
        [],
    ]


def test_keysreader_hash_value_contents(r):
    r.hset("h", mapping={"f1": "v1", "f2": "v2", "f3": "v3"})
    script = "GB().map(lambda x: sorted(x['value'].items())).run()"
    assert pyexec(r, script) == [["[('f1', 'v1'), ('f2', 'v2'), ('f3', 'v3')]"], []]


def test_keysreader_list_value_is_list_in_order(r):
    r.rpush("l", "a", "b", "c")
    assert pyexec(r, "GB().run()") == [
        ["{'event': None, 'key': 'l', 'type': 'list', 'value': ['a', 'b', 'c']}"],
        [],
    ]


def test_keysreader_set_and_zset_values_are_none(r):
    r.sadd("s", "1", "2")
    r.zadd("z", {"m": 1})
    script = "GB().map(lambda x: (x['key'], x['type'], x['value'])).sort().run()"
    assert pyexec(r, script) == [["('s', 'set', None)", "('z', 'zset', None)"], []]


def test_keysreader_stream_type_is_unknown(r):
    # per spec §1.6: 1.2 has no stream case, streams report 'unknown' with value None
    r.xadd("st", {"f": "v"})
    script = "GB().map(lambda x: (x['key'], x['type'], x['value'])).run()"
    assert pyexec(r, script) == [["('st', 'unknown', None)"], []]


def test_keysreader_types_of_all_keys(r):
    r.set("r", "1")
    r.lpush("l", "1")
    r.sadd("s", "1")
    r.hset("h", "k", "v")
    r.zadd("z", {"m": 1})
    script = "GB().map(lambda x: x['type']).sort().run()"
    assert pyexec(r, script) == [["hash", "list", "set", "string", "zset"], []]


def test_keysreader_no_scan_existing_key(r):
    r.set("x", "1")
    r.set("x1", "1")
    r.set("x2", "1")
    assert pyexec(r, "GB().run('x', noScan=True)") == [
        ["{'event': None, 'key': 'x', 'type': 'string', 'value': '1'}"],
        [],
    ]


def test_keysreader_no_scan_missing_key_is_empty(r):
    # upstream test_basics.py::testKeysReaderNoScan
    assert pyexec(r, "GB().map(lambda x: x['type']).distinct().run('test', noScan=True)") == [["empty"], []]
    script = "GB().map(lambda x: (x['key'], x['type'], x.get('value'))).run('test', noScan=True)"
    assert pyexec(r, script) == [["('test', 'empty', None)"], []]


def test_keysreader_no_scan_takes_pattern_literally(r):
    r.set("a1", "1")
    r.set("a2", "1")
    script = "GB().map(lambda x: (x['key'], x['type'])).run('a*', noScan=True)"
    assert pyexec(r, script) == [["('a*', 'empty')"], []]


def test_keysreader_no_scan_false_is_default(r):
    r.set("a1", "1")
    assert pyexec(r, "GB().map(lambda x: x['key']).run('a*', noScan=False)") == [["a1"], []]


def test_keysreader_read_value_false(r):
    # upstream test_basics.py::testKeysReaderDontReadValue; exact str per spec §1.6
    r.set("x", "1")
    assert pyexec(r, "GB().run(readValue=False)") == [["{'event': None, 'key': 'x'}"], []]


def test_keysreader_read_value_false_on_hash(r):
    r.hset("h", "f", "v")
    script = "GB().map(lambda x: sorted(x.keys())).run(readValue=False)"
    assert pyexec(r, script) == [["['event', 'key']"], []]


def test_keysreader_binary_safe_value(r):
    # upstream test_basics.py::testExecuteCommandWithNullTerminated
    r.set("x", "test\x00test")
    pyexec(r, "GearsBuilder().foreach(lambda x: redisgears.executeCommand('SET', 'bar', str(x['value']))).map(lambda x: str(x)).run('x')")
    assert r.get("bar") == "test\x00test"


def test_keysreader_reads_only_existing_snapshot_of_keys(r):
    # the writes done by the steps go to keys not matched by the pattern
    for i in range(5):
        r.set("src:%d" % i, str(i))
    script = "GB().foreach(lambda x: execute('SET', 'dst:' + x['key'], x['value'])).count().run('src:*')"
    assert pyexec(r, script) == [["5"], []]
    assert sorted(r.keys("dst:*")) == ["dst:src:%d" % i for i in range(5)]


# ---------------------------------------------------------------------------
# KeysOnlyReader
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "script, expected",
    [
        ('GB("KeysOnlyReader").run()', ["xx", "xy", "y"]),
        ('GB("KeysOnlyReader", defaultArg="*").run()', ["xx", "xy", "y"]),
        ('GB("KeysOnlyReader", defaultArg="x*").run()', ["xx", "xy"]),
        ('GB("KeysOnlyReader", defaultArg="xx*").run()', ["xx"]),
        ('GB("KeysOnlyReader", defaultArg="xx").run()', ["xx"]),
        ('GB("KeysOnlyReader").run("*")', ["xx", "xy", "y"]),
        ('GB("KeysOnlyReader").run("x*")', ["xx", "xy"]),
        ('GB("KeysOnlyReader").run("xx*")', ["xx"]),
        ('GB("KeysOnlyReader").run("xx")', ["xx"]),
        ('GB("KeysOnlyReader").run("nothing*")', []),
    ],
)
def test_keysonlyreader_patterns(r, script, expected):
    # upstream test_basics.py::testKeysOnlyReader
    r.set("xx", "1")
    r.set("xy", "1")
    r.set("y", "1")
    assert sorted(results(pyexec(r, script))) == expected


def test_keysonlyreader_records_are_key_names(r):
    r.set("x", "1")
    r.set("z", "1")
    r.set("y", "1")
    assert pyexec(r, "GB('KeysOnlyReader').sort().run()") == [["x", "y", "z"], []]
    assert pyexec(r, "GB('KeysOnlyReader').map(lambda x: type(x).__name__).distinct().run()") == [["str"], []]


def test_keysonlyreader_with_count(r):
    r.set("x", "1")
    r.set("z", "1")
    r.set("y", "1")
    assert pyexec(r, "GB('KeysOnlyReader').sort().run(count=1)") == [["x", "y", "z"], []]


def test_keysonlyreader_many_keys_small_count(r):
    r.mset({"k%d" % i: "v" for i in range(300)})
    assert pyexec(r, "GB('KeysOnlyReader').count().run('k*', count=7)") == [["300"], []]


def test_keysonlyreader_no_scan(r):
    r.set("x", "1")
    r.set("x1", "1")
    r.set("x2", "1")
    assert pyexec(r, "GB('KeysOnlyReader').run('x', noScan=True)") == [["x"], []]


def test_keysonlyreader_no_scan_missing_key(r):
    assert pyexec(r, "GB('KeysOnlyReader').run('missing', noScan=True)") == [[], []]


def test_keysonlyreader_pattern_generator(r):
    # upstream test_basics.py::testKeysOnlyReaderWithPatternGenerator
    pyexec(r, "GB('ShardsIDReader').foreach(lambda x: execute('set', 'x{%s}' % hashtag(), '1')).run()")
    assert r.get("x{06S}") == "1"
    script = """
def Generator():
    return ('x{%s}' % hashtag(), True)
GB('KeysOnlyReader').count().run(patternGenerator=Generator)
"""
    assert pyexec(r, script) == [["1"], []]


def test_keysonlyreader_pattern_generator_with_scan(r):
    r.set("gen:1", "1")
    r.set("gen:2", "1")
    r.set("other", "1")
    script = """
def Generator():
    return ('gen:*', False)
GB('KeysOnlyReader').sort().run('other', patternGenerator=Generator)
"""
    assert pyexec(r, script) == [["gen:1", "gen:2"], []]


# ---------------------------------------------------------------------------
# StreamReader
# ---------------------------------------------------------------------------

def test_streamreader_run(r):
    # upstream test_basics.py::testBasicWithRun
    r.xadd("stream", {"test": "1"})
    res = results(pyexec(r, "GearsBuilder('StreamReader').run('stream')"))
    assert len(res) == 1
    record = eval(res[0])
    assert record["value"]["test"] == "1"
    assert record["key"] == "stream"


def test_streamreader_record_shape(r):
    # per spec §1.6/§1.9: printed order key, id, value; value fields foo,foo1 -> foo1, foo
    id1 = r.xadd("s", {"foo": "bar", "foo1": "bar1"})
    id2 = r.xadd("s", {"foo2": "bar2", "foo3": "bar3"})
    assert pyexec(r, "GB('StreamReader').run('s')") == [
        [
            "{'key': 's', 'id': '%s', 'value': {'foo1': 'bar1', 'foo': 'bar'}}" % id1,
            "{'key': 's', 'id': '%s', 'value': {'foo3': 'bar3', 'foo2': 'bar2'}}" % id2,
        ],
        [],
    ]


def test_streamreader_from_id(r):
    # upstream test_basics.py::testStreamReaderFromId
    id1 = r.xadd("s", {"foo": "bar", "foo1": "bar1"})
    r.xadd("s", {"foo2": "bar2", "foo3": "bar3"})
    res = [eval(x) for x in results(pyexec(r, "GB('StreamReader').run('s')"))]
    assert [x["value"] for x in res] == [{"foo": "bar", "foo1": "bar1"}, {"foo2": "bar2", "foo3": "bar3"}]
    res = [eval(x) for x in results(pyexec(r, "GB('StreamReader').run('s', fromId='%s')" % id1))]
    assert [x["value"] for x in res] == [{"foo2": "bar2", "foo3": "bar3"}]


def test_streamreader_from_id_is_exclusive(r):
    r.xadd("s", {"n": "1"}, id="1-1")
    r.xadd("s", {"n": "2"}, id="2-1")
    r.xadd("s", {"n": "3"}, id="3-1")
    script = "GB('StreamReader').map(lambda x: x['id']).run('s', fromId='2-1')"
    assert pyexec(r, script) == [["3-1"], []]
    script = "GB('StreamReader').map(lambda x: x['id']).run('s', fromId='0-0')"
    assert pyexec(r, script) == [["1-1", "2-1", "3-1"], []]


def test_streamreader_bad_from_id(r):
    # upstream test_errors.py::testStepsWrongArgs.testStreamReaderBadFromIdFormat
    r.xadd("s", {"foo": "bar", "foo1": "bar1"})
    assert pyexec(r, 'GearsBuilder("StreamReader").run("s", fromId="test")') == [
        [],
        ["ERR Invalid stream ID specified as stream command argument"],
    ]


def test_streamreader_from_id_must_be_string(r):
    with pytest.raises(redis.ResponseError, match="fromId argument must be a string"):
        pyexec(r, 'GearsBuilder("StreamReader").run("s", fromId=1)')


# ---------------------------------------------------------------------------
# PythonReader / ShardsIDReader
# ---------------------------------------------------------------------------

def test_pythonreader_generator(r):
    script = """
def gen():
    for i in range(5):
        yield i * i
GB('PythonReader').run(gen)
"""
    assert pyexec(r, script) == [["0", "1", "4", "9", "16"], []]


def test_pythonreader_records_of_any_type(r):
    script = """
def gen():
    yield {'a': 1}
    yield ('t', 2)
    yield 'plain'
GB('PythonReader').map(lambda x: type(x).__name__).run(gen)
"""
    assert pyexec(r, script) == [["dict", "tuple", "str"], []]


def test_pythonreader_empty_generator(r):
    script = """
def gen():
    return
    yield 1
GB('PythonReader').run(gen)
"""
    assert pyexec(r, script) == [[], []]


def test_pythonreader_can_read_data(r):
    r.rpush("queue", "a", "b", "c")
    script = """
def gen():
    for item in execute('LRANGE', 'queue', '0', '-1'):
        yield item.upper()
GB('PythonReader').run(gen)
"""
    assert pyexec(r, script) == [["A", "B", "C"], []]


def test_shardsidreader_yields_one_record(r):
    # our issue: ShardsIDReader yields this shard's 40-char id (zeros standalone);
    # real 1.2 standalone yields '1' (spec §1.5) -- we follow the issue text here.
    assert pyexec(r, "GB('ShardsIDReader').run()") == [[SHARD_ID], []]


def test_shardsidreader_count(r):
    assert pyexec(r, "GB('ShardsIDReader').count().run()") == [["1"], []]
