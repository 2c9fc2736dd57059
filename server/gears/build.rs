//! Links against the Python that pyo3 found (PYO3_PYTHON, else `python3` on
//! PATH) and records its library directory as an rpath, so the binary finds
//! the same libpython at run time even when it is not in the loader's path
//! (pyenv, a custom prefix).

fn main() {
    let cfg = pyo3_build_config::get();
    if let Some(dir) = &cfg.lib_dir {
        if cfg.shared {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        }
    }
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
}
