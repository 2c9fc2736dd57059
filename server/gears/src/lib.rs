//! gears-engine: RedisGears 1.2 batch executions over an embedded CPython.
//!
//! One interpreter (pyo3) serves every session. RG.PYEXECUTE scripts run on
//! one script thread, in arrival order, each with its own globals; the
//! executions they start run on a pool of ExecutionThreads workers. The
//! server reaches the engine through the methods below (called with the
//! keyspace lock held, so none of them touches the GIL), and the engine
//! reaches the keyspace only through [`Host`].

pub mod alloc;
pub mod config;
pub mod convert;
pub mod dict_order;
pub mod execution;
pub mod host;
pub mod plan;
pub mod python;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ffi::CString;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, OnceLock};

use bytes::Bytes;
use gears_resp::Reply;
use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule};

pub use config::{error_reply, GearsConfig};
use execution::{Execution, Status};
pub use host::{CallError, Host, KeyRecord, KeyValue, LogLevel};

static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();

/// The running engine, once [`start`] has succeeded.
pub fn engine() -> Option<&'static Engine> {
    ENGINE.get().map(|a| &**a)
}

/// Delivers a deferred reply to a waiting client.
pub type Responder = Box<dyn FnOnce(Reply) + Send>;

/// The standalone shard id: 40 zeros.
pub const STANDALONE_SHARD_ID: &str = "0000000000000000000000000000000000000000";

const GEARS_BUILDER: &str = include_str!("../py/GearsBuilder.py");
/// Worker stacks are large so that deep (but legal) Python recursion through
/// native calls cannot overflow them.
const THREAD_STACK: usize = 32 << 20;

/// RG.PYEXECUTE's options.
#[derive(Default, Debug)]
pub struct PyExecuteOpts {
    pub unblocking: bool,
    pub id: Option<String>,
    pub description: Option<String>,
    pub upgrade: bool,
    pub replace_with: Option<String>,
    pub requirements: Vec<String>,
}

struct ScriptJob {
    script: Vec<u8>,
    opts: PyExecuteOpts,
    respond: Responder,
}

struct Session {
    description: Option<String>,
    /// Executions still holding the session.
    refs: usize,
}

#[derive(Default)]
struct ExecTable {
    map: HashMap<String, Arc<Execution>>,
    order: VecDeque<String>,
}

pub struct Engine {
    pub host: Arc<dyn Host>,
    pub config: Mutex<GearsConfig>,
    pub shard_id: String,
    execs: Mutex<ExecTable>,
    next_exec: AtomicU64,
    pool: Mutex<mpsc::Sender<Arc<Execution>>>,
    scripts: Mutex<mpsc::Sender<ScriptJob>>,
    sessions: Mutex<BTreeMap<String, Session>>,
    base_globals: Py<PyDict>,
}

