"""RedisGears 1.2 error behaviour of batch executions on a standalone shard:
script syntax and runtime errors (error reply), bad readers, two run() calls in
one script, per-step runtime errors (reported in the errors array of the
[results, errors] reply, not as an error reply), every wrong-argument message
of the builder steps and of run(), builtins rejected as callbacks,
RG.PYEXECUTE option errors, RG.PYEXECUTE inside MULTI, deep recursion,
execute() raising on error replies, and log() with a bad level.

Follows upstream RedisGears pytest/test_errors.py (testGenericErrors,
testStepsErrors, testStepsWrongArgs, testGetExecutionErrorReporting),
test_sessions.py (ID / DESCRIPTION / unknown-argument parsing) and
test_basics.py::testWithMultiExec; exact messages from the spec §1.2-§1.5,
§1.7, §1.8, §2."""

import re

import pytest
import redis

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def pyexec(r, script, *args):
    return r.execute_command("RG.PYEXECUTE", script, *args)


def raises_with(text):
    return pytest.raises(redis.ResponseError, match=re.escape(text))


# ---------------------------------------------------------------------------
# Script level errors -> error reply
# ---------------------------------------------------------------------------

def test_syntax_error(r):
    with raises_with("SyntaxError"):
        pyexec(r, "def f(:\n    pass\n")


def test_invalid_syntax_upstream_script(r):
    # upstream test_errors.py::testGenericErrors.testInvalidSyntax (message text
    # depends on the Python version, the exception type does not)
    with raises_with("SyntaxError"):
        pyexec(r, "1defs + GearsBuilder().notexists()")


def test_unknown_builder_method(r):
    with raises_with("notexists"):
        pyexec(r, "GearsBuilder().notexists()")


def test_name_error(r):
    with pytest.raises(redis.ResponseError) as e:
        pyexec(r, "x = undefined_name + 1")
    assert "NameError" in str(e.value)
    assert "name 'undefined_name' is not defined" in str(e.value)


def test_raised_exception_text(r):
    with raises_with("custom failure text"):
        pyexec(r, "raise Exception('custom failure text')")


def test_server_alive_after_script_error(r):
    with pytest.raises(redis.ResponseError):
        pyexec(r, "raise ValueError('boom')")
    assert r.ping() is True
    assert pyexec(r, "GB().run()") == [[], []]


def test_script_error_after_run_reports_error(r):
    r.set("x", "1")
    with raises_with("after run"):
        pyexec(r, "GB().run()\nraise Exception('after run')")


def test_unknown_reader(r):
    with raises_with("The given reader does not exists"):
        pyexec(r, 'GB("unexists").accumulate(lambda a, x: 1 + (a if a else 0)).run()')


def test_reader_must_be_string(r):
    with raises_with("reader argument must be a string"):
        pyexec(r, "GB(1).run()")


def test_desc_must_be_string(r):
    with raises_with("desc argument must be a string"):
        pyexec(r, "GB('KeysReader', desc=1).run()")


def test_two_runs_in_one_script(r):
    with raises_with("Can not run more then 1 executions in a single script"):
        pyexec(r, "GB().run()\nGB().run()\n")


def test_two_runs_leave_no_execution_behind(r):
    before = {e[1] for e in r.execute_command("RG.DUMPEXECUTIONS")}
    with pytest.raises(redis.ResponseError):
        pyexec(r, "GB().run()\nGB().run()\n", "UNBLOCKING")
    after = {e[1] for e in r.execute_command("RG.DUMPEXECUTIONS")}
    assert after <= before


# ---------------------------------------------------------------------------
# Per-step runtime errors -> errors array (upstream testStepsErrors)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "script",
    [
        "GearsBuilder().map(lambda x: notexists(x)).collect().run()",
        "GearsBuilder().flatmap(lambda x: notexists(x)).collect().run()",
        "GearsBuilder().filter(lambda x: notexists(x)).collect().run()",
        "GearsBuilder().foreach(lambda x: notexists(x)).collect().run()",
        "GearsBuilder().accumulate(lambda a, x: notexists(a, x)).collect().run()",
        'GearsBuilder().groupby(lambda x: "str", lambda a, x, k: notexists(x)).collect().run()',
        'GearsBuilder().groupby(lambda x: notexists(x), lambda a, x, k: 1).collect().run()',
        'GearsBuilder().localgroupby(lambda x: "str", lambda a, x, k: notexists(x)).run()',
        'GearsBuilder().batchgroupby(lambda x: "str", lambda x, k: notexists(x)).collect().run()',
        "GearsBuilder().repartition(lambda x: notexists(x)).repartition(lambda x: notexists(x)).collect().run()",
        "GearsBuilder().aggregate(0, lambda a, x: notexists(x), lambda a, x: a).run()",
    ],
)
def test_step_errors_land_in_errors_list(r, script):
    r.set("x", "1")
    r.set("y", "1")
    res = pyexec(r, script)
    assert isinstance(res, list) and len(res) == 2
    assert len(res[1]) >= 1
    assert all("name 'notexists' is not defined" in e for e in res[1])


