//! Conversions between Python objects and replies, the RedisGears 1.2 way:
//! records → client replies (§1.7 of the reference), command replies →
//! Python for execute(), and Python exceptions → RedisGears error strings.

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyFloat, PyInt, PyList, PyString};

use crate::python::{error, flat_error};

/// A result record as RedisGears replies it: lists are arrays, int/bool
/// integers, float '%lf' text, str bulk (or status/error when it starts with
/// '+'/'-' and is longer than one character), bytes bulk, anything else
/// "PY RECORD".
pub fn record_to_reply(obj: &Bound<'_, PyAny>) -> Reply {
    if let Ok(s) = obj.downcast::<PyString>() {
        let s = s.to_cow().map(|c| c.into_owned().into_bytes()).unwrap_or_else(|_| lossy_bytes(obj));
        if s.len() > 1 && s[0] == b'+' {
            return Reply::Status(Bytes::copy_from_slice(&s[1..]));
        }
        if s.len() > 1 && s[0] == b'-' {
            return Reply::Error(ErrorReply::new(String::from_utf8_lossy(&s[1..]).into_owned()));
        }
        return Reply::Bulk(Bytes::from(s));
    }
    if let Ok(l) = obj.downcast::<PyList>() {
        return Reply::Array(l.iter().map(|x| record_to_reply(&x)).collect());
    }
    if obj.is_instance_of::<PyBool>() {
        return Reply::Int(obj.is_truthy().unwrap_or(false) as i64);
    }
    if obj.is_instance_of::<PyInt>() {
        return match obj.extract::<i64>() {
            Ok(n) => Reply::Int(n),
            // RedisGears reads PyLong_AsLongLong: out of range is -1 with an error set.
            Err(_) => Reply::Int(-1),
        };
    }
    if let Ok(f) = obj.downcast::<PyFloat>() {
        return Reply::Bulk(Bytes::from(format!("{:.6}", f.value())));
    }
    if let Ok(b) = obj.downcast::<PyBytes>() {
        return Reply::Bulk(Bytes::copy_from_slice(b.as_bytes()));
    }
    Reply::Bulk(Bytes::from_static(b"PY RECORD"))
}

fn lossy_bytes(obj: &Bound<'_, PyAny>) -> Vec<u8> {
    obj.str().map(|s| s.to_string_lossy().into_owned().into_bytes()).unwrap_or_default()
}

/// Bytes as Python text: str when UTF-8, else bytearray (as RedisGears does).
pub fn bytes_to_py(py: Python<'_>, b: &[u8]) -> PyObject {
    match std::str::from_utf8(b) {
        Ok(s) => PyString::new(py, s).into_any().unbind(),
        Err(_) => PyByteArray::new(py, b).into_any().unbind(),
    }
}

/// A command reply as execute() returns it (RESP2 shapes); error replies raise gears.error.
pub fn reply_to_py(py: Python<'_>, r: Reply) -> PyResult<PyObject> {
    Ok(match r {
        Reply::Status(b) | Reply::Bulk(b) | Reply::Verbatim(_, b) => bytes_to_py(py, &b),
        Reply::Error(e) => return Err(error::new_err(e.as_str().to_string())),
        Reply::Int(n) => n.into_pyobject(py)?.into_any().unbind(),
        Reply::Bool(b) => (b as i64).into_pyobject(py)?.into_any().unbind(),
        Reply::Null | Reply::NullArray => py.None(),
        Reply::Double(d) => PyString::new(py, &gears_resp::format_double(d)).into_any().unbind(),
        Reply::Array(items) | Reply::Set(items) | Reply::Push(items) => {
            let l = PyList::empty(py);
            for it in items {
                l.append(reply_to_py_lenient(py, it)?)?;
            }
            l.into_any().unbind()
        }
        Reply::Map(pairs) => {
            let l = PyList::empty(py);
            for (k, v) in pairs {
                l.append(reply_to_py_lenient(py, k)?)?;
                l.append(reply_to_py_lenient(py, v)?)?;
            }
            l.into_any().unbind()
        }
        Reply::Raw(b) => bytes_to_py(py, &b),
    })
}

/// Inside arrays an error element is kept as its text (RM_Call replies nest errors).
fn reply_to_py_lenient(py: Python<'_>, r: Reply) -> PyResult<PyObject> {
    match r {
        Reply::Error(e) => Ok(PyString::new(py, e.as_str()).into_any().unbind()),
        other => reply_to_py(py, other),
    }
}

/// RedisGears's getPyError: a flat_error's own text; else the formatted
/// traceback as a Python list repr when PythonAttemptTraceback is on and a
/// traceback exists; else "Error type: <class ...>, Value: ...".
pub fn error_string(py: Python<'_>, err: &PyErr, attempt_traceback: bool) -> String {
    let value = err.value(py);
    if err.is_instance_of::<flat_error>(py) {
        return value.str().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    }
    let ty = err.get_type(py);
    if attempt_traceback {
        if let Some(tb) = err.traceback(py) {
            let formatted = py
                .import("traceback")
                .and_then(|m| m.call_method1("format_exception", (ty.clone(), value.clone(), tb)))
                .and_then(|l| l.str());
            if let Ok(s) = formatted {
                return s.to_string_lossy().into_owned();
            }
        }
    }
    let ty_s = ty.str().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let val_s = value.str().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    format!("Error type: {ty_s}, Value: {val_s}")
}
