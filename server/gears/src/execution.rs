//! Executions: their lifecycle (created → running → done | aborted), results
//! and errors, and the runner that pushes reader records through a plan's
//! steps on an ExecutionThreads worker.
//!
//! Locking (DESIGN §2): the runner holds the GIL while Python runs and
//! releases it around every keyspace access; readers take keys in batches
//! through the Host, each batch under one short hold of the keyspace lock.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use bytes::Bytes;
use gears_resp::Reply;
use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::{bytes_to_py, error_string, record_to_reply};
use crate::dict_order::gears_order;
use crate::host::{KeyRecord, KeyValue};
use crate::plan::{Plan, ReaderSpec, StepKind};
use crate::python::forcestopped;
use crate::Engine;

extern "C" {
    /// CPython's thread id of the calling thread (threading.get_ident()).
    fn PyThread_get_thread_ident() -> std::os::raw::c_ulong;
}

/// How many keys one reader batch takes under the keyspace lock.
const SCAN_BATCH: usize = 256;
/// How many stream entries one XRANGE batch reads.
const STREAM_BATCH: usize = 512;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    Created,
    Running,
    Done,
    Aborted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Running => "running",
            Status::Done => "done",
            Status::Aborted => "aborted",
        }
    }
}

/// Gets `[[results], [errors]]` when the execution finishes.
pub type Waiter = Box<dyn FnOnce(Reply) + Send>;

/// One step as RG.GETEXECUTION lists it.
pub struct StepInfo {
    pub kind: &'static str,
    pub name: &'static str,
    pub arg: String,
    pub duration_ms: u64,
}

pub struct ExecState {
    pub status: Status,
    pub results: Vec<Reply>,
    pub errors: Vec<String>,
    pub total_ms: u64,
    pub read_ms: u64,
    pub steps: Vec<StepInfo>,
    waiters: Vec<Waiter>,
}

impl ExecState {
    /// `[[results...], [errors...]]`, the reply of a finished execution.
    pub fn results_reply(&self) -> Reply {
        Reply::Array(vec![
            Reply::Array(self.results.clone()),
            Reply::Array(self.errors.iter().map(|e| Reply::Bulk(Bytes::from(e.clone()))).collect()),
        ])
    }
    pub fn finished(&self) -> bool {
        matches!(self.status, Status::Done | Status::Aborted)
    }
}

pub struct Execution {
    pub id: String,
    pub session: String,
    pub state: Mutex<ExecState>,
    pub plan: Mutex<Option<Plan>>,
    pub aborted: AtomicBool,
    /// The Python thread id running it (0 when not in Python): where
    /// RG.ABORTEXECUTION raises gears.forcestopped.
    pub py_thread: AtomicU64,
    /// Taken with the GIL held, so abort and the runner's exit never cross.
    pub in_python: AtomicBool,
    pub registered: bool,
}

impl Execution {
    pub fn new(id: String, session: String, plan: Plan, steps: Vec<StepInfo>) -> Execution {
        Execution {
            id,
            session,
            state: Mutex::new(ExecState {
                status: Status::Created,
                results: Vec::new(),
                errors: Vec::new(),
                total_ms: 0,
                read_ms: 0,
                steps,
                waiters: Vec::new(),
            }),
            plan: Mutex::new(Some(plan)),
            aborted: AtomicBool::new(false),
            py_thread: AtomicU64::new(0),
            in_python: AtomicBool::new(false),
            registered: false,
        }
    }

    /// Calls `w` when the execution finishes (now, if it already has).
    pub fn on_done(&self, w: Waiter) {
        let mut st = self.state.lock();
        if st.finished() {
            let reply = st.results_reply();
            drop(st);
            w(reply);
        } else {
            st.waiters.push(w);
        }
    }

