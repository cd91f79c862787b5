//! Context windows for LLM apps: the bundled support notes of three tenants go into one
//! `ContextMemory` (secrets masked on insert), a question packs tenant acme's best notes into an
//! exact token budget with the window's explanation, and the same question for tenant globex
//! never sees acme's notes.

use std::error::Error;

use cognition_core::context::{ContextMemory, ContextWindow, Importance, MemoryConfig, NewEntry};

const MEMORIES: &str = include_str!("../../data/samples/context/memories.txt");
/// "Now" for the demo (Unix ms): the notes' ages are relative to it.
const NOW: i64 = 1_760_000_000_000;
const QUESTION: &str = "refund for unused seats on the annual plan";
const MAX_TOKENS: usize = 200;
const RESERVE: usize = 60;

/// One line of `memories.txt`: `tenant | importance | age | content [| summary]`.
struct Note<'a> {
    tenant: &'a str,
    entry: NewEntry,
}

fn age_millis(age: &str) -> Result<i64, Box<dyn Error>> {
    let (number, unit) = age.split_at(age.len().saturating_sub(1));
    let unit_ms = match unit {
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(format!("bad age `{age}` (expected e.g. 45m, 3h, 2d)").into()),
    };
    Ok(number.parse::<i64>()? * unit_ms)
}

fn notes() -> Result<Vec<Note<'static>>, Box<dyn Error>> {
    let mut notes = Vec::new();
    for line in MEMORIES.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(" | ").map(str::trim).collect();
        let [tenant, importance, age, content, rest @ ..] = fields.as_slice() else {
            return Err(format!("bad memories line: {line}").into());
        };
        let mut entry = NewEntry::new(*content)
            .importance(importance.parse::<Importance>()?)
            .created_at(NOW - age_millis(age)?);
        if let Some(summary) = rest.first() {
            entry = entry.summary(*summary);
        }
        notes.push(Note { tenant, entry });
    }
    Ok(notes)
}

/// `s` cut to `max` characters, with an ellipsis if cut.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

fn name<T: serde::Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "?".to_owned(),
    }
}

fn explain(tenant: &str, window: &ContextWindow) {
    println!(
        "  {tenant}'s window: {} tokens ({}), budget {} = {} max − {} kept for the answer; {}",
        window.tokens,
        window.tokenizer,
        window.available_tokens,
        window.max_tokens,
        window.reserve_output_tokens,
        if window.exact {
            "choice proven optimal"
        } else {
            "greedy fallback"
        }
    );
    println!("    score = 0.5 × retention/1.5 + 0.5 × relevance; retention = importance × decay × access");
    println!(
        "    {:<18} {:<10} {:<8} {:>6}  {:>5}  {:>4} {:>5} {:>4}  {:>5}",
        "entry", "importance", "form", "tokens", "score", "imp", "decay", "acc", "relev"
    );
    for e in &window.entries {
        println!(
            "    {:<18} {:<10} {:<8} {:>3}/{:<3} {:>5.3}  {:>4.2} {:>5.3} {:>4.2}  {:>5.3}{}",
            e.id,
            e.importance.name(),
            name(e.form),
            e.tokens,
            e.full_tokens,
            e.score.total,
            e.score.importance,
            e.score.decay,
            e.score.access,
            e.score.relevance,
            if e.score.phrase_match {
                "  (exact phrase)"
            } else {
                ""
            }
        );
    }
    for o in &window.omitted {
        println!(
            "    {:<18} {:<10} left out  {:>3} tokens, score {:.3}",
            o.id,
            o.importance.name(),
            o.full_tokens,
            o.score.total
        );
    }
    println!("    the window's text:");
    for line in window.text.lines() {
        println!("    │ {}", shorten(line, 110));
    }
}

/// Run the context part of the demo.
pub fn show() -> Result<(), Box<dyn Error>> {
    let memory = ContextMemory::new(MemoryConfig::new())?;
    let mut tenants: Vec<&str> = Vec::new();
    let mut acme_ids = Vec::new();
    for note in notes()? {
        let id = memory.add(note.tenant, note.entry, NOW)?;
        if note.tenant == "acme" {
            acme_ids.push(id);
        }
        if !tenants.contains(&note.tenant) {
            tenants.push(note.tenant);
        }
    }
    println!(
        "  {} notes of {} tenants ({}) stored; secrets masked on insert (kind and span, never the value):",
        MEMORIES.lines().filter(|l| l.contains(" | ") && !l.starts_with('#')).count(),
        tenants.len(),
        tenants.join(", ")
    );
    for tenant in &tenants {
        for entry in memory.entries(tenant)? {
            if entry.findings().is_empty() {
                continue;
            }
            let found: Vec<String> = entry
                .findings()
                .iter()
                .map(|f| format!("{} at chars {}..{}", f.kind, f.char_start, f.char_end))
                .collect();
            println!("    {tenant}/{}: {}", entry.id(), found.join(", "));
            println!("      stored as: {}", shorten(entry.content(), 110));
        }
    }

    println!("\n  question: \"{QUESTION}\"");
    let window = memory.build_window("acme", QUESTION, MAX_TOKENS, RESERVE, NOW)?;
    explain("acme", &window);

    println!();
    let other = memory.build_window("globex", QUESTION, MAX_TOKENS, RESERVE, NOW)?;
    explain("globex", &other);
    let candidates = other.entries.iter().map(|e| e.id.as_str());
    let leaked = candidates
        .chain(other.omitted.iter().map(|o| &*o.id))
        .filter(|id| acme_ids.iter().any(|a| a == id))
        .count();
    println!("  acme entries among globex's candidates: {leaked}");
    match memory.get("globex", &acme_ids[0], NOW) {
        Ok(_) => println!("  globex reading {}: UNEXPECTEDLY FOUND", acme_ids[0]),
        Err(err) => println!(
            "  globex reading acme's {}: {} ({}): {err}",
            acme_ids[0],
            err.code(),
            err.code() as u32
        ),
    }
    match memory.build_window("acme", QUESTION, 40, 0, NOW) {
        Ok(w) => println!(
            "  a 40-token budget: UNEXPECTEDLY FITS ({} tokens)",
            w.tokens
        ),
        Err(err) => println!("  a 40-token budget for acme: {} ({err})", err.code()),
    }
    Ok(())
}
