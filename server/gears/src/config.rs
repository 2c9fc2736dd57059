//! RedisGears configuration: the built-in settings with their names, defaults
//! and runtime rules, the Python plugin's settings, and the "extra config
//! dictionary" that keeps everything else (scripts read it with configGet).
//! RG.CONFIGGET / RG.CONFIGSET replies and the startup arguments live here.

use std::collections::BTreeMap;

use gears_resp::Reply;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Core setting: integer, replied as an integer.
    Core,
    /// Python plugin setting: applied and also stored in the extra dictionary.
    Plugin,
}

struct Param {
    name: &'static str,
    kind: Kind,
    runtime: bool,
    /// Smallest accepted value (integers).
    min: i64,
}

const PARAMS: &[Param] = &[
    Param { name: "MaxExecutions", kind: Kind::Core, runtime: true, min: 1 },
    Param { name: "MaxExecutionsPerRegistration", kind: Kind::Core, runtime: true, min: 1 },
    Param { name: "ProfileExecutions", kind: Kind::Core, runtime: true, min: 0 },
    Param { name: "PythonAttemptTraceback", kind: Kind::Plugin, runtime: true, min: 0 },
    Param { name: "ExecutionThreads", kind: Kind::Core, runtime: false, min: 1 },
    Param { name: "ExecutionMaxIdleTime", kind: Kind::Core, runtime: true, min: 1 },
    Param { name: "PythonInstallReqMaxIdleTime", kind: Kind::Plugin, runtime: true, min: 1 },
    Param { name: "SendMsgRetries", kind: Kind::Core, runtime: true, min: 0 },
    Param { name: "CreateVenv", kind: Kind::Plugin, runtime: false, min: 0 },
    Param { name: "DownloadDeps", kind: Kind::Plugin, runtime: false, min: 0 },
    Param { name: "ForceDownloadDepsOnEnterprise", kind: Kind::Plugin, runtime: false, min: 0 },
    Param { name: "OverridePythonAllocators", kind: Kind::Plugin, runtime: false, min: 0 },
];

const STRING_PARAMS: &[&str] = &["PythonInstallationDir", "Plugin", "DependenciesUrl", "DependenciesSha256"];

#[derive(Clone)]
pub struct GearsConfig {
    pub max_executions: i64,
    pub max_executions_per_registration: i64,
    pub profile_executions: bool,
    pub python_attempt_traceback: bool,
    pub execution_threads: i64,
    pub execution_max_idle_time: i64,
    pub python_install_req_max_idle_time: i64,
    pub send_msg_retries: i64,
    pub create_venv: i64,
    pub download_deps: i64,
    pub force_download_deps_on_enterprise: i64,
    pub override_python_allocators: i64,
    pub python_installation_dir: String,
    pub plugin: String,
    pub dependencies_url: String,
    pub dependencies_sha256: String,
    /// Everything else given at startup or with RG.CONFIGSET.
    pub extra: BTreeMap<String, String>,
}

impl Default for GearsConfig {
    fn default() -> Self {
        GearsConfig {
            max_executions: 1000,
            max_executions_per_registration: 100,
            profile_executions: false,
            python_attempt_traceback: true,
            execution_threads: 3,
            execution_max_idle_time: 5000,
            python_install_req_max_idle_time: 30000,
            send_msg_retries: 3,
            create_venv: 0,
            download_deps: 0,
            force_download_deps_on_enterprise: 0,
            override_python_allocators: 1,
            python_installation_dir: "/var/opt/redislabs/modules/rg".into(),
            plugin: String::new(),
            dependencies_url: String::new(),
            dependencies_sha256: String::new(),
            extra: BTreeMap::new(),
        }
    }
}

impl GearsConfig {
    fn int_slot(&mut self, name: &str) -> &mut i64 {
        match name {
            "MaxExecutions" => &mut self.max_executions,
            "MaxExecutionsPerRegistration" => &mut self.max_executions_per_registration,
            "ExecutionThreads" => &mut self.execution_threads,
            "ExecutionMaxIdleTime" => &mut self.execution_max_idle_time,
            "PythonInstallReqMaxIdleTime" => &mut self.python_install_req_max_idle_time,
            "SendMsgRetries" => &mut self.send_msg_retries,
            "CreateVenv" => &mut self.create_venv,
            "DownloadDeps" => &mut self.download_deps,
            "ForceDownloadDepsOnEnterprise" => &mut self.force_download_deps_on_enterprise,
            _ => &mut self.override_python_allocators,
        }
    }

    fn get_int(&mut self, name: &str) -> i64 {
        match name {
            "ProfileExecutions" => self.profile_executions as i64,
            "PythonAttemptTraceback" => self.python_attempt_traceback as i64,
            _ => *self.int_slot(name),
        }
    }

    fn set_int(&mut self, name: &str, v: i64) {
        match name {
            "ProfileExecutions" => self.profile_executions = v != 0,
            "PythonAttemptTraceback" => self.python_attempt_traceback = v != 0,
            _ => *self.int_slot(name) = v,
        }
    }