def test_step_error_traceback_mentions_exception_type(r):
    r.set("x", "1")
    res = pyexec(r, "GB().map(lambda x: notexists(x)).run()")
    assert res[0] == []
    assert len(res[1]) == 1
    assert "NameError" in res[1][0]


def test_accumulate_fails_on_second_call(r):
    # upstream test_errors.py::testStepsErrors.testAccumulateError2
    r.set("x", "1")
    r.set("y", "1")
    script = """
callNum = 0
def secondCallFailed(a, x):
    global callNum
    if callNum > 0:
        raise Exception('failed')
    callNum += 1
    return x
GearsBuilder().accumulate(secondCallFailed).collect().run()
"""
    res = pyexec(r, script)
    assert len(res[1]) >= 1
    assert "failed" in res[1][0]


def test_aggregateby_error(r):
    # upstream test_errors.py::testStepsErrors.testAggregateByError
    r.set("x", "1")
    r.set("y", "1")
    script = (
        'GearsBuilder().aggregateby(lambda x: "1", {}, '
        'lambda k, a, x: (x["kaka"] if x["key"] == "y" else x), '
        'lambda k, a, x: (x["kaka"] if x["key"] == "y" else x)).run()'
    )
    res = pyexec(r, script)
    assert len(res[1]) >= 1


def test_errors_only_for_failing_records(r):
    script = """
def gen():
    for i in range(4):
        yield i
def f(x):
    if x % 2:
        raise Exception('odd %d' % x)
    return x
GB('PythonReader').map(f).run(gen)
"""
    res = pyexec(r, script)
    assert res[0] == ["0", "2"]
    assert len(res[1]) == 2
    assert any("odd 1" in e for e in res[1])
    assert any("odd 3" in e for e in res[1])


def test_error_without_traceback_config(r):
    # upstream test_errors.py::testGetExecutionErrorReporting (traceback not attempted)
    r.set("x", "1")
    try:
        assert r.execute_command("RG.CONFIGSET", "PythonAttemptTraceback", 0) == ["OK - value was saved in extra config dictionary"]  # per spec §2
        res = pyexec(r, "GB().map(lambda x: notexists(x)).run()")
        assert len(res[1]) == 1
        assert "name 'notexists' is not defined" in res[1][0]
        assert "Traceback" not in res[1][0]
    finally:
        r.execute_command("RG.CONFIGSET", "PythonAttemptTraceback", 1)


def test_flat_error_message_is_exact(r):
    # per spec §1.8 / §1.10: flat_error(msg) records exactly msg
    res = pyexec(r, "GB('ShardsIDReader').map(lambda x: flat_error('plain message')).run()")
    assert res == [[], ["plain message"]]


# ---------------------------------------------------------------------------
# Wrong arguments to steps (upstream testStepsWrongArgs, spec §1.3-§1.5)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "script, message",
    [
        ("GB().map(1, 2).run()", "wrong number of args to map function"),
        ("GB().map(1).run()", "map argument must be a function"),
        ("GB().map().run()", "wrong number of args to map function"),
        ("GB().filter(1, 2).run()", "wrong number of args to filter function"),
        ("GB().filter(1).run()", "filter argument must be a function"),
        ("GB().flatmap(1, 2).run()", "wrong number of args to flatmap function"),
        ("GB().flatmap(1).run()", "flatmap argument must be a function"),
        ("GB().foreach(1, 2).run()", "wrong number of args to foreach function"),
        ("GB().foreach(1).run()", "foreach argument must be a function"),
        ("GB().accumulate(1, 2).run()", "wrong number of args to accumulate function"),
        ("GB().accumulate(1).run()", "accumulate argument must be a function"),
        ("GB().repartition(1, 2).run()", "wrong number of args to repartition function"),
        ("GB().repartition(1).run()", "repartition argument must be a function"),
        ("GB().groupby(1, 2, 3).run()", "wrong number of args to groupby function"),
        ("GB().groupby(1, 2).run()", "groupby extractor argument must be a function"),
        ("GB().groupby(lambda x: x, 2).run()", "groupby reducer argument must be a function"),
        ("GB().localgroupby(1, 2, 3).run()", "wrong number of args to groupby function"),
        ("GB().localgroupby(1, 2).run()", "groupby extractor argument must be a function"),
        ("GB().localgroupby(lambda x: x, 2).run()", "groupby reducer argument must be a function"),
        ("GB().batchgroupby(1, 2, 3).run()", "wrong number of args to batchgroupby function"),
        ("GB().batchgroupby(1, 2).run()", "batchgroupby extractor argument must be a function"),
        ("GB().collect(1, 2, 3).run()", "wrong number of args to collect function"),
        ("GB().limit().run()", "wrong number of args to limit function"),
        ("GB().limit(1, 2, 3).run()", "wrong number of args to limit function"),
        ('GB().limit("awdwada").run()', "limit argument must be a number"),
        ('GB().limit(1, "kakaka").run()', "limit argument must be a number"),
        ("GB().avg(1).run()", "map argument must be a function"),
        ("GB().map(lambda x: x).run(1)", "regex argument must be a string"),
        ("GearsBuilder().run(noScan=1)", "exactMatch value is not boolean"),
        ("GearsBuilder().run(readValue=1)", "readValue value is not boolean"),
        ('GB("PythonReader").run("*")', "pyreader argument must be a function"),
        ('GB("PythonReader").run()', "pyreader argument must be a function"),
        ('GB("PythonReader", "*").run()', "pyreader argument must be a function"),
        ('GB("PythonReader", shardReaderCallback).run("*")', "pyreader argument must be a function"),
        ("GB().run(mode='sync')", "unknown execution mode"),
        ("GB().run(mode='nosuchmode')", "unknown execution mode"),
        ("GB().run(mode=1)", "execution mode must be a string"),
        ("execute(1)", "the given command must be a string"),
    ],
)
def test_wrong_arguments(r, script, message):
    with raises_with(message):
        pyexec(r, script)


