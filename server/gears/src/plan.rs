//! Flat execution plans: a reader and an ordered list of native steps, as
//! RedisGears's C core keeps them. The rich builder API (aggregate, countby,
//! sort, ...) is Python sugar over these steps (py/GearsBuilder.py).
//!
//! A plan holds only plain data and Python callables, so it can be shipped
//! to other shards with cloudpickle (`Plan::to_bytes` / `Plan::from_bytes`).

use bytes::Bytes;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

/// What a step does; callables are Python functions.
pub enum StepKind {
    Map(PyObject),
    FlatMap(PyObject),
    Filter(PyObject),
    Foreach(PyObject),
    Accumulate(PyObject),
    /// Turns a record into (key, record): the key is the callable's result,
    /// through repr() when it is not a str.
    ExtractKey(PyObject),
    /// Per key: acc = f(key, acc or None, record); emits {'key', 'value'} dicts.
    AccumulateByKey(PyObject),
    /// Sends records to the shard that owns their key's slot (a no-op on one
    /// shard, but user extractors still run).
    Repartition(Option<PyObject>),
    /// Sends every record to the initiator (a no-op on one shard).
    Collect,
    /// Per key: the list of its records.
    Group,
    /// Per group: f(key, records) → {'key', 'value'}.
    Reduce(PyObject),
    Limit {
        len: i64,
        offset: i64,
    },
}

impl StepKind {
    /// RG.GETEXECUTION's step type.
    pub fn type_name(&self) -> &'static str {
        match self {
            StepKind::Map(_) => "map",
            StepKind::FlatMap(_) => "flatmap",
            StepKind::Filter(_) => "filter",
            StepKind::Foreach(_) => "foreach",
            StepKind::Accumulate(_) => "accumulate",
            StepKind::ExtractKey(_) => "extractkey",
            StepKind::AccumulateByKey(_) => "accumulatebykey",
            StepKind::Repartition(_) => "repartition",
            StepKind::Collect => "collect",
            StepKind::Group => "group",
            StepKind::Reduce(_) => "reduce",
            StepKind::Limit { .. } => "limit",
        }
    }

    /// RG.GETEXECUTION's step name: the C callback RedisGears registers.
    pub fn callback_name(&self) -> &'static str {
        match self {
            StepKind::Map(_) => "RedisGearsPy_PyCallbackMapper",
            StepKind::FlatMap(_) => "RedisGearsPy_PyCallbackFlatMapper",
            StepKind::Filter(_) => "RedisGearsPy_PyCallbackFilter",
            StepKind::Foreach(_) => "RedisGearsPy_PyCallbackForEach",
            StepKind::Accumulate(_) => "RedisGearsPy_PyCallbackAccumulate",
            StepKind::ExtractKey(_) | StepKind::Repartition(Some(_)) => "RedisGearsPy_PyCallbackExtractor",
            StepKind::AccumulateByKey(_) => "RedisGearsPy_PyCallbackAccumulateByKey",
            StepKind::Reduce(_) => "RedisGearsPy_PyCallbackReducer",
            StepKind::Repartition(None) | StepKind::Collect | StepKind::Group | StepKind::Limit { .. } => "",
        }
    }

    pub fn callable(&self) -> Option<&PyObject> {
        match self {
            StepKind::Map(f)
            | StepKind::FlatMap(f)
            | StepKind::Filter(f)
            | StepKind::Foreach(f)
            | StepKind::Accumulate(f)
            | StepKind::ExtractKey(f)
            | StepKind::AccumulateByKey(f)
            | StepKind::Reduce(f)
            | StepKind::Repartition(Some(f)) => Some(f),
            _ => None,
        }
    }

    pub fn clone_ref(&self, py: Python<'_>) -> StepKind {
        let c = |f: &PyObject| f.clone_ref(py);
        match self {
            StepKind::Map(f) => StepKind::Map(c(f)),
            StepKind::FlatMap(f) => StepKind::FlatMap(c(f)),
            StepKind::Filter(f) => StepKind::Filter(c(f)),
            StepKind::Foreach(f) => StepKind::Foreach(c(f)),
            StepKind::Accumulate(f) => StepKind::Accumulate(c(f)),
            StepKind::ExtractKey(f) => StepKind::ExtractKey(c(f)),
            StepKind::AccumulateByKey(f) => StepKind::AccumulateByKey(c(f)),
            StepKind::Repartition(f) => StepKind::Repartition(f.as_ref().map(c)),
            StepKind::Collect => StepKind::Collect,
            StepKind::Group => StepKind::Group,
            StepKind::Reduce(f) => StepKind::Reduce(c(f)),
            StepKind::Limit { len, offset } => StepKind::Limit { len: *len, offset: *offset },
        }
    }
}

