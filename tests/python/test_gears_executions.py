"""RedisGears 1.2 execution management and configuration on a standalone shard:
RG.GETEXECUTION (reply shape, SHARD/CLUSTER), RG.DUMPEXECUTIONS,
RG.GETRESULTS / RG.GETRESULTSBLOCKING, RG.ABORTEXECUTION of an endless
execution, RG.DROPEXECUTION errors, MaxExecutions eviction, ProfileExecutions
step durations, RG.CONFIGGET / RG.CONFIGSET and configGet() in scripts,
RG.PYSTATS, RG.INFOCLUSTER, RG.REFRESHCLUSTER, INFO rg, session isolation of
globals, parallel executions, and a long execution that must not stall the
server for other clients.

Follows upstream RedisGears pytest/test_basics.py (testAbortExecution,
testParallelExecutions, testMaxExecutions, testSubinterpreterIsolation,
testGlobalsSharedBetweenFunctions, class testConfig, class testGetExecution,
testConfigGet, testConfigGetSet, testInfo) with replies from the spec §2/§3."""

import re
import time

import pytest
import redis

SHARD_ID = "0" * 40
EXEC_ID_RE = re.compile(r"^0{40}-\d+$")

ENDLESS_MAP = """
import time
def endless(r):
    while True:
        time.sleep(0.05)
    return r
GB('ShardsIDReader').map(endless).run()
"""


def pyexec(r, script, *args):
    return r.execute_command("RG.PYEXECUTE", script, *args)


def status_of(r, eid):
    return r.execute_command("RG.GETEXECUTION", eid)[0][3][1]


def wait_status(r, eid, wanted, timeout=10.0):
    deadline = time.monotonic() + timeout
    st = None
    while time.monotonic() < deadline:
        st = status_of(r, eid)
        if st in wanted:
            return st
        time.sleep(0.02)
    raise AssertionError("execution %s stayed %r, wanted one of %r" % (eid, st, wanted))


def finish(r, eid):
    """Waits for an UNBLOCKING execution and drops it; returns its results."""
    res = r.execute_command("RG.GETRESULTSBLOCKING", eid)
    r.execute_command("RG.DROPEXECUTION", eid)
    return res


def abort_and_drop(r, eid):
    try:
        r.execute_command("RG.ABORTEXECUTION", eid)
        r.execute_command("RG.GETRESULTSBLOCKING", eid)
        r.execute_command("RG.DROPEXECUTION", eid)
    except redis.ResponseError:
        pass


# ---------------------------------------------------------------------------
# RG.GETEXECUTION / RG.DUMPEXECUTIONS / results
# ---------------------------------------------------------------------------

def test_getexecution_reply_shape(r):
    # upstream test_basics.py::testGetExecution.testGettingAnExecutionPlanShouldSucceed
    r.set("k1", "spark")
    r.set("k2", "star")
    r.set("k3", "lambda")
    eid = pyexec(r, "GB().map(lambda x: x['value']).run()", "UNBLOCKING")
    r.execute_command("RG.GETRESULTSBLOCKING", eid)
    try:
        res = r.execute_command("RG.GETEXECUTION", eid)
        assert len(res) == 1
        shard = res[0]
        assert shard[0] == "shard_id"
        assert shard[1] == SHARD_ID
        assert shard[2] == "execution_plan"
        plan = shard[3]
        assert plan[0::2] == [
            "status", "shards_received", "shards_completed", "results", "errors",
            "total_duration", "read_duration", "steps",
        ]
        assert plan[1] == "done"
        assert plan[7] == 3
        assert plan[9] == []
        assert isinstance(plan[11], int) and isinstance(plan[13], int)
        steps = plan[15]
        # per spec §2: last step first, reader excluded; the plan is
        # [to-python map, user map, str map, collect]
        assert [s[1] for s in steps] == ["collect", "map", "map", "map"]
        for step in steps:
            assert step[0::2] == ["type", "duration", "name", "arg"]
        assert steps[-1][5] == "RedisGearsPy_ToPyRecordMapper"
        assert steps[1][5] == "RedisGearsPy_PyCallbackMapper"
    finally:
        r.execute_command("RG.DROPEXECUTION", eid)


def test_getexecution_shard_subcommand_case_insensitive(r):
    eid = pyexec(r, "GB().filter(lambda x: True).run()", "UNBLOCKING")
    r.execute_command("RG.GETRESULTSBLOCKING", eid)
    try:
        res = r.execute_command("RG.GETEXECUTION", eid, "sHARD")
        assert len(res) == 1
        assert res[0][1] == SHARD_ID
        assert res == r.execute_command("RG.GETEXECUTION", eid, "SHARD")
    finally:
        r.execute_command("RG.DROPEXECUTION", eid)


