#!/usr/bin/env python3
"""Writes an import file of ROWS rows (families of three: principal, spouse, child) in the template's columns."""
import csv, random, sys

rows, path = int(sys.argv[1]), sys.argv[2]
given = ["Mohammad", "Ahmad", "Abdul", "Gul", "Hamid", "Najib", "Rahim", "Sayed", "Zabihullah", "Farid", "Jawid", "Nasir"]
family = ["Karimi", "Ahmadzai", "Popal", "Rahimi", "Sultani", "Haidari", "Noori", "Safi", "Wardak", "Stanikzai", "Amiri"]
women = ["Maryam", "Fatima", "Zahra", "Nadia", "Shabnam", "Parwana", "Lina", "Farzana"]
random.seed(20090101)
columns = ["case_ref", "relationship", "given_names", "family_name", "date_of_birth", "tazkira", "phone", "program",
           "employer", "role", "service_start", "service_end", "pre_com", "com_submitted", "com_review"]
with open(path, "w", newline="", encoding="utf-8") as f:
    out = csv.writer(f)
    out.writerow(columns)
    for i in range(rows):
        family_no, member = divmod(i, 3)
        ref = f"BENCH-{family_no:06d}"
        surname = family[family_no % len(family)]
        year = 2019 + family_no % 5
        if member == 0:
            out.writerow([ref, "principal", given[family_no % len(given)], surname, f"{1970 + family_no % 25}-0{1 + family_no % 9}-1{family_no % 9}",
                          f"{10000000 + family_no}", f"+9370{family_no:07d}", "AF602B", "2nd Battalion, 8th Marines", "Interpreter",
                          "2009-01-01", "2011-12-31", f"{year}-01-10", f"{year}-03-0{1 + family_no % 9}", f"{year}-06-1{family_no % 9}"])
        else:
            out.writerow([ref, "spouse" if member == 1 else "child", women[family_no % len(women)] if member == 1 else given[(family_no + 3) % len(given)],
                          surname, f"{1975 + family_no % 20}-05-05" if member == 1 else f"{2010 + family_no % 12}-02-02",
                          "", "", "", "", "", "", "", "", "", ""])
