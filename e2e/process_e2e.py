#!/usr/bin/env python3
"""Browser test of the candidate process (issue #12), in headless Chromium, on the demo city:
the department sets up an election with the seed's targets and timeline and shares its places
with one override (settling a tie by hand if the shares give one); 武陵区's administrator
nominates from the roster, reports participation, is blocked by a mandatory requirement,
withdraws two men, nominates the women and minorities the list needs and reports it with
guidance warnings; the department records a vetting opinion with a file, moves the list to
公示 and publishes the notice; the planner's proposal for the demo's own election is accepted.
The notice's names come back from the PDF (pdftotext) in the order `xuanju sort-names` gives,
and every font in it is embedded (pdffonts).
Usage: process_e2e.py BASE_URL ADMIN_PASSWORD SQLITE_DB XUANJU_BINARY SCREENSHOT_DIR"""
import os, re, sqlite3, subprocess, sys, tempfile, urllib.request
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from browser import Browser
from api import API

base, admin_password, db, xuanju, shots = sys.argv[1:6]
browser = Browser(base, shots)
driver, body, shot, step = browser.driver, browser.body, browser.shot, browser.step
ELECTION = "推荐出席省第十次党代会代表候选人预备人选"
WULING = "中共武陵区委员会"


def query(sql, *args):
    return sqlite3.connect(db).execute(sql, args).fetchall()


def fill(name, value):
    box = driver.find_element(By.NAME, name)
    box.clear()
    box.send_keys(value)


def click_confirmed(element):
    """Clicks a button whose form asks first, and says yes."""
    element.click()
    WebDriverWait(driver, 10).until(lambda d: d.switch_to.alert).accept()


def download(path):
    """A file as the signed-in browser would get it (its session cookie)."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request) as answer:
        return answer.headers.get("Content-Type"), answer.read()


def members(unit, where):
    """武陵区's full members aged 36 to 50 on the reference day, by ID number."""
    return query("select m.name, m.id_number from members m join organizations o on o.id = m.organization_id "
                 "where o.path like (select path from organizations where name = ?) || '%' and m.status = '正式党员' "
                 "and m.birth_date between '1975-09-02' and '1990-09-01' and " + where + " order by m.id_number", unit)


def nominate(id_number, name):
    fill("idNumber", id_number)
    fill("supportOrganizations", "5")
    fill("supportMembers", "120")
    driver.find_element(By.XPATH, "//form[contains(@action,'/candidates')]//button[text()='推荐']").click()
    step(f"推荐{name}", lambda: f"已推荐「{name}」" in body())


def move_list(unit, stage):
    driver.find_element(By.XPATH, f"//tr[td[1][text()='{unit}']]//button[text()='整份名单进入「{stage}」']").click()