def test_getexecution_cluster_when_not_clustered(r):
    eid = pyexec(r, "GB().run()", "UNBLOCKING")
    r.execute_command("RG.GETRESULTSBLOCKING", eid)
    try:
        with pytest.raises(redis.ResponseError, match=re.escape(
                "no cluster detected - use `RG.GETEXECUTION <id> [SHARD]` instead")):
            r.execute_command("RG.GETEXECUTION", eid, "CLUSTER")
        with pytest.raises(redis.ResponseError, match="unknown subcommand"):
            r.execute_command("RG.GETEXECUTION", eid, "BOGUS")
    finally:
        r.execute_command("RG.DROPEXECUTION", eid)


def test_getexecution_unknown_id(r):
    with pytest.raises(redis.ResponseError, match="execution plan does not exist"):
        r.execute_command("RG.GETEXECUTION", "NoSuchExecutionId")


def test_getexecution_counts_errors(r):
    r.set("x", "1")
    r.set("y", "2")
    eid = pyexec(r, "GB().map(lambda x: notexists(x)).run()", "UNBLOCKING")
    r.execute_command("RG.GETRESULTSBLOCKING", eid)
    try:
        plan = r.execute_command("RG.GETEXECUTION", eid)[0][3]
        assert plan[7] == 0
        assert len(plan[9]) == 2
        for err in plan[9]:
            assert "name 'notexists' is not defined" in err
    finally:
        r.execute_command("RG.DROPEXECUTION", eid)


def test_dumpexecutions_entry(r):
    eid = pyexec(r, "GB().run()", "UNBLOCKING")
    r.execute_command("RG.GETRESULTSBLOCKING", eid)
    try:
        assert ["executionId", eid, "status", "done", "registered", 0] in r.execute_command("RG.DUMPEXECUTIONS")
    finally:
        r.execute_command("RG.DROPEXECUTION", eid)


def test_getresults_unknown(r):
    with pytest.raises(redis.ResponseError, match="execution plan does not exist"):
        r.execute_command("RG.GETRESULTS", SHARD_ID + "-999999")
    with pytest.raises(redis.ResponseError, match="execution plan does not exist"):
        r.execute_command("RG.GETRESULTSBLOCKING", SHARD_ID + "-999999")


def test_getresults_blocking_returns_errors_too(r):
    r.set("x", "1")
    eid = pyexec(r, "GB().map(lambda x: notexists(x)).run()", "UNBLOCKING")
    res = finish(r, eid)
    assert res[0] == []
    assert len(res[1]) == 1 and "notexists" in res[1][0]


def test_dropexecution_unknown(r):
    with pytest.raises(redis.ResponseError, match="execution plan does not exist"):
        r.execute_command("RG.DROPEXECUTION", SHARD_ID + "-999999")


def test_drop_twice(r):
    eid = pyexec(r, "GB().run()", "UNBLOCKING")
    r.execute_command("RG.GETRESULTSBLOCKING", eid)
    assert r.execute_command("RG.DROPEXECUTION", eid) == "OK"
    with pytest.raises(redis.ResponseError, match="execution plan does not exist"):
        r.execute_command("RG.DROPEXECUTION", eid)


# ---------------------------------------------------------------------------
# Abort / running executions
# ---------------------------------------------------------------------------

def test_abort_running_execution(r):
    # upstream test_basics.py::testAbortExecution (first execution part)
    eid = pyexec(r, ENDLESS_MAP, "UNBLOCKING")
    try:
        assert EXEC_ID_RE.match(eid)
        wait_status(r, eid, ("running",))
        assert ["executionId", eid, "status", "running", "registered", 0] in r.execute_command("RG.DUMPEXECUTIONS")
        assert r.execute_command("RG.ABORTEXECUTION", eid) == "OK"
        res = r.execute_command("RG.GETRESULTSBLOCKING", eid)
        assert res[0] == []
        assert len(res[1]) == 1  # the aborted Python code got a forcestopped exception
        plan = r.execute_command("RG.GETEXECUTION", eid)[0][3]
        assert plan[1] == "done"
        assert len(plan[9]) == 1
        assert r.execute_command("RG.DROPEXECUTION", eid) == "OK"
    finally:
        abort_and_drop(r, eid)


