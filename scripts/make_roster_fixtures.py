#!/usr/bin/env python3
"""Writes the roster files the import tests read (Tests/Fixtures), with openpyxl, i.e. the way
another program (not Xuanju's own writer) lays out a workbook: shared strings, real date cells,
styles. Run once; the outputs are committed.  pip install openpyxl==3.1.5"""
import datetime, os, sys
import openpyxl
from openpyxl.styles import Font

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures")
HEADER = ["姓名", "性别", "民族", "公民身份号码", "出生日期", "入党日期", "党员状态", "所在党组织",
          "职务", "人员类别", "专业技术职称", "职称级别", "荣誉", "人大代表", "政协委员"]
UNIT = "中共武陵区委员会"

def check(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(a) * b for a, b in zip(first17, w)) % 11]

ROWS = [
    ["王龑", "男", "汉族", check("43070219800501001"), datetime.date(1980, 5, 1), datetime.date(2003, 7, 1), "正式党员", UNIT,
     "科长", "机关工作人员", "", "", "市优秀共产党员（市级，2021）", "否", "否"],
    ["李𠈌", "女", "土家族", check("43070219920229002"), datetime.date(1992, 2, 29), datetime.date(2015, 6, 30), "预备党员", UNIT,
     "教师", "专业技术人员", "一级教师", "中级", "", "否", "是"],
    ["欧阳明", "男", "汉族", check("43070219751231003"), datetime.date(1975, 12, 31), datetime.date(1999, 1, 1), "正式党员", UNIT,
     "", "农民", "", "", "", "是", "否"],
]

def book(rows=ROWS, sheet="党员名册", extra_sheet=True):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(HEADER)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=2):
        row[3].number_format = "@"
        row[4].number_format = "yyyy-mm-dd"
        row[5].number_format = "yyyy-mm-dd"
    if extra_sheet:
        wb.create_sheet("填写说明").append(["日期写成 1980-05-01；身份证号设为文本"])
    return wb

def main():
    os.makedirs(OUT, exist_ok=True)
    book().save(os.path.join(OUT, "roster-openpyxl.xlsx"))

    wb = book()
    wb["党员名册"]["E3"] = "=DATE(1992,2,29)"
    wb.save(os.path.join(OUT, "roster-formula.xlsx"))

    wb = book()
    ws = wb["党员名册"]
    ws.insert_rows(1)
    ws["A1"] = "常德市党员名册"
    ws.merge_cells("A1:O1")
    wb.save(os.path.join(OUT, "roster-merged-header.xlsx"))

    wb = book(sheet="Sheet1")
    wb.create_sheet("统计")
    wb.save(os.path.join(OUT, "roster-wrong-sheet.xlsx"))

    wb = openpyxl.Workbook()
    wb.active.append(["序号", "单位", "人数"])
    wb.active.append([1, "武陵区", 120])
    wb.save(os.path.join(OUT, "roster-not-a-roster.xlsx"))

    wb = book()
    wb["党员名册"]["D2"] = int(ROWS[0][3])      # Excel turns a typed ID into a number
    wb.save(os.path.join(OUT, "roster-id-as-number.xlsx"))

    def csv_rows(rows):
        lines = [",".join(HEADER)]
        for r in rows:
            lines.append(",".join(x.isoformat() if isinstance(x, datetime.date) else str(x) for x in r))
        return "\r\n".join(lines) + "\r\n"

    # GB18030 with 生僻字: 龑 and 堃 are in GBK; 𠈌 (Ext B) needs GB18030's four-byte form.
    rare = [r[:] for r in ROWS]
    rare[2][0] = "欧阳堃"
    with open(os.path.join(OUT, "roster-gb18030.csv"), "wb") as f:
        f.write(csv_rows(rare).encode("gb18030"))
    # What Excel writes when a character is not in GBK: a question mark.
    lost = [r[:] for r in ROWS]
    lost[1][0] = "李?"
    with open(os.path.join(OUT, "roster-gbk-lost.csv"), "wb") as f:
        f.write(csv_rows(lost).encode("gbk"))

if __name__ == "__main__":
    sys.exit(main())