    /// Ends the execution and wakes its waiters.
    pub fn finish(&self, status: Status) {
        let mut st = self.state.lock();
        st.status = status;
        let waiters = std::mem::take(&mut st.waiters);
        let reply = st.results_reply();
        // Waiters run without the state lock: they may take the engine's table lock.
        drop(st);
        for w in waiters {
            w(reply.clone());
        }
    }

    pub fn status(&self) -> Status {
        self.state.lock().status
    }
}

/// The step list RG.GETEXECUTION shows: the internal record mapper first.
pub fn describe_steps(py: Python<'_>, plan: &Plan) -> Vec<StepInfo> {
    let mut v =
        vec![StepInfo { kind: "map", name: "RedisGearsPy_ToPyRecordMapper", arg: String::new(), duration_ms: 0 }];
    for s in &plan.steps {
        let arg = match s {
            StepKind::Limit { len, offset } => format!("{len} {offset}"),
            other => other
                .callable()
                .and_then(|f| f.bind(py).repr().ok())
                .map(|r| r.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        v.push(StepInfo { kind: s.type_name(), name: s.callback_name(), arg, duration_ms: 0 });
    }
    v
}

enum Record {
    Py(PyObject),
    Keyed(Py<PyString>, PyObject),
    Grouped(Py<PyString>, Vec<PyObject>),
}

enum State {
    None,
    Acc {
        seen: bool,
        acc: Option<PyObject>,
    },
    /// Insertion-ordered dict of key → accumulator (or list of records).
    ByKey(Py<PyDict>),
    Count(i64),
}

/// Record field names, interned once per execution rather than made per record.
struct Names {
    event: Py<PyString>,
    key: Py<PyString>,
    ty: Py<PyString>,
    value: Py<PyString>,
    id: Py<PyString>,
}

impl Names {
    fn new(py: Python<'_>) -> Names {
        let n = |s: &str| PyString::intern(py, s).unbind();
        Names { event: n("event"), key: n("key"), ty: n("type"), value: n("value"), id: n("id") }
    }
}

struct Runner<'a> {
    engine: &'a Engine,
    exec: &'a Execution,
    steps: Vec<StepKind>,
    state: Vec<State>,
    results: Vec<Reply>,
    errors: Vec<String>,
    attempt_traceback: bool,
    profile: Option<Vec<std::time::Duration>>,
    stop: bool,
    names: Names,
    order_cache: HashMap<Vec<Bytes>, Vec<usize>>,
}

/// Runs `exec` to completion on this thread (an ExecutionThreads worker).
pub fn run(engine: &Engine, exec: &Execution) {
    let Some(plan) = exec.plan.lock().take() else { return };
    {
        let mut st = exec.state.lock();
        if exec.aborted.load(Ordering::SeqCst) || st.status != Status::Created {
            drop(st);
            exec.finish(Status::Aborted);
            return;
        }
        st.status = Status::Running;
    }
    let started = Instant::now();
    let (attempt_traceback, profile) = {
        let c = engine.config.lock();
        (c.python_attempt_traceback, c.profile_executions)
    };
    let (results, errors, read_ms, durations) = Python::with_gil(|py| {
        // SAFETY: reads the calling thread's id; needs nothing but an initialised runtime.
        let ident = unsafe { PyThread_get_thread_ident() } as u64;
        exec.py_thread.store(ident, Ordering::SeqCst);
        exec.in_python.store(true, Ordering::SeqCst);
        let nsteps = plan.steps.len();
        let mut runner = Runner {
            engine,
            exec,
            state: plan
                .steps
                .iter()
                .map(|s| match s {
                    StepKind::Accumulate(_) => State::Acc { seen: false, acc: None },
                    StepKind::AccumulateByKey(_) | StepKind::Group => State::ByKey(PyDict::new(py).unbind()),
                    StepKind::Limit { .. } => State::Count(0),
                    _ => State::None,
                })
                .collect(),
            steps: plan.steps,
            results: Vec::new(),
            errors: Vec::new(),
            attempt_traceback,
            profile: profile.then(|| vec![std::time::Duration::ZERO; nsteps]),
            stop: false,
            names: Names::new(py),
            order_cache: HashMap::new(),
        };
        let read_started = Instant::now();
        runner.read(py, &plan.reader);
        let read_ms = read_started.elapsed().as_millis() as u64;
        runner.flush_all(py);
        if exec.aborted.load(Ordering::SeqCst) && runner.errors.is_empty() {
            runner.errors.push("Execution was aborted".to_string());
        }
        // No RG.ABORTEXECUTION may raise into this thread from now on, and
        // one that was raised but not yet delivered must not hit the next job.
        exec.in_python.store(false, Ordering::SeqCst);
        // SAFETY: clears this thread's pending async exception; GIL held.
        unsafe { pyo3::ffi::PyThreadState_SetAsyncExc(ident as _, std::ptr::null_mut()) };
        let _ = PyErr::take(py);
        drop(plan.reader);
        (runner.results, runner.errors, read_ms, runner.profile)
    });
    {
        let mut st = exec.state.lock();
        st.results = results;
        st.errors = errors;
        st.read_ms = read_ms;
        st.total_ms = started.elapsed().as_millis() as u64;
        if let Some(d) = durations {
            for (i, d) in d.iter().enumerate() {
                if let Some(s) = st.steps.get_mut(i + 1) {
                    s.duration_ms = d.as_millis() as u64;
                }
            }
        }
    }
    exec.finish(Status::Done);
}

impl Runner<'_> {
    fn aborted(&self) -> bool {
        self.stop || self.exec.aborted.load(Ordering::Relaxed)
    }

    fn fail(&mut self, py: Python<'_>, e: PyErr) {
        if e.is_instance_of::<forcestopped>(py) {
            self.stop = true;
        }
        self.errors.push(error_string(py, &e, self.attempt_traceback));
    }

    fn read(&mut self, py: Python<'_>, reader: &ReaderSpec) {
        match reader {
            ReaderSpec::Keys { pattern, no_scan, read_value } => {
                let host = self.engine.host.clone();
                if *no_scan {
                    let rec = py.allow_threads(|| host.read_key(pattern, *read_value));
                    let r = self.key_record(py, rec, *read_value);
                    self.push(py, 0, r);
                    return;
                }
                let mut cursor = 0u64;
                loop {
                    if self.aborted() {
                        return;
                    }
                    let (next, recs) = py.allow_threads(|| host.scan(cursor, pattern, SCAN_BATCH, *read_value));
                    for rec in recs {
                        let r = self.key_record(py, rec, *read_value);
                        self.push(py, 0, r);
                        if self.stop {
                            return;
                        }
                    }
                    if next == 0 {
                        return;
                    }
                    cursor = next;
                }
            }
            ReaderSpec::Stream { key, from_id } => self.read_stream(py, key, from_id),
            ReaderSpec::Python(f) => {
                let it = match f.bind(py).call0().and_then(|g| g.try_iter()) {
                    Ok(it) => it,
                    Err(e) => return self.fail(py, e),
                };
                for item in it {
                    match item {
                        Ok(v) => self.push(py, 0, Record::Py(v.unbind())),
                        Err(e) => return self.fail(py, e),
                    }
                    if self.aborted() {
                        return;
                    }
                }
            }
        }
    }

    fn read_stream(&mut self, py: Python<'_>, key: &Bytes, from_id: &Bytes) {
        let host = self.engine.host.clone();
        let mut start = from_id.clone();
        loop {
            if self.aborted() {
                return;
            }
            let mut from = b"(".to_vec();
            from.extend_from_slice(&start);
            let args = [
                Bytes::from_static(b"XRANGE"),
                key.clone(),
                Bytes::from(from),
                Bytes::from_static(b"+"),
                Bytes::from_static(b"COUNT"),
                Bytes::from(STREAM_BATCH.to_string()),
            ];
            let reply = py.allow_threads(|| host.call(&args, false));
            let entries = match reply {
                Ok(Reply::Array(items)) => items,
                Ok(Reply::Error(e)) => {
                    self.errors.push(e.as_str().to_string());
                    return;
                }
                _ => return,
            };
            let n = entries.len();
            for entry in entries {
                let Reply::Array(mut parts) = entry else { continue };
                if parts.len() != 2 {
                    continue;
                }
                let fields = parts.pop();
                let Some(Reply::Bulk(id)) = parts.pop() else { continue };
                let mut pairs = Vec::new();
                if let Some(Reply::Array(fv)) = fields {
                    let mut it = fv.into_iter();
                    while let (Some(Reply::Bulk(f)), Some(Reply::Bulk(v))) = (it.next(), it.next()) {
                        pairs.push((f, v));
                    }
                }
                let rec = self.stream_record(py, key, &id, pairs);
                match rec {
                    Ok(r) => self.push(py, 0, Record::Py(r)),
                    Err(e) => self.fail(py, e),
                }
                start = id;
                if self.stop {
                    return;
                }
            }
            if n < STREAM_BATCH {
                return;
            }
        }
    }

    /// A dict whose keys are inserted in Gears-dict order (reference §1.9).
    fn ordered_dict(&mut self, py: Python<'_>, pairs: Vec<(Bytes, PyObject)>) -> PyResult<PyObject> {
        let names: Vec<Bytes> = pairs.iter().map(|(k, _)| k.clone()).collect();
        let order = match self.order_cache.get(&names) {
            Some(o) => o.clone(),
            None => {
                let refs: Vec<&[u8]> = names.iter().map(|b| &b[..]).collect();
                let o = gears_order(&refs);
                if self.order_cache.len() > 4096 {
                    self.order_cache.clear();
                }
                self.order_cache.insert(names, o.clone());
                o
            }
        };
        let d = PyDict::new(py);
        for i in order {
            let (k, v) = &pairs[i];
            d.set_item(bytes_to_py(py, k), v.clone_ref(py))?;
        }
        Ok(d.into_any().unbind())
    }

    fn stream_record(
        &mut self,
        py: Python<'_>,
        key: &Bytes,
        id: &Bytes,
        fields: Vec<(Bytes, Bytes)>,
    ) -> PyResult<PyObject> {
        let value_pairs = fields.into_iter().map(|(f, v)| (f, bytes_to_py(py, &v))).collect();
        let value = self.ordered_dict(py, value_pairs)?;
        // Inserted as id, value, key: printed key, id, value.
        let d = PyDict::new(py);
        d.set_item(self.names.key.bind(py), bytes_to_py(py, key))?;
        d.set_item(self.names.id.bind(py), bytes_to_py(py, id))?;
        d.set_item(self.names.value.bind(py), value)?;
        Ok(d.into_any().unbind())
    }

    fn key_record(&mut self, py: Python<'_>, rec: KeyRecord, read_value: bool) -> Record {
        match self.build_key_record(py, rec, read_value) {
            Ok(r) => Record::Py(r),
            Err(e) => {
                self.fail(py, e);
                Record::Py(py.None())
            }
        }
    }

    fn build_key_record(&mut self, py: Python<'_>, rec: KeyRecord, read_value: bool) -> PyResult<PyObject> {
        let d = PyDict::new(py);
        // Gears-dict order of key, value, type, event is event, key, type, value.
        d.set_item(self.names.event.bind(py), py.None())?;
        d.set_item(self.names.key.bind(py), bytes_to_py(py, &rec.key))?;
        if !read_value {
            return Ok(d.into_any().unbind());
        }
        let (ty, value): (&str, PyObject) = match rec.value {
            None => ("empty", py.None()),
            Some(None) => ("unknown", py.None()),
            Some(Some(KeyValue::String(s))) => ("string", bytes_to_py(py, &s)),
            Some(Some(KeyValue::List(items))) => {
                let l = PyList::empty(py);
                for it in items {
                    l.append(bytes_to_py(py, &it))?;
                }
                ("list", l.into_any().unbind())
            }
            Some(Some(KeyValue::Hash(pairs))) => {
                let pairs = pairs.into_iter().map(|(f, v)| (f, bytes_to_py(py, &v))).collect();
                ("hash", self.ordered_dict(py, pairs)?)
            }
            Some(Some(KeyValue::Other(t))) => (t, py.None()),
        };
        d.set_item(self.names.ty.bind(py), ty)?;
        d.set_item(self.names.value.bind(py), value)?;
        Ok(d.into_any().unbind())
    }

    /// Pushes one record into step `i` and on through the plan.
    fn push(&mut self, py: Python<'_>, mut i: usize, mut rec: Record) {
        loop {
            if self.stop {
                return;
            }
            if i == self.steps.len() {
                return self.emit(py, rec);
            }
            let step = &self.steps[i];
            match step {
                StepKind::Map(f) => {
                    let o = record_obj(py, rec);
                    match call(py, self.profile.as_mut().map(|d| &mut d[i]), f, &[&o]) {
                        Ok(v) => rec = Record::Py(v),
                        Err(e) => return self.fail(py, e),
                    }
                }
                StepKind::Filter(f) => {
                    let obj = record_obj(py, rec);
                    match call(py, self.profile.as_mut().map(|d| &mut d[i]), f, &[&obj]).and_then(|v| v.is_truthy(py)) {
                        Ok(true) => rec = Record::Py(obj),
                        Ok(false) => return,
                        Err(e) => return self.fail(py, e),
                    }
                }
                StepKind::Foreach(f) => {
                    let obj = record_obj(py, rec);
                    if let Err(e) = call(py, self.profile.as_mut().map(|d| &mut d[i]), f, &[&obj]) {
                        return self.fail(py, e);
                    }
                    rec = Record::Py(obj);
                }
                StepKind::FlatMap(f) => {
                    let o = record_obj(py, rec);
                    let v = match call(py, self.profile.as_mut().map(|d| &mut d[i]), f, &[&o]) {
                        Ok(v) => v,
                        Err(e) => return self.fail(py, e),
                    };
                    // A list's elements become records, popped from its end.
                    let items: Option<Vec<PyObject>> =
                        v.bind(py).downcast::<PyList>().ok().map(|l| l.iter().map(|x| x.unbind()).collect());
                    match items {
                        Some(items) => {
                            for x in items.into_iter().rev() {
                                self.push(py, i + 1, Record::Py(x));
                            }
                            return;
                        }
                        None => rec = Record::Py(v),
                    }
                }
                StepKind::Accumulate(f) => {
                    let prev = match &mut self.state[i] {
                        State::Acc { acc, .. } => acc.take().unwrap_or_else(|| py.None()),
                        _ => py.None(),
                    };
                    let o = record_obj(py, rec);
                    let r = call(py, self.profile.as_mut().map(|d| &mut d[i]), f, &[&prev, &o]);
                    let (value, err) = match r {
                        Ok(v) => (v, None),
                        Err(e) => (prev, Some(e)),
                    };
                    if let State::Acc { seen, acc } = &mut self.state[i] {
                        *seen |= err.is_none();
                        *acc = Some(value);
                    }
                    if let Some(e) = err {
                        self.fail(py, e);
                    }
                    return;
                }
                StepKind::ExtractKey(f) => {
                    let obj = record_obj(py, rec);
                    match call(py, self.profile.as_mut().map(|d| &mut d[i]), f, &[&obj]).and_then(|k| key_string(py, k))
                    {
                        Ok(k) => rec = Record::Keyed(k, obj),
                        Err(e) => return self.fail(py, e),
                    }
                }
                StepKind::Repartition(f) => {
                    // One shard owns every slot: the record stays, but the
                    // extractor runs as it would to pick the target shard.
                    if let (Some(f), Record::Py(obj)) = (f, &rec) {
                        let obj = obj.clone_ref(py);
                        if let Err(e) = call(py, self.profile.as_mut().map(|d| &mut d[i]), f, &[&obj])
                            .and_then(|k| key_string(py, k))
                        {
                            return self.fail(py, e);
                        }
                    }
                }
                StepKind::Collect => {}
                StepKind::AccumulateByKey(f) => {
                    let (key, value) = match rec {
                        Record::Keyed(k, v) => (k, v),
                        Record::Py(v) => (PyString::new(py, "").unbind(), v),
                        Record::Grouped(k, v) => {
                            (k, PyList::new(py, v).map(|l| l.into_any().unbind()).unwrap_or(py.None()))
                        }
                    };
                    let State::ByKey(d) = &self.state[i] else { return };
                    let d = d.bind(py);
                    let prev = match d.get_item(key.bind(py)) {
                        Ok(Some(p)) => p.unbind(),
                        _ => py.None(),
                    };
                    let k: PyObject = key.clone_ref(py).into_any();
                    match call(py, self.profile.as_mut().map(|d| &mut d[i]), f, &[&k, &prev, &value]) {
                        Ok(acc) => {
                            if let Err(e) = d.set_item(key, acc) {
                                self.fail(py, e);
                            }
                        }
                        Err(e) => self.fail(py, e),
                    }
                    return;
                }
                StepKind::Group => {
                    let (key, value) = match rec {
                        Record::Keyed(k, v) => (k, v),
                        other => (PyString::new(py, "").unbind(), record_obj(py, other)),
                    };
                    let State::ByKey(d) = &self.state[i] else { return };
                    let d = d.bind(py);
                    let r = match d.get_item(key.bind(py)) {
                        Ok(Some(l)) => l.downcast::<PyList>().map_err(PyErr::from).and_then(|l| l.append(value)),
                        _ => PyList::new(py, [value]).and_then(|l| d.set_item(key, l)),
                    };
                    if let Err(e) = r {
                        self.fail(py, e);
                    }
                    return;
                }
                StepKind::Reduce(f) => {
                    let (key, list) = match rec {
                        Record::Grouped(k, v) => (k, v),
                        Record::Keyed(k, v) => (k, vec![v]),
                        Record::Py(v) => (PyString::new(py, "").unbind(), vec![v]),
                    };
                    let list = match PyList::new(py, list) {
                        Ok(l) => l,
                        Err(e) => return self.fail(py, e),
                    };
                    let (k, l): (PyObject, PyObject) = (key.clone_ref(py).into_any(), list.into_any().unbind());
                    match call(py, self.profile.as_mut().map(|d| &mut d[i]), f, &[&k, &l]) {
                        Ok(v) => match self.key_value(py, key, v) {
                            Ok(d) => rec = Record::Py(d),
                            Err(e) => return self.fail(py, e),
                        },
                        Err(e) => return self.fail(py, e),
                    }
                }
                StepKind::Limit { len, offset } => {
                    let (len, offset) = (*len, *offset);
                    let State::Count(n) = &mut self.state[i] else { return };
                    let idx = *n;
                    *n += 1;
                    if idx < offset || idx >= offset.saturating_add(len) {
                        return;
                    }
                }
            }
            i += 1;
        }
    }

    /// `{'key': k, 'value': v}`, the shape of group outputs.
    fn key_value(&self, py: Python<'_>, k: Py<PyString>, v: PyObject) -> PyResult<PyObject> {
        let d = PyDict::new(py);
        d.set_item(self.names.key.bind(py), k)?;
        d.set_item(self.names.value.bind(py), v)?;
        Ok(d.into_any().unbind())
    }

    /// End of input: every stateful step, in plan order, emits what it holds.
    fn flush_all(&mut self, py: Python<'_>) {
        for i in 0..self.steps.len() {
            if self.stop {
                return;
            }
            let st = std::mem::replace(&mut self.state[i], State::None);
            match st {
                State::Acc { seen, acc } => {
                    if seen {
                        self.push(py, i + 1, Record::Py(acc.unwrap_or_else(|| py.None())));
                    }
                }
                State::ByKey(d) => {
                    let d = d.bind(py);
                    let items: Vec<(Py<PyString>, PyObject)> = d
                        .iter()
                        .filter_map(|(k, v)| k.downcast_into::<PyString>().ok().map(|k| (k.unbind(), v.unbind())))
                        .collect();
                    // Groups come out in the order of RedisGears's C dict.
                    let names: Vec<Vec<u8>> =
                        items.iter().map(|(k, _)| k.bind(py).to_string_lossy().into_owned().into_bytes()).collect();
                    let refs: Vec<&[u8]> = names.iter().map(|n| &n[..]).collect();
                    let order = gears_order(&refs);
                    let mut items: Vec<Option<(Py<PyString>, PyObject)>> = items.into_iter().map(Some).collect();
                    let grouping = matches!(self.steps[i], StepKind::Group);
                    for o in order {
                        let Some((k, v)) = items[o].take() else { continue };
                        let rec = if grouping {
                            let list: Vec<PyObject> = v
                                .bind(py)
                                .downcast::<PyList>()
                                .map(|l| l.iter().map(|x| x.unbind()).collect())
                                .unwrap_or_default();
                            Record::Grouped(k, list)
                        } else {
                            match self.key_value(py, k, v) {
                                Ok(d) => Record::Py(d),
                                Err(e) => {
                                    self.fail(py, e);
                                    continue;
                                }
                            }
                        };
                        self.push(py, i + 1, rec);
                        if self.stop {
                            return;
                        }
                    }
                }
                State::None | State::Count(_) => {}
            }
        }
    }

    fn emit(&mut self, py: Python<'_>, rec: Record) {
        let obj = record_obj(py, rec);
        self.results.push(record_to_reply(obj.bind(py)));
    }
}