def test_abort_endless_python_reader(r):
    script = """
def gen():
    while True:
        yield 1
GB('PythonReader').filter(lambda x: False).run(gen)
"""
    eid = pyexec(r, script, "UNBLOCKING")
    try:
        wait_status(r, eid, ("running",))
        assert r.execute_command("RG.ABORTEXECUTION", eid) == "OK"
        res = r.execute_command("RG.GETRESULTSBLOCKING", eid)
        assert res[0] == []
        assert len(res[1]) == 1
        assert status_of(r, eid) == "done"
    finally:
        abort_and_drop(r, eid)


def test_abort_finished_execution_is_ok(r):
    eid = pyexec(r, "GB().run()", "UNBLOCKING")
    r.execute_command("RG.GETRESULTSBLOCKING", eid)
    try:
        assert r.execute_command("RG.ABORTEXECUTION", eid) == "OK"
        assert status_of(r, eid) == "done"
    finally:
        r.execute_command("RG.DROPEXECUTION", eid)


def test_abort_unknown_execution(r):
    with pytest.raises(redis.ResponseError, match="execution does not exist"):
        r.execute_command("RG.ABORTEXECUTION", SHARD_ID + "-999999")


def test_running_execution_cannot_be_dropped_or_read(r):
    eid = pyexec(r, ENDLESS_MAP, "UNBLOCKING")
    try:
        wait_status(r, eid, ("running",))
        with pytest.raises(redis.ResponseError, match=re.escape(
                "can not drop a not yet finished execution, abort it first.")):
            r.execute_command("RG.DROPEXECUTION", eid)
        with pytest.raises(redis.ResponseError, match="execution is still running"):
            r.execute_command("RG.GETRESULTS", eid)
        plan = r.execute_command("RG.GETEXECUTION", eid)[0][3]
        assert plan[1] == "running"
        assert plan[7] == -1  # per spec §2: results is -1 while not done
    finally:
        abort_and_drop(r, eid)


def test_parallel_executions(r):
    # upstream test_basics.py::testParallelExecutions
    eid = pyexec(r, ENDLESS_MAP.replace(".map(endless)", ".foreach(endless)"), "UNBLOCKING")
    try:
        wait_status(r, eid, ("running",))
        assert pyexec(r, "GB('ShardsIDReader').count().run()") == [["1"], []]
        assert r.execute_command("RG.ABORTEXECUTION", eid) == "OK"
        r.execute_command("RG.GETRESULTSBLOCKING", eid)
        assert r.execute_command("RG.DROPEXECUTION", eid) == "OK"
    finally:
        abort_and_drop(r, eid)


def test_getresultsblocking_waits_for_completion(r, new_client):
    script = """
import time
def slow(x):
    time.sleep(0.3)
    return 'slept'
GB('ShardsIDReader').map(slow).run()
"""
    eid = pyexec(r, script, "UNBLOCKING")
    other = new_client()
    start = time.monotonic()
    res = other.execute_command("RG.GETRESULTSBLOCKING", eid)
    assert res == [["slept"], []]
    assert time.monotonic() - start < 10
    r.execute_command("RG.DROPEXECUTION", eid)


# ---------------------------------------------------------------------------
# MaxExecutions / ProfileExecutions
# ---------------------------------------------------------------------------

def test_max_executions_evicts_oldest(r):
    # upstream test_basics.py::testMaxExecutions (with run() instead of register())
    assert r.execute_command("RG.CONFIGSET", "MaxExecutions", 3) == ["OK"]
    ids = []
    try:
        for _ in range(5):
            eid = pyexec(r, "GB('ShardsIDReader').run()", "UNBLOCKING")
            ids.append(eid)
            r.execute_command("RG.GETRESULTSBLOCKING", eid)
        dump = r.execute_command("RG.DUMPEXECUTIONS")
        assert len(dump) == 3
        assert {e[1] for e in dump} == set(ids[2:])
        for oldest in ids[:2]:
            with pytest.raises(redis.ResponseError, match="execution plan does not exist"):
                r.execute_command("RG.GETRESULTS", oldest)
    finally:
        r.execute_command("RG.CONFIGSET", "MaxExecutions", 1000)
        for eid in ids:
            try:
                r.execute_command("RG.DROPEXECUTION", eid)
            except redis.ResponseError:
                pass


def step_durations(r, eid):
    steps = r.execute_command("RG.GETEXECUTION", eid)[0][3][15]
    assert len(steps) >= 1
    return [s[3] for s in steps]


SLOW_MAP = "GB('ShardsIDReader').map(lambda x: __import__('time').sleep(0.1) or x).run()"