try:
    browser.log_in("admin", admin_password)
    unit_password = browser.create_user("wuling", "武陵区组织员", "单位管理员", WULING)

    # 1. Setup: the seed's composition targets and timeline come prefilled.
    driver.get(base + "/elections")
    step("设立选举的表单预填结构要求和时间节点",
         lambda: driver.find_element(By.NAME, "share.women").get_attribute("value") == "20"
         and "2026-08-25" in driver.find_element(By.NAME, "deadlines").get_attribute("value"))
    shot("20-election-setup")
    fill("name", ELECTION)
    fill("referenceDate", "2026-09-01")
    fill("seats", "56")
    fill("marginRatio", "0.21")
    fill("candidatePlaces", "68")
    driver.find_element(By.XPATH, "//form[@action='/elections']//button[text()='设立']").click()
    step("选举已设立，候选人68名", lambda: f"已设立「{ELECTION}」：候选人名额 68 名" in body())
    election_id = driver.current_url.rstrip("/").split("/")[-1]

    # 2. Quotas: preview, 武陵区 one more with its reason; a tie for the last place is settled by hand.
    fill("minimum", "3")
    driver.find_element(By.XPATH, "//button[@value='preview']").click()
    step("名额预览", lambda: "名额分配预览（尚未生效）" in body())
    row = driver.find_element(By.XPATH, f"//table[1]//tr[td[1][text()='{WULING}']]")
    wuling_places = int(row.find_elements(By.TAG_NAME, "td")[4].text) + 1
    fill(driver.find_element(By.XPATH, f"//input[@aria-label='{WULING}调整为']").get_attribute("name"), str(wuling_places))
    fill(driver.find_element(By.XPATH, f"//input[@aria-label='{WULING}调整理由']").get_attribute("name"), "党员多、基层组织多，增加一名")
    shot("21-quota-preview")
    click_confirmed(driver.find_element(By.XPATH, "//button[@value='apply']"))
    step("名额已分配或须先处理并列", lambda: "已分配名额" in body() or "并列争最后的名额" in body())
    if "并列争最后的名额" in body():
        shot("22-quota-tie")
        tied = re.search(r"(\S+?)、(\S+?) 并列争最后的名额", body())
        first = tied.group(1).split("；")[-1]
        cells = driver.find_element(By.XPATH, f"//table[1]//tr[td[1][text()='{first}']]").find_elements(By.TAG_NAME, "td")
        step("并列时保留已填的调整", lambda: driver.find_element(By.XPATH, f"//input[@aria-label='{WULING}调整为']").get_attribute("value") == str(wuling_places))
        fill(driver.find_element(By.XPATH, f"//input[@aria-label='{first}调整为']").get_attribute("name"), cells[4].text)
        fill(driver.find_element(By.XPATH, f"//input[@aria-label='{first}调整理由']").get_attribute("name"), f"与{tied.group(2)}并列，经研究确定")
        click_confirmed(driver.find_element(By.XPATH, "//button[@value='apply']"))
    step("名额合计68，武陵区的调整理由在表中", lambda: "已分配名额：合计 68 名" in body() and "党员多、基层组织多，增加一名" in body())
    shot("23-quotas")

    # 3. 武陵区 nominates: men of Han nationality first; a probationary member is refused.
    browser.log_in("wuling", unit_password, one_time=True)
    driver.get(f"{base}/elections/{election_id}")
    men = members(WULING, "m.gender = '男' and m.ethnicity = '汉族'")
    for name, id_number in men[:wuling_places]:
        nominate(id_number, name)
    probationary = query("select m.name, m.id_number from members m join organizations o on o.id = m.organization_id "
                         "where o.path like (select path from organizations where name = ?) || '%' and m.status = '预备党员' limit 1", WULING)[0]
    fill("idNumber", probationary[1])
    driver.find_element(By.XPATH, "//form[contains(@action,'/candidates')]//button[text()='推荐']").click()
    step("预备党员不能被推荐", lambda: f"「{probationary[0]}」是预备党员，不能被推荐为人选" in body())

    # Participation: every grassroots organization took part.
    driver.get(f"{base}/elections/{election_id}")
    grassroots = driver.find_element(By.XPATH, f"//tr[td[1][text()='{WULING}']]/td[7]").text
    fill("organizations", grassroots)
    fill("members", "300")
    driver.find_element(By.XPATH, f"//tr[td[1][text()='{WULING}']]//button[text()='填报']").click()
    step("参与推荐情况已填报，占比100%", lambda: "已记录参与推荐情况" in body()
         and driver.find_element(By.XPATH, f"//tr[td[1][text()='{WULING}']]/td[9]").text == "100.0%")

    # 4. Men only: the mandatory requirements block the list.
    move_list(WULING, "初步人选")
    step("全是汉族男性的名单被硬性要求挡住", lambda: "的名单不符合硬性要求" in body() and "妇女应至少" in body())
    shot("24-list-blocked")

    # Enough men withdraw for the women and minorities the list needs, who are nominated.
    need_women, need_minorities = -(-wuling_places * 20 // 100), -(-wuling_places * 11 // 100)
    minority_women = members(WULING, "m.gender = '女' and m.ethnicity <> '汉族'")[:need_women]
    women = minority_women + members(WULING, "m.gender = '女' and m.ethnicity = '汉族'")[:need_women - len(minority_women)]
    minority_men = members(WULING, "m.gender = '男' and m.ethnicity <> '汉族'")[:max(0, need_minorities - len(minority_women))]
    added = women + minority_men
    for name, _ in men[:len(added)]:
        driver.get(f"{base}/elections/{election_id}")
        driver.find_element(By.LINK_TEXT, name).click()
        step(f"{name}的人选页", lambda: "结束推荐" in body())
        Select(driver.find_element(By.NAME, "stage")).select_by_visible_text("退出")
        fill("reason", "本人申请退出")
        click_confirmed(driver.find_element(By.XPATH, "//form[contains(@action,'/stage')]//button[text()='确定']"))
        step(f"{name}退出，原因写明", lambda: "退出：本人申请退出" in body())
    for name, id_number in added:
        nominate(id_number, name)
    move_list(WULING, "初步人选")
    step("补足妇女和少数民族后名单上报，参考要求给出提示",
         lambda: f"已有 {wuling_places} 名人选进入「初步人选」" in body() and "参考" in body())
    shot("25-list-reported-with-warnings")
    step("单位不能把名单推进到「考察」", lambda: "整份名单进入「考察」" not in body())

    # 5. The department records 纪检's opinion with a file.
    browser.log_in("admin", admin_password)
    driver.get(f"{base}/elections/{election_id}")
    first_name = added[0][0]
    driver.find_element(By.LINK_TEXT, first_name).click()
    Select(driver.find_element(By.NAME, "department")).select_by_visible_text("纪检")
    fill("date", "2026-08-28")
    fill("opinion", "经查，未发现违纪问题")
    attachment = os.path.join(tempfile.mkdtemp(), "纪检意见.txt")
    with open(attachment, "w", encoding="utf-8") as f:
        f.write("经查，未发现违纪问题。\n")
    driver.find_element(By.NAME, "files[]").send_keys(attachment)
    driver.find_element(By.XPATH, "//form[contains(@action,'/vetting')]//button[@type='submit']").click()
    step("考察意见和附件已记录", lambda: "经查，未发现违纪问题" in body() and "纪检意见.txt" in body())
    shot("26-vetting")

    # 6. The department moves the list on to 公示: 研究审议 is refused while any of the six
    # departments (政法 among them) has not given its opinion on everyone; the other opinions
    # are recorded through the API, then the list goes on.
    driver.get(f"{base}/elections/{election_id}")
    move_list(WULING, "考察")
    step("名单进入「考察」", lambda: "名人选进入「考察」" in body())
    move_list(WULING, "研究审议")
    step("考察意见不全时不能进入研究审议", lambda: "的考察还缺" in body() and "政法" in body() and "不能进入研究审议" in body())
    shot("26b-vetting-incomplete")
    api = API(base).sign_in("admin", admin_password)
    status, candidates = api.call("GET", f"/api/v1/elections/{election_id}/candidates")
    assert status == 200, (status, candidates)
    for c in (c for c in candidates if c["stage"] == "考察" and c["unit"] == WULING):
        status, record = api.call("GET", f"/api/v1/elections/{election_id}/candidates/{c['id']}/vetting")
        for department in record["missing"]:
            status, answer = api.call("POST", f"/api/v1/elections/{election_id}/candidates/{c['id']}/vetting",
                                      {"department": department, "verdict": "无不良反映", "opinion": "经查，未发现问题", "date": "2026-08-29"})
            assert status == 201, (status, answer)
    driver.get(f"{base}/elections/{election_id}")
    for stage in ["研究审议", "预备人选", "公示"]:
        move_list(WULING, stage)
        step(f"名单进入「{stage}」", lambda: f"名人选进入「{stage}」" in body())
    shot("27-publicized")

    # 7. The notice: its names in the order `xuanju sort-names` gives; every font embedded.
    kind, notice = download(f"/elections/{election_id}/documents/notice.pdf")
    step("公示 PDF 可下载", lambda: kind == "application/pdf" and notice.startswith(b"%PDF-"))
    work = tempfile.mkdtemp()
    notice_path = os.path.join(work, "notice.pdf")
    with open(notice_path, "wb") as f:
        f.write(notice)
    published = [r[0] for r in query("select m.name from candidacies c join members m on m.id = c.member_id "
                                     "where c.election_id = ? and c.stage = '公示'", election_id.upper())]
    step("公示的人数与名额相同", lambda: len(published) == wuling_places)
    sorted_names = subprocess.run([xuanju, "sort-names"], input="\n".join(published), capture_output=True, text=True, check=True).stdout.split()
    text = subprocess.run(["pdftotext", notice_path, "-"], capture_output=True, text=True, check=True).stdout
    in_pdf = re.findall(r"(\S+?)，[男女]，", text)
    step(f"公示中的姓名顺序与 xuanju sort-names 相同：{in_pdf} / {sorted_names}", lambda: in_pdf == sorted_names)
    fonts = subprocess.run(["pdffonts", notice_path], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    step("公示的字体全部嵌入", lambda: fonts and all(line.split()[-5] == "yes" for line in fonts))
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", notice_path, os.path.join(shots, "28-notice")], check=True)
    # The command line writes the same bytes, for batch printing.
    command_path = os.path.join(work, "notice-command.pdf")
    subprocess.run([xuanju, "document", "notice", "--election", election_id, "--db", db, "--out", command_path], check=True, capture_output=True)
    step("xuanju document 写出的公示与下载的字节相同", lambda: open(command_path, "rb").read() == notice)
    for document in ["register.xlsx", "forms.pdf", "report.pdf"]:
        kind, data = download(f"/elections/{election_id}/documents/{document}")
        step(f"{document} 可下载", lambda: len(data) > 1000 and (data.startswith(b"%PDF-") or data.startswith(b"PK")))

    # 8. The planner on the demo's own election: 津市市's list, held back, is planned and accepted.
    driver.get(base + "/elections")
    driver.find_element(By.PARTIAL_LINK_TEXT, "省第九次党代会").click()
    driver.find_element(By.LINK_TEXT, "运行名单编排，查看方案").click()
    step("编排方案把津市市的人选调入", lambda: "调入（3 名）" in body() and "中共津市市委员会" in body())
    shot("29-slate")
    click_confirmed(driver.find_element(By.XPATH, "//form[.//input[@value='accept']]//button[@type='submit']"))
    step("采纳方案，记入审计日志", lambda: "已采纳编排方案：调入 3 名" in body())
    shot("30-slate-accepted")
    driver.get(base + "/audit")
    step("审计日志记下名单编排的决定和生成的公示", lambda: "名单编排方案的决定" in body() and "生成选举文件" in body())
    print(f"e2e candidate process: {browser.steps} checks passed, 0 failed (screenshots in {shots})")
finally:
    driver.quit()
