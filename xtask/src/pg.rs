//! Driving the real PostgreSQL 17.10 oracle: `scripts/pg17.sh` for the server, psql and pg_dump
//! 17.10 (from the same script's install) for loading and dumping.

use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A reachable server plus the client binaries to talk to it.
pub struct Server {
    pub host: String,
    pub port: String,
    pub user: String,
    client_bin: PathBuf,
    script: PathBuf,
    /// The port this harness started (and so stops at the end), if any.
    started: Option<String>,
    /// The repository's own cluster (scripts/pg17.sh), whose roles the harness may drop.
    own_cluster: bool,
}

impl Server {
    /// Uses the server named by PGHOST/PGPORT when both are set and it answers; otherwise starts
    /// the repository's own cluster with `scripts/pg17.sh start` (and stops it in [`Server::stop`]).
    pub fn connect_or_start(repo: &Path) -> Result<Server> {
        let script = repo.join("scripts/pg17.sh");
        run_script(&script, "install", None)?;
        let paths = script_paths(&script, None)?;
        let client_bin = PathBuf::from(paths.get("PG_CLIENT_BIN").context("pg17.sh paths: PG_CLIENT_BIN")?);
        if let (Ok(host), Ok(port)) = (std::env::var("PGHOST"), std::env::var("PGPORT")) {
            if !host.is_empty() && !port.is_empty() {
                let user = std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into());
                let own_cluster = Some(&host) == paths.get("PG_HOST") && Some(&port) == paths.get("PG_PORT");
                let server = Server {
                    host,
                    port,
                    user,
                    client_bin: client_bin.clone(),
                    script: script.clone(),
                    started: None,
                    own_cluster,
                };
                if server.ping() {
                    eprintln!("conformance: using the running server at {}:{}", server.host, server.port);
                    return Ok(server);
                }
                eprintln!(
                    "conformance: PGHOST/PGPORT set but {}:{} does not answer; starting scripts/pg17.sh",
                    server.host, server.port
                );
            }
        }
        let port = paths.get("PG_PORT").context("pg17.sh paths: PG_PORT")?.clone();
        let was_running = run_script(&script, "status", Some(&port)).is_ok();
        run_script(&script, "start", Some(&port)).context("starting PostgreSQL 17.10 with scripts/pg17.sh")?;
        let server = Server {
            host: paths.get("PG_HOST").cloned().unwrap_or_else(|| "127.0.0.1".into()),
            port: port.clone(),
            user: paths.get("PG_USER").cloned().unwrap_or_else(|| "postgres".into()),
            client_bin,
            script,
            started: (!was_running).then_some(port),
            own_cluster: true,
        };
        if !server.ping() {
            bail!("PostgreSQL on {}:{} does not answer after scripts/pg17.sh start", server.host, server.port);
        }
        Ok(server)
    }

    /// Stops the server if this harness started it.
    pub fn stop(self) -> Result<()> {
        if let Some(port) = &self.started {
            run_script(&self.script, "stop", Some(port))?;
        }
        Ok(())
    }

    fn ping(&self) -> bool {
        self.psql("postgres", &["-c", "select 1"]).map(|o| o.status.success()).unwrap_or(false)
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.client_bin.join(program));
        cmd.env("PGHOST", &self.host)
            .env("PGPORT", &self.port)
            .env("PGUSER", &self.user)
            .env("PGCONNECT_TIMEOUT", "10")
            .env_remove("PGOPTIONS")
            .env_remove("PGDATABASE")
            .env_remove("PGSERVICE")
            .env_remove("PSQLRC");
        cmd
    }

    /// `psql -X -q -v ON_ERROR_STOP=1 -d DB ARGS...`.
    pub fn psql(&self, db: &str, args: &[&str]) -> Result<Output> {
        let mut cmd = self.command("psql");
        cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db]).args(args);
        cmd.output().context("running psql")
    }

    /// Runs SQL in the maintenance database and fails on any error.
    pub fn admin(&self, sql: &str) -> Result<()> {
        let out = self.psql("postgres", &["-c", sql])?;
        if !out.status.success() {
            bail!("psql -c {sql:?}: {}", String::from_utf8_lossy(&out.stderr).trim());
        }
        Ok(())
    }

    /// Drops and re-creates `db` from template0, as the corpus expected files were made.
    pub fn fresh_database(&self, db: &str) -> Result<()> {
        self.drop_database(db)?;
        self.admin(&format!("CREATE DATABASE {} TEMPLATE template0", quote_ident(db)))
    }

    pub fn drop_database(&self, db: &str) -> Result<()> {
        self.admin(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(db)))
    }

    /// Drops every role but the bootstrap superuser (and leftover databases of this harness), so
    /// that roles an earlier run created cannot stand in for roles a dump fails to create. Only on
    /// the repository's own cluster: a server named by PGHOST/PGPORT is left alone.
    pub fn reset_roles(&self) -> Result<()> {
        if !self.own_cluster {
            return Ok(());
        }
        let out = self.psql(
            "postgres",
            &["-At", "-c", "SELECT datname FROM pg_database WHERE datname LIKE 'schemasim\\_conformance\\_%'"],
        )?;
        for db in String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.is_empty()) {
            self.drop_database(db)?;
        }
        let out = self.psql(
            "postgres",
            &["-At", "-c", "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' AND rolname <> current_user"],
        )?;
        for role in String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.is_empty()) {
            self.admin(&format!("DROP ROLE IF EXISTS {}", quote_ident(role)))?;
        }
        Ok(())
    }

    /// `psql -X -q -v ON_ERROR_STOP=1 -f FILE`, run in FILE's directory so that messages name it
    /// `psql:FILE:LINE:`: Ok(None) when it loaded, Ok(Some(stderr)) when psql stopped at an error.
    pub fn load_file(&self, db: &str, file: &Path) -> Result<Option<String>> {
        let name = file.file_name().and_then(|n| n.to_str()).context("file name")?;
        let mut cmd = self.command("psql");
        cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-f", name]);
        if let Some(dir) = file.parent() {
            cmd.current_dir(dir);
        }
        let out = cmd.output().context("running psql")?;
        if out.status.success() {
            Ok(None)
        } else {
            Ok(Some(String::from_utf8_lossy(&out.stderr).into_owned()))
        }
    }

    /// `pg_dump --schema-only --no-owner --no-privileges --restrict-key=corpus DB`, as the corpus.
    pub fn dump_schema(&self, db: &str) -> Result<String> {
        let out = self
            .command("pg_dump")
            .args(["--schema-only", "--no-owner", "--no-privileges", "--restrict-key=corpus", db])
            .output()
            .context("running pg_dump")?;
        if !out.status.success() {
            bail!("pg_dump {db}: {}", String::from_utf8_lossy(&out.stderr).trim());
        }
        String::from_utf8(out.stdout).context("pg_dump output is not UTF-8")
    }
}

fn run_script(script: &Path, action: &str, port: Option<&str>) -> Result<Output> {
    let mut cmd = Command::new("bash");
    cmd.arg(script).arg(action);
    if let Some(port) = port {
        cmd.env("SCHEMASIM_PG_PORT", port);
    }
    let out = cmd.output().with_context(|| format!("running {} {action}", script.display()))?;
    if !out.status.success() {
        bail!(
            "{} {action} failed ({}):\n{}{}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out)
}

fn script_paths(script: &Path, port: Option<&str>) -> Result<HashMap<String, String>> {
    let out = run_script(script, "paths", port)?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
