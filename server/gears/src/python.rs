//! The native `redisgears` module: exceptions, execute(), log(), atomic(),
//! configGet(), hashtag(), and PyFlatExecution, the small native core of
//! steps that py/GearsBuilder.py builds its API on.

#![allow(non_camel_case_types, non_snake_case)]

use std::cell::{Cell, RefCell};

use bytes::Bytes;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyFunction, PyList, PyString, PyTuple};

use crate::convert::reply_to_py;
use crate::host::{CallError, LogLevel};
use crate::plan::{Mode, Plan, ReaderSpec, StepKind};

create_exception!(gears, error, PyException);
create_exception!(gears, flat_error, PyException);
create_exception!(gears, forcestopped, PyException);

/// What the script being run by RG.PYEXECUTE has asked for so far.
pub struct ScriptCtx {
    pub run: Option<Plan>,
}

thread_local! {
    /// Set while this thread runs an RG.PYEXECUTE script.
    pub static SCRIPT: RefCell<Option<ScriptCtx>> = const { RefCell::new(None) };
    /// Nesting depth of atomic() blocks: >0 means this thread holds the keyspace lock.
    static ATOMIC_DEPTH: Cell<u32> = const { Cell::new(0) };
}

fn gerr(msg: impl Into<String>) -> PyErr {
    error::new_err(msg.into())
}

const READERS: &[&str] =
    &["KeysReader", "StreamReader", "PythonReader", "CommandReader", "ShardIDReader", "JavaReader"];

/// A pipeline under construction: reader name plus native steps.
#[pyclass(module = "redisgears", name = "PyFlatExecution", unsendable)]
pub struct PyFlatExecution {
    reader: String,
    desc: Option<String>,
    steps: Vec<StepKind>,
}

fn is_function(o: &Bound<'_, PyAny>) -> bool {
    o.is_instance_of::<PyFunction>()
}

impl PyFlatExecution {
    fn one_fn(&mut self, op: &str, args: &Bound<'_, PyTuple>, make: impl FnOnce(PyObject) -> StepKind) -> PyResult<()> {
        if args.len() != 1 {
            return Err(gerr(format!("wrong number of args to {op} function")));
        }
        let f = args.get_item(0)?;
        if !is_function(&f) {
            return Err(gerr(format!("{op} argument must be a function")));
        }
        self.steps.push(make(f.unbind()));
        Ok(())
    }

    /// RedisGears words localgroupby's and groupby's errors alike ("groupby ...").
    fn two_fns(&mut self, err_name: &str, args: &Bound<'_, PyTuple>) -> PyResult<(PyObject, PyObject)> {
        if args.len() != 2 {
            return Err(gerr(format!("wrong number of args to {err_name} function")));
        }
        let (e, r) = (args.get_item(0)?, args.get_item(1)?);
        if !is_function(&e) {
            return Err(gerr(format!("{err_name} extractor argument must be a function")));
        }
        if !is_function(&r) {
            return Err(gerr(format!("{err_name} reducer argument must be a function")));
        }
        Ok((e.unbind(), r.unbind()))
    }

    fn build_reader(
        &self,
        py: Python<'_>,
        arg: Option<&Bound<'_, PyAny>>,
        kw: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<ReaderSpec> {
        let kwarg = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
            match kw {
                Some(d) => d.get_item(name),
                None => Ok(None),
            }
        };
        let bool_kw = |name: &str, default: bool, err: &str| -> PyResult<bool> {
            match kwarg(name)? {
                None => Ok(default),
                Some(v) if v.is_instance_of::<PyBool>() => v.is_truthy(),
                Some(_) => Err(gerr(err.to_string())),
            }
        };
        match self.reader.as_str() {
            "KeysReader" => {
                let pattern = match arg {
                    None => Bytes::from_static(b"*"),
                    Some(a) => match a.downcast::<PyString>() {
                        Ok(s) => Bytes::from(s.to_str()?.as_bytes().to_vec()),
                        Err(_) => return Err(gerr("regex argument must be a string")),
                    },
                };
                let no_scan = bool_kw("noScan", false, "exactMatch value is not boolean")?;
                let read_value = bool_kw("readValue", true, "readValue value is not boolean")?;
                Ok(ReaderSpec::Keys { pattern, no_scan, read_value })
            }
            "StreamReader" => {
                let key = match arg {
                    Some(a) => match a.downcast::<PyString>() {
                        Ok(s) => Bytes::from(s.to_str()?.as_bytes().to_vec()),
                        Err(_) => return Err(gerr("stream key argument must be a string")),
                    },
                    None => Bytes::from_static(b"*"),
                };
                let from_id = match kwarg("fromId")? {
                    None => Bytes::from_static(b"0-0"),
                    Some(v) => match v.downcast::<PyString>() {
                        Ok(s) => Bytes::from(s.to_str()?.as_bytes().to_vec()),
                        Err(_) => return Err(gerr("fromId argument must be a string")),
                    },
                };
                Ok(ReaderSpec::Stream { key, from_id })
            }
            "PythonReader" => match arg {
                Some(a) if is_function(a) => Ok(ReaderSpec::Python(a.clone().unbind())),
                _ => Err(gerr("pyreader argument must be a function")),
            },
            _ => {
                let _ = py;
                Err(gerr("Given reader do not support run or not exists"))
            }
        }
    }
}