/// Calls a step callback with vectorcall (no argument tuple per call),
/// adding its time to `prof` when ProfileExecutions is on.
fn call(
    py: Python<'_>,
    prof: Option<&mut std::time::Duration>,
    f: &PyObject,
    args: &[&PyObject],
) -> PyResult<PyObject> {
    let mut ptrs = [std::ptr::null_mut(); 3];
    for (slot, a) in ptrs.iter_mut().zip(args) {
        *slot = a.as_ptr();
    }
    let t = prof.as_ref().map(|_| Instant::now());
    // SAFETY: GIL held; `ptrs[..args.len()]` are live borrowed references
    // for the duration of the call; the result is a new reference or NULL.
    let r = unsafe {
        let out = pyo3::ffi::PyObject_Vectorcall(f.as_ptr(), ptrs.as_ptr(), args.len(), std::ptr::null_mut());
        Bound::from_owned_ptr_or_err(py, out).map(Bound::unbind)
    };
    if let (Some(t), Some(d)) = (t, prof) {
        *d += t.elapsed();
    }
    r
}

/// A record as the Python object steps see.
fn record_obj(py: Python<'_>, rec: Record) -> PyObject {
    match rec {
        Record::Py(o) => o,
        Record::Keyed(_, o) => o,
        Record::Grouped(k, v) => {
            let d = PyDict::new(py);
            let _ = d.set_item("key", k);
            let _ = d.set_item("value", PyList::new(py, v).ok());
            d.into_any().unbind()
        }
    }
}

/// An extractor's result as a group key: str as is, anything else repr().
fn key_string(py: Python<'_>, k: PyObject) -> PyResult<Py<PyString>> {
    let b = k.bind(py);
    match b.downcast::<PyString>() {
        Ok(s) => Ok(s.clone().unbind()),
        Err(_) => Ok(b.repr()?.unbind()),
    }
}
