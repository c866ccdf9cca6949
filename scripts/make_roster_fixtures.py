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

    huamingce()
    hostile()

# A unit's 花名册 as units really keep it: a merged title row and a 填报单位 line above the
# headings, 序号, 出生年月 and 入党时间 to the month (text, and one typed as a number), 党员类别
# holding the standing, 所在党支部 naming branches the system does not have, a signature footer.
# Rows 4-11 are members; row 8 has a wrong ID check digit, row 10 repeats row 5's ID.
HMC_HEADER = ["序号", "姓名", "性别", "民族", "公民身份号码", "出生年月", "入党时间", "党员类别", "所在党支部", "现任职务"]
BRANCH_1, BRANCH_2 = "中共武陵区城东社区第一支部委员会", "中共武陵区城东社区第二支部委员会"

def hmc_rows(broken):
    rows = [
        ["张建国", "男", "汉族", check("43070219750312001"), "1975.03", "1998.07", "正式党员", BRANCH_1, "社区书记"],
        ["李秀英", "女", "土家族", check("43070219800521002"), "1980年5月", "2003年6月", "正式党员", BRANCH_1, ""],
        ["王芳", "女", "汉族", check("43070219920229002"), "1992-02", "2016-12", "预备党员", BRANCH_2, "网格员"],
        ["欧阳明", "男", "汉族", check("43070219751231003"), 1975.12, "1999.01", "正式党员", UNIT, "干部"],
        ["赵志刚", "男", "回族", check("43070219680808005"), "1968.08", "1990.10", "正式党员", BRANCH_2, ""],
        ["陈红", "女", "汉族", check("43070219880101006"), "1988.01", "2010.05", "正式党员", BRANCH_1, ""],
        ["刘洋", "男", "苗族", check("43070219950615007"), "1995.06", "2018.07", "正式党员", BRANCH_2, ""],
        ["周敏", "女", "汉族", check("43070219700202008"), "1970.02", "1995.03", "正式党员", UNIT, ""],
    ]
    if broken:
        good = rows[4][3]
        rows[4][3] = good[:17] + ("0" if good[17] != "0" else "1")   # row 8: wrong check character
        rows[6][3] = rows[1][3]                                      # row 10: the same ID as row 5
    return [[i + 1] + r for i, r in enumerate(rows)]

HMC_TITLE = "常德市武陵区党员花名册（截至2026年8月31日）"
HMC_UNIT_LINE = "填报单位：中共武陵区委员会组织部"
HMC_FOOTER = "填表人：张三        审核人：李四        填报日期：2026年9月1日"

def huamingce():
    for broken, name in [(True, "huamingce-problems"), (False, "huamingce")]:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        ws.append([HMC_TITLE])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HMC_HEADER))
        ws.append([HMC_UNIT_LINE])
        ws.append(HMC_HEADER)
        for r in hmc_rows(broken):
            ws.append(r)
        ws.append([])
        ws.append([HMC_FOOTER])
        for row in ws.iter_rows(min_row=4, max_row=11):
            row[4].number_format = "@"
        wb.save(os.path.join(OUT, name + ".xlsx"))
        lines = [HMC_TITLE + "," * (len(HMC_HEADER) - 1), HMC_UNIT_LINE + "," * (len(HMC_HEADER) - 1), ",".join(HMC_HEADER)]
        for r in hmc_rows(broken):
            lines.append(",".join("%.2f" % x if isinstance(x, float) else str(x) for x in r))
        lines.append("," * (len(HMC_HEADER) - 1))
        lines.append(HMC_FOOTER + "," * (len(HMC_HEADER) - 1))
        with open(os.path.join(OUT, name + "-gb18030.csv"), "wb") as f:
            f.write(("\r\n".join(lines) + "\r\n").encode("gb18030"))

    # Headings merged across two cells in the heading row itself: still refused.
    wb = book()
    wb["党员名册"].merge_cells("H1:I1")
    wb.save(os.path.join(OUT, "roster-merged-heading-cells.xlsx"))

# Hostile workbooks, written part by part with zipfile so nothing tidies them up.
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="xml" ContentType="application/xml"/></Types>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="党员名册" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>')

def raw_xlsx(name, sheet_chunks, shared=None):
    import zipfile
    with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for chunk in sheet_chunks():
                f.write(chunk)

SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = b'</sheetData></worksheet>'

def hostile():
    header = "".join('<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + i), h) for i, h in enumerate(HEADER[:8]))
    def long_reference():
        yield SHEET_HEAD + ('<row r="1">%s</row>' % header).encode()
        yield b'<row r="2"><c r="AAAAAAAAAAAAAAAAAAAA2" t="inlineStr"><is><t>x</t></is></c></row>' + SHEET_TAIL
    raw_xlsx("hostile-long-reference.xlsx", long_reference)
    def far_columns():
        yield SHEET_HEAD + ('<row r="1">%s</row>' % header).encode()
        for r in range(2, 5002):
            yield ('<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>远</t></is></c></row>' % (r, r)).encode()
        yield SHEET_TAIL
    raw_xlsx("hostile-far-columns.xlsx", far_columns)
    def bomb():
        yield SHEET_HEAD + ('<row r="1">%s</row>' % header).encode()
        blank = b" " * (1 << 20)
        for _ in range(600):
            yield blank
        yield SHEET_TAIL
    raw_xlsx("hostile-zip-bomb.xlsx", bomb)
    def cell_bomb():
        yield SHEET_HEAD + ('<row r="1">%s</row>' % header).encode() + b'<row r="2">'
        empties = b"<c/>" * (1 << 18)
        for _ in range(600):
            yield empties
        yield b"</row>" + SHEET_TAIL
    raw_xlsx("hostile-zip-bomb-cells.xlsx", cell_bomb)
    def wrong_types():
        yield SHEET_HEAD + ('<row r="1">%s</row>' % header).encode()
        yield (b'<row r="2"><c r="A2" t="s"><v>99999999999999999999999</v></c><c r="B2" t="s"><v>-1</v></c>'
               b'<c r="C2" t="b"><v>maybe</v></c><c r="D2"><v>1e400</v></c><c r="E2"><v>-99999999999999999</v></c>'
               b'<c r="F2" t="e"><v>#REF!</v></c><c r="G2" t="zz"><v>?</v></c></row>'
               b'<row r="99999999999"><c r="A3"><v>1</v></c></row>' + SHEET_TAIL)
    raw_xlsx("hostile-wrong-types.xlsx", wrong_types, shared='<sst><si><t>a</t></si></sst>')

if __name__ == "__main__":
    sys.exit(main())
