#!/usr/bin/env python3
"""Generate a person import file (the jiuye person template) for the import benchmark.

    python3 bench/gen_persons.py --rows 1000000 --csv /tmp/jiuye-bench/persons-1m.csv \
        --xlsx /tmp/jiuye-bench/persons-1m.xlsx [--seed 2020]

Every row is valid and accepted by `jiuye import persons`:
- 公民身份号码: unique GB 11643 numbers, region 130527 (Nanhe District), birth dates 1960-01-01 ..
  2005-12-31, 3-digit sequence, MOD 11-2 check character.
- 联系电话: 1[3-9]x + 8 digits.
- 乡镇(街道): one of the nine townships / development zone; the same for every member of a household.
- 村(社区): empty (a village is only accepted when it already exists in the database).
- 户编号: H0000001 ..., 1-5 persons per household.
- 人员类别 / 学历 / 毕业时间: a mix of tags, education levels and dates (or empty).

The CSV is UTF-8 without BOM. The XLSX is written by xlsxwriter with write_string, so every value
is a TEXT cell kept in the shared-strings table (t="s"), as Excel and WPS save workbooks: the ID and
phone columns are text, never numbers. --xlsx-inline writes it with openpyxl write_only instead
(inline strings, t="inlineStr"). The same seed gives the same rows in both files.
"""

import argparse
import csv
import random
import sys
import time
from datetime import date, timedelta

HEADER = ["姓名", "公民身份号码", "联系电话", "乡镇(街道)", "村(社区)", "户编号", "人员类别", "学历", "毕业时间"]
TOWNSHIPS = ["和阳镇", "贾宋镇", "郝桥镇", "东三召乡", "阎里乡", "河郭乡", "史召乡", "三思乡", "经济开发区"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
REGION = "130527"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海燕鹏飞宇浩然子轩梓涵一诺欣怡佳琪雨泽思远俊辉晓东春梅秋菊冬雪振兴保利"
# 人员类别 (tags, separated by 、or ,) — most persons have none.
TAGS = [("", 60), ("高校毕业生", 10), ("农民工", 10), ("农民工、退役军人", 3), ("退役军人", 3),
        ("返乡农民工", 4), ("离校未就业高校毕业生", 3), ("高校毕业生,退役军人", 2), ("残疾人", 5)]
EDUCATION = [("初中", 35), ("高中", 25), ("中专", 8), ("大专", 12), ("本科", 15), ("小学", 4), ("", 1)]
BASE = date(1960, 1, 1)
DAYS = (date(2005, 12, 31) - BASE).days + 1


def check_char(body17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(body17, WEIGHTS)) % 11]


def weighted(pairs):
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return values, weights


def rows(n: int, seed: int):
    rnd = random.Random(seed)
    tag_v, tag_w = weighted(TAGS)
    edu_v, edu_w = weighted(EDUCATION)
    used = set()
    hh = 0
    produced = 0
    while produced < n:
        hh += 1
        household = f"H{hh:07d}"
        township = rnd.choice(TOWNSHIPS)
        size = min(rnd.randint(1, 5), n - produced)
        for _ in range(size):
            while True:
                day = rnd.randrange(DAYS)
                seq = rnd.randrange(1000)
                key = day * 1000 + seq
                if key not in used:
                    used.add(key)
                    break
            born = BASE + timedelta(days=day)
            body = f"{REGION}{born:%Y%m%d}{seq:03d}"
            idn = body + check_char(body)
            name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))
            phone = f"1{rnd.randint(3, 9)}{rnd.randrange(10)}{rnd.randrange(100_000_000):08d}"
            tags = rnd.choices(tag_v, tag_w)[0]
            edu = rnd.choices(edu_v, edu_w)[0]
            if edu in ("大专", "本科") or "高校毕业生" in tags:
                grad_year = min(max(born.year + rnd.randint(20, 23), 1980), 2025)
                grad = f"{grad_year}-{rnd.choice((6, 7)):02d}"
            else:
                grad = ""
            yield [name, idn, phone, township, "", household, tags, edu, grad]
            produced += 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--csv", help="output .csv path (UTF-8)")
    ap.add_argument("--xlsx", help="output .xlsx path (xlsxwriter, shared strings like Excel)")
    ap.add_argument("--xlsx-inline", action="store_true", help="write the .xlsx with openpyxl write_only (inline strings) instead")
    a = ap.parse_args()
    if not a.csv and not a.xlsx:
        ap.error("give --csv and/or --xlsx")
    if a.csv:
        t = time.time()
        with open(a.csv, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(HEADER)
            w.writerows(rows(a.rows, a.seed))
        print(f"wrote {a.csv} ({a.rows} rows) in {time.time() - t:.1f}s", file=sys.stderr)
    if a.xlsx:
        t = time.time()
        if a.xlsx_inline:
            # openpyxl write_only: every text cell is an inline string (t="inlineStr").
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet("人员")
            ws.append(HEADER)
            for r in rows(a.rows, a.seed):
                ws.append([v if v else None for v in r])
            wb.save(a.xlsx)
        else:
            # xlsxwriter (default mode): text goes to the shared-strings table (t="s"), as Excel and
            # WPS save it. write_string makes every value a TEXT cell; empty fields are absent cells.
            import xlsxwriter

            wb = xlsxwriter.Workbook(a.xlsx)
            ws = wb.add_worksheet("人员")
            ws.write_row(0, 0, HEADER)
            for i, r in enumerate(rows(a.rows, a.seed), start=1):
                for j, v in enumerate(r):
                    if v:
                        ws.write_string(i, j, v)
            wb.close()
        print(f"wrote {a.xlsx} ({a.rows} rows) in {time.time() - t:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
