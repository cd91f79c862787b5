//! Webhook verification against a bare HMAC-SHA256 of the same bytes (the floor any verifier pays).
//!
//! Target (issue #3): verify within 1.5x of bare HMAC at 1 KiB and 1.2x at 64 KiB.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::hint::black_box;

use cognition_core::webhook;

const SECRET: &str = "whsec_benchmark_secret_0123456789";
const NOW: i64 = 1_700_000_000;

fn payload(len: usize) -> Vec<u8> {
    let mut body =
        br#"{"id":"evt_bench","object":"event","type":"invoice.paid","data":{"object":{"note":""#
            .to_vec();
    body.resize(len - 4, b'x');
    body.extend_from_slice(b"\"}}}");
    body
}

fn bare_hmac(secret: &[u8], signed: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(signed);
    mac.finalize().into_bytes().into()
}

fn verify_vs_bare_hmac(c: &mut Criterion) {
    let mut group = c.benchmark_group("webhook_verify");
    for len in [1024usize, 64 * 1024] {
        let body = payload(len);
        let header = webhook::sign(&body, SECRET, NOW).expect("sign");
        let signed: Vec<u8> = [format!("{NOW}.").as_bytes(), &body].concat();
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(
            BenchmarkId::new("cognition_verify", len),
            &body,
            |b, body| {
                b.iter(|| webhook::verify(black_box(body), black_box(&header), &[SECRET], 300, NOW))
            },
        );
        group.bench_with_input(
            BenchmarkId::new("bare_hmac_sha256", len),
            &signed,
            |b, signed| b.iter(|| bare_hmac(black_box(SECRET.as_bytes()), black_box(signed))),
        );
    }
    group.finish();
}

fn construct_event_1k(c: &mut Criterion) {
    let body = payload(1024);
    let header = webhook::sign(&body, SECRET, NOW).expect("sign");
    c.bench_function("webhook_construct_event/1024", |b| {
        b.iter(|| {
            webhook::construct_event(black_box(&body), black_box(&header), &[SECRET], 300, NOW)
        })
    });
}

criterion_group!(benches, verify_vs_bare_hmac, construct_event_1k);
criterion_main!(benches);
