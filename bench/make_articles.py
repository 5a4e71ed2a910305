"""Write N synthetic articles in the import_articles format, built from a corpus's text.

The corpus (e.g. ../shared/corpus/indosum-dev.jsonl) gives real Indonesian prose;
each of its articles is reused with a new external id, a publish time spread over
the last three years, and sections, regions, officials and topics drawn from small
fixed lists, so listing and tag pages have realistic sizes. Labels are dropped.
"""

import argparse
import json
import random
from datetime import UTC, datetime, timedelta

SECTIONS = ["Pemerintahan", "Ekonomi", "Hukum & Kriminal", "Pendidikan", "Kesehatan", "Olahraga"]
REGIONS = [
    "Balikpapan",
    "Samarinda",
    "Bontang",
    "Kutai Kartanegara",
    "Berau",
    "Paser",
    "Penajam Paser Utara",
    "Kutai Timur",
]
OFFICIALS = [f"Pejabat Contoh {n}" for n in range(1, 41)]
TOPICS = [
    "anggaran",
    "infrastruktur",
    "banjir",
    "pendidikan",
    "kesehatan",
    "umkm",
    "ikn",
    "inflasi",
]
AUTHORS = [f"Reporter Contoh {n}" for n in range(1, 16)]


def synthetic_articles(corpus_path, count, seed=7):
    with open(corpus_path, encoding="utf-8") as corpus:
        sources = [json.loads(line) for line in corpus if line.strip()]
    rng = random.Random(seed)
    now = datetime.now(UTC)
    for number in range(count):
        source = sources[number % len(sources)]
        round_ = number // len(sources)
        published = now - timedelta(minutes=rng.randint(10, 3 * 365 * 24 * 60))
        yield {
            "external_id": f"bench-{number}",
            "title": source["title"] if round_ == 0 else f"{source['title']} ({round_ + 1})",
            "lead": source.get("lead", ""),
            "body": source["body"],
            "published_at": published.isoformat(),
            "section": rng.choice(SECTIONS),
            "authors": [rng.choice(AUTHORS)],
            "regions": rng.sample(REGIONS, rng.randint(1, 2)),
            "officials": rng.sample(OFFICIALS, rng.randint(0, 2)),
            "tags": rng.sample(TOPICS, rng.randint(1, 3)),
            "dateline": "BALIKPAPAN",
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("output")
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    with open(args.output, "w", encoding="utf-8") as output:
        for article in synthetic_articles(args.corpus, args.count):
            output.write(json.dumps(article, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
