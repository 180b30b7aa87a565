#!/usr/bin/env python3
"""Writes node/src/country_names.tsv: every ISO 3166-1 alpha-2 territory's name in each language
of the citizen pages, from Unicode CLDR (Debian package unicode-cldr-core, installed by
scripts/test.sh). The file is vendored; a test regenerates it from the installed CLDR and fails
when they differ (provenance). Usage: scripts/cldr-country-names.py [CLDR main dir] > file
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

LANGS = ["en", "bg", "cs", "da", "de", "el", "es", "et", "fi", "fr", "ga", "hr", "hu", "is", "it",
         "lt", "lv", "mt", "nb", "nl", "pl", "pt", "ro", "sk", "sl", "sv"]
# User-assigned codes (ISO 3166-1 §3.2.2) and CLDR's pseudo-regions: configured names only.
USER_ASSIGNED = re.compile(r"^(AA|Q[M-Z]|X[A-Z]|ZZ)$")


# Where CLDR keeps a language's names: Norwegian bokmål (nb) inherits them from "no"
# (supplementalData parentLocales).
FILE = {"nb": "no"}


def names(main_dir, lang):
    root = ET.parse(os.path.join(main_dir, f"{FILE.get(lang, lang)}.xml")).getroot()
    out = {}
    for t in root.iter("territory"):
        code = t.get("type", "")
        if t.get("alt") or not re.fullmatch(r"[A-Z]{2}", code) or USER_ASSIGNED.match(code):
            continue
        out[code] = (t.text or "").strip()
    return out


def version(main_dir):
    path = os.path.join(os.path.dirname(os.path.dirname(main_dir)), "common", "dtd", "ldml.dtd")
    try:
        with open(path, encoding="utf-8") as f:
            m = re.search(r'cldrVersion CDATA #FIXED "([0-9.]+)"', f.read())
            return m.group(1) if m else "unknown"
    except OSError:
        return "unknown"


def main():
    main_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode/cldr/common/main"
    print(f"# Territory names from Unicode CLDR {version(main_dir)} (Debian unicode-cldr-core,")
    print("# common/main/<lang>.xml, <territory> without alt), by scripts/cldr-country-names.py.")
    print("# Generated, vendored, checked against the installed CLDR by a test. Do not edit.")
    print("# code\tlanguage\tname")
    for lang in LANGS:
        for code, name in sorted(names(main_dir, lang).items()):
            print(f"{code}\t{lang}\t{name}")


if __name__ == "__main__":
    main()
