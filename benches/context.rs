//! Context benches (issue #6):
//! - `build_window` over 10,000 candidates (mean ~200 tokens) into an 8,000-token window; target
//!   ≤ 20 ms. Also the same candidates through the stateless-packing engine's solver only.
//! - Token counting throughput (MB/s) on 1 MB of mixed text, both encodings.
//! - Masking throughput (MB/s) on the same text.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use cognition_core::context::{
    count_tokens, mask, ContextMemory, Encoding, Importance, MemoryConfig, NewEntry,
};

const T0: i64 = 1_700_000_000_000;
const DAY: i64 = 86_400_000;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A vocabulary of pseudo-words built from syllables: a realistic spread of term frequencies.
fn vocabulary(rng: &mut Rng) -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mi", "re", "tan", "vo", "shi", "en", "pur", "da", "gle", "ro", "fin", "ax",
        "qu", "ber", "sol", "ni", "tor", "ve", "cha", "lu", "mon", "pe",
    ];
    (0..3000)
        .map(|_| {
            let n = 1 + rng.below(3);
            (0..n).map(|_| SYLLABLES[rng.below(24) as usize]).collect()
        })
        .collect()
}

fn sentence(rng: &mut Rng, vocab: &[String]) -> String {
    let words = 6 + rng.below(14) as usize;
    let mut s = String::new();
    for i in 0..words {
        // Zipf-like: low indices are much more frequent.
        let idx =
            (rng.below(vocab.len() as u64) * rng.below(vocab.len() as u64)) / vocab.len() as u64;
        let w = &vocab[idx as usize];
        if i == 0 {
            let mut c = w.chars();
            s.extend(c.next().map(|c| c.to_ascii_uppercase()));
            s.push_str(c.as_str());
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn entry_text(rng: &mut Rng, vocab: &[String], target_tokens: usize) -> String {
    let (mut text, mut tokens) = (String::new(), 0);
    while tokens < target_tokens {
        if !text.is_empty() {
            text.push(' ');
        }
        let s = sentence(rng, vocab);
        tokens += count_tokens(&s, Encoding::O200kBase);
        text.push_str(&s);
    }
    text
}

fn importance(rng: &mut Rng) -> Importance {
    match rng.below(1000) {
        0..=1 => Importance::Critical,
        2..=101 => Importance::High,
        102..=501 => Importance::Medium,
        502..=801 => Importance::Low,
        _ => Importance::Trivial,
    }
}

fn build_window(c: &mut Criterion) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let vocab = vocabulary(&mut rng);
    let memory = ContextMemory::new(MemoryConfig::new()).unwrap();
    let mut total_tokens = 0;
    for i in 0..10_000 {
        let target = 100 + rng.below(200) as usize;
        let text = entry_text(&mut rng, &vocab, target);
        let created = T0 - (rng.below(30 * DAY as u64) as i64);
        let entry = NewEntry::new(text)
            .importance(importance(&mut rng))
            .created_at(created);
        memory.add("tenant", entry, T0 + i).unwrap();
    }
    for e in memory.entries("tenant").unwrap() {
        total_tokens += e.tokens();
    }
    let query = format!("{} {} {}", vocab[40], vocab[400], vocab[1200]);
    let window = memory
        .build_window("tenant", &query, 8_000, 0, T0 + DAY)
        .unwrap();
    eprintln!(
        "10,000 candidates, mean {} tokens; window: {} entries, {} tokens, exact = {}",
        total_tokens / 10_000,
        window.entries.len(),
        window.tokens,
        window.exact
    );

    let mut group = c.benchmark_group("context_build_window");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("10k_candidates_8k_window", |b| {
        b.iter(|| {
            black_box(
                memory
                    .build_window("tenant", black_box(&query), 8_000, 0, T0 + DAY)
                    .unwrap(),
            )
        })
    });
    group.finish();
}

fn mixed_text(bytes: usize) -> String {
    const PIECES: [&str; 8] = [
        "The quick brown fox jumps over the lazy dog. ",
        "fn main() {\n    let v: Vec<u64> = (0..10).map(|x| x * x).collect();\n}\n",
        "今日は良い天気ですね。日本語のテキスト。",
        "Refunds go back to the original card within 30 days! ",
        "{\"id\": \"evt_1\", \"amount\": 1999, \"currency\": \"usd\"}\n",
        "Привет, мир! Политика возврата. ",
        "Launch 🚀 done ✅ thanks 🙏\n",
        "    indented\t\tcode   with   spaces\n\n",
    ];
    let mut text = String::with_capacity(bytes + 100);
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(PIECES[i % PIECES.len()]);
        i += 1;
    }
    text
}

fn token_counting(c: &mut Criterion) {
    let text = mixed_text(1 << 20);
    let mut group = c.benchmark_group("context_count_tokens");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for encoding in Encoding::ALL {
        count_tokens("warm up", encoding);
        group.bench_function(format!("1MB_mixed_{encoding}"), |b| {
            b.iter(|| black_box(count_tokens(black_box(&text), encoding)))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("context_mask");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("1MB_mixed", |b| {
        b.iter(|| black_box(mask(black_box(&text))))
    });
    group.finish();
}

criterion_group!(benches, build_window, token_counting);
criterion_main!(benches);
