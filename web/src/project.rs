//! The user's project: migration files in order, what the app persists, exports and shares.
use base64::Engine as _;
use schemasim_engine::{Migration, OnError, ReplayOptions};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MigrationFile {
    pub name: String,
    /// Where it came from (`migrations/001_init.sql`), for messages.
    pub path: String,
    pub up: String,
    #[serde(default)]
    pub down: Option<String>,
    /// Run in one transaction (the layout's tool does so), or statement by statement.
    pub transaction: bool,
    /// Off: replayed as if it never ran (it stays in the list).
    #[serde(default = "enabled_default")]
    pub enabled: bool,
}

fn enabled_default() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub name: String,
    pub migrations: Vec<MigrationFile>,
    #[serde(default)]
    pub on_error: OnError,
    #[serde(default)]
    pub search_path: Option<String>,
    /// Facts about how the project was built (layout detected, files ignored...).
    #[serde(default)]
    pub notes: Vec<String>,
    /// The committed order (migration names, as the layout ordered them): what the order
    /// sandbox compares the current order and switches with.
    #[serde(default)]
    pub committed: Vec<String>,
    /// A `pg_dump --schema-only` of production, for the Drift panel.
    #[serde(default)]
    pub production_dump: Option<String>,
    /// The application's queries, checked by the Queries panel against the schema of the
    /// timeline's step.
    #[serde(default)]
    pub app_queries: String,
}

/// The link fragment prefix: `#p=<base64url(deflate(json))>`.
pub const LINK_PREFIX: &str = "p=";

impl Project {
    pub fn empty(name: &str) -> Self {
        Project {
            name: name.into(),
            migrations: Vec::new(),
            on_error: OnError::Stop,
            search_path: None,
            notes: Vec::new(),
            committed: Vec::new(),
            production_dump: None,
            app_queries: String::new(),
        }
    }

    pub fn from_layout(name: &str, layout: &schemasim_layouts::Project) -> Self {
        let migrations = layout
            .steps
            .iter()
            .map(|s| MigrationFile {
                name: s.name.clone(),
                path: s.up.path.clone(),
                up: s.up.sql.clone(),
                down: s.down.as_ref().map(|d| d.sql.clone()),
                transaction: s.transaction,
                enabled: true,
            })
            .collect();
        let mut notes = vec![format!("Layout: {} ({} migrations).", layout.layout.as_str(), layout.steps.len())];
        if !layout.ignored.is_empty() {
            notes.push(format!("Ignored: {}.", layout.ignored.join(", ")));
        }
        let committed = layout.steps.iter().map(|s| s.name.clone()).collect();
        Project {
            name: name.into(),
            migrations,
            on_error: OnError::Stop,
            search_path: None,
            notes,
            committed,
            production_dump: None,
            app_queries: String::new(),
        }
    }

    /// The migrations in the committed order (migrations added since go last), with each one's
    /// index in `self.migrations`.
    pub fn committed_order(&self) -> Vec<usize> {
        let mut indexes: Vec<usize> = (0..self.migrations.len()).collect();
        indexes
            .sort_by_key(|&i| self.committed.iter().position(|n| *n == self.migrations[i].name).unwrap_or(usize::MAX));
        indexes
    }

    /// Whether the current order, with every migration switched on, is the committed one.
    pub fn is_committed_order(&self) -> bool {
        self.migrations.iter().all(|m| m.enabled) && self.committed_order().iter().enumerate().all(|(k, &i)| k == i)
    }

    pub fn options(&self) -> ReplayOptions {
        ReplayOptions { on_error: self.on_error, search_path: self.search_path.clone() }
    }

    pub fn up(&self, index: usize) -> Option<Migration> {
        self.migrations.get(index).map(|m| Migration {
            name: m.name.clone(),
            path: m.path.clone(),
            sql: m.up.clone(),
            transaction: m.transaction,
        })
    }

    pub fn down(&self, index: usize) -> Option<Migration> {
        let m = self.migrations.get(index)?;
        m.down.as_ref().map(|sql| Migration {
            name: format!("{} (down)", m.name),
            path: down_path(&m.path),
            sql: sql.clone(),
            transaction: m.transaction,
        })
    }

    /// A name not used yet: `new_migration`, `new_migration_2`, ...
    pub fn fresh_name(&self, base: &str) -> String {
        (1..)
            .map(|n| if n == 1 { base.to_string() } else { format!("{base}_{n}") })
            .find(|n| self.migrations.iter().all(|m| &m.name != n))
            .unwrap_or_else(|| base.to_string())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Project, String> {
        serde_json::from_str(text).map_err(|e| format!("not a schemasim project file: {e}"))
    }

    /// The project packed into a URL fragment (deflate + base64url).
    pub fn to_link_fragment(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
        format!("{LINK_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed))
    }

    /// The project in a fragment made by [`Project::to_link_fragment`] (with or without `#`).
    pub fn from_link_fragment(fragment: &str) -> Result<Project, String> {
        let data = fragment.trim_start_matches('#');
        let data = data.strip_prefix(LINK_PREFIX).ok_or("the link holds no project")?;
        let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(data)
            .map_err(|e| format!("the link is damaged (base64: {e})"))?;
        let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, 64 << 20)
            .map_err(|e| format!("the link is damaged (deflate: {e:?})"))?;
        let text = String::from_utf8(json).map_err(|_| "the link is damaged (not UTF-8)")?;
        Project::from_json(&text)
    }
}

fn down_path(up: &str) -> String {
    if let Some(dir) = up.strip_suffix("/up.sql") {
        format!("{dir}/down.sql")
    } else if let Some(base) = up.strip_suffix(".up.sql") {
        format!("{base}.down.sql")
    } else {
        format!("{up} (down)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_round_trip_keeps_the_project() {
        let mut p = Project::empty("demo");
        p.migrations.push(MigrationFile {
            name: "001_init".into(),
            path: "001_init.sql".into(),
            up: "CREATE TABLE users (id int PRIMARY KEY, note text DEFAULT 'é');".into(),
            down: Some("DROP TABLE users;".into()),
            transaction: true,
            enabled: false,
        });
        let fragment = p.to_link_fragment();
        assert!(fragment.starts_with(LINK_PREFIX));
        assert_eq!(Project::from_link_fragment(&format!("#{fragment}")), Ok(p));
    }

    #[test]
    fn damaged_links_are_errors() {
        assert!(Project::from_link_fragment("#p=!!!").unwrap_err().contains("base64"));
        assert!(Project::from_link_fragment("#p=AAAA").unwrap_err().contains("deflate"));
        assert!(Project::from_link_fragment("#x=1").is_err());
    }
}
