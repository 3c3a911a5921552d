//! Guards that keep the architecture as the README draws it, run with the other tests:
//!
//! - adapters in `api/` run no SQL and open no transactions (use cases in `workflows` do);
//! - only the binary's configuration module reads the environment;
//! - no two files of `workflows` import each other, directly or round a longer cycle;
//! - each table is written by one module of `workflows` (the event log by `events` alone);
//! - comments name only files that exist.
//!
//! Each reads the source as text: crude, but it needs no tool, and a false alarm costs a rename.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every crate's source folder (the binary's is `src`).
const CRATES: &[&str] = &[
    "workflows",
    "cyclops",
    "api",
    "workers",
    "scheduler",
    "bots",
    "sandbox",
    "wasm-utils",
    "admin-ui",
    "money",
    "src",
];

/// Files of `api/` still allowed to name sqlx, from before the rule. The list may only shrink:
/// a file leaving it must be removed from it, and no file may join it. `error.rs` maps the
/// database errors of the reads handlers still make through a pooled connection.
const API_SQL_DEBT: &[&str] = &["api/src/error.rs"];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !matches!(path.file_name().and_then(|n| n.to_str()), Some("target" | "node_modules" | "pkg" | "dist")) {
                out.extend(rust_files(&path));
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(ROOT).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// The code of a file without its comments (line comments only: the code base uses no block
/// comments), so a comment mentioning a rule does not break it.
fn code_of(text: &str) -> String {
    text.lines().map(|line| line.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

#[test]
fn adapters_in_api_run_no_sql_and_open_no_transactions() {
    let mut offenders = BTreeSet::new();
    for file in rust_files(&Path::new(ROOT).join("api/src")) {
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        if code.contains("sqlx") || code.contains(".begin()") || code.contains("query_scalar(") {
            offenders.insert(relative(&file));
        }
    }
    let debt: BTreeSet<String> = API_SQL_DEBT.iter().map(|s| s.to_string()).collect();
    let new: Vec<&String> = offenders.difference(&debt).collect();
    assert!(new.is_empty(), "SQL or a transaction in api/ (move it into a workflows use case): {new:?}");
    let paid: Vec<&String> = debt.difference(&offenders).collect();
    assert!(paid.is_empty(), "no longer running SQL, remove from API_SQL_DEBT: {paid:?}");
}

#[test]
fn only_the_binarys_configuration_reads_the_environment() {
    let mut offenders = Vec::new();
    for dir in CRATES {
        for file in rust_files(&Path::new(ROOT).join(dir)) {
            let name = relative(&file);
            if name == "src/config.rs" || name.contains("/tests/") || name.contains("/benches/") {
                continue;
            }
            let code = code_of(&std::fs::read_to_string(&file).unwrap());
            if code.contains("env::var") || code.contains("std::env::vars") || code.contains("dotenvy::") {
                offenders.push(name);
            }
        }
    }
    assert!(offenders.is_empty(), "read configuration in src/config.rs and pass it down: {offenders:?}");
}

/// The file a `crate::a::b::c` path lands in: the deepest existing module file.
fn module_file(src: &Path, segments: &[&str]) -> Option<PathBuf> {
    let mut found = None;
    let mut dir = src.to_path_buf();
    for segment in segments {
        let as_file = dir.join(format!("{segment}.rs"));
        let as_dir = dir.join(segment).join("mod.rs");
        if as_file.exists() {
            found = Some(as_file);
            dir = dir.join(segment);
        } else if as_dir.exists() {
            found = Some(as_dir);
            dir = dir.join(segment);
        } else {
            break;
        }
    }
    found
}

/// The module path of a file (`workflows/src/payments/operations/carry.rs` → `payments::operations::carry`).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().to_string()).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Which files each file of `workflows` imports. A `pub use` re-export and a `mod` line are a
/// module offering its children, not depending on them, so they are not edges.
fn import_graph(src: &Path) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut graph = BTreeMap::new();
    for file in rust_files(src) {
        let here = module_path(src, &file);
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        let code = code.split("#[cfg(test)]").next().unwrap_or("").to_string();
        let mut edges = BTreeSet::new();
        for statement in code.split(';') {
            let statement = statement.trim();
            if statement.starts_with("pub use") || statement.starts_with("pub(crate) use") || statement.contains("mod ")
            {
                continue;
            }
            for (at, _) in statement.match_indices("crate::").chain(statement.match_indices("super::")) {
                let rest = &statement[at..];
                let path: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                let mut segments: Vec<String> = Vec::new();
                let mut parts = path.split("::").filter(|s| !s.is_empty());
                match parts.next() {
                    Some("crate") => {}
                    Some("super") => {
                        // The parent of the file's module (a mod.rs is its directory's module).
                        segments = here.clone();
                        segments.pop();
                    }
                    _ => continue,
                }
                for part in parts {
                    if part == "super" {
                        segments.pop();
                    } else {
                        segments.push(part.to_string());
                    }
                }
                let names: Vec<&str> = segments.iter().map(String::as_str).collect();
                if let Some(target) = module_file(src, &names)
                    && target != file
                {
                    edges.insert(target);
                }
            }
        }
        graph.insert(file, edges);
    }
    graph
}

#[test]
fn workflows_files_import_each_other_in_no_cycle() {
    let src = Path::new(ROOT).join("workflows/src");
    let graph = import_graph(&src);
    // Depth-first search for a back edge; report the first cycle found.
    fn visit(
        node: &PathBuf,
        graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        state: &mut BTreeMap<PathBuf, u8>,
        stack: &mut Vec<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|n| n == next).unwrap();
                    return Some(stack[start..].to_vec());
                }
                0 => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node).copied().unwrap_or(0) == 0
            && let Some(cycle) = visit(node, &graph, &mut state, &mut Vec::new())
        {
            let names: Vec<String> = cycle.iter().map(|p| relative(p)).collect();
            panic!("an import cycle in workflows: {}", names.join(" → "));
        }
    }
}

