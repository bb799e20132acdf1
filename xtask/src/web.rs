//! The browser app's commands:
//! - `cargo xtask serve`: installs what is missing (scripts/install-wasm-toolchain.sh and
//!   scripts/install-web-toolchain.sh), builds `web/` with Trunk and serves it on
//!   http://127.0.0.1:8080 (the default story opens first).
//! - `cargo xtask e2e`: builds the app in release, serves `dist/` on a free port and runs the
//!   end-to-end tests (`tests/e2e/*.test.mjs`, Node's test runner driving Debian's Chromium
//!   with playwright-core); screenshots land in `target/e2e/`.
use anyhow::{bail, Context, Result};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Port to serve on.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Build without optimisations (faster to build, several times larger and slower).
    #[arg(long)]
    debug: bool,
}

#[derive(clap::Args)]
pub struct E2eArgs {
    /// Skip the release build and test the `dist/` already there.
    #[arg(long)]
    no_build: bool,
}

fn run_script(repo: &Path, script: &str) -> Result<()> {
    let status =
        Command::new(repo.join(script)).current_dir(repo).status().with_context(|| format!("running {script}"))?;
    if !status.success() {
        bail!("{script} failed ({status})");
    }
    Ok(())
}

/// PATH with npm's wasm-opt (binaryen 132) first: Debian's binaryen 108 corrupts the output.
fn tool_path(repo: &Path) -> std::ffi::OsString {
    let mut paths = vec![repo.join("tools/web/node_modules/.bin")];
    if let Some(home) = std::env::var_os("HOME") {
        paths.push(Path::new(&home).join(".cargo/bin"));
    }
    paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(paths).unwrap_or_default()
}

fn install(repo: &Path) -> Result<()> {
    run_script(repo, "scripts/install-wasm-toolchain.sh")?;
    run_script(repo, "scripts/install-web-toolchain.sh")
}

fn trunk(repo: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("trunk");
    cmd.current_dir(repo).args(args).env("PATH", tool_path(repo));
    cmd
}

/// `trunk build --release` into `dist/`, then the import check on the module.
pub fn build_release(repo: &Path) -> Result<()> {
    // Trunk runs cargo offline: fetch first so a fresh machine has the crates.
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(repo)
        .args(["fetch", "--target", "wasm32-unknown-unknown"])
        .status()
        .context("cargo fetch")?;
    if !status.success() {
        bail!("cargo fetch failed ({status})");
    }
    let status = trunk(repo, &["build", "--release"])
        .status()
        .context("running trunk (install it: scripts/install-web-toolchain.sh)")?;
    if !status.success() {
        bail!("trunk build --release failed ({status})");
    }
    for entry in std::fs::read_dir(repo.join("dist")).context("reading dist/")? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let status = Command::new(repo.join("scripts/check-wasm-imports.sh")).arg(&path).status()?;
            if !status.success() {
                bail!("{} imports functions wasm-bindgen does not provide", path.display());
            }
        }
    }
    Ok(())
}

pub fn serve(args: &ServeArgs) -> Result<()> {
    let repo = crate::repo_root();
    install(&repo)?;
    let port = args.port.to_string();
    let mut cmd_args = vec!["serve", "--port", port.as_str(), "--address", "127.0.0.1"];
    if !args.debug {
        cmd_args.push("--release");
    }
    println!("schemasim: building and serving on http://127.0.0.1:{port} (Ctrl-C stops)");
    let status = trunk(&repo, &cmd_args).status().context("running trunk serve")?;
    if !status.success() {
        bail!("trunk serve failed ({status})");
    }
    Ok(())
}

/// A static file server for `dist/` (Python's, on the machine's python3), stopped on drop.
struct StaticServer(Child);

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn e2e(args: &E2eArgs) -> Result<()> {
    let repo = crate::repo_root();
    install(&repo)?;
    if !args.no_build {
        build_release(&repo)?;
    }
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let server = StaticServer(
        Command::new("python3")
            .args(["-m", "http.server", "--bind", "127.0.0.1", "--directory", "dist", &port.to_string()])
            .current_dir(&repo)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting python3 -m http.server")?,
    );
    let mut tests: Vec<_> = std::fs::read_dir(repo.join("tests/e2e"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    tests.sort();
    std::fs::create_dir_all(repo.join("target/e2e"))?;
    let status = Command::new("node")
        .current_dir(&repo)
        .arg("--test")
        .arg("--test-concurrency=1")
        .args(&tests)
        .env("SCHEMASIM_URL", format!("http://127.0.0.1:{port}/"))
        .env("SCHEMASIM_SCREENSHOTS", repo.join("target/e2e"))
        .env("NODE_PATH", repo.join("tools/web/node_modules"))
        .status()
        .context("running node --test")?;
    drop(server);
    if !status.success() {
        bail!("end-to-end tests failed ({status}); screenshots in target/e2e/");
    }
    Ok(())
}
