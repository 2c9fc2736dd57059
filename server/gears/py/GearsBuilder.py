"""The GearsBuilder API of RedisGears 1.2, over the native core in `redisgears`.

Every RG.PYEXECUTE script runs with a copy of this module's namespace as its
globals, so GB, execute, atomic, log, hashtag, configGet, ... are there
without imports. The native core (redisgears.PyFlatExecution) keeps a flat
list of steps; the operations below that are not native are written in terms
of those steps exactly as RedisGears 1.2 composes them, because users see the
consequences (sort() ascending by default, aggregate's zero copied whenever
the accumulator is falsy, ...).
"""
import copy

import redisgears
from redisgears import PyFlatExecution, atomicCtx as atomic, config_get as configGet
from redisgears import executeCommand as execute, gearsCtx, getMyHashTag as hashtag
from redisgears import isInAtomicBlock, log

_NATIVE_STEPS = ('map', 'flatmap', 'filter', 'foreach', 'accumulate', 'localgroupby', 'groupby',
                 'batchgroupby', 'repartition', 'collect', 'limit', 'accumulateby')


def flat_error(msg):
    """Raises an error recorded as exactly `msg` (no traceback)."""
    raise redisgears.GearsFlatError(msg)


def createKeysOnlyReader(pattern='*', count=1000, noScan=False, patternGenerator=None):
    """A PythonReader generator that yields key names: SCAN with MATCH/COUNT,
    or one EXISTS check with noScan. patternGenerator(), when given, runs on
    each shard and returns (pattern, noScan)."""
    def keysOnlyReader():
        pat, exact = pattern, noScan
        if patternGenerator is not None:
            pat, exact = patternGenerator()
        if exact:
            try:
                if execute('exists', pat) == 1:
                    yield pat
            except Exception:
                return
            return
        cursor = '0'
        while True:
            cursor, keys = execute('scan', cursor, 'MATCH', str(pat), 'COUNT', str(count))
            for k in keys:
                yield k
            if cursor == '0':
                return
    return keysOnlyReader


def shardReaderCallback():
    """ShardsIDReader: one record per shard, the shard's id."""
    yield redisgears._shardId()


class GearsBuilder():
    def __init__(self, reader='KeysReader', defaultArg='*', desc=None):
        self.realReader = reader
        native = 'PythonReader' if reader in ('ShardsIDReader', 'KeysOnlyReader') else reader
        self.reader = native
        self.gearsCtx = gearsCtx(native, desc)
        self.defaultArg = defaultArg

    def __localAggregateby__(self, extractor, zero, aggregator):
        self.gearsCtx.localgroupby(lambda x: extractor(x),
                                   lambda k, a, r: aggregator(k, a if a else copy.deepcopy(zero), r))
        return self

    def aggregate(self, zero, seqOp, combOp):
        """seqOp folds the records of each shard, combOp folds the shards' results."""
        self.gearsCtx.accumulate(lambda a, r: seqOp(a if a else copy.deepcopy(zero), r))
        self.gearsCtx.collect()
        self.gearsCtx.accumulate(lambda a, r: combOp(a if a else copy.deepcopy(zero), r))
        return self

    def aggregateby(self, extractor, zero, seqOp, combOp):
        """aggregate per key; records {'key': k, 'value': v}."""
        self.__localAggregateby__(extractor, zero, seqOp)
        self.gearsCtx.groupby(lambda r: r['key'],
                              lambda k, a, r: combOp(k, a if a else copy.deepcopy(zero), r['value']))
        return self

    def count(self):
        self.gearsCtx.accumulate(lambda a, r: 1 + (a if a else 0))
        self.gearsCtx.collect()
        self.gearsCtx.accumulate(lambda a, r: r + (a if a else 0))
        return self

    def countby(self, extractor=lambda x: x):
        return self.aggregateby(extractor, 0, lambda k, a, r: 1 + a, lambda k, a, r: r + a)

    def sort(self, reverse=True):
        # The final flatmap pops from the list's end, so the default
        # (reverse=True) comes out ascending, as in RedisGears.
        self.aggregate([], lambda a, r: a + [r], lambda a, r: a + r)
        self.map(lambda r: sorted(r, reverse=reverse))
        self.flatmap(lambda r: r)
        return self

    def distinct(self):
        return self.aggregate(set(), lambda a, r: a | set([r]), lambda a, r: a | r).flatmap(lambda x: list(x))

    def avg(self, extractor=lambda x: float(x)):
        return self.map(extractor).aggregate((0, 0),
                                             lambda a, r: (a[0] + r, a[1] + 1),
                                             lambda a, r: (a[0] + r[0], a[1] + r[1])).map(lambda x: x[0] / x[1])

    def run(self, arg=None, convertToStr=True, collect=True, **kargs):
        if convertToStr:
            self.gearsCtx.map(lambda x: str(x))
        if collect:
            self.gearsCtx.collect()
        arg = arg if arg else self.defaultArg
        if self.realReader == 'ShardsIDReader':
            arg = shardReaderCallback
        if self.realReader == 'KeysOnlyReader':
            own = {k: kargs.pop(k) for k in ('count', 'noScan', 'patternGenerator') if k in kargs}
            arg = createKeysOnlyReader(arg, **own)
        return self.gearsCtx.run(arg, **kargs)

    def register(self, prefix='*', convertToStr=True, collect=True, **kargs):
        if convertToStr:
            self.gearsCtx.map(lambda x: str(x))
        if collect:
            self.gearsCtx.collect()
        kargs['prefix'] = prefix
        if 'regex' in kargs:
            log('Using regex argument with register is deprecated and missleading, use prefix instead.',
                level='warning')
            kargs['prefix'] = kargs['regex']
        return self.gearsCtx.register(**kargs)


def _native_step(name):
    native = getattr(PyFlatExecution, name)

    def step(self, *args):
        native(self.gearsCtx, *args)
        return self
    step.__name__ = name
    return step


for _name in _NATIVE_STEPS:
    setattr(GearsBuilder, _name, _native_step(_name))
del _name

GB = GearsBuilder


def gearsConfigGet(key, default=None):
    val = configGet(key)
    return val if val is not None else default


def _deprecated(old, new, target):
    def method(*args, **kwargs):
        log('%s is deprecated, use %s instead' % (old, new), level='warning')
        return target(*args, **kwargs)
    method.__name__ = old
    return method


Log = _deprecated('Log', 'log', log)
ConfigGet = _deprecated('ConfigGet', 'configGet', configGet)
GearsConfigGet = _deprecated('GearsConfigGet', 'gearsConfigGet', gearsConfigGet)
