#!/usr/bin/env python3
"""SivTracker's UI text in English, Dari and Pashto: src/SivTracker.Web/Resources/Text{,.fa-AF,.ps-AF}.resx.

  scripts/texts.py missing          keys used in the code (T("...") and <field label/hint/empty-option>) that a
                                    language lacks; exits 1 when there are any
  scripts/texts.py add FILE.tsv...  adds or replaces texts from tab-separated lines: English key, Dari, Pashto
  scripts/texts.py unused           keys no code uses any more (enum and stage names are used indirectly: check first)

The English text is the key. A key whose text holds placeholders ({0}) keeps them in every language.
"""
import html
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

root = pathlib.Path(__file__).resolve().parent.parent
resources = root / "src/SivTracker.Web/Resources"
languages = {"en": "Text.resx", "fa-AF": "Text.fa-AF.resx", "ps-AF": "Text.ps-AF.resx"}

HEADER = """<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
"""


def load(language):
    path = resources / languages[language]
    if not path.exists():
        return {}
    return {data.get("name"): data.findtext("value") or "" for data in ET.parse(path).getroot().iter("data")}


def save(language, texts):
    def attr(s):
        return html.escape(s, quote=True)
    lines = [HEADER]
    for key in sorted(texts, key=lambda k: k.encode("utf-8")):
        lines.append(f'  <data name="{attr(key)}" xml:space="preserve"><value>{html.escape(texts[key], quote=False)}</value></data>\n')
    lines.append("</root>\n")
    (resources / languages[language]).write_text("".join(lines), encoding="utf-8")


LITERAL = r'"((?:[^"\\\n]|\\.)*)"'
CALL = re.compile(r'(?<![\w.])(?:Text\.)?T\(' + LITERAL)
FIELD = re.compile(r'<field\b[^>]*>', re.S)
FIELD_ATTRIBUTE = re.compile(r'\b(?:label|hint|empty-option)="([^"@]*)"')


def unescape(literal):
    return literal.replace('\\"', '"').replace("\\\\", "\\").replace("\\n", "\n")


def used():
    keys = set()
    for path in (root / "src/SivTracker.Web").rglob("*"):
        if path.suffix not in (".cs", ".cshtml") or "/bin/" in str(path) or "/obj/" in str(path) or "/Migrations/" in str(path):
            continue
        source = path.read_text(encoding="utf-8")
        keys.update(unescape(m.group(1)) for m in CALL.finditer(source))
        if path.suffix == ".cshtml":
            for field in FIELD.finditer(source):
                keys.update(html.unescape(m.group(1)) for m in FIELD_ATTRIBUTE.finditer(field.group(0)) if m.group(1))
    return keys


def main(args):
    if not args:
        print(__doc__)
        return 2
    if args[0] == "add":
        texts = {language: load(language) for language in languages}
        count = 0
        for file in args[1:]:
            for number, line in enumerate(pathlib.Path(file).read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                parts = line.split("\t")
                if len(parts) != 3 or not all(p.strip() for p in parts):
                    print(f"{file}:{number}: expected three tab-separated texts (English, Dari, Pashto)", file=sys.stderr)
                    return 1
                key, dari, pashto = parts
                for language, text in (("en", key), ("fa-AF", dari.strip()), ("ps-AF", pashto.strip())):
                    texts[language][key] = text
                count += 1
        for language, language_texts in texts.items():
            save(language, language_texts)
        print(f"{count} texts added or replaced")
        return 0
    if args[0] == "missing":
        keys = used()
        gaps = 0
        for language in languages:
            have = load(language)
            for key in sorted(keys - have.keys()):
                print(f"{language}\t{key}")
                gaps += 1
        return 1 if gaps else 0
    if args[0] == "unused":
        for key in sorted(load("en").keys() - used()):
            print(key)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