@pytest.mark.parametrize(
    "script, message",
    [
        ("GB().map(str).run()", "map argument must be a function"),
        ("GB().filter(bool).run()", "filter argument must be a function"),
        ("GB().flatmap(list).run()", "flatmap argument must be a function"),
        ("GB().foreach(print).run()", "foreach argument must be a function"),
        ("GB().map('abc'.upper).run()", "map argument must be a function"),
        (
            "class C:\n    def __call__(self, x):\n        return x\nGB().map(C()).run()",
            "map argument must be a function",
        ),
        ("GB().groupby(len, lambda k, a, r: a).run()", "groupby extractor argument must be a function"),
    ],
)
def test_builtins_and_callables_rejected(r, script, message):
    # per spec §1.2: only real Python functions (PyFunction) are accepted
    with raises_with(message):
        pyexec(r, script)


def test_named_function_accepted(r):
    script = """
def double(x):
    return x * 2
def gen():
    yield 21
GB('PythonReader').map(double).run(gen)
"""
    assert pyexec(r, script) == [["42"], []]


def test_keysonlyreader_bad_count(r):
    # upstream test_errors.py::testStepsWrongArgs.testKeysOnlyReadeBadCount
    r.set("x", "1")
    res = pyexec(r, 'GearsBuilder("KeysOnlyReader").run(count="noNunber")')
    assert res[0] == []
    assert "value is not an integer" in res[1][0]


def test_keysonlyreader_bad_pattern_generator(r):
    # upstream test_errors.py::testStepsWrongArgs.testKeysOnlyReadeBadPatternGenerator
    res = pyexec(r, 'GearsBuilder("KeysOnlyReader").run(patternGenerator="adwaw")')
    assert "object is not callable" in res[1][0]


# ---------------------------------------------------------------------------
# RG.PYEXECUTE arguments (upstream test_sessions.py)
# ---------------------------------------------------------------------------

def test_pyexecute_id_missing(r):
    with raises_with("ID is missing"):
        pyexec(r, "GB().run()", "ID")


def test_pyexecute_bad_id_chars(r):
    with raises_with("ID must be compose of: ['A'-'Z' | 'a'-'z' | '0' - '9' | '-' | '_']"):
        pyexec(r, "GB().run()", "ID", "test@a")


def test_pyexecute_description_missing(r):
    with raises_with("DESCRIPTION is missing"):
        pyexec(r, "GB().run()", "ID", "test", "DESCRIPTION")


def test_pyexecute_replace_with_missing(r):
    with raises_with("REPLACE_WITH is missing"):
        pyexec(r, "GB().run()", "ID", "test", "REPLACE_WITH")


def test_pyexecute_unknown_argument(r):
    with raises_with("Unknown arguments were given: UNKNOWN"):
        pyexec(r, "GB().run()", "ID", "test", "UNKNOWN")


def test_pyexecute_extra_unknown_arguments(r):
    # upstream test_errors.py::testExtraUnknownArgumentsReturnError
    with raises_with("Unknown arguments were given"):
        pyexec(r, "GB().run()", "exta", "unknown", "arguments")