def test_profile_executions_disabled_by_default(r):
    assert r.execute_command("RG.CONFIGGET", "ProfileExecutions") == [0]
    eid = pyexec(r, SLOW_MAP, "UNBLOCKING")
    r.execute_command("RG.GETRESULTSBLOCKING", eid)
    try:
        assert sum(step_durations(r, eid)) == 0
    finally:
        r.execute_command("RG.DROPEXECUTION", eid)


def test_profile_executions_enabled(r):
    assert r.execute_command("RG.CONFIGSET", "ProfileExecutions", 1) == ["OK"]
    eid = None
    try:
        eid = pyexec(r, SLOW_MAP, "UNBLOCKING")
        r.execute_command("RG.GETRESULTSBLOCKING", eid)
        durations = step_durations(r, eid)
        assert all(isinstance(d, int) and d >= 0 for d in durations)
        assert sum(durations) > 0
    finally:
        r.execute_command("RG.CONFIGSET", "ProfileExecutions", 0)
        if eid:
            r.execute_command("RG.DROPEXECUTION", eid)


# ---------------------------------------------------------------------------
# RG.CONFIGGET / RG.CONFIGSET (upstream class testConfig)
# ---------------------------------------------------------------------------

def test_configget_defaults(r):
    assert r.execute_command(
        "RG.CONFIGGET", "MaxExecutions", "MaxExecutionsPerRegistration", "ProfileExecutions",
        "PythonAttemptTraceback", "ExecutionThreads", "ExecutionMaxIdleTime",
    ) == [1000, 100, 0, 1, 3, 5000]


def test_configset_max_executions(r):
    n = r.execute_command("RG.CONFIGGET", "MaxExecutions")[0] + 1
    try:
        assert r.execute_command("RG.CONFIGSET", "MaxExecutions", n) == ["OK"]
        assert r.execute_command("RG.CONFIGGET", "MaxExecutions") == [n]
    finally:
        r.execute_command("RG.CONFIGSET", "MaxExecutions", 1000)


def test_configget_unknown_is_error_element(r):
    res = r.execute_command("RG.CONFIGGET", "NoSuchConfig1")
    assert len(res) == 1
    assert isinstance(res[0], redis.ResponseError)
    assert "Unsupported config parameter: NoSuchConfig1" in str(res[0])


def test_config_multiple(r):
    # upstream test_basics.py::testConfig.testMultiple
    try:
        res = r.execute_command("RG.CONFIGGET", "NoSuchConfig", "MaxExecutions")
        assert isinstance(res[0], redis.ResponseError)
        assert res[1] == 1000
        res = r.execute_command("RG.CONFIGSET", "NoSuchConfig", 1, "MaxExecutions", 10)
        assert res == ["OK - value was saved in extra config dictionary", "OK"]
        assert r.execute_command("RG.CONFIGGET", "MaxExecutions") == [10]
        assert r.execute_command("RG.CONFIGGET", "NoSuchConfig") == ["1"]
    finally:
        r.execute_command("RG.CONFIGSET", "MaxExecutions", 1000)


def test_configset_extra_value(r):
    # upstream test_basics.py::testConfigGetSet
    assert r.execute_command("RG.CONFIGSET", "test", "test") == ["OK - value was saved in extra config dictionary"]
    assert r.execute_command("RG.CONFIGGET", "test") == ["test"]
    assert r.execute_command("RG.CONFIGSET", "test", "other") == ["OK - value was saved in extra config dictionary"]
    assert r.execute_command("RG.CONFIGGET", "test") == ["other"]


def test_configset_not_modifiable_at_runtime(r):
    res = r.execute_command("RG.CONFIGSET", "ExecutionThreads", 5)
    assert len(res) == 1
    assert isinstance(res[0], redis.ResponseError)
    assert "Config value ExecutionThreads not modifiable at runtime" in str(res[0])
    assert r.execute_command("RG.CONFIGGET", "ExecutionThreads") == [3]


def test_configset_bad_value_fails(r):
    res = r.execute_command("RG.CONFIGSET", "MaxExecutions", "notanumber")
    assert isinstance(res[0], redis.ResponseError)
    assert "Failed setting config value MaxExecutions" in str(res[0])
    assert r.execute_command("RG.CONFIGGET", "MaxExecutions") == [1000]


def test_configget_in_script(r):
    assert r.execute_command("RG.CONFIGSET", "gearsTestKey", "gearsTestVal") == [
        "OK - value was saved in extra config dictionary"
    ]
    script = (
        "GB('ShardsIDReader').map(lambda x: (configGet('gearsTestKey'), configGet('gearsNoSuchKey'), "
        "gearsConfigGet('gearsTestKey'), gearsConfigGet('NotExists', 'default'))).run()"
    )
    assert pyexec(r, script) == [["('gearsTestVal', None, 'gearsTestVal', 'default')"], []]


