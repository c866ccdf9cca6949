#!/usr/bin/env python3
"""Browser smoke test: log in as admin with headless Chromium and see the home page.
Usage: login_smoke.py BASE_URL PASSWORD [SCREENSHOT_DIR]"""
import os, sys
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

base, password = sys.argv[1], sys.argv[2]
shots = sys.argv[3] if len(sys.argv) > 3 else None
options = webdriver.ChromeOptions()
for arg in ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,900", "--lang=zh-CN"]:
    options.add_argument(arg)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get(base + "/login")
    assert "登录" in driver.title, driver.title
    if shots: driver.save_screenshot(os.path.join(shots, "login.png"))
    driver.find_element(By.ID, "username").send_keys("admin")
    driver.find_element(By.ID, "password").send_keys("wrong")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "用户名或密码不正确" in driver.page_source
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "首页" in driver.title, driver.title
    assert "推荐出席省第九次党代会代表候选人预备人选" in driver.page_source
    if shots: driver.save_screenshot(os.path.join(shots, "home.png"))
    print("e2e login smoke: 1 passed, 0 failed")
finally:
    driver.quit()