    fn string_slot(&mut self, name: &str) -> &mut String {
        match name {
            "PythonInstallationDir" => &mut self.python_installation_dir,
            "Plugin" => &mut self.plugin,
            "DependenciesUrl" => &mut self.dependencies_url,
            _ => &mut self.dependencies_sha256,
        }
    }

    /// Module arguments at startup: `Name value Name value ...`. Built-in
    /// names match case-insensitively; the rest go to the extra dictionary.
    pub fn apply_startup(&mut self, args: &[String]) -> Result<(), String> {
        if !args.len().is_multiple_of(2) {
            return Err(format!("Gears config arguments must come in name/value pairs, got {}", args.len()));
        }
        for pair in args.chunks(2) {
            let (name, value) = (&pair[0], &pair[1]);
            if let Some(p) = PARAMS.iter().find(|p| p.name.eq_ignore_ascii_case(name)) {
                match value.parse::<i64>() {
                    Ok(v) if v >= p.min => self.set_int(p.name, v),
                    _ => return Err(format!("Failed parsing config value {}", p.name)),
                }
            } else if let Some(s) = STRING_PARAMS.iter().find(|s| s.eq_ignore_ascii_case(name)) {
                *self.string_slot(s) = value.clone();
            } else {
                self.extra.insert(name.clone(), value.clone());
            }
        }
        Ok(())
    }

    /// RG.CONFIGGET: one element per name. Built-in names match case-sensitively.
    pub fn config_get(&mut self, names: &[String]) -> Reply {
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let item = if PARAMS.iter().any(|p| p.name == name) {
                Reply::Int(self.get_int(name))
            } else if STRING_PARAMS.contains(&name.as_str()) {
                Reply::bulk(self.string_slot(name).clone().into_bytes())
            } else if let Some(v) = self.extra.get(name) {
                Reply::bulk(v.clone().into_bytes())
            } else {
                error_reply(format!("Unsupported config parameter: {name}"))
            };
            out.push(item);
        }
        Reply::Array(out)
    }

    /// RG.CONFIGSET: one element per pair, each applied on its own.
    pub fn config_set(&mut self, pairs: &[(String, String)]) -> Reply {
        let mut out = Vec::with_capacity(pairs.len());
        for (name, value) in pairs {
            let item = if let Some(p) = PARAMS.iter().find(|p| p.name.eq_ignore_ascii_case(name)) {
                if !p.runtime {
                    if p.kind == Kind::Plugin {
                        error_reply(format!("{} is not configurable at runtime", p.name))
                    } else {
                        error_reply(format!("Config value {} not modifiable at runtime", p.name))
                    }
                } else {
                    match value.parse::<i64>() {
                        Ok(v) if v >= p.min => {
                            self.set_int(p.name, v);
                            if p.kind == Kind::Plugin {
                                self.extra.insert(name.clone(), value.clone());
                                Reply::status("OK - value was saved in extra config dictionary")
                            } else {
                                Reply::ok()
                            }
                        }
                        _ => error_reply(format!("Failed setting config value {}", p.name)),
                    }
                }
            } else if let Some(s) = STRING_PARAMS.iter().find(|s| s.eq_ignore_ascii_case(name)) {
                error_reply(format!("{s} is not configurable at runtime"))
            } else {
                self.extra.insert(name.clone(), value.clone());
                Reply::status("OK - value was saved in extra config dictionary")
            };
            out.push(item);
        }
        Reply::Array(out)
    }

    /// configGet() in scripts: the extra dictionary only.
    pub fn extra_get(&self, key: &str) -> Option<String> {
        self.extra.get(key).cloned()
    }
}

/// RedisGears replies module errors without an `ERR` code: the text is the message.
pub fn error_reply(msg: impl Into<String>) -> Reply {
    Reply::Error(gears_resp::ErrorReply::new(msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_rules() {
        let mut c = GearsConfig::default();
        let r = c.config_set(&[
            ("maxexecutions".into(), "5".into()),
            ("ExecutionThreads".into(), "2".into()),
            ("MaxExecutions".into(), "x".into()),
            ("foo".into(), "bar".into()),
            ("CreateVenv".into(), "1".into()),
        ]);
        let Reply::Array(items) = r else { panic!() };
        assert!(matches!(&items[0], Reply::Status(s) if s == "OK"));
        assert!(
            matches!(&items[1], Reply::Error(e) if e.as_str() == "Config value ExecutionThreads not modifiable at runtime")
        );
        assert!(matches!(&items[2], Reply::Error(e) if e.as_str() == "Failed setting config value MaxExecutions"));
        assert!(matches!(&items[3], Reply::Status(s) if s == "OK - value was saved in extra config dictionary"));
        assert!(matches!(&items[4], Reply::Error(e) if e.as_str() == "CreateVenv is not configurable at runtime"));
        assert_eq!(c.max_executions, 5);
        assert_eq!(c.extra_get("foo").as_deref(), Some("bar"));
    }
}
