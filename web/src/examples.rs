//! The stories of `examples/`, embedded at build time (see `build.rs`), as app projects.
use crate::project::{MigrationFile, Project};
use std::borrow::Cow;

/// One folder of `examples/`, as `build.rs` embedded it.
pub struct EmbeddedExample {
    pub id: &'static str,
    pub readme: &'static str,
    /// `(path relative to migrations/, content)`.
    pub migrations: &'static [(&'static str, &'static str)],
    /// The files production recorded as applied, one per line (`#` comments), when the story
    /// is about a production that ran only some of them.
    pub production_applied: Option<&'static str>,
    /// The app's own queries, `(path relative to the example, content)`.
    pub queries: &'static [(&'static str, &'static str)],
    /// `production.sql`: a `pg_dump --schema-only` of production, when the story has one.
    pub production: Option<&'static str>,
    /// `walkthrough.toml`: the guided steps, each of which sets the app up (see `build.rs`).
    pub walkthrough: &'static [WalkStep],
}

/// Which migrations a walkthrough step runs, in which order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOrder {
    /// Leave the project as it is.
    Keep,
    /// As the example opens (production's order and switches, when it has them).
    Production,
    /// The committed order, every migration on.
    Committed,
    /// The migrations whose names start with these, in this order; the others switched off.
    Names(&'static [&'static str]),
}

/// One step of a guided walkthrough: what to read, and where the app goes for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkStep {
    pub text: Cow<'static, str>,
    pub order: StepOrder,
    /// The timeline stops after the migration whose name starts with this (the end if `None`).
    pub at: Option<&'static str>,
    /// Within `at`, after this statement (1-based).
    pub statement: Option<usize>,
    /// A tab's label.
    pub panel: Option<&'static str>,
    pub search: Option<&'static str>,
    /// Run the rollback check.
    pub rollback_check: bool,
    /// Preview rolling back to the state after the migration whose name starts with this.
    pub rollback_to: Option<&'static str>,
}

/// The link fragment that opens an example at a walkthrough step: `#story=<id>&step=<n>`,
/// `n` counted from 1.
pub fn step_link(id: &str, step: usize) -> String {
    format!("#story={id}&step={}", step + 1)
}

/// [`step_link`]'s example and (0-based) step, when `fragment` is one.
pub fn parse_step_link(fragment: &str) -> Option<(&'static EmbeddedExample, usize)> {
    let rest = fragment.trim_start_matches('#').strip_prefix("story=")?;
    let (id, step) = rest.split_once("&step=").unwrap_or((rest, "1"));
    let example = find(id)?;
    let step: usize = step.parse().ok().filter(|&n| n >= 1)?;
    Some((example, (step - 1).min(example.walkthrough().len().saturating_sub(1))))
}

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// The story the app opens with: a migration skipped in production (`../shared/stories.md`, 1).
pub const DEFAULT_EXAMPLE: &str = "skipped-baseline";

impl EmbeddedExample {
    /// The README's first heading, without `# `.
    pub fn title(&self) -> &'static str {
        self.readme.lines().find_map(|l| l.strip_prefix("# ")).unwrap_or(self.id)
    }

    /// The README's first paragraph after the title and the story line: what happened.
    pub fn summary(&self) -> String {
        let paragraphs: Vec<&str> =
            self.readme.split("\n\n").map(str::trim).filter(|p| !p.is_empty() && !p.starts_with('#')).collect();
        let story = paragraphs.iter().find(|p| !p.starts_with("Story ")).copied().unwrap_or_default();
        story.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The guided walkthrough: `walkthrough.toml`'s steps, or else the README's "What to look
    /// for" points as steps that only say what to look at.
    pub fn walkthrough(&self) -> Vec<WalkStep> {
        if !self.walkthrough.is_empty() {
            return self.walkthrough.to_vec();
        }
        self.look_for()
            .into_iter()
            .map(|text| WalkStep {
                text: Cow::Owned(text),
                order: StepOrder::Keep,
                at: None,
                statement: None,
                panel: None,
                search: None,
                rollback_check: false,
                rollback_to: None,
            })
            .collect()
    }

    /// The README's "What to look for" points (a numbered item with its continuation lines,
    /// joined).
    pub fn look_for(&self) -> Vec<String> {
        let mut steps: Vec<String> = Vec::new();
        let mut inside = false;
        for line in self.readme.lines() {
            if let Some(heading) = line.strip_prefix("## ") {
                inside = heading.to_lowercase().contains("look for");
                continue;
            }
            if !inside {
                continue;
            }
            let numbered =
                line.split_once(". ").filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            match (numbered, steps.last_mut()) {
                (Some((_, text)), _) => steps.push(text.trim().to_string()),
                (None, Some(step)) if !line.trim().is_empty() && !line.starts_with("```") => {
                    step.push(' ');
                    step.push_str(line.trim());
                }
                _ => {}
            }
        }
        steps
    }

    /// The example as a project: its migrations in the layout's order; when production ran only
    /// some of them, the others are switched off (as production never ran them); the app's
    /// queries follow as the last steps, so their errors show against the final schema.
    pub fn project(&self) -> Result<Project, String> {
        let entries = self.migrations.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect();
        let layout = schemasim_layouts::from_entries(entries).map_err(|e| e.to_string())?;
        let mut project = Project::from_layout(self.id, &layout);
        if let Some(applied) = self.production_applied {
            let ran: Vec<&str> =
                applied.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
            for m in &mut project.migrations {
                let file = m.path.rsplit('/').next().unwrap_or(&m.path);
                m.enabled = ran.iter().any(|r| *r == file || *r == m.path);
            }
            // Production's order: files run as listed (a late file runs where it ran).
            project.migrations.sort_by_key(|m| {
                let file = m.path.rsplit('/').next().unwrap_or(&m.path).to_string();
                ran.iter().position(|r| *r == file || *r == m.path).unwrap_or(usize::MAX)
            });
            project.notes.push(format!(
                "Switched off: the migrations production never ran (production-applied.txt): {}.",
                project
                    .migrations
                    .iter()
                    .filter(|m| !m.enabled)
                    .map(|m| m.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        project.production_dump = self.production.map(str::to_string);
        project.app_queries = self.queries.iter().map(|(_, sql)| *sql).collect::<Vec<_>>().join("\n");
        for (path, sql) in self.queries {
            project.migrations.push(MigrationFile {
                name: format!("app query: {}", path.rsplit('/').next().unwrap_or(path)),
                path: path.to_string(),
                up: sql.to_string(),
                down: None,
                transaction: true,
                enabled: true,
            });
            project.committed.push(format!("app query: {}", path.rsplit('/').next().unwrap_or(path)));
        }
        Ok(project)
    }
}

pub fn find(id: &str) -> Option<&'static EmbeddedExample> {
    EXAMPLES.iter().find(|e| e.id == id)
}