def test_pyexecute_wrong_arity(r):
    with pytest.raises(redis.ResponseError, match="(?i)wrong number of arguments"):
        r.execute_command("RG.PYEXECUTE")


def test_pyexecute_inside_multi(r):
    # upstream test_basics.py::testWithMultiExec; message per spec §1.7
    r.set("x", "1")
    p = r.pipeline(transaction=True)
    p.execute_command("RG.PYEXECUTE", "GB().run()")
    p.set("after", "1")
    res = p.execute(raise_on_error=False)
    assert isinstance(res[0], redis.ResponseError)
    assert "Can not run gears inside a multi exec, lua, or when blocking is not allowed" in str(res[0])
    assert res[1] is True
    assert r.get("after") == "1"


def test_pyexecute_inside_lua(r):
    try:
        r.eval("return 1", 0)
    except redis.ResponseError as e:
        if "unknown command" in str(e):
            pytest.skip("this server has no Lua scripting yet")
    with raises_with("Can not run gears inside a multi exec, lua, or when blocking is not allowed"):
        r.eval("return redis.call('RG.PYEXECUTE', 'GB().run()')", 0)


def test_nested_pyexecute_from_a_step(r):
    # upstream test_basics.py::testRecursiveGearsBuilder
    r.set("x", "1")
    res = pyexec(r, "GearsBuilder().map(lambda x: execute('RG.PYEXECUTE', 'GearsBuilder().run()')).run()")
    assert "blocking is not allowed" in res[1][0]


# ---------------------------------------------------------------------------
# Recursion, execute() errors, log()
# ---------------------------------------------------------------------------

def test_deep_recursion_in_script(r):
    script = "def f(n):\n    return f(n + 1)\nf(0)\n"
    with raises_with("RecursionError"):
        pyexec(r, script)
    assert r.ping() is True


def test_deep_recursion_in_step(r):
    script = """
def f(n):
    return f(n + 1)
GB('ShardsIDReader').map(lambda x: f(0)).run()
"""
    res = pyexec(r, script)
    assert res[0] == []
    assert len(res[1]) == 1
    assert "RecursionError" in res[1][0]
    assert r.ping() is True
    assert pyexec(r, "GB('ShardsIDReader').count().run()") == [["1"], []]


def test_execute_error_reply_goes_to_errors_list(r):
    r.set("foo", "bar")
    res = pyexec(r, "GB('ShardsIDReader').map(lambda x: execute('LPUSH', 'foo', 'x')).run()")
    assert res[0] == []
    assert len(res[1]) == 1
    assert WRONGTYPE in res[1][0]
    assert r.get("foo") == "bar"


def test_execute_error_reply_raises_in_python(r):
    r.set("foo", "bar")
    script = """
def f(x):
    try:
        execute('LPUSH', 'foo', 'x')
    except Exception as e:
        return 'caught: ' + str(e)
    return 'not raised'
GB('ShardsIDReader').map(f).run()
"""
    assert pyexec(r, script) == [["caught: " + WRONGTYPE], []]


def test_execute_error_at_script_level(r):
    r.set("foo", "bar")
    with raises_with(WRONGTYPE):
        pyexec(r, "execute('LPUSH', 'foo', 'x')")


def test_execute_unknown_command(r):
    res = pyexec(r, "GB('ShardsIDReader').map(lambda x: execute('NOSUCHCOMMAND', 'a')).run()")
    assert res[0] == []
    assert len(res[1]) == 1
    # per spec §1.7: RM_Call of an unknown command fails with errno ENOENT
    assert "No such file or directory" in res[1][0]


def test_execute_reply_types(r):
    r.set("s", "v")
    r.rpush("l", "a", "b")
    script = """
def f(x):
    return [type(execute('GET', 's')).__name__,
            type(execute('LLEN', 'l')).__name__,
            type(execute('LRANGE', 'l', '0', '-1')).__name__,
            execute('GET', 'missing'),
            execute('SET', 'n', 1),
            execute('INCRBY', 'n', 2)]
GB('ShardsIDReader').map(f).run()
"""
    assert pyexec(r, script) == [["['str', 'int', 'list', None, 'OK', 3]"], []]


def test_log_bad_level(r):
    with raises_with("Log level should be one of the following : debug,verbose,notice,warning"):
        pyexec(r, "log('hello', level='bad')")


def test_log_good_levels(r):
    script = "\n".join("log('hello %s', level='%s')" % (lvl, lvl) for lvl in ("debug", "verbose", "notice", "warning"))
    assert pyexec(r, script + "\nlog('default level')\n") == "OK"


def test_log_inside_step(r):
    assert pyexec(r, "GB('ShardsIDReader').foreach(lambda x: log('from a step')).count().run()") == [["1"], []]