/// Starts the interpreter, loads GearsBuilder and the worker threads.
pub fn start(host: Arc<dyn Host>, config: GearsConfig) -> Result<Arc<Engine>, String> {
    if ENGINE.get().is_some() {
        return Err("the gears engine is already running".into());
    }
    if config.override_python_allocators != 0 {
        alloc::install();
    }
    pyo3::append_to_inittab!(redisgears_init);
    pyo3::prepare_freethreaded_python();
    let base_globals = Python::with_gil(|py| -> PyResult<Py<PyDict>> {
        let sys = py.import("sys")?;
        let (major, minor): (u32, u32) =
            sys.getattr("version_info")?.extract::<(u32, u32, u32, String, u32)>().map(|v| (v.0, v.1))?;
        if (major, minor) < (3, 10) {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
                "Python {major}.{minor} is too old: Gears needs 3.10 or newer"
            )));
        }
        // A virtualenv named by VIRTUAL_ENV (e.g. the project's .venv with
        // cloudpickle) adds its site-packages, as `python` run from it would.
        if let Ok(venv) = std::env::var("VIRTUAL_ENV") {
            let site = format!("{venv}/lib/python{major}.{minor}/site-packages");
            if std::path::Path::new(&site).is_dir() {
                py.import("site")?.call_method1("addsitedir", (site,))?;
            }
        }
        let code = CString::new(GEARS_BUILDER).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        let module = PyModule::from_code(py, &code, c"GearsBuilder.py", c"GearsBuilder")?;
        let globals = module.dict().copy()?;
        globals.set_item("__name__", "not_main")?;
        globals.set_item("redisgears", py.import("redisgears")?)?;
        Ok(globals.unbind())
    })
    .map_err(|e| Python::with_gil(|py| convert::error_string(py, &e, true)))?;
    let cloudpickle = Python::with_gil(|py| py.import("cloudpickle").map(|_| ()).map_err(|e| e.to_string()));
    if let Err(e) = cloudpickle {
        host.log(
            LogLevel::Warning,
            &format!("GEARS: cloudpickle is not importable ({e}); install it into the Python gears-server embeds, or point VIRTUAL_ENV at a venv that has it"),
        );
    }

    let threads = config.execution_threads.max(1) as usize;
    let (pool_tx, pool_rx) = mpsc::channel::<Arc<Execution>>();
    let (script_tx, script_rx) = mpsc::channel::<ScriptJob>();
    let engine = Arc::new(Engine {
        host,
        config: Mutex::new(config),
        shard_id: STANDALONE_SHARD_ID.to_string(),
        execs: Mutex::new(ExecTable::default()),
        next_exec: AtomicU64::new(1),
        pool: Mutex::new(pool_tx),
        scripts: Mutex::new(script_tx),
        sessions: Mutex::new(BTreeMap::new()),
        base_globals,
    });
    ENGINE.set(engine.clone()).map_err(|_| "the gears engine is already running".to_string())?;

    let pool_rx = Arc::new(Mutex::new(pool_rx));
    for i in 0..threads {
        let rx = pool_rx.clone();
        std::thread::Builder::new()
            .name(format!("gears-exec-{i}"))
            .stack_size(THREAD_STACK)
            .spawn(move || loop {
                let job = rx.lock().recv();
                let Ok(exec) = job else { return };
                if let Some(e) = crate::engine() {
                    execution::run(e, &exec);
                }
            })
            .map_err(|e| e.to_string())?;
    }
    std::thread::Builder::new()
        .name("gears-scripts".into())
        .stack_size(THREAD_STACK)
        .spawn(move || {
            while let Ok(job) = script_rx.recv() {
                if let Some(e) = crate::engine() {
                    e.run_script(job);
                }
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(engine)
}

#[pymodule]
#[pyo3(name = "redisgears")]
fn redisgears_init(m: &Bound<'_, PyModule>) -> PyResult<()> {
    python::redisgears(m)
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

fn random_hex40() -> String {
    (0..40).map(|_| format!("{:x}", rand::random::<u8>() % 16)).collect()
}

/// Parses `RG.PYEXECUTE <script> [options]` (everything after the script).
pub fn parse_pyexecute(args: &[Bytes]) -> Result<PyExecuteOpts, Reply> {
    let mut o = PyExecuteOpts::default();
    let mut i = 0;
    let text = |b: &Bytes| String::from_utf8_lossy(b).into_owned();
    while i < args.len() {
        let a = text(&args[i]).to_ascii_uppercase();
        match a.as_str() {
            "UNBLOCKING" => o.unblocking = true,
            "UPGRADE" => o.upgrade = true,
            "FORCE_REINSTALL_REQUIREMENTS" => {}
            "ID" => {
                i += 1;
                let Some(v) = args.get(i) else { return Err(error_reply("ID is missing")) };
                let v = text(v);
                if !valid_id(&v) {
                    return Err(error_reply("ID must be compose of: ['A'-'Z' | 'a'-'z' | '0' - '9' | '-' | '_']"));
                }
                o.id = Some(v);
            }
            "DESCRIPTION" => {
                i += 1;
                let Some(v) = args.get(i) else { return Err(error_reply("DESCRIPTION is missing")) };
                o.description = Some(text(v));
            }
            "REPLACE_WITH" => {
                i += 1;
                let Some(v) = args.get(i) else { return Err(error_reply("REPLACE_WITH is missing")) };
                o.replace_with = Some(text(v));
            }
            "REQUIREMENTS" => {
                o.requirements = args[i + 1..].iter().map(text).collect();
                break;
            }
            _ => return Err(error_reply(format!("Unknown arguments were given: {}", text(&args[i])))),
        }
        i += 1;
    }
    Ok(o)
}

impl Engine {
    /// RG.PYEXECUTE: queues the script; `respond` gets the command's reply.
    pub fn py_execute(&self, script: Vec<u8>, opts: PyExecuteOpts, respond: Responder) {
        if !opts.requirements.is_empty() {
            return respond(error_reply(
                "Could not satisfy requirements (REQUIREMENTS are not supported by this server yet)",
            ));
        }
        {
            let sessions = self.sessions.lock();
            if let Some(id) = &opts.id {
                if sessions.contains_key(id) && !opts.upgrade {
                    return respond(error_reply(format!("Session {id} already exists")));
                }
            }
            if let Some(old) = &opts.replace_with {
                if !sessions.contains_key(old) {
                    return respond(error_reply(format!("Can not replace with {old}, session does not exists.")));
                }
            }
        }
        let job = ScriptJob { script, opts, respond };
        if let Err(mpsc::SendError(job)) = self.scripts.lock().send(job) {
            (job.respond)(error_reply("gears engine is not running"));
        }
    }

    fn run_script(&self, job: ScriptJob) {
        let ScriptJob { script, opts, respond } = job;
        let session = opts.id.clone().unwrap_or_else(random_hex40);
        let outcome = Python::with_gil(|py| -> Result<Option<plan::Plan>, String> {
            let attempt_tb = self.config.lock().python_attempt_traceback;
            let globals = self.base_globals.bind(py).copy().map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&script).into_owned();
            python::SCRIPT.with(|s| *s.borrow_mut() = Some(python::ScriptCtx { run: None }));
            let result = (|| -> PyResult<()> {
                let builtins = py.import("builtins")?;
                let code = builtins.call_method1("compile", (text, "<string>", "exec"))?;
                builtins.call_method1("exec", (code, globals))?;
                Ok(())
            })();
            let ctx = python::SCRIPT.with(|s| s.borrow_mut().take());
            match result {
                Err(e) => Err(convert::error_string(py, &e, attempt_tb)),
                Ok(()) => Ok(ctx.and_then(|c| c.run)),
            }
        });
        match outcome {
            Err(msg) => respond(error_reply(msg)),
            Ok(None) => respond(Reply::ok()),
            Ok(Some(plan)) => {
                self.sessions
                    .lock()
                    .entry(session.clone())
                    .or_insert(Session { description: opts.description.clone(), refs: 0 })
                    .refs += 1;
                let exec = Python::with_gil(|py| self.create_execution(py, plan, session));
                if opts.unblocking {
                    respond(Reply::Bulk(Bytes::from(exec.id.clone())));
                } else {
                    let id = exec.id.clone();
                    exec.on_done(Box::new(move |reply| {
                        respond(reply);
                        if let Some(e) = crate::engine() {
                            e.remove_execution(&id);
                        }
                    }));
                }
                self.start_execution(exec);
            }
        }
    }

    /// Registers a new execution of `plan` (status created).
    pub fn create_execution(&self, py: Python<'_>, plan: plan::Plan, session: String) -> Arc<Execution> {
        let n = self.next_exec.fetch_add(1, Ordering::Relaxed);
        let id = format!("{}-{}", self.shard_id, n);
        let steps = execution::describe_steps(py, &plan);
        let exec = Arc::new(Execution::new(id.clone(), session, plan, steps));
        let max = self.config.lock().max_executions.max(1) as usize;
        let all: Vec<Arc<Execution>> = {
            let mut t = self.execs.lock();
            t.map.insert(id.clone(), exec.clone());
            t.order.push_back(id);
            if t.map.len() <= max {
                return exec;
            }
            t.order.iter().filter_map(|id| t.map.get(id).cloned()).collect()
        };
        // Over MaxExecutions: drop the oldest finished ones (statuses are
        // read outside the table lock; see remove_execution).
        let mut excess = all.len().saturating_sub(max);
        for e in all {
            if excess == 0 {
                break;
            }
            if e.state.lock().finished() {
                self.remove_execution(&e.id);
                excess -= 1;
            }
        }
        exec
    }

    pub fn start_execution(&self, exec: Arc<Execution>) {
        let _ = self.pool.lock().send(exec);
    }

    /// Forgets an execution. Never called with an execution's state lock held
    /// while the table lock is wanted elsewhere first: the table lock is
    /// never held while taking a state lock.
    pub fn remove_execution(&self, id: &str) {
        let removed = {
            let mut t = self.execs.lock();
            let r = t.map.remove(id);
            if r.is_some() {
                t.order.retain(|x| x != id);
            }
            r
        };
        if let Some(e) = removed {
            let mut sessions = self.sessions.lock();
            if let Some(s) = sessions.get_mut(&e.session) {
                s.refs = s.refs.saturating_sub(1);
                if s.refs == 0 {
                    sessions.remove(&e.session);
                }
            }
        }
    }

    fn get(&self, id: &[u8]) -> Option<Arc<Execution>> {
        let id = std::str::from_utf8(id).ok()?;
        self.execs.lock().map.get(id).cloned()
    }

    pub fn get_results(&self, id: &[u8]) -> Reply {
        let Some(e) = self.get(id) else { return error_reply("execution plan does not exist") };
        let st = e.state.lock();
        if !st.finished() {
            return error_reply("execution is still running");
        }
        st.results_reply()
    }

    /// RG.GETRESULTSBLOCKING: replies now or when the execution finishes.
    pub fn get_results_blocking(&self, id: &[u8], respond: Responder) {
        match self.get(id) {
            None => respond(error_reply("execution plan does not exist")),
            Some(e) => e.on_done(respond),
        }
    }

    pub fn drop_execution(&self, id: &[u8]) -> Reply {
        let Some(e) = self.get(id) else { return error_reply("execution plan does not exist") };
        if !e.state.lock().finished() {
            return error_reply("can not drop a not yet finished execution, abort it first.");
        }
        self.remove_execution(&e.id);
        Reply::ok()
    }

    /// RG.ABORTEXECUTION: replies OK once the execution has stopped. A
    /// running Python callback gets gears.forcestopped raised inside it.
    pub fn abort_execution(&self, id: &[u8], respond: Responder) {
        let Some(exec) = self.get(id) else { return respond(error_reply("execution does not exist")) };
        exec.aborted.store(true, Ordering::SeqCst);
        {
            let st = exec.state.lock();
            if st.finished() {
                drop(st);
                return respond(Reply::ok());
            }
            if st.status == Status::Created {
                drop(st);
                exec.finish(Status::Aborted);
                return respond(Reply::ok());
            }
        }
        exec.on_done(Box::new(move |_| respond(Reply::ok())));
        // The runner notices the flag between records; Python code that
        // never returns to us needs the exception. Raised until it is done,
        // since a callback may swallow it once.
        let _ = std::thread::Builder::new().name("gears-abort".into()).spawn(move || {
            while !exec.state.lock().finished() {
                Python::with_gil(|py| {
                    let _ = py;
                    if exec.in_python.load(Ordering::SeqCst) {
                        let ident = exec.py_thread.load(Ordering::SeqCst);
                        let ty = py.get_type::<python::forcestopped>();
                        // SAFETY: GIL held; the runner clears a pending exception
                        // (with the GIL) before it leaves the execution.
                        unsafe { pyo3::ffi::PyThreadState_SetAsyncExc(ident as _, ty.as_ptr()) };
                    }
                });
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        });
    }

    pub fn dump_executions(&self) -> Reply {
        let all: Vec<Arc<Execution>> = {
            let t = self.execs.lock();
            t.order.iter().filter_map(|id| t.map.get(id).cloned()).collect()
        };
        Reply::Array(
            all.iter()
                .map(|e| {
                    Reply::Array(vec![
                        Reply::bulk_str("executionId"),
                        Reply::bulk_str(&e.id),
                        Reply::bulk_str("status"),
                        Reply::bulk_str(e.status().as_str()),
                        Reply::bulk_str("registered"),
                        Reply::Int(e.registered as i64),
                    ])
                })
                .collect(),
        )
    }

    /// RG.GETEXECUTION id [SHARD|CLUSTER].
    pub fn get_execution(&self, id: &[u8], mode: Option<&[u8]>) -> Reply {
        match mode {
            None => {}
            Some(m) if m.eq_ignore_ascii_case(b"SHARD") => {}
            Some(m) if m.eq_ignore_ascii_case(b"CLUSTER") => {
                return error_reply("no cluster detected - use `RG.GETEXECUTION <id> [SHARD]` instead")
            }
            Some(_) => return error_reply("unknown subcommand"),
        }
        let Some(e) = self.get(id) else { return error_reply("execution plan does not exist") };
        let st = e.state.lock();
        let b = Reply::bulk_str;
        let steps = st
            .steps
            .iter()
            .rev()
            .map(|s| {
                Reply::Array(vec![
                    b("type"),
                    b(s.kind),
                    b("duration"),
                    Reply::Int(s.duration_ms as i64),
                    b("name"),
                    b(s.name),
                    b("arg"),
                    b(&s.arg),
                ])
            })
            .collect();
        let done = st.finished();
        let plan = Reply::Array(vec![
            b("status"),
            b(st.status.as_str()),
            b("shards_received"),
            Reply::Int(0),
            b("shards_completed"),
            Reply::Int(0),
            b("results"),
            Reply::Int(if done { st.results.len() as i64 } else { -1 }),
            b("errors"),
            Reply::Array(st.errors.iter().map(|x| b(x)).collect()),
            b("total_duration"),
            Reply::Int(st.total_ms as i64),
            b("read_duration"),
            Reply::Int(st.read_ms as i64),
            b("steps"),
            Reply::Array(steps),
        ]);
        Reply::Array(vec![Reply::Array(vec![b("shard_id"), b(&self.shard_id), b("execution_plan"), plan])])
    }

    pub fn config_get(&self, names: &[String]) -> Reply {
        self.config.lock().config_get(names)
    }

    pub fn config_set(&self, pairs: &[(String, String)]) -> Reply {
        self.config.lock().config_set(pairs)
    }

    pub fn executions_count(&self) -> usize {
        self.execs.lock().map.len()
    }

    /// RG.PYDUMPSESSIONS [VERBOSE] [DEAD] [SESSIONS s...].
    pub fn dump_sessions(&self, args: &[Bytes]) -> Reply {
        let mut only: Option<Vec<String>> = None;
        let mut i = 0;
        while i < args.len() {
            let a = String::from_utf8_lossy(&args[i]).into_owned();
            match a.to_ascii_uppercase().as_str() {
                "VERBOSE" | "DEAD" => {}
                "SESSIONS" => {
                    only = Some(args[i + 1..].iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect());
                    break;
                }
                _ => return error_reply(format!("Unknown option {a}")),
            }
            i += 1;
        }
        let sessions = self.sessions.lock();
        let one = |id: &str, s: &Session| {
            let b = Reply::bulk_str;
            Reply::Array(vec![
                b("ID"),
                b(id),
                b("sessionDescription"),
                s.description.as_deref().map(b).unwrap_or(Reply::Null),
                b("refCount"),
                Reply::Int(s.refs as i64),
                b("linked"),
                b("primary"),
                b("dead"),
                b("false"),
                b("requirementInstallationNeeded"),
                Reply::Int(0),
                b("requirements"),
                Reply::Array(vec![]),
                b("registrations"),
                Reply::Array(vec![]),
            ])
        };
        match only {
            None => Reply::Array(sessions.iter().map(|(id, s)| one(id, s)).collect()),
            Some(names) => Reply::Array(
                names
                    .iter()
                    .map(|n| match sessions.get(n) {
                        Some(s) => one(n, s),
                        None => Reply::bulk_str(&format!("Session {n} does not exists")),
                    })
                    .collect(),
            ),
        }
    }

    pub fn sessions_count(&self) -> usize {
        self.sessions.lock().len()
    }
}