#[pymethods]
impl PyFlatExecution {
    #[pyo3(signature = (*args))]
    fn map(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.one_fn("map", args, StepKind::Map)
    }
    #[pyo3(signature = (*args))]
    fn flatmap(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.one_fn("flatmap", args, StepKind::FlatMap)
    }
    #[pyo3(signature = (*args))]
    fn filter(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.one_fn("filter", args, StepKind::Filter)
    }
    #[pyo3(signature = (*args))]
    fn foreach(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.one_fn("foreach", args, StepKind::Foreach)
    }
    #[pyo3(signature = (*args))]
    fn accumulate(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.one_fn("accumulate", args, StepKind::Accumulate)
    }
    #[pyo3(signature = (*args))]
    fn repartition(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.one_fn("repartition", args, |f| StepKind::Repartition(Some(f)))
    }
    #[pyo3(signature = (*args))]
    fn localgroupby(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        let (e, r) = self.two_fns("groupby", args)?;
        self.steps.push(StepKind::ExtractKey(e));
        self.steps.push(StepKind::AccumulateByKey(r));
        Ok(())
    }
    #[pyo3(signature = (*args))]
    fn groupby(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        let (e, r) = self.two_fns("groupby", args)?;
        self.steps.push(StepKind::ExtractKey(e));
        self.steps.push(StepKind::Repartition(None));
        self.steps.push(StepKind::AccumulateByKey(r));
        Ok(())
    }
    #[pyo3(signature = (*args))]
    fn accumulateby(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.groupby(args)
    }
    #[pyo3(signature = (*args))]
    fn batchgroupby(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        let (e, r) = self.two_fns("batchgroupby", args)?;
        self.steps.push(StepKind::ExtractKey(e));
        self.steps.push(StepKind::Repartition(None));
        self.steps.push(StepKind::Group);
        self.steps.push(StepKind::Reduce(r));
        Ok(())
    }
    #[pyo3(signature = (*args))]
    fn collect(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        if !args.is_empty() {
            return Err(gerr("wrong number of args to collect function"));
        }
        self.steps.push(StepKind::Collect);
        Ok(())
    }
    #[pyo3(signature = (*args))]
    fn limit(&mut self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        if args.is_empty() || args.len() > 2 {
            return Err(gerr("wrong number of args to limit function"));
        }
        let num = |o: Bound<'_, PyAny>| -> PyResult<i64> {
            if o.is_instance_of::<pyo3::types::PyInt>() && !o.is_instance_of::<PyBool>() {
                o.extract::<i64>().map_err(|_| gerr("limit argument must be a number"))
            } else {
                Err(gerr("limit argument must be a number"))
            }
        };
        let len = num(args.get_item(0)?)?;
        let offset = if args.len() == 2 { num(args.get_item(1)?)? } else { 0 };
        self.steps.push(StepKind::Limit { len, offset });
        Ok(())
    }

    /// Starts a batch execution. In an RG.PYEXECUTE script it starts when
    /// the script ends (the command replies with its results or id);
    /// anywhere else it starts now and is dropped when done.
    #[pyo3(signature = (arg = None, **kwargs))]
    fn run(
        &mut self,
        py: Python<'_>,
        arg: Option<Bound<'_, PyAny>>,
        kwargs: Option<Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let arg = arg.filter(|a| !a.is_none());
        let reader = self.build_reader(py, arg.as_ref(), kwargs.as_ref())?;
        let mode = match kwargs.as_ref().map(|k| k.get_item("mode")).transpose()?.flatten() {
            None => Mode::Async,
            Some(m) => match m.downcast::<PyString>() {
                Err(_) => return Err(gerr("execution mode must be a string")),
                Ok(s) => match s.to_str()? {
                    "async" => Mode::Async,
                    "async_local" => Mode::AsyncLocal,
                    _ => return Err(gerr("unknown execution mode")),
                },
            },
        };
        let plan =
            Plan { reader, steps: self.steps.iter().map(|s| s.clone_ref(py)).collect(), desc: self.desc.clone(), mode };
        let in_script = SCRIPT.with(|s| s.borrow().is_some());
        if in_script {
            return SCRIPT.with(|s| {
                let mut s = s.borrow_mut();
                let ctx = s.as_mut().expect("checked above");
                if ctx.run.is_some() {
                    return Err(gerr("Can not run more then 1 executions in a single script"));
                }
                ctx.run = Some(plan);
                Ok(())
            });
        }
        let engine = crate::engine().ok_or_else(|| gerr("gears engine is not running"))?;
        let exec = engine.create_execution(py, plan, String::new());
        let id = exec.id.clone();
        exec.on_done(Box::new(move |_| {
            if let Some(e) = crate::engine() {
                e.remove_execution(&id);
            }
        }));
        engine.start_execution(exec);
        Ok(())
    }

    #[pyo3(signature = (*_args, **_kwargs))]
    fn register(&mut self, _args: &Bound<'_, PyTuple>, _kwargs: Option<Bound<'_, PyDict>>) -> PyResult<()> {
        Err(gerr("register() is not supported by this server yet: only batch executions (run) are"))
    }
}

