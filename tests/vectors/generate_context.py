"""Generate tests/vectors/context.json: the shared context cases every face runs.

Token counts come from OpenAI's own ``tiktoken`` package (``encode(text, disallowed_special=())``,
i.e. special-token text counted as ordinary text, the way cognition-core counts), not from
cognition-core, so the vectors are an independent check of the Rust tokenizer.

tiktoken downloads its BPE files on first use; this machine has no such network access, so the
script points ``TIKTOKEN_CACHE_DIR`` at a directory holding the files that the ``tiktoken-rs``
crate ships (``<crate>/assets/*.tiktoken``, found with ``cargo metadata``), named as tiktoken
expects: the SHA-1 hex digest of each file's download URL. tiktoken checks each file's SHA-256,
so a wrong file fails loudly instead of giving wrong counts.

Masking and packing expectations are written out below (masking has no reference peer); the token
numbers in packing cases are again tiktoken's.

Run (from the repository root, once ``cargo fetch`` has downloaded the crates):
    python3 -m venv /tmp/ctxvenv && /tmp/ctxvenv/bin/pip install tiktoken
    /tmp/ctxvenv/bin/python tests/vectors/generate_context.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "vectors" / "context.json"
# The offline tiktoken setup is shared with the Python tests (python/tests/tiktoken_cache.py).
sys.path.insert(0, str(ROOT / "python" / "tests"))
from tiktoken_cache import ENCODINGS, tiktoken_cache  # noqa: E402

# A varied corpus: prose, code, CJK, emoji (with ZWJ sequences), whitespace runs, long words,
# numbers, URLs, right-to-left scripts, special-token text, control characters.
CORPUS: list[tuple[str, str]] = [
    ("empty", ""),
    ("ascii_prose", "The quick brown fox jumps over the lazy dog."),
    ("contractions", "I'm sure they'll say it's fine, but we've seen what you'd do."),
    (
        "python_code",
        'def fib(n: int) -> int:\n    """Return the n-th Fibonacci number."""\n'
        "    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
    ),
    (
        "rust_code",
        "fn main() {\n\tlet v: Vec<u64> = (0..10).map(|x| x * x).collect();\n"
        '\tprintln!("{v:?}");\n}\n',
    ),
    ("json", '{"id": "evt_1", "amount": 1999, "currency": "usd", "tags": ["a", "b"], "ok": true}'),
    ("sql", "SELECT u.id, COUNT(*) FROM users u JOIN orders o ON o.user_id = u.id GROUP BY 1;"),
    ("japanese", "今日は良い天気ですね。日本語のテキストを数えます。"),
    ("chinese", "我们的退款政策允许在三十天内退货。请保留收据。"),
    ("korean", "안녕하세요, 환불 정책은 30일입니다."),
    ("emoji", "Launch 🚀🚀 done ✅ — thanks 🙏🏽 👨‍👩‍👧‍👦 🏳️‍🌈"),
    ("whitespace_runs", "a  b   c    d\t\te\n\n\nf \n \n g" + " " * 40 + "h" + "\n" * 10),
    ("crlf", "line one\r\nline two\r\n\r\nline four"),
    ("long_word", "Pneumonoultramicroscopicsilicovolcanoconiosis " + "x" * 300),
    ("long_number", "3.14159265358979323846264338327950288419716939937510 and 1000000000000"),
    ("digits_groups", "12345678901234567890 1,234,567.89 007 2024-01-15T10:30:00Z"),
    ("url", "https://example.com/path/to/page?query=value&x=1#frag and mailto:a@b.co"),
    ("accents", "Café, naïve, résumé, Straße, Øresund, Ångström, façade."),
    ("arabic", "مرحبا بالعالم، سياسة الاسترداد ثلاثون يوما."),
    ("hebrew", "שלום עולם, מדיניות החזרים."),
    ("cyrillic", "Привет, мир! Политика возврата — тридцать дней."),
    (
        "special_tokens",
        "before <|endoftext|> middle <|fim_prefix|><|fim_middle|> after <|endofprompt|>",
    ),
    ("special_token_alone", "<|endoftext|>"),
    ("control_chars", "tab\there\x00nul\x07bell\x1bescape"),
    ("mixed_scripts", "Refund 退款 возврат استرداد 🙂 refund"),
    ("markdown", "# Title\n\n- item **bold** and `code`\n- [link](http://x.y)\n\n> quote\n"),
    ("repeated_punctuation", "!!!??? ... --- *** ===" * 3),
    ("html", '<div class="a"><p>Hello&nbsp;<b>world</b></p></div>'),
]

MASKING: list[dict[str, Any]] = [
    {
        "name": "email",
        "input": "Contact ada@example.com today",
        "text": "Contact [EMAIL] today",
        "kinds": ["EMAIL"],
    },
    {
        "name": "card_visa_spaced",
        "input": "card 4111 1111 1111 1111.",
        "text": "card [CARD_NUMBER].",
        "kinds": ["CARD_NUMBER"],
    },
    {
        "name": "card_amex",
        "input": "amex 378282246310005",
        "text": "amex [CARD_NUMBER]",
        "kinds": ["CARD_NUMBER"],
    },
    {
        "name": "card_luhn_invalid",
        "input": "card 4111 1111 1111 1112",
        "text": "card 4111 1111 1111 1112",
        "kinds": [],
    },
    {
        "name": "iban_grouped",
        "input": "IBAN DE89 3704 0044 0532 0130 00",
        "text": "IBAN [IBAN]",
        "kinds": ["IBAN"],
    },
    {
        "name": "iban_compact",
        "input": "to GB82WEST12345698765432 now",
        "text": "to [IBAN] now",
        "kinds": ["IBAN"],
    },
    {
        "name": "iban_bad_check",
        "input": "IBAN DE89 3704 0044 0532 0130 01",
        "text": "IBAN DE89 3704 0044 0532 0130 01",
        "kinds": [],
    },
    {
        "name": "aws_key",
        "input": "key=AKIAIOSFODNN7EXAMPLE",
        "text": "key=[AWS_ACCESS_KEY]",
        "kinds": ["AWS_ACCESS_KEY"],
    },
    {
        "name": "github_token",
        "input": "ghp_0123456789abcdefghijABCDEFGHIJ012345",
        "text": "[GITHUB_TOKEN]",
        "kinds": ["GITHUB_TOKEN"],
    },
    {
        "name": "slack_token",
        "input": "xoxb-1234567890-0987654321-abcdefABCDEF",
        "text": "[SLACK_TOKEN]",
        "kinds": ["SLACK_TOKEN"],
    },
    {
        "name": "stripe_secret_key",
        "input": "sk_live_51H8abcdefGHIJKLmnopQRST",
        "text": "[STRIPE_KEY]",
        "kinds": ["STRIPE_KEY"],
    },
    {
        "name": "jwt",
        "input": "token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "text": "token [JWT]",
        "kinds": ["JWT"],
    },
    {
        "name": "bearer",
        "input": "Authorization: Bearer abc123DEF456ghi789.jkl",
        "text": "Authorization: Bearer [BEARER_TOKEN]",
        "kinds": ["BEARER_TOKEN"],
    },
    {
        "name": "pem_private_key",
        "input": "k:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n"
        "-----END EC PRIVATE KEY-----\nend",
        "text": "k:\n[PRIVATE_KEY]\nend",
        "kinds": ["PRIVATE_KEY"],
    },
    {
        "name": "phone_international",
        "input": "call +44 20 7946 0958",
        "text": "call [PHONE]",
        "kinds": ["PHONE"],
    },
    {
        "name": "phone_north_american",
        "input": "call (415) 555-2671 now",
        "text": "call [PHONE] now",
        "kinds": ["PHONE"],
    },
    {
        "name": "several_in_order",
        "input": "a@b.io, 4111111111111111, +44 20 7946 0958",
        "text": "[EMAIL], [CARD_NUMBER], [PHONE]",
        "kinds": ["EMAIL", "CARD_NUMBER", "PHONE"],
    },
    {
        "name": "order_number",
        "input": "order #123456789 and ORD-555-123-4567",
        "text": "order #123456789 and ORD-555-123-4567",
        "kinds": [],
    },
    {
        "name": "version_strings",
        "input": "v1.2.3, 10.20.30-beta.1, left-pad@1.3.0",
        "text": "v1.2.3, 10.20.30-beta.1, left-pad@1.3.0",
        "kinds": [],
    },
    {
        "name": "timestamps",
        "input": "1700000000 1700000000004 2024-01-15T10:30:00Z",
        "text": "1700000000 1700000000004 2024-01-15T10:30:00Z",
        "kinds": [],
    },
    {
        "name": "uuid",
        "input": "123e4567-e89b-12d3-a456-426614174000",
        "text": "123e4567-e89b-12d3-a456-426614174000",
        "kinds": [],
    },
    {
        "name": "ip_addresses",
        "input": "192.168.100.200 and 10.0.0.1:8080",
        "text": "192.168.100.200 and 10.0.0.1:8080",
        "kinds": [],
    },
    {
        "name": "unicode_around_email",
        "input": "é ada@example.com 🙂",
        "text": "é [EMAIL] 🙂",
        "kinds": ["EMAIL"],
    },
]


def packing_cases(count: Any) -> list[dict[str, Any]]:
    """A few packing cases; token numbers from tiktoken (o200k_base)."""
    rule = "Never share the customer's account number with anyone."
    cases: list[dict[str, Any]] = [
        {
            "name": "everything_fits_in_stable_order",
            "entries": [
                {"content": "low note", "importance": "low"},
                {"content": "high note", "importance": "high"},
                {"content": "critical note", "importance": "critical"},
            ],
            "query": "",
            "max_tokens": 1000,
            "expect": {"ids": ["2", "1", "0"], "text": "critical note\n\nhigh note\n\nlow note"},
        },
        {
            "name": "relevant_entry_wins_the_last_tokens",
            "entries": [
                {"content": "The office dog is called Biscuit."},
                {"content": "Refunds are possible within thirty days."},
            ],
            "query": "refunds",
            "max_tokens": count("Refunds are possible within thirty days."),
            "expect": {"ids": ["1"], "text": "Refunds are possible within thirty days."},
        },
        {
            "name": "critical_entry_too_large",
            "entries": [{"content": rule, "importance": "critical"}],
            "query": "account",
            "max_tokens": count(rule) - 2,
            "expect": {"error": "CONTEXT_BUDGET_TOO_SMALL", "required": count(rule)},
        },
        {
            "name": "summary_replaces_a_critical_entry_that_does_not_fit",
            "entries": [
                {
                    "content": rule + " It is printed on every invoice and must stay private.",
                    "importance": "critical",
                    "summary": "Keep account numbers private.",
                }
            ],
            "query": "",
            "max_tokens": count("Keep account numbers private."),
            "expect": {"ids": ["0"], "forms": ["summary"], "text": "Keep account numbers private."},
        },
        {
            "name": "reserve_leaves_room_for_the_answer",
            "entries": [{"content": "alpha beta gamma"}],
            "query": "",
            "max_tokens": count("alpha beta gamma") + 5,
            "reserve_output_tokens": 6,
            "expect": {"ids": [], "text": ""},
        },
    ]
    for case in cases:
        if "text" in case["expect"]:
            case["expect"]["tokens"] = count(case["expect"]["text"])
    return cases


def main() -> None:
    with tiktoken_cache(Path(tempfile.mkdtemp(prefix="tiktoken-"))):
        import tiktoken  # imported after TIKTOKEN_CACHE_DIR is set

        encoders = {name: tiktoken.get_encoding(name) for name in ENCODINGS}

    def count(text: str, name: str = "o200k_base") -> int:
        return len(encoders[name].encode(text, disallowed_special=()))

    tokens = []
    for name, text in CORPUS:
        assert count(text) == len(encoders["o200k_base"].encode_ordinary(text))
        tokens.append({"name": name, "text": text, **{enc: count(text, enc) for enc in ENCODINGS}})
    doc = {
        "description": (
            "Shared context cases run by the Rust, C, Python and Go suites. Generated by "
            "generate_context.py; do not edit by hand. `tokens`: counts from Python tiktoken "
            f"{tiktoken.__version__} (`encode(text, disallowed_special=())`) per encoding. "
            "`masking`: input -> masked text and finding kinds in input order. `packing`: "
            "stateless pack(entries, query, max_tokens) with o200k_base, now = 0; entry ids are "
            "positions; `expect` has the rendered ids (in order), text and exact tokens, or an "
            "error code name (with the tokens the critical entries require)."
        ),
        "tokens": tokens,
        "masking": MASKING,
        "packing": packing_cases(count),
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(tokens)} token cases")


if __name__ == "__main__":
    main()