/// The top-level module of a `workflows` file (`payments` for `workflows/src/payments/operations/carry.rs`).
fn top_module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.iter().next().unwrap().to_string_lossy().to_string();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn each_table_has_one_writing_module() {
    let src = Path::new(ROOT).join("workflows/src");
    let mut writers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&src) {
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        for verb in ["UPDATE ", "INSERT INTO ", "DELETE FROM "] {
            for (at, _) in code.match_indices(verb) {
                let table: String =
                    code[at + verb.len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                // Tables are lower case; `DO UPDATE SET`, `FOR UPDATE OF`, `FOR UPDATE SKIP` are not.
                if table.starts_with(|c: char| c.is_ascii_lowercase()) {
                    writers.entry(table).or_default().insert(top_module(&src, &file));
                }
            }
        }
    }
    let shared: Vec<String> = writers
        .iter()
        .filter(|(_, modules)| modules.len() > 1)
        .map(|(table, modules)| format!("{table}: {modules:?}"))
        .collect();
    assert!(shared.is_empty(), "tables written by more than one module: {shared:#?}");
    assert_eq!(writers.get("event_log").map(|m| m.iter().cloned().collect::<Vec<_>>()), Some(vec!["events".into()]));
}

/// The domain knows no HTTP client and the sandbox bank no domain: each crate's manifest says so.
#[test]
fn the_domain_has_no_http_client_and_the_sandbox_no_domain() {
    let manifest = |krate: &str| std::fs::read_to_string(Path::new(ROOT).join(krate).join("Cargo.toml")).unwrap();
    let normal = |text: String| text.split("[dev-dependencies]").next().unwrap_or("").to_string();
    let workflows = normal(manifest("workflows"));
    for http in ["reqwest", "poem", "teloxide"] {
        assert!(!workflows.contains(http), "workflows depends on {http}");
    }
    assert!(!normal(manifest("sandbox")).contains("workflows"), "the sandbox bank depends on the domain");
}

#[test]
fn comments_name_only_files_that_exist() {
    let mut missing = Vec::new();
    for dir in CRATES.iter().chain([&"tests"]) {
        for file in rust_files(&Path::new(ROOT).join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for line in text.lines() {
                let Some((_, comment)) = line.split_once("//") else { continue };
                for word in comment.split(|c: char| c.is_whitespace() || "`()[],;:'\"".contains(c)) {
                    let word = word.trim_end_matches('.');
                    let named_file =
                        [".md", ".rs", ".sql", ".sh", ".toml", ".yaml", ".pem"].iter().any(|e| word.ends_with(e));
                    // `.groupbuy/` and `target/` hold what the programs write at run time, not sources.
                    let generated = word.starts_with(".groupbuy/") || word.starts_with("target/");
                    if generated
                        || !named_file
                        || !word.contains('/')
                        || word.contains("://")
                        || word.contains('*')
                        || word.contains('{')
                    {
                        continue;
                    }
                    let crate_root =
                        file.ancestors().find(|a| a.join("Cargo.toml").exists()).unwrap_or(Path::new(ROOT));
                    let exists = [Path::new(ROOT), crate_root, &crate_root.join("src"), file.parent().unwrap()]
                        .iter()
                        .any(|base| base.join(word).exists());
                    if !exists {
                        missing.push(format!("{}: {word}", relative(&file)));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "comments naming files that are not in the repository: {missing:#?}");
}