/// `with atomic():` holds the keyspace lock for the block, so the commands
/// inside it run as one. The lock is taken with the GIL released.
#[pyclass(module = "redisgears", name = "AtomicCtx", unsendable)]
pub struct Atomic {}

#[pymethods]
impl Atomic {
    fn __enter__(slf: PyRef<'_, Self>, py: Python<'_>) -> PyResult<()> {
        let _ = slf;
        if ATOMIC_DEPTH.with(|d| d.get()) == 0 {
            let engine = crate::engine().ok_or_else(|| gerr("gears engine is not running"))?;
            let host = engine.host.clone();
            py.allow_threads(|| host.lock());
        }
        ATOMIC_DEPTH.with(|d| d.set(d.get() + 1));
        Ok(())
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, PyTuple>) -> PyResult<bool> {
        let depth = ATOMIC_DEPTH.with(|d| {
            let n = d.get().saturating_sub(1);
            d.set(n);
            n
        });
        if depth == 0 {
            if let Some(engine) = crate::engine() {
                engine.host.unlock();
            }
        }
        Ok(false)
    }
}

#[pyfunction]
fn atomicCtx() -> Atomic {
    Atomic {}
}

#[pyfunction]
fn isInAtomicBlock() -> bool {
    ATOMIC_DEPTH.with(|d| d.get() > 0)
}

fn arg_bytes(a: &Bound<'_, PyAny>) -> PyResult<Bytes> {
    if let Ok(b) = a.downcast::<PyBytes>() {
        return Ok(Bytes::copy_from_slice(b.as_bytes()));
    }
    if let Ok(b) = a.downcast::<PyByteArray>() {
        return Ok(Bytes::from(b.to_vec()));
    }
    if let Ok(s) = a.downcast::<PyString>() {
        return Ok(Bytes::copy_from_slice(s.to_str()?.as_bytes()));
    }
    Ok(Bytes::copy_from_slice(a.str()?.to_str()?.as_bytes()))
}

