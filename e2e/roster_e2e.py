#!/usr/bin/env python3
"""Browser test of the organization department's first hour, in headless Chromium:
a wrong password is refused; the administrator creates a 组织部管理员 and a 只读 account, imports the demo roster file
(after a broken file is refused with its problem named), searches for a member; the 只读
user sees the masked ID number and the 组织部管理员 the full one.
Usage: roster_e2e.py BASE_URL ADMIN_PASSWORD ROSTER_XLSX SQLITE_DB SCREENSHOT_DIR"""
import os, re, sqlite3, sys
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from browser import Browser

base, admin_password, roster, db, shots = sys.argv[1:6]
fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures")
browser = Browser(base, shots)
driver, body, shot, step = browser.driver, browser.body, browser.shot, browser.step
log_in, create_user = browser.log_in, browser.create_user

def search(name):
    driver.get(base + "/members")
    box = driver.find_element(By.NAME, "q")
    box.clear()
    box.send_keys(name)
    driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()

try:
    driver.get(base + "/login")
    step("登录页", lambda: "登录" in driver.title)
    shot("00-login")
    driver.find_element(By.ID, "username").send_keys("admin")
    driver.find_element(By.ID, "password").send_keys("wrong-password")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    step("错误密码被拒绝", lambda: "用户名或密码不正确" in body())
    log_in("admin", admin_password)
    shot("01-home")
    dept_password = create_user("dept", "组织部张干事", "组织部管理员", "")
    shot("02-one-time-password")
    reader_password = create_user("reader", "武陵区查阅员", "只读", "中共武陵区委员会")
    driver.get(base + "/users")
    shot("03-users")
    # The one script runs under the Content-Security-Policy: stopping an account asks first;
    # answering no changes nothing.
    driver.find_element(By.XPATH, "//tr[td[text()='reader']]//button[text()='停用']").click()
    alert = WebDriverWait(driver, 10).until(lambda d: d.switch_to.alert)
    question = alert.text
    alert.dismiss()
    step("停用账号前先确认（脚本在 CSP 下运行），取消后账号未停用",
         lambda: question.startswith("停用") and "启用" not in driver.find_element(By.XPATH, "//tr[td[text()='reader']]").text)

    # A broken file: its problem is named by row and column, nothing is written.
    driver.get(base + "/members/import")
    shot("04-import")
    driver.find_element(By.NAME, "file").send_keys(os.path.abspath(os.path.join(fixtures, "roster-gbk-lost.csv")))
    driver.find_element(By.CSS_SELECTOR, "button[type=submit].primary").click()
    step("坏文件列出第3行姓名的问题", lambda: "第3行" in body() and "含有「?」" in body() and "本次不会导入任何党员" in body())
    shot("05-import-problems")
    count = sqlite3.connect(db).execute("select count(*) from members").fetchone()[0]
    step("坏文件没有写入任何党员", lambda: count == 0)

    # The demo roster: preview, confirm.
    driver.get(base + "/members/import")
    driver.find_element(By.NAME, "file").send_keys(os.path.abspath(roster))
    driver.find_element(By.CSS_SELECTOR, "button[type=submit].primary").click()
    step("演示名册检查通过", lambda: "检查通过：将新增党员 2000 名" in body())
    shot("06-import-preview")
    driver.find_element(By.XPATH, "//button[text()='确认导入']").click()
    step("确认后导入 2000 名", lambda: "新增党员 2000 名" in body() and "共 2000 名党员" in body())
    shot("07-members-after-import")

    # A unit's own 花名册: title rows, month dates, a footer, two bad rows, two branches the system lacks.
    driver.get(base + "/members/import")
    driver.find_element(By.NAME, "file").send_keys(os.path.abspath(os.path.join(fixtures, "huamingce-problems.xlsx")))
    driver.find_element(By.CSS_SELECTOR, "button[type=submit].primary").click()
    step("花名册的两个问题按文件行号列出，缺少的支部也列出",
         lambda: "发现 2 个问题" in body() and "第8行" in body() and "第10行" in body() and "与第5行的身份证号重复" in body()
         and "中共武陵区城东社区第一支部委员会" in body() and "第 3 行" in body())
    shot("07a-huamingce-problems")
    driver.get(base + "/members/import")
    driver.find_element(By.NAME, "file").send_keys(os.path.abspath(os.path.join(fixtures, "huamingce.xlsx")))
    driver.find_element(By.CSS_SELECTOR, "button[type=submit].primary").click()
    step("改正后的花名册检查通过，要选新建支部的上级", lambda: "检查通过：将新增党员 8 名" in body() and "系统中还没有的党组织（2 个）" in body())
    from selenium.webdriver.support.ui import Select
    Select(driver.find_element(By.NAME, "createUnder")).select_by_visible_text("中共武陵区委员会")
    shot("07b-huamingce-preview")
    driver.find_element(By.XPATH, "//button[text()='确认导入']").click()
    step("花名册导入，两个支部同时新建", lambda: "新增党员 8 名，新建党组织 2 个" in body())
    created = sqlite3.connect(db).execute(
        "select count(*) from organizations where parent_id = (select id from organizations where name = '中共武陵区委员会') "
        "and name like '中共武陵区城东社区%'").fetchone()[0]
    step("两个支部建在武陵区委之下", lambda: created == 2)

    # A 武陵 member, as the database holds them.
    name, id_number = sqlite3.connect(db).execute(
        "select m.name, m.id_number from members m join organizations o on o.id = m.organization_id "
        "where o.path like (select path from organizations where name = '中共武陵区委员会') || '%' order by m.id_number limit 1").fetchone()
    masked = id_number[:4] + "*" * 10 + id_number[-4:]

    log_in("reader", reader_password, one_time=True)
    search(name)
    step("只读用户搜到该党员", lambda: name in driver.page_source and masked in driver.page_source)
    shot("08-reader-search")
    driver.find_element(By.LINK_TEXT, name).click()
    step("只读用户看到脱敏身份证号", lambda: driver.find_element(By.ID, "id-number").text == masked and id_number not in driver.page_source)
    shot("09-reader-member")

    log_in("dept", dept_password, one_time=True)
    search(id_number)
    driver.find_element(By.LINK_TEXT, name).click()
    step("组织部管理员看到完整身份证号", lambda: driver.find_element(By.ID, "id-number").text == id_number)
    shot("10-dept-member")
    driver.find_element(By.LINK_TEXT, "修改").click()
    shot("11-member-edit")
    driver.get(base + "/organizations")
    shot("12-organizations")
    driver.find_element(By.LINK_TEXT, "中共武陵区委员会").click()
    shot("13-organization")
    driver.get(base + "/audit")
    step("审计日志记下导入（文件名和行数）", lambda: "导入党员" in body() and "demo-roster.xlsx" in body())
    shot("14-audit")
    print(f"e2e roster: {browser.steps} checks passed, 0 failed (screenshots in {shots})")
finally:
    driver.quit()