def test_configget_in_script_only_sees_extra_values(r):
    # per spec §1.8: configGet reads the extra config dictionary only
    assert pyexec(r, "GB('ShardsIDReader').map(lambda x: configGet('MaxExecutions')).run()") == [["None"], []]


# ---------------------------------------------------------------------------
# Stats / cluster info / INFO
# ---------------------------------------------------------------------------

def test_pystats(r):
    res = r.execute_command("RG.PYSTATS")
    assert res[0::2] == ["TotalAllocated", "PeakAllocated", "CurrAllocated"]
    assert all(isinstance(v, int) and v >= 0 for v in res[1::2])


def test_infocluster_standalone(r):
    assert r.execute_command("RG.INFOCLUSTER") == "no cluster mode"


def test_refreshcluster_standalone(r):
    assert r.execute_command("RG.REFRESHCLUSTER") == "OK"
    assert r.execute_command("RG.INFOCLUSTER") == "no cluster mode"


def test_info_rg_section(r):
    info = r.info("rg")
    assert "rg_nexecutions" in info
    assert "rg_nregistrations" in info
    assert "rg_TotalAllocated" in info
    assert "rg_PeakAllocated" in info
    assert "rg_CurrAllocated" in info


def test_info_rg_counts_executions(r):
    eid = pyexec(r, "GB().run()", "UNBLOCKING")
    r.execute_command("RG.GETRESULTSBLOCKING", eid)
    try:
        assert int(r.info("rg")["rg_nexecutions"]) >= 1
    finally:
        r.execute_command("RG.DROPEXECUTION", eid)


# ---------------------------------------------------------------------------
# Sessions: globals isolation (upstream testSubinterpreterIsolation)
# ---------------------------------------------------------------------------

def test_globals_isolated_between_pyexecute_calls(r):
    r.set("x", "1")
    script = """
if 'x' not in globals().keys():
    x = 1

def returnX(a):
    global x
    x += 1
    return x

GB().map(returnX).run()
"""
    assert pyexec(r, script) == [["2"], []]
    assert pyexec(r, script) == [["2"], []]


def test_names_of_one_session_invisible_in_another(r):
    assert pyexec(r, "secret_value = 42") == "OK"
    with pytest.raises(redis.ResponseError, match="secret_value"):
        pyexec(r, "GB('ShardsIDReader').map(lambda x: secret_value).run()\nsecret_value")
    res = pyexec(r, "GB('ShardsIDReader').map(lambda x: 'secret_value' in globals()).run()")
    assert res == [["False"], []]


def test_functions_of_one_script_share_globals(r):
    script = """
state = {'calls': 0}

def bump(x):
    state['calls'] += 1
    return x

def report(x):
    return state['calls']

def gen():
    for i in range(3):
        yield i

GB('PythonReader').map(bump).accumulate(lambda a, x: x).map(report).run(gen)
"""
    assert pyexec(r, script) == [["3"], []]


def test_preimported_names(r):
    script = """
names = ['GearsBuilder', 'GB', 'execute', 'atomic', 'configGet', 'gearsConfigGet', 'hashtag', 'log']
missing = [n for n in names if n not in globals()]
GB('ShardsIDReader').map(lambda x: missing).run()
"""
    assert pyexec(r, script) == [["[]"], []]


# ---------------------------------------------------------------------------
# A long execution does not stall the server
# ---------------------------------------------------------------------------

def test_long_execution_does_not_stall_other_clients(r, new_client):
    n = 20000
    p = r.pipeline(transaction=False)
    for start in range(0, n, 1000):
        p.mset({"long:%d" % i: str(i) for i in range(start, start + 1000)})
    p.execute()
    script = "GB().map(lambda x: sum(range(50)) + int(x['value'])).count().run('long:*')"
    eid = pyexec(r, script, "UNBLOCKING")
    pinger = new_client()
    worst = 0.0
    pings = 0
    deadline = time.monotonic() + 10
    try:
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            assert pinger.ping() is True
            worst = max(worst, time.monotonic() - t0)
            pings += 1
            if status_of(pinger, eid) == "done" and pings >= 5:
                break
            time.sleep(0.005)
        assert status_of(pinger, eid) == "done", "execution did not finish in time"
        assert worst < 0.2, "a PING took %.3fs while the execution ran" % worst
        assert r.execute_command("RG.GETRESULTSBLOCKING", eid) == [[str(n)], []]
    finally:
        abort_and_drop(r, eid)