/// execute(command, *args): runs one of our commands; the reply comes back
/// as Python values, an error reply raises gears.error.
#[pyfunction]
#[pyo3(signature = (*args))]
fn executeCommand(py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<PyObject> {
    if args.is_empty() {
        return Ok(PyList::empty(py).into_any().unbind());
    }
    if !args.get_item(0)?.is_instance_of::<PyString>() {
        return Err(gerr("the given command must be a string"));
    }
    let argv: Vec<Bytes> = args.iter().map(|a| arg_bytes(&a)).collect::<PyResult<_>>()?;
    let engine = crate::engine().ok_or_else(|| gerr("gears engine is not running"))?;
    let host = engine.host.clone();
    let reply = if ATOMIC_DEPTH.with(|d| d.get() > 0) {
        host.call(&argv, true)
    } else {
        py.allow_threads(|| host.call(&argv, false))
    };
    match reply {
        Ok(r) => reply_to_py(py, r),
        Err(CallError::UnknownCommand) => Err(gerr("No such file or directory")),
        Err(CallError::WrongArity) => Err(gerr("Invalid argument")),
        Err(CallError::NotAllowed(m)) => Err(gerr(m)),
    }
}

#[pyfunction]
#[pyo3(signature = (msg, level = "notice"))]
fn log(py: Python<'_>, msg: &Bound<'_, PyAny>, level: &str) -> PyResult<()> {
    let Ok(msg) = msg.downcast::<PyString>() else {
        return Err(gerr("log message must be a string"));
    };
    let lvl = match level {
        "debug" => LogLevel::Debug,
        "verbose" => LogLevel::Verbose,
        "notice" => LogLevel::Notice,
        "warning" => LogLevel::Warning,
        _ => return Err(gerr("Log level should be one of the following : debug,verbose,notice,warning")),
    };
    let text = format!("GEARS: {}", msg.to_string_lossy());
    if let Some(engine) = crate::engine() {
        let host = engine.host.clone();
        py.allow_threads(|| host.log(lvl, &text));
    }
    Ok(())
}

#[pyfunction]
fn config_get(key: &str) -> Option<String> {
    crate::engine().and_then(|e| e.config.lock().extra_get(key))
}

/// A tag whose CRC16 slot is this shard's first slot (slot 0 standalone).
#[pyfunction]
fn getMyHashTag() -> &'static str {
    "06S"
}

#[pyfunction]
fn _shardId() -> String {
    crate::engine().map(|e| e.shard_id.clone()).unwrap_or_else(|| "0".repeat(40))
}

#[pyfunction]
#[pyo3(signature = (reader, desc = None))]
fn gearsCtx(reader: &Bound<'_, PyAny>, desc: Option<&Bound<'_, PyAny>>) -> PyResult<PyFlatExecution> {
    let Ok(reader) = reader.downcast::<PyString>() else {
        return Err(gerr("reader argument must be a string"));
    };
    let reader = reader.to_str()?.to_string();
    if !READERS.contains(&reader.as_str()) {
        return Err(gerr("The given reader does not exists"));
    }
    let desc = match desc {
        None => None,
        Some(d) if d.is_none() => None,
        Some(d) => match d.downcast::<PyString>() {
            Ok(s) => Some(s.to_str()?.to_string()),
            Err(_) => return Err(gerr("desc argument must be a string")),
        },
    };
    Ok(PyFlatExecution { reader, desc, steps: Vec::new() })
}

/// Fills the `redisgears` module (registered before the interpreter starts).
pub fn redisgears(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("GearsError", py.get_type::<error>())?;
    m.add("GearsFlatError", py.get_type::<flat_error>())?;
    m.add("GearsForceStopped", py.get_type::<forcestopped>())?;
    m.add_class::<PyFlatExecution>()?;
    m.add_class::<Atomic>()?;
    m.add_function(wrap_pyfunction!(executeCommand, m)?)?;
    m.add_function(wrap_pyfunction!(log, m)?)?;
    m.add_function(wrap_pyfunction!(config_get, m)?)?;
    m.add_function(wrap_pyfunction!(getMyHashTag, m)?)?;
    m.add_function(wrap_pyfunction!(atomicCtx, m)?)?;
    m.add_function(wrap_pyfunction!(isInAtomicBlock, m)?)?;
    m.add_function(wrap_pyfunction!(gearsCtx, m)?)?;
    m.add_function(wrap_pyfunction!(_shardId, m)?)?;
    Ok(())
}