/// Where records come from, with the arguments run() was given.
pub enum ReaderSpec {
    Keys { pattern: Bytes, no_scan: bool, read_value: bool },
    Stream { key: Bytes, from_id: Bytes },
    Python(PyObject),
}

impl ReaderSpec {
    pub fn name(&self) -> &'static str {
        match self {
            ReaderSpec::Keys { .. } => "KeysReader",
            ReaderSpec::Stream { .. } => "StreamReader",
            ReaderSpec::Python(_) => "PythonReader",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Async,
    AsyncLocal,
}

pub struct Plan {
    pub reader: ReaderSpec,
    pub steps: Vec<StepKind>,
    pub desc: Option<String>,
    pub mode: Mode,
}

impl Plan {
    /// The plan as bytes another shard can rebuild it from: reader name and
    /// arguments plus every step's type and callable, with cloudpickle.
    pub fn to_bytes(&self, py: Python<'_>) -> PyResult<Vec<u8>> {
        let reader: PyObject = match &self.reader {
            ReaderSpec::Keys { pattern, no_scan, read_value } => {
                ("KeysReader", PyBytes::new(py, pattern), *no_scan, *read_value).into_pyobject(py)?.into_any().unbind()
            }
            ReaderSpec::Stream { key, from_id } => ("StreamReader", PyBytes::new(py, key), PyBytes::new(py, from_id))
                .into_pyobject(py)?
                .into_any()
                .unbind(),
            ReaderSpec::Python(f) => ("PythonReader", f.clone_ref(py)).into_pyobject(py)?.into_any().unbind(),
        };
        let steps = PyList::empty(py);
        for s in &self.steps {
            let (a, b): (PyObject, PyObject) = match s {
                StepKind::Limit { len, offset } => {
                    (len.into_pyobject(py)?.into_any().unbind(), offset.into_pyobject(py)?.into_any().unbind())
                }
                other => (other.callable().map(|f| f.clone_ref(py)).unwrap_or_else(|| py.None()), py.None()),
            };
            steps.append((s.type_name(), a, b))?;
        }
        let mode = if self.mode == Mode::Async { "async" } else { "async_local" };
        let whole = PyTuple::new(
            py,
            [
                reader,
                steps.into_any().unbind(),
                self.desc.clone().into_pyobject(py)?.into_any().unbind(),
                mode.into_pyobject(py)?.into_any().unbind(),
            ],
        )?;
        let dumped = py.import("cloudpickle")?.call_method1("dumps", (whole,))?;
        Ok(dumped.downcast::<PyBytes>()?.as_bytes().to_vec())
    }

    pub fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Plan> {
        let whole = py.import("cloudpickle")?.call_method1("loads", (PyBytes::new(py, data),))?;
        let (reader, steps, desc, mode): (Bound<PyTuple>, Bound<PyList>, Option<String>, String) = whole.extract()?;
        let rname: String = reader.get_item(0)?.extract()?;
        let reader = match rname.as_str() {
            "KeysReader" => ReaderSpec::Keys {
                pattern: Bytes::from(reader.get_item(1)?.extract::<Vec<u8>>()?),
                no_scan: reader.get_item(2)?.extract()?,
                read_value: reader.get_item(3)?.extract()?,
            },
            "StreamReader" => ReaderSpec::Stream {
                key: Bytes::from(reader.get_item(1)?.extract::<Vec<u8>>()?),
                from_id: Bytes::from(reader.get_item(2)?.extract::<Vec<u8>>()?),
            },
            _ => ReaderSpec::Python(reader.get_item(1)?.unbind()),
        };
        let mut out = Vec::new();
        for s in steps.iter() {
            let (t, a, b): (String, PyObject, PyObject) = s.extract()?;
            let opt = |a: &PyObject| if a.is_none(py) { None } else { Some(a.clone_ref(py)) };
            out.push(match t.as_str() {
                "map" => StepKind::Map(a),
                "flatmap" => StepKind::FlatMap(a),
                "filter" => StepKind::Filter(a),
                "foreach" => StepKind::Foreach(a),
                "accumulate" => StepKind::Accumulate(a),
                "extractkey" => StepKind::ExtractKey(a),
                "accumulatebykey" => StepKind::AccumulateByKey(a),
                "repartition" => StepKind::Repartition(opt(&a)),
                "collect" => StepKind::Collect,
                "group" => StepKind::Group,
                "reduce" => StepKind::Reduce(a),
                "limit" => StepKind::Limit { len: a.extract(py)?, offset: b.extract(py)? },
                other => return Err(pyo3::exceptions::PyValueError::new_err(format!("unknown step type {other}"))),
            });
        }
        let mode = if mode == "async" { Mode::Async } else { Mode::AsyncLocal };
        Ok(Plan { reader, steps: out, desc, mode })
    }
}
