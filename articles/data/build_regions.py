"""Build articles/data/regions.csv from the idn-area-data package (see README.md here).

    npm pack idn-area-data@4.0.1 && tar xzf idn-area-data-4.0.1.tgz
    python articles/data/build_regions.py package > articles/data/regions.csv

The package's CSV files carry the Kemendagri codes and official names. This script
keeps the provinces, all cities and regencies, and the districts of the provinces
given by ``--district-provinces`` (Kalimantan Timur by default), and adds what a
newsroom needs on top: the name readers know ("Balikpapan" for Kota Balikpapan, with
the prefix kept where two places would share a name), a stable slug, and the common
abbreviations as aliases. It needs only the standard library and Django's slugify.
"""

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

from django.utils.text import slugify

COLUMNS = ["code", "kind", "name", "official_name", "slug", "aliases"]
ALIAS_SEPARATOR = ";"
REGENCY_PREFIX = re.compile(r"^(?P<prefix>Kabupaten|Kota)(?: Administrasi)? (?P<name>.+)$")
# Places named by everyday words ("batu bara" is coal, "damai" peace, "Metro" also names
# Jakarta's police): shown and matched only with their prefix or parent, never bare.
COMMON_WORDS = {
    "Batang",
    "Batu",
    "Batu Bara",
    "Buru",
    "Damai",
    "Karangan",
    "Ketapang",
    "Kuningan",
    "Landak",
    "Lebak",
    "Metro",
    "Pati",
    "Puncak",
    "Waru",
}
# Papua's provinces call their districts "distrik"; everywhere else it is "kecamatan".
PAPUA_PROVINCES = {"91", "92", "93", "94", "95", "96"}
# Names readers use where the official one is long.
READER_NAMES = {
    "31": "DKI Jakarta",
    "34": "DI Yogyakarta",
}
# Abbreviations that newsrooms write in running text.
ALIASES = {
    "12": ["Sumut"],
    "13": ["Sumbar"],
    "16": ["Sumsel"],
    "19": ["Babel", "Bangka Belitung"],
    "21": ["Kepri"],
    "31": ["Jakarta", "Daerah Khusus Jakarta"],
    "32": ["Jabar"],
    "33": ["Jateng"],
    "34": ["DIY"],
    "35": ["Jatim"],
    "52": ["NTB"],
    "53": ["NTT"],
    "61": ["Kalbar"],
    "62": ["Kalteng"],
    "63": ["Kalsel"],
    "64": ["Kaltim"],
    "65": ["Kaltara"],
    "71": ["Sulut"],
    "72": ["Sulteng"],
    "73": ["Sulsel"],
    "74": ["Sultra"],
    "76": ["Sulbar"],
    "82": ["Malut"],
    "64.02": ["Kukar"],
    "64.07": ["Kubar"],
    "64.08": ["Kutim"],
    "64.09": ["PPU"],
    "64.11": ["Mahulu"],
    "64.02.15": ["Sangasanga"],
}


def read_csv(folder, name):
    with open(Path(folder) / "data" / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def build_rows(folder, district_provinces):
    """The rows of regions.csv, provinces first, each parent before its children."""
    provinces = read_csv(folder, "provinces.csv")
    regencies = read_csv(folder, "regencies.csv")
    districts = [
        row
        for row in read_csv(folder, "districts.csv")
        if row["code"].split(".")[0] in district_provinces
    ]

    rows = []
    names = {}
    for province in provinces:
        name = READER_NAMES.get(province["code"], province["name"])
        names[province["code"]] = name
        rows.append([province["code"], "province", name, f"Provinsi {province['name']}"])

    # A city and a regency may share a name (Kota Bogor, Kabupaten Bogor), and a city
    # may share its province's (Kota Jambi): those keep their prefix, and the bare name
    # becomes an alias of each ("Bogor" may mean either).
    short_names = {}
    for regency in regencies:
        match = REGENCY_PREFIX.match(regency["name"])
        if match is None:
            raise ValueError(f"Unexpected regency name: {regency['name']}")
        short_names[regency["code"]] = (match["prefix"], match["name"])
    taken = Counter(short for _, short in short_names.values())
    taken.update(set(names.values()) | {province["name"] for province in provinces})
    shared = set()
    for regency in regencies:
        prefix, short = short_names[regency["code"]]
        name = short
        if short in COMMON_WORDS or taken[short] > 1:
            name = regency["name"]
            if short not in COMMON_WORDS:
                shared.add(regency["code"])
        names[regency["code"]] = name
        kind = "city" if prefix == "Kota" else "regency"
        rows.append([regency["code"], kind, name, regency["name"]])

    # A district named like another place is shown with its city or regency.
    taken = Counter(name.casefold() for name in names.values())
    taken.update(district["name"].casefold() for district in districts)
    for district in districts:
        name = district["name"]
        if taken[name.casefold()] > 1 or name in COMMON_WORDS:
            name = f"{name} ({names[district['regency_code']]})"
        word = "Distrik" if district["code"][:2] in PAPUA_PROVINCES else "Kecamatan"
        rows.append([district["code"], "district", name, f"{word} {district['name']}"])

    for row in rows:
        aliases = ALIASES.get(row[0], [])
        if row[0] in shared:
            aliases = [short_names[row[0]][1], *aliases]
        row.append(slugify(row[2]))
        row.append(ALIAS_SEPARATOR.join(aliases))
    for column in (2, 4):
        repeated = [v for v, n in Counter(row[column].casefold() for row in rows).items() if n > 1]
        if repeated:
            raise ValueError(f"Repeated {COLUMNS[column]}: {', '.join(sorted(repeated))}")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", help="the unpacked idn-area-data package folder")
    parser.add_argument(
        "--district-provinces",
        default="64",
        help="comma-separated province codes whose districts are included (default: 64)",
    )
    args = parser.parse_args()
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(build_rows(args.package, set(args.district_provinces.split(","))))


if __name__ == "__main__":
    main()
